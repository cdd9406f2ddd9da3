#include "arch/layers/ccu.h"

#include "core/error.h"

namespace nerv {

std::string CollaborativeContentUnitOptions::description() const
{
    const std::string k = std::to_string(kernel_), c = std::to_string(channels_);
    return "CCU 4x Conv" + k + "x" + k + " " + c + "->" + c + ", s*tanh+(1-s)*x";
}

CollaborativeContentUnitImpl::CollaborativeContentUnitImpl(const CollaborativeContentUnitOptions &o)
{
    if (o.channels() < 1 || o.kernel() < 1 || o.kernel() % 2 == 0)
        fail_invalid_argument("CCU: channels >= 1 and an odd kernel required");
    auto conv = [&](const char *name) {
        return register_module(
            name, torch::nn::Conv2d(torch::nn::Conv2dOptions(o.channels(), o.channels(), o.kernel())
                                        .padding(o.kernel() / 2)));
    };
    candidate_content_ = conv("candidate_content");
    candidate_diff_ = conv("candidate_diff");
    gate_content_ = conv("gate_content");
    gate_diff_ = conv("gate_diff");
}

torch::Tensor CollaborativeContentUnitImpl::forward(const torch::Tensor &x, const torch::Tensor &diff)
{
    const torch::Tensor p = torch::tanh(candidate_content_->forward(x) + candidate_diff_->forward(diff));
    const torch::Tensor s = torch::sigmoid(gate_content_->forward(x) + gate_diff_->forward(diff));
    return s * p + (1 - s) * x;
}

}  // namespace nerv
