#include "train/prune.h"

#include <algorithm>

#include "core/error.h"

namespace nerv {

PruneMasks PruneMasks::global_magnitude(VideoModelImpl &model, double fraction)
{
    PruneMasks m;
    if (!(fraction > 0))
        return m;
    torch::NoGradGuard no_grad;
    auto named = model.named_parameters(true);
    std::vector<torch::Tensor> magnitudes;
    for (const auto &name : model.prunable_parameters()) {
        const torch::Tensor *p = named.find(name);
        if (!p)
            fail(-EIO, format("prune: model lists unknown parameter '%s'", name.c_str()));
        m.params_.push_back(*p);
        magnitudes.push_back(p->detach().abs().flatten().to(torch::kFloat32).cpu());
        m.total_ += p->numel();
    }
    if (m.params_.empty())
        return m;
    const torch::Tensor all = torch::cat(magnitudes);
    const int64_t k = static_cast<int64_t>(fraction * static_cast<double>(m.total_));
    if (k <= 0)
        return m;
    // The k-th smallest magnitude is the threshold; ties at it are pruned in index order
    // so exactly k weights go (as torch.nn.utils.prune's topk does).
    const torch::Tensor order = std::get<1>(all.sort(/*stable=*/true, /*dim=*/0, /*descending=*/false));
    torch::Tensor keep = torch::ones({m.total_}, torch::kBool);
    keep.index_put_({order.slice(0, 0, k)}, false);
    int64_t offset = 0;
    for (auto &p : m.params_) {
        const int64_t n = p.numel();
        torch::Tensor mask = keep.slice(0, offset, offset + n).view(p.sizes()).to(p.device());
        offset += n;
        p.mul_(mask.to(p.dtype()));
        m.masks_.push_back(mask);
    }
    m.pruned_ = k;
    return m;
}

PruneMasks PruneMasks::restore(VideoModelImpl &model, const std::vector<torch::Tensor> &masks)
{
    PruneMasks m;
    auto named = model.named_parameters(true);
    const std::vector<std::string> names = model.prunable_parameters();
    if (masks.size() != names.size())
        fail_invalid_data(format("checkpoint: %zu pruning masks for %zu prunable parameters", masks.size(),
                                 names.size()));
    for (size_t i = 0; i < names.size(); ++i) {
        const torch::Tensor *p = named.find(names[i]);
        if (!p || masks[i].sizes() != p->sizes() || masks[i].scalar_type() != torch::kBool)
            fail_invalid_data(format("checkpoint: the pruning mask of '%s' does not fit the model", names[i].c_str()));
        m.params_.push_back(*p);
        m.masks_.push_back(masks[i].to(p->device()));
        m.total_ += p->numel();
        m.pruned_ += p->numel() - masks[i].sum().item<int64_t>();
    }
    return m;
}

void PruneMasks::apply() const
{
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < params_.size(); ++i)
        params_[i].mul_(masks_[i].to(params_[i].dtype()));
}

}  // namespace nerv
