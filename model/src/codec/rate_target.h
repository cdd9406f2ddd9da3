// Bit-rate targets (setting "bitrate", docs/settings.md "Bit-rate target"): a segment's share of
// the rate in bytes, the size whose stream is expected to fit it before any training, and the
// pruning that brings a trained network that codes above its share down to it. The size is an
// estimate (bits per coded value vary with content and training); the pruning is measured on the
// trained network with the codec itself, so an encode lands near its share from above or below.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "arch/video_model.h"
#include "codec/encode_job.h"

namespace nerv {

/** The size is chosen this much above the share, so that pruning, which can only take bytes
 *  away, trims the trained network to it. */
constexpr double kRateHeadroom = 1.05;
/** Quantization-aware encodes aim the size at the share itself, and a network that codes at most
 *  this much above it is not pruned: at 4 bits a pruned weight saves only ~1.5 bits, and pruning a
 *  third of a network to take 10% of its bytes cost ~0.8 dB after 40 epochs (docs/design.md). */
constexpr double kQuantAwareTolerance = 1.10;
/** Pruning never goes past this fraction of the prunable weights. */
constexpr double kMaxRatePrune = 0.9;

/** Bytes of a segment of `frames` frames at the job's bit rate and frame rate. */
double segment_target_bytes(const EncodeJob &job, int64_t frames);

/** The container's bytes around a segment's coded tensors: its chunk (framing, metadata, tensor
 *  entries) with a share of the stream header, and each frame's record. */
double framing_bytes(int64_t frames);

/** Bytes a segment is expected to take before training: bits per coded value as measured on
 *  trained HNeRV streams (weights qbits - 0.5; after quantization-aware fine-tuning qbits - 0.9 at 53k
 *  weights, 0.2 bit less per doubling;
 *  embeddings coded against their prediction
 *  ~0.4 x qbits_embed; float32 when 0), plus the container's framing of the segment and its frames. */
double expected_segment_bytes(const EncodeJob &job, int64_t weights, int64_t embedding_values, int64_t frames);

/** The size (a parameter budget, as text) for the job's bit rate: the largest budget whose model is
 *  expected to take at most kRateHeadroom x the segment's share (the share itself with qat_epochs). `model_counts(budget, &weights,
 *  &embedding_values)` builds (or describes) the model of a budget and returns false when the
 *  architecture cannot reach it. Throws -EINVAL, with the figures, when no budget fits. */
std::string size_for_bitrate(const EncodeJob &job, int64_t frames,
                             const std::function<bool(int64_t, int64_t *, int64_t *)> &model_counts);

/** The smallest pruning fraction in [0, kMaxRatePrune] at which `coded_bytes(fraction)` (the
 *  segment's bytes with that fraction pruned; falls as the fraction grows) is at most `target`
 *  (to 1/1024); 0 when the unpruned network fits, kMaxRatePrune when even that does not. */
double prune_fraction_for_bytes(double target, const std::function<double(double)> &coded_bytes);

/** The fraction of the trained `model` to prune so that its segment of `frames` frames codes to
 *  its share of the bit rate (prune_fraction_for_bytes): at each fraction tried the weights are
 *  coded as the stream codes them (qbits, pruned zeros as a symbol of their own) and put back; the
 *  embeddings (`stacked`, one tensor per spec) count as coded now, plus framing_bytes(). Logs the
 *  figures (a warning when even kMaxRatePrune stays above the share). */
double rate_prune_fraction(VideoModelImpl &model, const std::vector<FrameTensorSpec> &specs,
                           const std::vector<torch::Tensor> &stacked, int64_t frames, const EncodeJob &job,
                           int segment_index);

}  // namespace nerv
