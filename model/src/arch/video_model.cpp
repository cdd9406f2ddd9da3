#include "arch/video_model.h"

#include "core/error.h"
#include "train/loss.h"

namespace nerv {

TrainStep VideoModelImpl::train_step(const FrameBatch &batch, const LossFunction &loss, int coded_height,
                                     int coded_width)
{
    FrameBatch b = batch;
    for (auto &kv : embed(batch))
        b.inputs[kv.first] = kv.second;
    torch::Tensor out = render(b);
    namespace I = torch::indexing;
    const auto crop = [&](const torch::Tensor &t) {
        return t.index({I::Slice(), I::Slice(), I::Slice(0, coded_height), I::Slice(0, coded_width)});
    };
    const torch::Tensor out_c = crop(out);
    const torch::Tensor gt_c = crop(batch.frames);
    return {loss(out_c, gt_c, batch.visible.defined() ? crop(batch.visible) : torch::Tensor()), out};
}

torch::Tensor VideoModelImpl::render_size(const FrameBatch &batch, int out_height, int out_width)
{
    if (out_height == canvas_height() && out_width == canvas_width())
        return render(batch);
    fail(-ENOTSUP, format("%s renders only its %dx%d canvas, not %dx%d", arch().c_str(), canvas_width(),
                          canvas_height(), out_width, out_height));
}

ParameterCounts count_parameters(VideoModelImpl &model)
{
    ParameterCounts c;
    const std::string head = model.head_prefix() + ".";
    for (const auto &p : model.named_parameters(true)) {
        const int64_t n = p.value().numel();
        if (model.is_transmitted(p.key())) {
            c.transmitted += n;
            if (p.key().compare(0, head.size(), head) == 0)
                c.head += n;
        } else {
            c.encoder += n;
        }
    }
    auto buffers = model.named_buffers(true);
    for (const auto &name : model.reference_counted_buffers()) {
        if (const torch::Tensor *b = buffers.find(name))
            c.fixed += b->numel();
    }
    return c;
}

int64_t table_parameters(const std::vector<LayerInfo> &table, bool with_encoder)
{
    int64_t n = 0;
    for (const LayerInfo &row : table)
        if (row.transmitted || with_encoder)
            n += row.parameters;
    return n;
}

std::string shape_text(const std::vector<int64_t> &dims)
{
    std::string s = "[B";
    for (int64_t d : dims)
        s += "," + std::to_string(d);
    return s + "]";
}

}  // namespace nerv
