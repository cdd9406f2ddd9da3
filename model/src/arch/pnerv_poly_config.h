// The resolved configuration of polynomial PNeRV (arch/pnerv_poly.h): plain data, stored
// under "pnerv-poly." keys, from which the decoder rebuilds exactly the same modules.
//
// Request parameters (ArchRequest::params), each validated with its range:
//   patches=M,N      tiles of the canvas (4,4: Table 9's best patch size H/4 x W/4)
//   fine=K,L         sub-tiles per tile whose centroids feed PPE (4,4; see below)
//   strides=a,b,c    up-sampling of F11, F12, F21 (default: the stride plan for one tile,
//                    about 9 cells on its short side; 720x1280 -> 5,2,2 as the paper,
//                    1080x1920 -> 5,3,2; strides of 1 only for tiles under ~16 pixels)
//   grid=h,w         U's cells per tile (default: ceil(tile / product of strides))
//   overlap=n        U cells rendered beyond each tile edge for the seam cross-fade
//                    (default 1, or 0 when the grid is a single cell wide)
//   channels=c1,..,c6  widths of U/F11, F12, F21, F22, F31, F32 (324,162,384,96,96,96)
//   narrow=n         F11's slim width (c1 / 4 = 81, E-NeRV's rule)
//   u_hidden=n       U's inner width (16)
//   rank=k           HMF rank = width of z = 2 x TSE levels (160)
//   ppe_dim=n        PPE output width (80)    nonlocal_dim=n  PPE non-local inner width (80)
//   pe_t=b_l         FPE (1.25_40: 80 values)  pe_fine=b_l  PPE per coordinate (1.25_40)
//   tse_base=b       TSE's beta (1.25)         act=name     F blocks' activation (gelu)
// size: "" = the paper's widths; a budget ("3M", "800k") picks the largest c1 in [4, 4096]
// whose exact count fits, every other width scaled by c1 / 324 (rounded half to even,
// at least 1) and narrow = c1 / 4. Embedding, U and rank widths stay as set by params.
//
// Why K = L = 4: the paper never states K x L. Its sampling is "recursive" (Sec. 1): the
// frame is split 4 x 4 into coarse tiles, so each tile is split 4 x 4 again.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arch/layers/hmf.h"
#include "arch/layers/pnerv_poly_embedding.h"
#include "arch/layers/poly_upsampler.h"
#include "arch/layers/positional_encoding.h"
#include "arch/layers/prodpoly.h"
#include "arch/registry.h"

namespace nerv {

struct PnervPolyConfig {
    int64_t patch_rows = 4, patch_cols = 4;  // M x N tiles of the canvas
    int64_t fine_rows = 4, fine_cols = 4;    // K x L sub-tiles per tile
    int64_t grid_h = 9, grid_w = 16;         // U's cells per tile, margins excluded
    int64_t overlap = 1;                     // U cells rendered beyond each tile edge
    std::vector<int64_t> strides{5, 2, 2};   // F11, F12, F21 up-sampling
    std::vector<int64_t> channels{324, 162, 384, 96, 96, 96};  // U = F11, F12, F21, F22, F31, F32 outputs
    int64_t narrow = 81;                     // F11's slim inner width
    int64_t u_hidden = 16;                   // U's inner width
    int64_t rank = 160;                      // HMF rank = z width = 2 x TSE levels
    int64_t ppe_dim = 80;                    // PPE output width
    int64_t nonlocal_dim = 80;               // PPE non-local block inner width
    PositionalEncodingOptions pe_t{1.25, 40, PeOrder::Interleaved};     // FPE
    PositionalEncodingOptions pe_fine{1.25, 40, PeOrder::Interleaved};  // PPE, per coordinate
    double tse_base = 1.25;                  // TSE's beta
    std::string act = "gelu";

    int64_t stride_product() const;
    int64_t tile_height() const { return grid_h * stride_product(); }
    int64_t tile_width() const { return grid_w * stride_product(); }
    /** Pixels rendered beyond each tile edge. */
    int64_t margin() const { return overlap * stride_product(); }
    int64_t canvas_height() const { return patch_rows * tile_height(); }
    int64_t canvas_width() const { return patch_cols * tile_width(); }
    int64_t tse_levels() const { return rank / 2; }
};

/** The paper's 720x1280 model (Table 11). */
PnervPolyConfig default_pnerv_poly_config();
/** Widths for a given c1, the others scaled from the paper's (see the file comment). */
std::vector<int64_t> pnerv_poly_scaled_channels(int64_t first);

/** Resolve a request (params, size budget, frame size). Throws -EINVAL naming the param. */
PnervPolyConfig resolve_pnerv_poly_config(const ArchRequest &request);
/** Why this config cannot be built ("" when it can): limits that bound memory. */
std::string pnerv_poly_config_problem(const PnervPolyConfig &config);
void write_pnerv_poly_config(const PnervPolyConfig &config, Metadata &meta);
/** Bounded read; malformed or out-of-range values throw NERV_ERROR_INVALIDDATA. */
PnervPolyConfig read_pnerv_poly_config(const Metadata &meta);

/** The modules' options, shared by the model and the layer table. */
PnervPpeOptions pnerv_poly_ppe_options(const PnervPolyConfig &config);
HmfOptions pnerv_poly_hmf_options(const PnervPolyConfig &config);
PolyUpsamplerOptions pnerv_poly_upsampler_options(const PnervPolyConfig &config);
/** ProdPoly block i = 0, 1, 2. */
ProdPolyOptions pnerv_poly_block_options(const PnervPolyConfig &config, int i);

/** Layer table from the config alone (rows sum to the parameter count). */
std::vector<LayerInfo> pnerv_poly_layers(const PnervPolyConfig &config);
int64_t pnerv_poly_parameter_count(const PnervPolyConfig &config);

}  // namespace nerv
