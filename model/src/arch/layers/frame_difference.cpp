#include "arch/layers/frame_difference.h"

#include "core/error.h"

namespace nerv {

torch::Tensor interleaved_differences(const torch::Tensor &previous, const torch::Tensor &current,
                                      const torch::Tensor &next)
{
    const torch::Tensor d = torch::stack({current - previous, next - current}, 2);  // [B,3,2,H,W]
    return d.reshape({d.size(0), 6, d.size(3), d.size(4)});
}

std::pair<torch::Tensor, torch::Tensor> neighbour_indices(const torch::Tensor &index, int64_t frame_count)
{
    // Encoder-side indices are whole frame numbers; round guards against float noise.
    const torch::Tensor i = index.round().to(torch::kLong);
    return {(i - 1).clamp(0, frame_count - 1), (i + 1).clamp(0, frame_count - 1)};
}

torch::Tensor frame_difference_input(const FrameBatch &batch, const char *who)
{
    const torch::Tensor &x = batch.frames;
    if (!x.defined() || x.dim() != 4 || x.size(1) != 3)
        fail_invalid_argument(format("%s: the difference stream needs frames [B,3,H,W]", who));
    if (!batch.frames_at || batch.frame_count < 1)
        fail_invalid_argument(format("%s: the difference stream needs batch.frames_at and frame_count >= 1", who));
    if (!batch.index.defined() || batch.index.dim() != 1 || batch.index.size(0) != x.size(0))
        fail_invalid_argument(format("%s: the difference stream needs batch.index [B] of the frames", who));
    const torch::Tensor i = batch.index.round();
    if ((i < 0).any().item<bool>() || (i > batch.frame_count - 1).any().item<bool>())
        fail_invalid_argument(format("%s: frame index outside 0..%lld", who, (long long)(batch.frame_count - 1)));
    const auto neighbours = neighbour_indices(batch.index, batch.frame_count);
    const torch::Tensor previous = batch.frames_at(neighbours.first).to(x.device(), x.scalar_type());
    const torch::Tensor next = batch.frames_at(neighbours.second).to(x.device(), x.scalar_type());
    if (previous.sizes() != x.sizes() || next.sizes() != x.sizes())
        fail_invalid_argument(format("%s: batch.frames_at returned frames of another size than batch.frames", who));
    return interleaved_differences(previous, x, next);
}

}  // namespace nerv
