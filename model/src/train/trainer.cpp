#include "train/trainer.h"

#include <chrono>
#include <cmath>
#include <cstring>
#include <sstream>

#include "core/error.h"
#include "metrics/psnr.h"
#include "train/autocast.h"
#include "train/loss.h"

namespace nerv {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

void set_learning_rate(torch::optim::Optimizer &opt, double lr)
{
    for (auto &group : opt.param_groups())
        static_cast<torch::optim::AdamOptions &>(group.options()).lr(lr);
}

std::vector<uint8_t> generator_state(at::Generator &gen)
{
    std::lock_guard<std::mutex> lock(gen.mutex());
    const torch::Tensor state = gen.get_state().contiguous();
    const uint8_t *p = state.data_ptr<uint8_t>();
    return std::vector<uint8_t>(p, p + state.numel());
}

void set_generator_state(at::Generator &gen, const std::vector<uint8_t> &bytes)
{
    torch::Tensor state = torch::empty({static_cast<int64_t>(bytes.size())}, torch::kUInt8);
    std::memcpy(state.data_ptr<uint8_t>(), bytes.data(), bytes.size());
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(state);
}

std::string optimizer_state(torch::optim::Optimizer &opt)
{
    torch::serialize::OutputArchive archive;
    opt.save(archive);
    std::ostringstream out;
    archive.save_to(out);
    return out.str();
}

void restore_optimizer_state(torch::optim::Optimizer &opt, const std::string &bytes, const torch::Device &device)
{
    torch::serialize::InputArchive archive;
    std::istringstream in(bytes);
    archive.load_from(in, device);
    opt.load(archive);
}

}  // namespace

torch::Tensor frames_to_float(const torch::Tensor &frames_u8, const torch::Tensor &idx)
{
    torch::Tensor f = frames_u8.index_select(0, idx).to(torch::kFloat32).div_(255.0);
    // Channels-last activations pair with the channels-last weights on CUDA.
    return f.is_cuda() ? f.contiguous(torch::MemoryFormat::ChannelsLast) : f;
}

FrameBatch frame_batch(const torch::Tensor &frames, const torch::Tensor &idx, const torch::Tensor &visible)
{
    FrameBatch b;
    b.frames = frames_to_float(frames, idx);
    if (visible.defined()) {
        const torch::Tensor v = visible.size(0) == 1 ? visible.expand({idx.numel(), -1, -1, -1})
                                                     : visible.index_select(0, idx.to(visible.device()));
        b.visible = v.to(torch::kFloat32);
    }
    b.frames_at = [&frames](const torch::Tensor &i) { return frames_to_float(frames, i.to(frames.device())); };
    b.index = idx.to(torch::kFloat32);
    b.frame_count = frames.size(0);
    return b;
}

TrainResult train_model(VideoModelImpl &model, const torch::Tensor &frames, const TrainOptions &opts)
{
    const TrainRecipe &r = opts.recipe;
    // Training frames: all, or a subset (held-out frames are never read).
    const torch::Tensor trained =
        opts.frame_subset.empty()
            ? torch::arange(frames.size(0), torch::TensorOptions().dtype(torch::kLong))
            : torch::tensor(opts.frame_subset, torch::TensorOptions().dtype(torch::kLong));
    const int64_t n = trained.numel();
    const int64_t batch = std::max<int64_t>(1, std::min<int64_t>(r.batch_size, n));
    int64_t iterations = r.drop_last ? n / batch : (n + batch - 1) / batch;
    if (iterations < 1)
        iterations = 1;

    model.train();
    std::vector<torch::Tensor> params;
    for (auto &p : model.parameters(true)) {
        if (p.requires_grad())
            params.push_back(p);
    }
    torch::optim::Adam optimizer(
        params, torch::optim::AdamOptions(r.lr).betas({r.beta1, r.beta2}).weight_decay(r.weight_decay));
    const LossFunction loss_fn(r.loss);
    // A private generator: shuffling must not depend on other threads' use of the global RNG.
    at::Generator gen = at::detail::createCPUGenerator(opts.seed);

    TrainResult result;
    int first_epoch = 0;
    if (opts.resume) {
        const TrainState &st = *opts.resume;
        if (st.epoch < 0 || st.epoch > r.epochs || st.iteration < 0 || st.iteration >= iterations)
            fail_invalid_data(format("checkpoint: training position epoch %d, iteration %lld does not fit a run of "
                                     "%d epochs of %lld iterations",
                                     st.epoch, static_cast<long long>(st.iteration), r.epochs,
                                     static_cast<long long>(iterations)));
        restore_optimizer_state(optimizer, st.optimizer, frames.device());
        set_generator_state(gen, st.generator);
        first_epoch = st.epoch;
        result = st.result;
    }
    // The state handed to checkpoint(): position and sums from the loop, the rest from here.
    auto save_state = [&](int epoch, int64_t iteration, double loss_sum, double psnr_sum, int64_t samples,
                          std::vector<uint8_t> generator) {
        TrainState st;
        st.epoch = epoch;
        st.iteration = iteration;
        st.loss_sum = loss_sum;
        st.psnr_sum = psnr_sum;
        st.samples = samples;
        st.result = result;
        st.generator = std::move(generator);
        st.optimizer = optimizer_state(optimizer);
        opts.checkpoint(st);
    };
    const auto t0 = Clock::now();
    for (int epoch = first_epoch; epoch < r.epochs; ++epoch) {
        std::vector<uint8_t> epoch_start;
        if (opts.checkpoint)
            epoch_start = generator_state(gen);
        const torch::Tensor perm =
            trained.index_select(0, torch::randperm(n, gen, torch::TensorOptions().dtype(torch::kLong)));
        double loss_sum = 0, psnr_sum = 0;
        int64_t samples = 0;
        int64_t first_iteration = 0;
        if (opts.resume && epoch == first_epoch) {
            first_iteration = opts.resume->iteration;
            loss_sum = opts.resume->loss_sum;
            psnr_sum = opts.resume->psnr_sum;
            samples = opts.resume->samples;
        }
        double lr = r.lr;
        for (int64_t it = first_iteration; it < iterations; ++it) {
            if (opts.should_abort && opts.should_abort()) {
                if (opts.checkpoint)
                    save_state(epoch, it, loss_sum, psnr_sum, samples, std::move(epoch_start));
                fail(NERV_ERROR_ABORTED, "training aborted by the caller");
            }
            lr = r.lr * r.schedule.multiplier(epoch + static_cast<double>(it) / iterations, r.epochs);
            set_learning_rate(optimizer, lr);

            const int64_t begin = it * batch, end = std::min(n, begin + batch);
            const torch::Tensor idx = perm.slice(0, begin, end).to(frames.device());
            const FrameBatch b = frame_batch(frames, idx, opts.visible);

            if (opts.quant_aware)
                opts.quant_aware->quantize_for_step();
            TrainStep step;
            {
                AutocastBf16 autocast(opts.bf16 && frames.is_cuda());
                step = model.train_step(b, loss_fn, opts.coded_height, opts.coded_width);
            }
            optimizer.zero_grad();
            step.loss.to(torch::kFloat32).backward();
            if (opts.quant_aware)
                opts.quant_aware->restore_float();  // straight-through: the float weights take the step
            if (r.grad_clip > 0)
                torch::nn::utils::clip_grad_norm_(params, r.grad_clip);
            optimizer.step();
            if (opts.masks)
                opts.masks->apply();

            torch::NoGradGuard no_grad;
            namespace I = torch::indexing;
            const torch::Tensor out = step.output.detach().to(torch::kFloat32).index(
                {I::Slice(), I::Slice(), I::Slice(0, opts.coded_height), I::Slice(0, opts.coded_width)});
            const torch::Tensor gt = b.frames.index(
                {I::Slice(), I::Slice(), I::Slice(0, opts.coded_height), I::Slice(0, opts.coded_width)});
            const int64_t bs = end - begin;
            const double loss_value = step.loss.item<double>();
            if (!std::isfinite(loss_value))
                fail(-EIO, format("training diverged: loss is %g at epoch %d (try a lower lr or another seed)",
                                  loss_value, epoch + 1));
            loss_sum += loss_value * bs;
            // Inpainting: over the visible pixels (the holes are what is being guessed).
            const torch::Tensor frame_psnr =
                b.visible.defined()
                    ? psnr_visible(out.clamp(0, 1), gt,
                                   b.visible.index({I::Slice(), I::Slice(), I::Slice(0, opts.coded_height),
                                                    I::Slice(0, opts.coded_width)}))
                    : psnr(out.clamp(0, 1), gt);
            psnr_sum += frame_psnr.sum().item<double>();
            samples += bs;
        }
        result.loss = loss_sum / samples;
        result.psnr = psnr_sum / samples;
        result.seconds = seconds_since(t0);
        result.seconds_per_epoch = result.seconds / (epoch + 1 - first_epoch);

        NervProgress p{};
        p.segment = opts.segment;
        p.phase = opts.phase;
        p.epoch = epoch + 1;
        p.epochs = r.epochs;
        p.loss = result.loss;
        p.psnr = result.psnr;
        p.learning_rate = lr;
        p.elapsed_s = opts.elapsed_before + result.seconds;
        p.eta_s = result.seconds_per_epoch * (r.epochs - epoch - 1 + opts.epochs_after);
        if (opts.progress)
            opts.progress(p);
        if (opts.logger)
            opts.logger->log(NERV_LOG_DEBUG, "segment %d epoch %d/%d loss %.6f psnr %.3f dB lr %.3g", opts.segment,
                             epoch + 1, r.epochs, result.loss, result.psnr, lr);
        if (opts.checkpoint && ((opts.checkpoint_every > 0 && (epoch + 1) % opts.checkpoint_every == 0) ||
                                epoch + 1 == r.epochs))
            save_state(epoch + 1, 0, 0, 0, 0, generator_state(gen));
    }
    return result;
}

}  // namespace nerv
