#include "codec/model_weights.h"

#include <set>

#include "codec/model_size.h"
#include "core/error.h"

namespace nerv {
namespace {

std::vector<int64_t> dims_of(const torch::Tensor &t) { return std::vector<int64_t>(t.sizes().begin(), t.sizes().end()); }

std::vector<float> host_values(const torch::Tensor &t)
{
    const torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

}  // namespace

std::mutex &model_construction_mutex()
{
    static std::mutex m;
    return m;
}

VideoModel create_model_for_training(const ArchEntry &entry, const ArchRequest &request, uint64_t seed,
                                     const MemoryBudget &budget, const std::string &what)
{
    ParameterLimitScope limit(parameter_limit(budget, kTrainBytesPerParameter));
    std::lock_guard<std::mutex> lock(model_construction_mutex());
    try {
        return create_sized_model(entry, request, [&](const ArchRequest &r) {
            torch::manual_seed(seed);  // every try draws the same initial weights
            return entry.create(r);
        });
    } catch (const Error &) {
        fail_if_over_budget(limit, budget, kTrainBytesPerParameter, what,
                            "use a smaller size, batch or segment_frames, a larger memory_limit, or another device",
                            -EINVAL);
        throw;
    }
}

std::set<std::string> zero_symbol_parameters(VideoModelImpl &model, bool pruned)
{
    std::set<std::string> names;
    if (pruned) {
        for (const auto &n : model.prunable_parameters())
            names.insert(n);
    }
    return names;
}

std::vector<TensorEntry> encode_model_weights(VideoModelImpl &model, int qbits, bool pruned)
{
    std::vector<TensorEntry> entries;
    const std::set<std::string> prunable = zero_symbol_parameters(model, pruned);
    for (const auto &p : model.named_parameters(true)) {
        if (!model.is_transmitted(p.key()))
            continue;
        TensorCodingOptions o;
        o.bits = qbits;
        o.zero_symbol = prunable.count(p.key()) != 0;
        const std::vector<float> v = host_values(p.value());
        entries.push_back({p.key(), dims_of(p.value()), encode_tensor(v.data(), dims_of(p.value()), o, nullptr)});
    }
    for (const auto &b : model.named_buffers(true)) {
        if (!model.is_stored_buffer(b.key()) || !b.value().is_floating_point())
            continue;
        TensorCodingOptions o;
        o.bits = 0;  // running statistics are few and sensitive: keep them exact
        const std::vector<float> v = host_values(b.value());
        entries.push_back({b.key(), dims_of(b.value()), encode_tensor(v.data(), dims_of(b.value()), o, nullptr)});
    }
    return entries;
}

void load_model_weights(VideoModelImpl &model, const std::vector<TensorEntry> &entries)
{
    torch::NoGradGuard no_grad;
    std::map<std::string, const TensorEntry *> by_name;
    for (const auto &e : entries)
        by_name[e.name] = &e;
    size_t used = 0;
    auto load_one = [&](const std::string &name, torch::Tensor &target) {
        auto it = by_name.find(name);
        if (it == by_name.end())
            fail_invalid_data(format("segment: tensor '%s' of the model is missing", name.c_str()));
        const TensorEntry &e = *it->second;
        if (e.shape != dims_of(target))
            fail_invalid_data(format("segment: tensor '%s' has shape %s, the model needs %s", name.c_str(),
                                     shape_text(e.shape).c_str(), shape_text(dims_of(target)).c_str()));
        std::vector<float> v = decode_tensor(e.payload.data(), e.payload.size(), e.shape);
        torch::Tensor src = torch::from_blob(v.data(), target.sizes(), torch::kFloat32);
        target.copy_(src);
        ++used;
    };
    for (auto &p : model.named_parameters(true)) {
        if (model.is_transmitted(p.key()))
            load_one(p.key(), p.value());
    }
    for (auto &b : model.named_buffers(true)) {
        if (model.is_stored_buffer(b.key()) && b.value().is_floating_point())
            load_one(b.key(), b.value());
    }
    if (used != entries.size()) {
        for (const auto &e : entries) {
            bool known = false;
            for (const auto &p : model.named_parameters(true))
                known = known || p.key() == e.name;
            for (const auto &b : model.named_buffers(true))
                known = known || b.key() == e.name;
            if (!known)
                fail_invalid_data(format("segment: tensor '%s' does not belong to the %s model", e.name.c_str(),
                                         model.arch().c_str()));
        }
        fail_invalid_data("segment: duplicate tensors");
    }
}

}  // namespace nerv
