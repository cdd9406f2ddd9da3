// The interface every architecture implements. A model renders frames of one segment
// from (a) the frame's position in time and (b) optional per-frame transmitted tensors
// (an HNeRV embedding, ...). Models that compute those tensors from the frames
// (encoder side, not transmitted) do so in embed().
//
// Parameter names (named_parameters()) are the tensor names in the container, so
// register submodules with stable names. Whether a parameter is stored in the stream is
// decided by is_transmitted(): HNeRV's ConvNeXt encoder is not.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "container/metadata.h"
#include "train/recipe.h"

namespace nerv {

/** A batch of frames of one segment. */
struct FrameBatch {
    /** [B] float32: frame position in the segment, 0..N-1; fractional values render
     *  in-between times (models map it to their own time convention, e.g. i/N). */
    torch::Tensor index;
    /** N: number of frames in the segment. */
    int64_t frame_count = 0;
    /** [B,3,Hc,Wc] float32 in [0,1], the canvas-padded frames. Encoder side only. */
    torch::Tensor frames;
    /** Encoder side: any frames of the segment, [K] int64 indices in 0..N-1 -> [K,3,Hc,Wc]
     *  float32 in [0,1] on the model's device. Models with temporal inputs (neighbour
     *  differences) fetch neighbours through it, applying their own boundary rule. */
    std::function<torch::Tensor(const torch::Tensor &indices)> frames_at;
    /** Encoder side, inpainting only: [B,1,Hc,Wc] float32, 1 where a pixel is seen and 0 in
     *  a hole (frames and frames_at hold 0 there). Losses leave the holes out. Undefined:
     *  every pixel is seen. */
    torch::Tensor visible;
    /** Per-frame transmitted tensors, [B, frame_shape...] float32 (decoder side), keyed by
     *  FrameTensorSpec::name. */
    std::map<std::string, torch::Tensor> inputs;
};

/** A tensor transmitted once per frame. */
struct FrameTensorSpec {
    std::string name;                 // e.g. "embed"
    std::vector<int64_t> shape;       // one frame's shape, e.g. {16, 2, 4}
    bool quantize = true;             // false: stored as float32 whatever qbits_embed says
};

/** One row of `nerv arch`'s layer table. */
struct LayerInfo {
    std::string name;       // module name = tensor-name prefix
    std::string op;         // e.g. "Conv3x3 57->768, PS4, GELU"
    std::string output;     // e.g. "[B,48,40,80]"
    int64_t parameters = 0;
    bool transmitted = true;
};

/** What a training step computed. */
struct TrainStep {
    torch::Tensor loss;     // scalar to minimise
    torch::Tensor output;   // [B,3,Hc,Wc] rendered frames (for PSNR reporting)
};

class LossFunction;

class VideoModelImpl : public torch::nn::Module {
public:
    ~VideoModelImpl() override = default;

    /** Registry name, e.g. "hnerv". */
    virtual std::string arch() const = 0;
    /** The fully resolved config under "<arch>." keys; the decoder rebuilds from it. */
    virtual void write_config(Metadata &meta) const = 0;
    /** Canvas the network renders (>= coded size; the caller crops the top-left HxW). */
    virtual int canvas_width() const = 0;
    virtual int canvas_height() const = 0;

    /** Per-frame transmitted tensors (none for purely time-indexed models). */
    virtual std::vector<FrameTensorSpec> frame_tensors() const { return {}; }
    /** Encoder side: compute frame_tensors() from batch.frames. */
    virtual std::map<std::string, torch::Tensor> embed(const FrameBatch &batch) { return {}; }
    /** Decoder: render [B,3,Hc,Wc] in [0,1] from batch.index and batch.inputs. */
    virtual torch::Tensor render(const FrameBatch &batch) = 0;
    /** Decoder: the canvas render() draws, drawn at out_height x out_width (super-resolution).
     *  Only architectures registered with ArchEntry::renders_any_size override it; the default
     *  renders the canvas size and throws -ENOTSUP for any other. */
    virtual torch::Tensor render_size(const FrameBatch &batch, int out_height, int out_width);
    /** Training: by default render(batch + embed(batch)) against batch.frames cropped to
     *  the coded size, over batch.visible's pixels. Models with auxiliary losses (SNeRV
     *  bands) override. */
    virtual TrainStep train_step(const FrameBatch &batch, const LossFunction &loss, int coded_height,
                                 int coded_width);

    /** Is this parameter stored in the stream? (default: all) */
    virtual bool is_transmitted(const std::string &parameter_name) const { return true; }
    /** Is this buffer stored in the stream (float32)? Buffers the config determines (coordinate
     *  grids) are not; learned statistics (BatchNorm running means) would be. Default: none. */
    virtual bool is_stored_buffer(const std::string &buffer_name) const { return false; }
    /** Buffers the reference implementation holds as (frozen) parameters, so that parameter
     *  counts compare with its figures (E-NeRV's coordinate grid). Default: none. */
    virtual std::vector<std::string> reference_counted_buffers() const { return {}; }
    /** Weights global magnitude pruning may zero: transmitted conv/linear weights, not
     *  biases, not the output head (NeRV's rule). */
    virtual std::vector<std::string> prunable_parameters() const = 0;
    /** Name prefix of the output head's parameters (counted separately). */
    virtual std::string head_prefix() const { return "head"; }
    /** Layer table for `nerv arch`, from the config (no forward pass). */
    virtual std::vector<LayerInfo> layers() const = 0;
    /** Short summary of the key resolved hyper-parameters. */
    virtual std::string summary() const = 0;
};

using VideoModel = std::shared_ptr<VideoModelImpl>;

/** Parameter counts by role. */
struct ParameterCounts {
    int64_t transmitted = 0;  // incl. head
    int64_t head = 0;
    int64_t encoder = 0;      // not transmitted
    int64_t fixed = 0;        // reference_counted_buffers(): rebuilt from the config, not stored
};
ParameterCounts count_parameters(VideoModelImpl &model);

/** Parameters a layer table describes; with_encoder false leaves out the rows that are not
 *  transmitted (a decoder never builds the encoder, so its budget must not count it). */
int64_t table_parameters(const std::vector<LayerInfo> &table, bool with_encoder);

/** "[B,68,2,4]" */
std::string shape_text(const std::vector<int64_t> &dims);

}  // namespace nerv
