#include "arch/pnerv_poly.h"

#include <algorithm>

#include "arch/layers/arch_limits.h"
#include "arch/layers/layer_text.h"
#include "arch/layers/pnerv_patches.h"
#include "core/error.h"

namespace nerv {

namespace {

/** [N, C, h, w] -> [N, C, scale h, scale w], bicubic (align_corners false: pixel areas line up). */
torch::Tensor magnify(const torch::Tensor &x, int64_t scale)
{
    if (scale == 1)
        return x;
    namespace F = torch::nn::functional;
    return F::interpolate(x, F::InterpolateFuncOptions()
                                 .size(std::vector<int64_t>{scale * x.size(2), scale * x.size(3)})
                                 .mode(torch::kBicubic)
                                 .align_corners(false));
}

}  // namespace

PnervPolyImpl::PnervPolyImpl(const PnervPolyConfig &config) : config_(config)
{
    const std::string problem = pnerv_poly_config_problem(config_);
    if (!problem.empty())
        fail_invalid_argument("PNeRV-poly: " + problem);
    ppe_ = register_module("ppe", PnervPpe(pnerv_poly_ppe_options(config_)));
    hmf_ = register_module("hmf", Hmf(pnerv_poly_hmf_options(config_)));
    u_ = register_module("u", PolyUpsampler(pnerv_poly_upsampler_options(config_)));
    torch::nn::ModuleList blocks;
    for (int i = 0; i < 3; ++i) {
        blocks_.push_back(ProdPolyBlock(pnerv_poly_block_options(config_, i)));
        blocks->push_back(blocks_.back());
    }
    register_module("blocks", blocks);
    head_ = register_module("head", torch::nn::Conv2d(torch::nn::Conv2dOptions(config_.channels.back(), 3, 1)));
}

torch::Tensor PnervPolyImpl::normalized_time(const torch::Tensor &index, int64_t frame_count)
{
    if (frame_count < 1)
        fail_invalid_argument(format("PNeRV-poly: frame_count %lld: expected at least 1", (long long)frame_count));
    const double last = frame_count > 1 ? static_cast<double>(frame_count - 1) : 1.0;
    return index.to(torch::kDouble) / last;
}

torch::Tensor PnervPolyImpl::render(const FrameBatch &batch)
{
    return render_canvas(batch, 1);
}

torch::Tensor PnervPolyImpl::render_size(const FrameBatch &batch, int out_height, int out_width)
{
    if (out_height < 1 || out_width < 1 || out_height > kMaxArchCanvas || out_width > kMaxArchCanvas)
        fail_invalid_argument(format("PNeRV-poly: output size %dx%d is invalid: expected 1..%lld per side",
                                     out_width, out_height, (long long)kMaxArchCanvas));
    // The smallest whole magnification covering the size on both axes.
    const int64_t scale = std::max((out_height + canvas_height() - 1) / canvas_height(),
                                   (out_width + canvas_width() - 1) / canvas_width());
    const torch::Tensor drawn = render_canvas(batch, scale);
    if (drawn.size(2) == out_height && drawn.size(3) == out_width)
        return drawn;
    // Between the whole magnifications (and below the canvas size): shrink the next larger
    // render, averaging each output pixel's area of it.
    namespace F = torch::nn::functional;
    return F::interpolate(drawn, F::InterpolateFuncOptions()
                                     .size(std::vector<int64_t>{out_height, out_width})
                                     .mode(torch::kArea));
}

torch::Tensor PnervPolyImpl::render_canvas(const FrameBatch &batch, int64_t scale)
{
    const PnervPolyConfig &c = config_;
    if (!batch.index.defined() || batch.index.dim() != 1 || batch.index.size(0) < 1)
        fail_invalid_argument("PNeRV-poly: render needs batch.index of shape [B], B >= 1");
    if (scale < 1 || scale * std::max(canvas_height(), canvas_width()) > kMaxArchCanvas)
        fail_invalid_argument(format("PNeRV-poly: magnification %lld of the %dx%d canvas is invalid: expected "
                                     "1..%lld per side",
                                     (long long)scale, canvas_width(), canvas_height(), (long long)kMaxArchCanvas));
    const torch::Device device = head_->weight.device();
    const PatchLayout tiles =
        make_patch_layout(canvas_height(), canvas_width(), c.tile_height(), c.tile_width(), c.margin());
    const int64_t frames = batch.index.size(0), patches = tiles.count();

    const torch::Tensor t = normalized_time(batch.index, batch.frame_count).to(device);  // [B] float64
    const torch::Tensor coarse = coarse_patch_coordinates(tiles).to(device);             // [P, 2]
    // float32 like the reference (the weights' type: float64 in the gradient checks)
    const torch::ScalarType type = head_->weight.scalar_type();
    const torch::Tensor fine = fine_patch_coordinates(tiles, c.fine_rows, c.fine_cols).to(device, type);

    const torch::Tensor fpe = positional_encoding(t.to(type), c.pe_t);                  // [B, 2l]
    const torch::Tensor ppe = ppe_->forward(fine);                                     // [P, D]
    const torch::Tensor tse = time_aware_spatial_embedding(coarse, t, c.tse_levels(), c.tse_base);  // [B, P, k]
    const torch::Tensor z = (hmf_->forward(fpe, ppe) + tse).reshape({frames * patches, c.rank});

    torch::Tensor x = u_->forward(z);
    for (auto &block : blocks_)
        x = block->forward(x, z);
    // A larger picture: the last feature maps magnified, the 1x1 head and the sigmoid applied at
    // that size. Magnifying before a 3x3 convolution was measured worse (docs/models.md): the
    // convolutions were only fitted to features at their native spacing.
    x = magnify(x, scale);
    const torch::Tensor rendered = torch::sigmoid(head_->forward(x));  // [B*P, 3, s*patch_h, s*patch_w]
    const PatchLayout drawn = make_patch_layout(scale * tiles.out_h, scale * tiles.out_w, scale * tiles.tile_h,
                                                scale * tiles.tile_w, scale * tiles.margin);
    return blend_patches(rendered.view({frames, patches, 3, drawn.patch_h(), drawn.patch_w()}), drawn);
}

std::vector<std::string> PnervPolyImpl::prunable_parameters() const
{
    // Every matrix or kernel (Linear, Conv2d, ConvTranspose2d weights, AdaIN styles included)
    // but the head's, as NeRV's rule; biases are kept.
    const std::string head = head_prefix() + ".";
    std::vector<std::string> names;
    for (const auto &p : named_parameters(true)) {
        if (p.value().dim() >= 2 && p.key().compare(0, head.size(), head) != 0)
            names.push_back(p.key());
    }
    return names;
}

std::string PnervPolyImpl::summary() const
{
    const PnervPolyConfig &c = config_;
    return format("PNeRV-poly %.2fM: canvas %lldx%lld, %lldx%lld patches of %lldx%lld (+%lld px overlap), fine "
                  "%lldx%lld, grid %lldx%lld, strides %s, channels %s, narrow %lld, U %lld, rank %lld, PPE %lld "
                  "(non-local %lld), PE t %g_%d fine %g_%d, TSE %lld levels b %g, %s",
                  pnerv_poly_parameter_count(c) / 1e6, (long long)c.canvas_width(), (long long)c.canvas_height(),
                  (long long)c.patch_rows, (long long)c.patch_cols, (long long)c.tile_width(),
                  (long long)c.tile_height(), (long long)c.margin(), (long long)c.fine_rows, (long long)c.fine_cols,
                  (long long)c.grid_h, (long long)c.grid_w, join_ints(c.strides).c_str(),
                  join_ints(c.channels).c_str(), (long long)c.narrow, (long long)c.u_hidden, (long long)c.rank,
                  (long long)c.ppe_dim, (long long)c.nonlocal_dim, c.pe_t.base, c.pe_t.levels, c.pe_fine.base,
                  c.pe_fine.levels, (long long)c.tse_levels(), c.tse_base, c.act.c_str());
}

TrainRecipe pnerv_poly_recipe()
{
    // Sec. 4: Adam with default hyper-parameters, lr 5e-4, cosine annealing, 300 epochs,
    // L1 + SSIM with gamma 0.7; a batch of 16 patches = one frame of 4x4 tiles.
    TrainRecipe r;
    r.epochs = 300;
    r.lr = 5e-4;
    r.beta1 = 0.9;
    r.beta2 = 0.999;
    r.batch_size = 1;
    r.loss = LossKind::Fusion6;
    r.grad_clip = 0.0;
    r.schedule.warmup_fraction = 0.0;
    r.schedule.warmup_whole_epochs = false;
    return r;
}

namespace {

VideoModel create_pnerv_poly(const ArchRequest &request)
{
    return std::make_shared<PnervPolyImpl>(resolve_pnerv_poly_config(request));
}

VideoModel load_pnerv_poly(const Metadata &meta, bool /*with_encoder: there is no encoder*/)
{
    return std::make_shared<PnervPolyImpl>(read_pnerv_poly_config(meta));
}

}  // namespace

ArchEntry pnerv_poly_arch_entry()
{
    return {"pnerv-poly",
            "PNeRV (TMLR'24): patch-wise polynomial NeRV, continuous in time and space (hierarchical patch "
            "coordinates, HMF fusion, ProdPoly decoder)",
            &pnerv_poly_recipe, &create_pnerv_poly, &load_pnerv_poly, /*renders_any_size=*/true};
}

}  // namespace nerv
