#include "codec/segment_encoder.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "arch/registry.h"
#include "codec/arch_description.h"
#include "codec/frame_subset.h"
#include "codec/model_size.h"
#include "codec/model_weights.h"
#include "codec/rate_target.h"
#include "codec/segment_decoder.h"
#include "codec/training_state.h"
#include "compress/tensor_codec.h"
#include "container/records.h"
#include "core/error.h"
#include "metrics/psnr.h"
#include "metrics/ssim.h"
#include "train/device.h"
#include "train/prune.h"
#include "train/trainer.h"

namespace nerv {
namespace {

using Clock = std::chrono::steady_clock;

/** Quantization-aware fine-tuning's peak learning rate, relative to the recipe's (measured:
 *  docs/benchmarks.md, "Quantization-aware fine-tuning"). */
constexpr double kQuantAwareLrFactor = 0.1;

TrainRecipe resolve_recipe(const ArchEntry &entry, const EncodeJob &job)
{
    TrainRecipe r = entry.recipe();
    if (job.epochs > 0)
        r.epochs = job.epochs;
    if (job.lr > 0)
        r.lr = job.lr;
    if (job.batch_size > 0)
        r.batch_size = job.batch_size;
    if (!job.loss.empty() && !parse_loss(job.loss, &r.loss))
        fail_invalid_argument(
            format("setting 'loss' = '%s' is invalid: expected one of %s", job.loss.c_str(), kLossChoices));
    if (job.grad_clip > 0)
        r.grad_clip = job.grad_clip;
    else if (job.grad_clip < 0)
        r.grad_clip = 0;
    return r;
}

/** Edge-replicate [N,3,H,W] to [N,3,Hc,Wc] (works for uint8, unlike replication padding). */
torch::Tensor pad_to_canvas(const torch::Tensor &frames, int64_t hc, int64_t wc)
{
    const int64_t h = frames.size(2), w = frames.size(3);
    if (hc == h && wc == w)
        return frames;
    const auto opts = torch::TensorOptions().dtype(torch::kLong).device(frames.device());
    const torch::Tensor rows = torch::arange(hc, opts).clamp_max(h - 1);
    const torch::Tensor cols = torch::arange(wc, opts).clamp_max(w - 1);
    return frames.index_select(2, rows).index_select(3, cols).contiguous();
}

/** Inpainting: the mask's uint8 0/1 visibility [N or 1,1,H,W] on `device`; undefined
 *  without a mask. */
torch::Tensor visibility(const InpaintMask &mask, int64_t first_frame, int64_t frames, int width, int height,
                         const torch::Device &device)
{
    if (!mask.enabled())
        return torch::Tensor();
    std::vector<uint8_t> planes = mask.visible(first_frame, frames);
    const int64_t count = static_cast<int64_t>(planes.size()) / (static_cast<int64_t>(width) * height);
    return torch::from_blob(planes.data(), {count, 1, height, width}, torch::kUInt8).to(device, false, true);
}

}  // namespace

int64_t frame_buffer_bytes(int width, int height) { return 3 * static_cast<int64_t>(width) * height; }

int parallel_training_devices(NervDevice requested)
{
    if (requested == NERV_DEVICE_CPU || !torch::cuda::is_available())
        return 0;
    return static_cast<int>(torch::cuda::device_count());
}

int available_cores() { return usable_cores(); }

struct SegmentEncoder::Impl {
    EncodeJob job;
    torch::Device device = torch::kCPU;
    std::vector<torch::Tensor> frames;  // [3,H,W] uint8 on the training device
    std::vector<int64_t> pts;
};

SegmentEncoder::SegmentEncoder(const EncodeJob &job) : impl_(std::make_unique<Impl>())
{
    impl_->job = job;
    impl_->device = resolve_device(job.device);
    if (impl_->device.is_cuda() && job.device_index >= 0)
        impl_->device = torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(job.device_index));
}

SegmentEncoder::~SegmentEncoder() = default;

void SegmentEncoder::add_frame(const uint8_t *rgb_planar, int64_t pts)
{
    const EncodeJob &j = impl_->job;
    torch::Tensor f = torch::from_blob(const_cast<uint8_t *>(rgb_planar), {3, j.height, j.width}, torch::kUInt8);
    impl_->frames.push_back(f.to(impl_->device, /*non_blocking=*/false, /*copy=*/true));
    impl_->pts.push_back(pts);
}

int64_t SegmentEncoder::buffered() const { return static_cast<int64_t>(impl_->frames.size()); }

void SegmentEncoder::discard()
{
    impl_->frames.clear();
    impl_->pts.clear();
}

namespace {

/** The per-frame tensors (embeddings) of every frame from the trained encoder side, stacked per
 *  spec on the CPU; frames outside `trained` (held out) interpolated from their trained neighbours,
 *  which the encoder never sees. */
std::vector<torch::Tensor> embed_frames(VideoModelImpl &model, const std::vector<FrameTensorSpec> &specs,
                                        const torch::Tensor &frames, const torch::Tensor &visible, int64_t batch,
                                        const std::vector<int64_t> &trained, const std::string &arch)
{
    torch::NoGradGuard no_grad;
    const int64_t n = frames.size(0);
    std::vector<std::vector<torch::Tensor>> per_spec(specs.size());
    for (int64_t b0 = 0; b0 < n && !specs.empty(); b0 += batch) {
        const int64_t b1 = std::min(n, b0 + batch);
        const torch::Tensor idx = torch::arange(b0, b1, torch::TensorOptions().dtype(torch::kLong)).to(frames.device());
        auto embedded = model.embed(frame_batch(frames, idx, visible));
        for (size_t i = 0; i < specs.size(); ++i) {
            auto it = embedded.find(specs[i].name);
            if (it == embedded.end())
                fail(-EIO, format("%s: embed() did not produce '%s'", arch.c_str(), specs[i].name.c_str()));
            per_spec[i].push_back(it->second.to(torch::kCPU, torch::kFloat32));
        }
    }
    std::vector<torch::Tensor> stacked(specs.size());
    for (size_t i = 0; i < specs.size(); ++i) {
        stacked[i] = torch::cat(per_spec[i]).contiguous();
        if (static_cast<int64_t>(trained.size()) < n)
            interpolate_held_out(stacked[i].data_ptr<float>(), n, stacked[i].numel() / n, trained);
    }
    return stacked;
}

/** A model whose coded weights and embeddings outweigh the 8-bit 4:2:0 frames it stands for is
 *  no compression: say so (the encode goes on; the user asked for this size). */
void warn_if_larger_than_raw(VideoModelImpl &model, const EncodeJob &job, int64_t frames, int segment_index)
{
    const double coded = static_cast<double>(count_parameters(model).transmitted) * job.qbits / 8.0 +
                         static_cast<double>(embedding_values(model, frames)) * job.qbits_embed / 8.0;
    const double raw = 1.5 * job.width * job.height * static_cast<double>(frames);
    if (coded > raw)
        job.logger.log(NERV_LOG_WARNING,
                       "segment %d: this model costs about %.0f bytes, more than the %.0f bytes of the raw video "
                       "(%lld frames of %dx%d, 8-bit 4:2:0): choose a smaller size, or leave size unset for one "
                       "that fits the clip",
                       segment_index, coded, raw, static_cast<long long>(frames), job.width, job.height);
}

}  // namespace

EncodedSegment SegmentEncoder::encode(int64_t first_frame, int segment_index, const SegmentCheckpointing *checkpointing)
{
    Impl &s = *impl_;
    const EncodeJob &job = s.job;
    const int64_t n = buffered();
    if (n == 0)
        fail(-EIO, "encode: no frames buffered");
    apply_thread_setting(job.threads);
    const auto t0 = Clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };

    // 1. Resolve and build the architecture for this segment (budgets may count its frames).
    const ArchEntry *entry = find_arch(job.arch);
    if (!entry)
        fail_invalid_argument(format("setting 'arch' = '%s' is unknown", job.arch.c_str()));
    const KeyValues params = KeyValues::parse(job.arch_params);
    ArchRequest request;
    request.width = job.width;
    request.height = job.height;
    request.frames = n;
    // A bit-rate target chooses the size from the segment's share of it (codec/rate_target.h).
    request.size = job.bitrate > 0 ? size_for_bitrate(job, n, [&](int64_t budget, int64_t *weights, int64_t *values) {
        EncodeJob candidate = job;
        candidate.size = format("%lld", static_cast<long long>(budget));
        try {
            const ArchDescription d = describe_arch(candidate, n);
            *weights = d.decoder_parameters - d.fixed_parameters;
            *values = d.embedding_values;
            return true;
        } catch (const Error &e) {
            if (e.code() != -EINVAL)
                throw;
            return false;  // a budget the architecture does not reach
        }
    }) : job.size;
    request.params = &params;
    // Its frames are buffered already: the device's available memory excludes them, an
    // explicit memory_limit has to hold them too.
    MemoryBudget budget = memory_budget(job.memory_limit_mib, s.device);
    if (job.memory_limit_mib > 0) {
        const int64_t frame_bytes = n * frame_buffer_bytes(job.width, job.height);
        budget.bytes = std::max<int64_t>(0, budget.bytes - frame_bytes);
        budget.source += format(" less the segment's %s of frames", memory_text(frame_bytes).c_str());
    }
    VideoModel model = create_model_for_training(*entry, request, static_cast<uint64_t>(job.seed), budget,
                                                 format("segment %d (%s)", segment_index, job.arch.c_str()));
    params.check_all_used(("arch " + job.arch).c_str());
    const TrainRecipe recipe = resolve_recipe(*entry, job);
    const ParameterCounts counts = count_parameters(*model);
    job.logger.log(NERV_LOG_INFO, "segment %d: %lld frames, %s %s, %lld parameters (+%lld encoder-side), %d epochs on %s",
                   segment_index, static_cast<long long>(n), job.arch.c_str(), model->summary().c_str(),
                   static_cast<long long>(counts.transmitted), static_cast<long long>(counts.encoder), recipe.epochs,
                   s.device.str().c_str());
    warn_if_larger_than_raw(*model, job, n, segment_index);

    // 2. Frames on the canvas the model renders; inpainting zeroes the holes before anything
    //    (content encoders, neighbour differences, the loss) reads them.
    torch::Tensor frames = torch::stack(s.frames);
    s.frames.clear();
    const torch::Tensor visible = visibility(job.mask, first_frame, n, job.width, job.height, s.device);
    if (visible.defined()) {
        frames.mul_(visible);
        const double hidden = 1.0 - visible.to(torch::kDouble).mean().item<double>();
        job.logger.log(NERV_LOG_INFO,
                       "segment %d: inpainting, %s mask hides %.1f%% of the pixels; the loss and the PSNR reported "
                       "below are over the visible pixels",
                       segment_index, job.mask.describe().c_str(), 100.0 * hidden);
    }
    frames = pad_to_canvas(frames, model->canvas_height(), model->canvas_width());
    const torch::Tensor visible_canvas =
        visible.defined() ? pad_to_canvas(visible, model->canvas_height(), model->canvas_width()) : visible;
    model->to(s.device);
    prefer_channels_last(*model, s.device);

    // A checkpoint of this segment replaces the freshly initialised weights with the saved ones.
    PruneMasks masks;
    SegmentTrainingState restored;
    const bool resuming = checkpointing && checkpointing->resume;
    if (resuming) {
        restored = restore_training_state(*checkpointing->resume, *model,
                                          job.prune > 0 || job.bitrate > 0 ? &masks : nullptr);
        prefer_channels_last(*model, s.device);
        job.logger.log(NERV_LOG_INFO, "segment %d: resuming %s at epoch %d (iteration %lld)", segment_index,
                       restored.phase == NERV_PHASE_FINETUNE ? "fine-tuning" : "training", restored.train.epoch,
                       static_cast<long long>(restored.train.iteration));
    }
    const bool resume_finetune = resuming && restored.phase == NERV_PHASE_FINETUNE;
    const bool resume_quantize = resuming && restored.phase == NERV_PHASE_QUANTIZE;
    const bool resume_after_training = resume_finetune || resume_quantize;
    auto saver = [&](NervPhase phase, const PruneMasks *phase_masks, const TrainResult &train_result) {
        return [&model, checkpointing, phase, phase_masks, train_result](const TrainState &st) {
            SegmentTrainingState state;
            state.phase = phase;
            state.train = st;
            state.train_result = train_result;
            checkpointing->save(save_training_state(state, *model, phase_masks));
        };
    };

    // 3. Overfit, then prune and fine-tune, then fine-tune through the quantizer. The fraction
    //    pruned is the setting's, or the one a bit-rate target chooses after training (a resumed
    //    fine-tuning brings its masks back).
    auto pruned_fraction = [&masks] {
        return masks.empty() ? 0.0 : static_cast<double>(masks.pruned()) / std::max<int64_t>(1, masks.total());
    };
    double prune = job.prune;
    if (job.bitrate > 0 && resume_after_training)
        prune = pruned_fraction();
    const int finetune_epochs = job.prune > 0 || job.bitrate > 0
                                    ? (job.prune_epochs > 0 ? job.prune_epochs : std::max(1, recipe.epochs / 10))
                                    : 0;
    const int quantize_epochs =
        job.qbits > 0 ? (job.qat_epochs < 0 ? std::max(1, recipe.epochs / 10) : job.qat_epochs) : 0;
    TrainOptions topts;
    topts.recipe = recipe;
    topts.device = s.device;
    topts.bf16 = job.bf16;
    topts.seed = static_cast<uint64_t>(job.seed);
    topts.coded_height = job.height;
    topts.coded_width = job.width;
    topts.segment = segment_index;
    topts.epochs_after = finetune_epochs + quantize_epochs;
    topts.logger = &job.logger;
    topts.progress = job.progress;
    topts.should_abort = job.should_abort;
    topts.frame_subset = trained_frames(job.train_frames, first_frame, n);
    topts.visible = visible_canvas;
    const bool holds_out = static_cast<int64_t>(topts.frame_subset.size()) < n;
    if (job.train_frames != 0 && !holds_out)
        job.logger.log(NERV_LOG_WARNING, "segment %d: its only frame is held out by train_frames; training on it",
                       segment_index);
    if (holds_out)
        job.logger.log(NERV_LOG_INFO, "segment %d: training on %zu of its %lld frames (train_frames=%s)",
                       segment_index, topts.frame_subset.size(), static_cast<long long>(n),
                       job.train_frames == 1 ? "odd" : "even");
    if (checkpointing) {
        topts.checkpoint_every = checkpointing->every_epochs;
        topts.checkpoint = saver(NERV_PHASE_TRAIN, nullptr, TrainResult());
        topts.resume = resuming && !resume_after_training ? &restored.train : nullptr;
    }
    if (job.train_only && resume_after_training)
        fail_invalid_argument(format("setting 'train_only': the checkpoint of segment %d is past training (%s), so "
                                     "it no longer holds the trained network; resume without train_only",
                                     segment_index,
                                     resume_finetune ? "fine-tuning after pruning" : "quantization-aware fine-tuning"));
    const TrainResult trained =
        resume_after_training ? restored.train_result : train_model(*model, frames, topts);
    // The trainer saved the state of its last epoch (or it was restored as such): the checkpoint
    // holds the trained network, which encodes resuming it code with their own coding settings.
    if (job.train_only)
        fail(NERV_ERROR_ABORTED, format("segment %d trained (train_only, %.2f dB): the trained network is kept in "
                                        "the checkpoint; encodes with resume=1 code it",
                                        segment_index, trained.psnr));

    // A bit-rate target measures the trained network as the stream will code it. With
    // quantization-aware fine-tuning to come, 4-bit weights cost about a bit less each after it
    // than before, so the measure is taken after a probe of that phase (no checkpoints; the
    // trained weights are put back), and the fraction it finds is pruned from the trained network
    // as a `prune` setting would be: fine-tuning, then the quantization-aware phase.
    auto rate_step = [&] {
        std::vector<torch::Tensor> tensors, trained_values;
        if (quantize_epochs > 0) {
            for (const torch::Tensor &t : model->parameters(true))
                tensors.push_back(t);
            for (const torch::Tensor &t : model->buffers(true))
                tensors.push_back(t);
            for (const torch::Tensor &t : tensors)
                trained_values.push_back(t.detach().clone());
            QuantAwareWeights quant_aware(*model, job.qbits, zero_symbol_parameters(*model, false));
            job.logger.log(NERV_LOG_INFO, "segment %d: quantization-aware probe for the bit rate, %d epochs",
                           segment_index, quantize_epochs);
            TrainOptions q = topts;
            q.recipe.epochs = quantize_epochs;
            q.recipe.lr *= kQuantAwareLrFactor;
            q.recipe.schedule.warmup_fraction = 0;
            q.phase = NERV_PHASE_QUANTIZE;
            q.epochs_after = finetune_epochs + quantize_epochs;
            q.quant_aware = &quant_aware;
            q.elapsed_before = elapsed();
            q.checkpoint = nullptr;  // a resumed encode runs the probe again from the trained state
            q.resume = nullptr;
            train_model(*model, frames, q);
            quant_aware.snap();
        }
        model->eval();
        const std::vector<FrameTensorSpec> specs = model->frame_tensors();
        const std::vector<torch::Tensor> embedded = embed_frames(
            *model, specs, frames, visible_canvas, std::max(1, recipe.batch_size), topts.frame_subset, job.arch);
        const double fraction = rate_prune_fraction(*model, specs, embedded, n, job, segment_index);
        torch::NoGradGuard no_grad;
        for (size_t i = 0; i < trained_values.size(); ++i)
            tensors[i].copy_(trained_values[i]);
        return fraction;
    };
    if (job.bitrate > 0 && !resume_after_training)
        prune = rate_step();
    if (prune > 0 && !resume_quantize) {
        if (!resume_finetune) {
            masks = PruneMasks::global_magnitude(*model, prune);
            if (job.bitrate > 0)  // as a resumed encode finds it in the masks: the stream records it
                prune = pruned_fraction();
        }
        job.logger.log(NERV_LOG_INFO, "segment %d: pruned %lld of %lld weights (%.1f%%), fine-tuning %d epochs",
                       segment_index, static_cast<long long>(masks.pruned()), static_cast<long long>(masks.total()),
                       100.0 * masks.pruned() / std::max<int64_t>(1, masks.total()), finetune_epochs);
        TrainOptions f = topts;
        f.recipe.epochs = finetune_epochs;
        f.recipe.schedule.warmup_fraction = 0;  // NeRV fine-tunes pruned models without warm-up
        f.phase = NERV_PHASE_FINETUNE;
        f.epochs_after = quantize_epochs;
        f.masks = &masks;
        f.elapsed_before = elapsed();
        if (checkpointing) {
            f.checkpoint = saver(NERV_PHASE_FINETUNE, &masks, trained);
            f.resume = resume_finetune ? &restored.train : nullptr;
        }
        train_model(*model, frames, f);
    }
    if (quantize_epochs > 0) {
        // The codec codes pruned zeros as a symbol of their own: they stay out of the range.
        QuantAwareWeights quant_aware(*model, job.qbits, zero_symbol_parameters(*model, prune > 0));
        job.logger.log(NERV_LOG_INFO, "segment %d: quantization-aware fine-tuning, %d epochs at %d-bit weights",
                       segment_index, quantize_epochs, job.qbits);
        TrainOptions q = topts;
        q.recipe.epochs = quantize_epochs;
        q.recipe.lr *= kQuantAwareLrFactor;
        q.recipe.schedule.warmup_fraction = 0;
        q.phase = NERV_PHASE_QUANTIZE;
        q.epochs_after = 0;
        q.masks = prune > 0 ? &masks : nullptr;
        q.quant_aware = &quant_aware;
        q.elapsed_before = elapsed();
        if (checkpointing) {
            q.checkpoint = saver(NERV_PHASE_QUANTIZE, q.masks, trained);
            q.resume = resume_quantize ? &restored.train : nullptr;
        }
        train_model(*model, frames, q);
        quant_aware.snap();
    }
    const double train_seconds = elapsed();
    if (job.progress) {
        NervProgress p{};
        p.segment = segment_index;
        p.phase = NERV_PHASE_COMPRESS;
        p.elapsed_s = train_seconds;
        job.progress(p);
    }

    // 4. Per-frame tensors from the trained encoder side (held-out frames: interpolated from
    //    the trained neighbours, the encoder never sees them), and the float model's quality.
    model->eval();
    const std::vector<FrameTensorSpec> specs = model->frame_tensors();
    const int64_t eval_batch = std::max(1, recipe.batch_size);
    const std::vector<torch::Tensor> stacked =
        embed_frames(*model, specs, frames, visible_canvas, eval_batch, topts.frame_subset, job.arch);
    double psnr_float_sum = 0;
    {
        torch::NoGradGuard no_grad;
        namespace I = torch::indexing;
        for (int64_t b0 = 0; b0 < n; b0 += eval_batch) {
            const int64_t b1 = std::min(n, b0 + eval_batch);
            const torch::Tensor idx = torch::arange(b0, b1, torch::TensorOptions().dtype(torch::kLong)).to(s.device);
            FrameBatch b = frame_batch(frames, idx, visible_canvas);
            for (size_t i = 0; i < specs.size(); ++i)
                b.inputs[specs[i].name] = stacked[i].slice(0, b0, b1).to(s.device);
            const torch::Tensor out = model->render(b).to(torch::kFloat32).clamp(0, 1);
            const auto crop = [&](const torch::Tensor &t) {
                return t.index({I::Slice(), I::Slice(), I::Slice(0, job.height), I::Slice(0, job.width)});
            };
            // Measured on the trained frames only: the stream must not depend on held-out ones.
            const torch::Tensor frame_psnr =
                (b.visible.defined() ? psnr_visible(crop(out), crop(b.frames), crop(b.visible))
                                     : psnr(crop(out), crop(b.frames)))
                    .to(torch::kCPU, torch::kDouble);
            for (int64_t i = b0; i < b1; ++i) {
                if (std::binary_search(topts.frame_subset.begin(), topts.frame_subset.end(), i))
                    psnr_float_sum += frame_psnr[i - b0].item<double>();
            }
        }
    }
    const double psnr_float = psnr_float_sum / static_cast<double>(topts.frame_subset.size());

    // 5. Code weights and per-frame tensors.
    SegmentRecord record;
    record.first_frame = first_frame;
    record.frame_count = static_cast<uint32_t>(n);
    record.meta.set_string("model.arch", job.arch);
    model->write_config(record.meta);
    record.meta.set_int("segment.width", job.width);
    record.meta.set_int("segment.height", job.height);
    record.meta.set_int("train.epochs", recipe.epochs);
    record.meta.set_string("train.loss", loss_name(recipe.loss));
    record.meta.set_float("train.lr", recipe.lr);
    record.meta.set_int("train.batch", recipe.batch_size);
    record.meta.set_int("train.seed", job.seed);
    record.meta.set_float("train.prune", prune);
    record.meta.set_float("train.psnr", trained.psnr);
    record.meta.set_float("train.psnr_float", psnr_float);
    if (holds_out)
        record.meta.set_string("train.frames", job.train_frames == 1 ? "odd" : "even");
    record.meta.set_int("quant.bits", job.qbits);
    record.meta.set_int("quant.bits_embed", job.qbits_embed);
    if (quantize_epochs > 0)  // absent otherwise, so that such segments keep their bytes
        record.meta.set_int("quant.aware_epochs", quantize_epochs);
    record.tensors = encode_model_weights(*model, job.qbits, prune > 0);

    std::vector<FrameTensorEncoding> frame_codes;
    for (size_t i = 0; i < specs.size(); ++i) {
        TensorCodingOptions o;
        o.bits = specs[i].quantize ? job.qbits_embed : 0;
        frame_codes.push_back(encode_frame_tensor(stacked[i].data_ptr<float>(), n, specs[i].shape, o));
        record.frame_codecs.push_back({specs[i].name, specs[i].shape, frame_codes.back().codec_payload});
    }

    EncodedSegment out;
    out.segment_chunk = write_segment_chunk(record);
    out.pts = s.pts;
    std::vector<FrameRecord> frame_records(n);
    for (int64_t i = 0; i < n; ++i) {
        FrameRecord &f = frame_records[i];
        f.index_in_segment = static_cast<uint32_t>(i);
        f.pts = s.pts[i];
        for (auto &fc : frame_codes)
            f.payloads.push_back(fc.frame_payloads[i]);
        out.frame_chunks.push_back(write_frame_chunk(f));
    }
    s.pts.clear();

    // 6. Decode what was written, through the decoder's own code path, to report what a
    //    viewer gets (8-bit output) — and to prove the chunks decode.
    ChunkScanner scanner(out.segment_chunk.data(), out.segment_chunk.size());
    ChunkView view;
    if (!scanner.next(&view))
        fail(-EIO, "encode: the segment chunk just written does not scan");
    const SegmentRecord parsed = parse_segment(view);
    DecodeOptions dopts;
    dopts.device = job.device;
    dopts.threads = job.threads;
    SegmentDecoder decoder(job.width, job.height, parsed, dopts);
    double psnr_sum = 0, ssim_sum = 0;
    std::vector<float> rgb;
    std::vector<uint8_t> rgb8;
    for (int64_t i = 0; i < n; ++i) {
        if (job.should_abort && job.should_abort())
            fail(NERV_ERROR_ABORTED, "encoding aborted by the caller");
        decoder.render(frame_records[i], &rgb);
        torch::NoGradGuard no_grad;
        const torch::Tensor decoded =
            torch::from_blob(rgb.data(), {1, 3, job.height, job.width}, torch::kFloat32).mul(255).round().clamp(0, 255).div(255);
        namespace I = torch::indexing;
        const torch::Tensor gt = frames.index({I::Slice(i, i + 1), I::Slice(), I::Slice(0, job.height), I::Slice(0, job.width)})
                                     .to(torch::kCPU, torch::kFloat32)
                                     .div(255);
        if (visible.defined()) {
            // Inpainting: the encoder's frames have holes; measure what it saw (SSIM with the
            // holes zeroed on both sides, as the training loss).
            const torch::Tensor v = visible.slice(0, visible.size(0) == 1 ? 0 : i, (visible.size(0) == 1 ? 0 : i) + 1)
                                        .to(torch::kCPU, torch::kFloat32);
            psnr_sum += psnr_visible(decoded, gt, v).item<double>();
            ssim_sum += ssim(decoded * v, gt).item<double>();
        } else {
            psnr_sum += psnr(decoded, gt).item<double>();
            ssim_sum += ssim(decoded, gt).item<double>();
        }
    }

    int64_t bytes = static_cast<int64_t>(out.segment_chunk.size());
    for (const auto &c : out.frame_chunks)
        bytes += static_cast<int64_t>(c.size());
    int64_t embed_values = 0;
    for (const auto &spec : specs) {
        int64_t v = n;
        for (int64_t d : spec.shape)
            v *= d;
        embed_values += v;
    }
    NervEncodeStats &st = out.stats;
    st.parameters = counts.transmitted;
    st.embedding_values = embed_values;
    st.encoder_parameters = counts.encoder;
    st.psnr_trained = psnr_float;
    st.psnr_final = psnr_sum / n;
    st.ssim_final = ssim_sum / n;
    st.train_seconds = train_seconds;
    st.segment_bytes = bytes;
    st.frames = static_cast<int>(n);
    job.logger.log(NERV_LOG_INFO,
                   "segment %d: PSNR %.2f dB (float model %.2f dB), SSIM %.4f%s, %lld bytes, %.1f s",
                   segment_index, st.psnr_final, st.psnr_trained, st.ssim_final,
                   visible.defined() ? " over the visible pixels (holes not measured)" : "",
                   static_cast<long long>(bytes), elapsed());
    return out;
}

}  // namespace nerv
