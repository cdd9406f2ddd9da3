#include "codec/segment_decoder.h"

#include "arch/layers/arch_limits.h"
#include "arch/registry.h"
#include "codec/model_weights.h"
#include "compress/tensor_codec.h"
#include "core/error.h"
#include "core/lerp.h"
#include "train/device.h"
#include "train/memory_budget.h"

namespace nerv {

struct SegmentDecoder::Impl {
    int width = 0, height = 0;                // pictures put out: the render size
    int canvas_width = 0, canvas_height = 0;  // what the model draws before the crop to them
    bool other_size = false;                  // drawn with render_size(), not render()
    int64_t frame_count = 0;
    torch::Device device = torch::kCPU;
    VideoModel model;
    std::vector<FrameTensorSpec> specs;
    std::vector<FrameTensorDecoder> frame_decoders;
    int64_t parameters = 0;
    std::string arch;
    int threads = 0;
};

SegmentDecoder::SegmentDecoder(int width, int height, const SegmentRecord &segment, const DecodeOptions &opts)
    : impl_(std::make_unique<Impl>())
{
    Impl &s = *impl_;
    output_size(opts, width, height, &s.width, &s.height);
    s.other_size = s.width != width || s.height != height;
    s.frame_count = segment.frame_count;
    s.threads = opts.threads;
    s.device = resolve_device(opts.device);
    apply_thread_setting(opts.threads);

    s.arch = segment.meta.get_string("model.arch");
    const ArchEntry *entry = find_arch(s.arch);
    if (!entry)
        fail_invalid_data(format("segment: unknown architecture '%s' (this libnerv knows: %s)", s.arch.c_str(),
                                 [] {
                                     std::string names;
                                     for (const auto &e : arch_registry())
                                         names += (names.empty() ? "" : ", ") + std::string(e.name);
                                     return names;
                                 }()
                                     .c_str()));
    if (s.other_size && !entry->renders_any_size)
        fail(-ENOTSUP, format("render size %dx%d: %s renders only its coded size %dx%d; only %s renders other sizes "
                              "(use a scale filter)",
                              s.width, s.height, s.arch.c_str(), width, height, archs_rendering_any_size().c_str()));
    // The memory budget reaches each architecture's validate() through the parameter limit, so
    // a model too large for it is refused before any weight is allocated.
    const MemoryBudget budget = memory_budget(opts.memory_limit_mib, s.device);
    const char *hint = "a larger decoder memory_limit, or another device";
    {
        ParameterLimitScope limit(parameter_limit(budget, kDecodeBytesPerParameter));
        std::lock_guard<std::mutex> lock(model_construction_mutex());
        try {
            s.model = entry->load(segment.meta, /*with_encoder=*/false);
        } catch (const Error &) {
            fail_if_over_budget(limit, budget, kDecodeBytesPerParameter, "segment (" + s.arch + ")", hint,
                                NERV_ERROR_INVALIDDATA);
            throw;
        }
    }
    if (s.model->canvas_width() < width || s.model->canvas_height() < height)
        fail_invalid_data(format("segment: model canvas %dx%d is smaller than the picture %dx%d",
                                 s.model->canvas_width(), s.model->canvas_height(), width, height));
    // At another size the whole canvas is drawn at the same scale as the coded area, which keeps
    // its top-left place in it (rounded up to whole pixels; exact when the scale divides).
    const int64_t scaled_width = (static_cast<int64_t>(s.model->canvas_width()) * s.width + width - 1) / width;
    const int64_t scaled_height = (static_cast<int64_t>(s.model->canvas_height()) * s.height + height - 1) / height;
    if (scaled_width > kMaxArchCanvas || scaled_height > kMaxArchCanvas)
        fail_invalid_argument(format("render size %dx%d: the %s model's %dx%d canvas (coded %dx%d) drawn at that "
                                     "scale is %lldx%lld, more than %d per side",
                                     s.width, s.height, s.arch.c_str(), s.model->canvas_width(),
                                     s.model->canvas_height(), width, height, static_cast<long long>(scaled_width),
                                     static_cast<long long>(scaled_height), static_cast<int>(kMaxArchCanvas)));
    s.canvas_width = static_cast<int>(scaled_width);
    s.canvas_height = static_cast<int>(scaled_height);
    // Rendering needs the canvas' activations: count at least kDecodeBytesPerCanvasPixel a pixel.
    const int64_t canvas_pixels = scaled_width * scaled_height;
    const int64_t needed = count_parameters(*s.model).transmitted * kDecodeBytesPerParameter +
                           canvas_pixels * kDecodeBytesPerCanvasPixel;
    if (budget.bytes >= 0 && needed > budget.bytes)
        fail(-ENOMEM, format("segment (%s): rendering its %dx%d canvas needs at least %s, more than the %s %s; %s",
                             s.arch.c_str(), s.canvas_width, s.canvas_height, memory_text(needed).c_str(),
                             memory_text(budget.bytes).c_str(), budget.source.c_str(), hint));
    load_model_weights(*s.model, segment.tensors);
    s.parameters = count_parameters(*s.model).transmitted;
    s.model->to(s.device);
    channels_last_for_inference(*s.model);
    s.model->eval();

    s.specs = s.model->frame_tensors();
    if (s.specs.size() != segment.frame_codecs.size())
        fail_invalid_data(format("segment: %zu per-frame tensors stored, the %s model needs %zu",
                                 segment.frame_codecs.size(), s.arch.c_str(), s.specs.size()));
    for (size_t i = 0; i < s.specs.size(); ++i) {
        const TensorEntry &c = segment.frame_codecs[i];
        if (c.name != s.specs[i].name || c.shape != s.specs[i].shape)
            fail_invalid_data(format("segment: per-frame tensor %zu is '%s' %s, the model needs '%s' %s", i,
                                     c.name.c_str(), shape_text(c.shape).c_str(), s.specs[i].name.c_str(),
                                     shape_text(s.specs[i].shape).c_str()));
        s.frame_decoders.emplace_back(c.payload.data(), c.payload.size(), s.frame_count, c.shape);
    }
    opts.logger.log(NERV_LOG_VERBOSE, "segment decoder: %s, %lld parameters, %lld frames, device %s", s.arch.c_str(),
                    static_cast<long long>(s.parameters), static_cast<long long>(s.frame_count),
                    s.device.str().c_str());
}

SegmentDecoder::~SegmentDecoder() = default;

void SegmentDecoder::check_record(const FrameRecord &frame) const
{
    const Impl &s = *impl_;
    if (frame.index_in_segment >= s.frame_count)
        fail_invalid_data(format("frame record: index %u outside its segment of %lld frames", frame.index_in_segment,
                                 static_cast<long long>(s.frame_count)));
    if (frame.payloads.size() != s.frame_decoders.size())
        fail_invalid_data(format("frame record: %zu tensors, the segment needs %zu", frame.payloads.size(),
                                 s.frame_decoders.size()));
}

std::vector<float> SegmentDecoder::frame_tensor(const FrameRecord &frame, size_t i) const
{
    return impl_->frame_decoders[i].decode(frame.index_in_segment, frame.payloads[i].data(),
                                           frame.payloads[i].size());
}

void SegmentDecoder::render(const FrameRecord &frame, std::vector<float> *rgb)
{
    check_record(frame);
    std::vector<std::vector<float>> tensors;
    for (size_t i = 0; i < impl_->frame_decoders.size(); ++i)
        tensors.push_back(frame_tensor(frame, i));
    render_batch(frame.index_in_segment, tensors, rgb);
}

void SegmentDecoder::render_between(const FrameRecord &lower, const FrameRecord &upper, double weight,
                                    std::vector<float> *rgb)
{
    check_record(lower);
    check_record(upper);
    if (upper.index_in_segment != lower.index_in_segment + 1 || !(weight > 0.0 && weight < 1.0))
        fail_invalid_argument(format("render_between: frames %u and %u at weight %g are not an interval between "
                                     "consecutive frames",
                                     lower.index_in_segment, upper.index_in_segment, weight));
    // Each transmitted per-frame tensor (embedding, wavelet norm, difference or temporal
    // embedding) is the straight line between the two frames' values.
    std::vector<std::vector<float>> tensors;
    for (size_t i = 0; i < impl_->frame_decoders.size(); ++i) {
        std::vector<float> a = frame_tensor(lower, i);
        const std::vector<float> b = frame_tensor(upper, i);
        lerp_values(a.data(), b.data(), a.size(), weight, a.data());
        tensors.push_back(std::move(a));
    }
    render_batch(lower.index_in_segment + weight, tensors, rgb);
}

void SegmentDecoder::render_batch(double index, const std::vector<std::vector<float>> &tensors,
                                  std::vector<float> *rgb)
{
    Impl &s = *impl_;
    apply_thread_setting(s.threads);
    c10::InferenceMode inference;
    FrameBatch b;
    b.index = torch::full({1}, static_cast<float>(index), torch::kFloat32).to(s.device);
    b.frame_count = s.frame_count;
    for (size_t i = 0; i < tensors.size(); ++i) {
        std::vector<int64_t> shape = {1};
        shape.insert(shape.end(), s.specs[i].shape.begin(), s.specs[i].shape.end());
        b.inputs[s.specs[i].name] =
            torch::from_blob(const_cast<float *>(tensors[i].data()), shape, torch::kFloat32).clone().to(s.device);
    }
    namespace I = torch::indexing;
    const torch::Tensor canvas =
        s.other_size ? s.model->render_size(b, s.canvas_height, s.canvas_width) : s.model->render(b);
    const torch::Tensor out = canvas.index({0, I::Slice(), I::Slice(0, s.height), I::Slice(0, s.width)})
                                  .to(torch::kCPU, torch::kFloat32)
                                  .contiguous();
    rgb->assign(out.data_ptr<float>(), out.data_ptr<float>() + out.numel());
}

int64_t SegmentDecoder::parameters() const { return impl_->parameters; }
const std::string &SegmentDecoder::arch() const { return impl_->arch; }

}  // namespace nerv
