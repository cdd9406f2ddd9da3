// SSIM / MS-SSIM following pytorch_msssim 1.0 operation by operation, so that values
// (and gradients) agree with the references' to float64 rounding.
#include "metrics/ssim.h"

#include <algorithm>

#include "core/error.h"

namespace nerv {

namespace {

namespace F = torch::nn::functional;

std::string shape_text(const torch::Tensor &t)
{
    std::string s = "[";
    for (int64_t d = 0; d < t.dim(); ++d)
        s += (d ? "," : "") + std::to_string(t.size(d));
    return s + "]";
}

void check_inputs(const char *who, const torch::Tensor &x, const torch::Tensor &y, const SsimOptions &opts)
{
    if (!x.defined() || !y.defined())
        fail_invalid_argument(format("%s: undefined input tensor", who));
    if (x.sizes() != y.sizes())
        fail_invalid_argument(format("%s: input shapes differ (%s vs %s)", who, shape_text(x).c_str(),
                                     shape_text(y).c_str()));
    if (x.dim() != 4 && x.dim() != 5)
        fail_invalid_argument(format("%s: inputs must be [B,C,H,W] or [B,C,D,H,W], got %s", who,
                                     shape_text(x).c_str()));
    if (x.scalar_type() != y.scalar_type() || !x.is_floating_point())
        fail_invalid_argument(format("%s: inputs must share one floating-point dtype", who));
    if (!(opts.data_range > 0))
        fail_invalid_argument(format("%s: data_range must be > 0 (got %g)", who, opts.data_range));
}

/**
 * Depthwise 1-D "valid" correlation with `window` along one axis, as a sum of shifted
 * slices. Used where no fast convolution kernel exists (CPU float64: LibTorch would lower
 * the convolution to im2col, an 11x copy of every input, several times slower). Its own
 * backward avoids autograd materialising a full-size zero tensor per tap.
 */
struct ShiftedSumFilter : public torch::autograd::Function<ShiftedSumFilter> {
    static torch::Tensor forward(torch::autograd::AutogradContext *ctx, const torch::Tensor &input,
                                 const std::vector<double> &taps, int64_t axis)
    {
        ctx->saved_data["taps"] = taps;
        ctx->saved_data["axis"] = axis;
        ctx->saved_data["length"] = input.size(axis);
        const int64_t valid = input.size(axis) - int64_t(taps.size()) + 1;
        torch::Tensor out = input.narrow(axis, 0, valid) * taps[0];
        for (size_t k = 1; k < taps.size(); ++k)
            out.add_(input.narrow(axis, int64_t(k), valid), taps[k]);
        return out;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext *ctx,
                                                   torch::autograd::variable_list grad_outputs)
    {
        const std::vector<double> taps = ctx->saved_data["taps"].toDoubleVector();
        const int64_t axis = ctx->saved_data["axis"].toInt();
        const torch::Tensor &grad = grad_outputs[0];
        std::vector<int64_t> input_shape = grad.sizes().vec();
        input_shape[axis] = ctx->saved_data["length"].toInt();
        torch::Tensor grad_input = torch::zeros(input_shape, grad.options());
        for (size_t k = 0; k < taps.size(); ++k)
            grad_input.narrow(axis, int64_t(k), grad.size(axis)).add_(grad, taps[k]);
        return {grad_input, torch::Tensor(), torch::Tensor()};
    }
};

/** Blurs every channel with the separable window along each spatial axis in turn, "valid"
 *  (each filtered axis shrinks by window - 1). Axes shorter than the window are left
 *  unfiltered, as pytorch_msssim does (SNeRV's 3-wide subband axis relies on it). */
torch::Tensor gaussian_blur(const torch::Tensor &input, const torch::Tensor &window)
{
    const int64_t channels = input.size(1);
    const int64_t taps = window.size(0);
    // cuDNN / oneDNN depthwise kernels serve CUDA and CPU float32; the rest takes shifted sums.
    const bool use_convolution = !input.is_cpu() || input.scalar_type() == torch::kFloat;
    std::vector<double> tap_values;
    if (!use_convolution) {
        const torch::Tensor w = window.to(torch::kCPU, torch::kDouble).contiguous();
        tap_values.assign(w.data_ptr<double>(), w.data_ptr<double>() + taps);
    }
    torch::Tensor out = input;
    for (int64_t axis = 2; axis < input.dim(); ++axis) {
        if (input.size(axis) < taps)
            continue;
        if (!use_convolution) {
            out = ShiftedSumFilter::apply(out, tap_values, axis);
            continue;
        }
        std::vector<int64_t> kernel_shape(input.dim(), 1);
        kernel_shape[axis] = taps;
        std::vector<int64_t> repeats(input.dim(), 1);
        repeats[0] = channels;
        // Grouped: one copy of the 1-D window per channel, laid along `axis`.
        const torch::Tensor kernel = window.reshape(kernel_shape).repeat(repeats);
        if (input.dim() == 4)
            out = F::conv2d(out, kernel, F::Conv2dFuncOptions().groups(channels));
        else
            out = F::conv3d(out, kernel, F::Conv3dFuncOptions().groups(channels));
    }
    return out;
}

struct ChannelStatistics {
    torch::Tensor ssim;  // [B,C] mean of the SSIM map
    torch::Tensor cs;    // [B,C] mean of the contrast-structure map
};

ChannelStatistics ssim_per_channel(const torch::Tensor &x, const torch::Tensor &y, const torch::Tensor &window,
                                   const SsimOptions &opts)
{
    const double c1 = (opts.k1 * opts.data_range) * (opts.k1 * opts.data_range);
    const double c2 = (opts.k2 * opts.data_range) * (opts.k2 * opts.data_range);

    // The five local moments share one depthwise convolution; groups keep them independent.
    const torch::Tensor moments = gaussian_blur(torch::cat({x, y, x * x, y * y, x * y}, 1), window);
    const std::vector<torch::Tensor> m = moments.chunk(5, 1);
    const torch::Tensor &mu1 = m[0], &mu2 = m[1];

    const torch::Tensor mu1_sq = mu1.pow(2);
    const torch::Tensor mu2_sq = mu2.pow(2);
    const torch::Tensor mu1_mu2 = mu1 * mu2;
    // Variances as E[x^2] - mu^2 (pytorch_msssim's "compensation" factor is 1).
    const torch::Tensor sigma1_sq = m[2] - mu1_sq;
    const torch::Tensor sigma2_sq = m[3] - mu2_sq;
    const torch::Tensor sigma12 = m[4] - mu1_mu2;

    const torch::Tensor cs_map = (2 * sigma12 + c2) / (sigma1_sq + sigma2_sq + c2);
    const torch::Tensor ssim_map = ((2 * mu1_mu2 + c1) / (mu1_sq + mu2_sq + c1)) * cs_map;
    return {ssim_map.flatten(2).mean(-1), cs_map.flatten(2).mean(-1)};
}

}  // namespace

torch::Tensor gaussian_window(int size, double sigma, torch::ScalarType dtype)
{
    if (size < 1 || size % 2 == 0)
        fail_invalid_argument(format("SSIM window size must be odd and positive (got %d)", size));
    if (!(sigma > 0))
        fail_invalid_argument(format("SSIM window sigma must be > 0 (got %g)", sigma));
    // Built in float32 and converted afterwards, as pytorch_msssim does. The float32 rounding
    // matters: with a window built in float64, SSIM of real frames moves by ~3e-6.
    torch::Tensor coords = torch::arange(size, torch::kFloat) - (size / 2);
    torch::Tensor g = torch::exp(-coords.pow(2) / (2 * sigma * sigma));
    g = g / g.sum();
    return g.to(dtype);
}

torch::Tensor ssim(const torch::Tensor &x, const torch::Tensor &y, const SsimOptions &opts)
{
    check_inputs("ssim", x, y, opts);
    const torch::Tensor window = gaussian_window(opts.window_size, opts.sigma, x.scalar_type()).to(x.device());
    return ssim_per_channel(x, y, window, opts).ssim.mean(1);
}

bool ms_ssim_supported(int64_t height, int64_t width, const SsimOptions &opts)
{
    // Four 2x downsamplings must leave every level larger than the window.
    return std::min(height, width) > int64_t(opts.window_size - 1) * 16;
}

torch::Tensor ms_ssim(const torch::Tensor &x, const torch::Tensor &y, const SsimOptions &opts,
                      const std::vector<double> &weights)
{
    check_inputs("ms_ssim", x, y, opts);
    // The library's 5-D variant fails for short depths (a 3-wide band axis cannot be pooled
    // four times), and no reference uses it: images only.
    if (x.dim() != 4)
        fail_invalid_argument(format("ms_ssim: inputs must be [B,C,H,W], got %s", shape_text(x).c_str()));
    const int64_t height = x.size(-2), width = x.size(-1);
    if (!ms_ssim_supported(height, width, opts))
        fail_invalid_argument(format("ms_ssim: smaller image side must exceed %d (got %lldx%lld)",
                                     (opts.window_size - 1) * 16, (long long)width, (long long)height));
    if (weights.empty())
        fail_invalid_argument("ms_ssim: at least one scale weight is required");

    const torch::Tensor window = gaussian_window(opts.window_size, opts.sigma, x.scalar_type()).to(x.device());
    const torch::Tensor level_weights =
        torch::tensor(weights, torch::TensorOptions().dtype(torch::kDouble)).to(x.options());

    std::vector<torch::Tensor> per_level;  // each [B,C]
    torch::Tensor xs = x, ys = y;
    const size_t levels = weights.size();
    for (size_t level = 0; level < levels; ++level) {
        ChannelStatistics stats = ssim_per_channel(xs, ys, window, opts);
        if (level + 1 == levels) {
            per_level.push_back(torch::relu(stats.ssim));
            break;
        }
        per_level.push_back(torch::relu(stats.cs));
        // Odd sides get one padded (zero, counted) row/column so no pixel is dropped.
        const auto pool = F::AvgPool2dFuncOptions(2).padding({xs.size(2) % 2, xs.size(3) % 2});
        xs = F::avg_pool2d(xs, pool);
        ys = F::avg_pool2d(ys, pool);
    }
    const torch::Tensor stacked = torch::stack(per_level, 0);  // [levels,B,C]
    const torch::Tensor per_channel = stacked.pow(level_weights.view({-1, 1, 1})).prod(0);
    return per_channel.mean(1);
}

}  // namespace nerv
