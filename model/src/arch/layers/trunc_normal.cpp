#include "arch/layers/trunc_normal.h"

#include <cmath>

#include "core/error.h"

namespace nerv {

namespace {
double normal_cdf(double x) { return 0.5 * (1.0 + std::erf(x / std::sqrt(2.0))); }
}  // namespace

void trunc_normal_(torch::Tensor &tensor, double mean, double std, double lo, double hi)
{
    if (!(std > 0) || !(lo < hi))
        fail_invalid_argument("trunc_normal: needs std > 0 and lo < hi");
    torch::NoGradGuard no_grad;
    // Uniform over the truncated CDF range, mapped back through the inverse normal CDF:
    // x = mean + std * sqrt(2) * erfinv(2u - 1).
    const double cdf_lo = normal_cdf((lo - mean) / std);
    const double cdf_hi = normal_cdf((hi - mean) / std);
    tensor.uniform_(2.0 * cdf_lo - 1.0, 2.0 * cdf_hi - 1.0);
    tensor.erfinv_();
    tensor.mul_(std * std::sqrt(2.0));
    tensor.add_(mean);
    // erfinv(+-1) is +-inf; the clamp keeps the rare edge draw inside [lo, hi].
    tensor.clamp_(lo, hi);
}

}  // namespace nerv
