#include "codec/rate_target.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "codec/model_weights.h"
#include "compress/tensor_codec.h"
#include "core/error.h"
#include "train/prune.h"

namespace nerv {

namespace {

// Bits a coded weight takes below qbits, measured on carphone 176x144 HNeRV streams after 40 epochs
// (docs/benchmarks.md, "Bit-rate target"): 8-bit weights 7.3-8.2 bits (nearly uniform symbols and
// their tables; more for larger networks), 4-bit ones after quantization-aware fine-tuning 2.6-3.1
// (less for larger networks). The low side for 8 bits, where a network above its share is pruned
// to it after training (one below cannot grow); a fit over size for 4 bits + QAT, which is left
// within kQuantAwareTolerance of its share.
constexpr double kWeightBitsBelowQuantBits = 0.5;
// After quantization-aware fine-tuning: 3.1 bits per 4-bit weight at 53k weights, 0.2 bit less per
// doubling of the network (2.84 at 110k, 2.62 at 274k).
constexpr double kQuantAwareWeightBitsBelowQuantBits = 0.9;
constexpr double kQuantAwareReferenceWeights = 53000;
constexpr double kQuantAwareBitsPerDoubling = 0.2;
// 6-bit embeddings coded against their per-segment prediction take ~2.4 bits.
constexpr double kEmbeddingBitsPerQuantBit = 0.4;
constexpr double kFrameRecordBytes = 40;   // chunk framing 16, index 4, pts 8, payload count 4, size 8
constexpr double kSegmentBytes = 1900;     // HNeRV's segment chunk (framing, metadata, tensor entries) + stream header

double bits_per_weight(int qbits, bool quant_aware, int64_t weights)
{
    if (qbits <= 0)
        return 32.0;
    if (!quant_aware)
        return std::max(1.0, qbits - kWeightBitsBelowQuantBits);
    const double doublings = std::log2(std::max<double>(1, weights) / kQuantAwareReferenceWeights);
    return std::clamp(qbits - kQuantAwareWeightBitsBelowQuantBits - kQuantAwareBitsPerDoubling * doublings, 1.0,
                      qbits - 0.5);
}
double bits_per_embedding(int qbits) { return qbits > 0 ? kEmbeddingBitsPerQuantBit * qbits : 32.0; }

/** Whether the encode has a quantization-aware phase (qat_epochs is ignored for float weights). */
bool quant_aware(const EncodeJob &job) { return job.qbits > 0 && job.qat_epochs != 0; }

}  // namespace

double segment_target_bytes(const EncodeJob &job, int64_t frames)
{
    return static_cast<double>(job.bitrate) * static_cast<double>(frames) * job.fps_den / job.fps_num / 8.0;
}

double framing_bytes(int64_t frames) { return kFrameRecordBytes * static_cast<double>(frames) + kSegmentBytes; }

double expected_segment_bytes(const EncodeJob &job, int64_t weights, int64_t embedding_values, int64_t frames)
{
    return (static_cast<double>(weights) * bits_per_weight(job.qbits, quant_aware(job), weights) +
            static_cast<double>(embedding_values) * bits_per_embedding(job.qbits_embed)) /
               8.0 +
           framing_bytes(frames);
}

std::string size_for_bitrate(const EncodeJob &job, int64_t frames,
                             const std::function<bool(int64_t, int64_t *, int64_t *)> &model_counts)
{
    const double target = segment_target_bytes(job, frames);
    const double goal = (quant_aware(job) ? 1.0 : kRateHeadroom) * target;
    // Every value costs at least a bit, so no fitting budget is above goal x 8 values; the
    // search runs in log space between a budget too small for any model and that bound.
    double lo = std::log(1000.0), hi = std::log(std::max(2000.0, goal * 8.0));
    int64_t best = 0;
    double best_bytes = 0, smallest_bytes = -1;
    for (int i = 0; i < 24 && hi - lo > 1e-3; ++i) {
        const double mid = 0.5 * (lo + hi);
        const int64_t budget = static_cast<int64_t>(std::llround(std::exp(mid)));
        int64_t weights = 0, embeddings = 0;
        if (!model_counts(budget, &weights, &embeddings)) {
            lo = mid;  // the architecture does not reach budgets this small
            continue;
        }
        const double bytes = expected_segment_bytes(job, weights, embeddings, frames);
        if (smallest_bytes < 0 || bytes < smallest_bytes)
            smallest_bytes = bytes;
        if (bytes <= goal) {
            lo = mid;
            if (budget > best) {
                best = budget;
                best_bytes = bytes;
            }
        } else {
            hi = mid;
        }
    }
    if (best == 0)
        fail_invalid_argument(format(
            "setting 'bitrate' = %lld b/s is too low for arch '%s' at %dx%d: a segment of %lld frames gets %.0f bytes, "
            "and %s; raise the bit rate, lower qbits / qbits_embed, or use longer segments",
            static_cast<long long>(job.bitrate), job.arch.c_str(), job.width, job.height,
            static_cast<long long>(frames), target,
            smallest_bytes < 0 ? "no model size was found"
                               : format("the smallest model it reaches is expected to take %.0f", smallest_bytes).c_str()));
    job.logger.log(NERV_LOG_INFO, "bitrate %lld b/s: %.0f bytes for %lld frames; size %lld (expected %.0f bytes)",
                   static_cast<long long>(job.bitrate), target, static_cast<long long>(frames),
                   static_cast<long long>(best), best_bytes);
    return format("%lld", static_cast<long long>(best));
}

double prune_fraction_for_bytes(double target, const std::function<double(double)> &coded_bytes)
{
    if (coded_bytes(0) <= target)
        return 0;
    if (coded_bytes(kMaxRatePrune) > target)
        return kMaxRatePrune;
    double lo = 0, hi = kMaxRatePrune;  // coded_bytes(lo) > target >= coded_bytes(hi)
    while (hi - lo > 1.0 / 1024) {
        const double mid = 0.5 * (lo + hi);
        (coded_bytes(mid) <= target ? hi : lo) = mid;
    }
    return hi;
}

double rate_prune_fraction(VideoModelImpl &model, const std::vector<FrameTensorSpec> &specs,
                           const std::vector<torch::Tensor> &stacked, int64_t frames, const EncodeJob &job,
                           int segment_index)
{
    double embedding_bytes = 0;
    for (size_t i = 0; i < specs.size(); ++i) {
        TensorCodingOptions o;
        o.bits = specs[i].quantize ? job.qbits_embed : 0;
        const FrameTensorEncoding e = encode_frame_tensor(stacked[i].data_ptr<float>(), frames, specs[i].shape, o);
        embedding_bytes += static_cast<double>(e.codec_payload.size());
        for (const std::vector<uint8_t> &p : e.frame_payloads)
            embedding_bytes += static_cast<double>(p.size());
    }
    // A trial pruning zeroes weights in place: the trained ones are put back after each.
    std::vector<torch::Tensor> params, trained;
    for (const torch::Tensor &p : model.parameters(true)) {
        params.push_back(p);
        trained.push_back(p.detach().clone());
    }
    // Each fraction is coded once (the search asks for some twice: 0, and the one it returns).
    std::map<double, double> coded;
    auto coded_bytes = [&](double fraction) {
        auto it = coded.find(fraction);
        if (it != coded.end())
            return it->second;
        if (fraction > 0)
            PruneMasks::global_magnitude(model, fraction);
        double bytes = framing_bytes(frames) + embedding_bytes;
        for (const TensorEntry &t : encode_model_weights(model, job.qbits, fraction > 0))
            bytes += static_cast<double>(t.payload.size());
        torch::NoGradGuard no_grad;
        for (size_t i = 0; i < params.size(); ++i)
            params[i].copy_(trained[i]);
        coded[fraction] = bytes;
        return bytes;
    };
    const double target = segment_target_bytes(job, frames);
    const double unpruned = coded_bytes(0);
    const bool tolerated = quant_aware(job) && unpruned <= kQuantAwareTolerance * target;
    const double fraction = tolerated ? 0.0 : prune_fraction_for_bytes(target, coded_bytes);
    const double pruned = coded_bytes(fraction);
    job.logger.log(NERV_LOG_INFO,
                   "segment %d: bitrate share %.0f bytes; the trained network codes to %.0f (embeddings %.0f): %s",
                   segment_index, target, unpruned, embedding_bytes,
                   fraction > 0 ? format("pruning %.1f%% of its weights (%.0f bytes)", 100 * fraction, pruned).c_str()
                   : tolerated  ? "no pruning (within the tolerance of quantization-aware encodes)"
                                : "no pruning");
    if (fraction == kMaxRatePrune && pruned > target)
        job.logger.log(NERV_LOG_WARNING,
                       "segment %d: %.0f bytes even with %.0f%% of the weights pruned, above the share of %.0f: the "
                       "stream will be above the bit rate (raise it, or lower qbits)",
                       segment_index, pruned, 100 * kMaxRatePrune, target);
    return fraction;
}

}  // namespace nerv
