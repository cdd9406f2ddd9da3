// Inpainting: the papers' protocol of coding a video whose masked pixels ("holes") the
// encoder never sees. Training feeds the masked frame (holes = 0) to content encoders and
// leaves the holes out of the loss; the decoder renders every pixel, which fills them.
//
// Masks (encoder-level params, docs/settings.md):
//   mask=center      one rectangle, a quarter of the width and of the height, centred
//                    (PNeRV supplementary C.3)
//   mask=disperse    five mask_size squares centred at (H/2,W/2), (H/4,W/4), (H/4,3W/4),
//                    (3H/4,W/4), (3H/4,3W/4), as HNeRV's `_inpaint_<S>` datasets
//   mask=random      ten mask_size squares at places drawn once from the seed (SNeRV's
//                    "ten random points"; the same places in every frame)
//   mask_file=PATH   a user mask: PGM (every frame) or Y4M (frame i's luma); < 128 = hole
// Torch-free: the API layer validates masks at open.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nerv {

class KeyValues;

enum class MaskShape { None, Center, Disperse, Random, File };

/** A hole, clipped to the frame by paint_holes. */
struct HoleRect {
    int x = 0, y = 0, width = 0, height = 0;
};

/** The centre rectangle: width/4 x height/4 (at least 1x1), centred. */
HoleRect center_hole(int width, int height);
/** HNeRV's five squares of side `side`: each spans [c - side/2, c - side/2 + side) around
 *  its centre c = (int)(fraction * size), which is the reference's [c - S//2, c + S//2)
 *  for even sides. */
std::vector<HoleRect> disperse_holes(int width, int height, int side);
/** `count` squares of side `side` whose top-left corners a seeded Mersenne Twister places
 *  uniformly within the frame (the same seed, the same places on every platform). */
std::vector<HoleRect> random_holes(int width, int height, int side, uint32_t seed, int count);
/** Zeroes the holes (clipped to the frame) in a width x height visibility plane. */
void paint_holes(const std::vector<HoleRect> &holes, int width, int height, uint8_t *visible);

constexpr int kRandomHoleCount = 10;
constexpr int kDefaultMaskSquare = 50;

class InpaintMask {
public:
    /** Takes the keys mask, mask_size, mask_file from `params` (the others stay for the
     *  architecture) and checks them; a mask file's size must be the input's
     *  (input_w x input_h), the coded frame being its (crop_x, crop_y, width, height) part.
     *  Throws -EINVAL naming the key. */
    static InpaintMask from_params(const KeyValues &params, int input_w, int input_h, int crop_x, int crop_y,
                                   int width, int height, uint32_t seed);

    bool enabled() const { return shape_ != MaskShape::None; }
    MaskShape shape() const { return shape_; }
    /** Does the mask change from frame to frame (a Y4M file)? */
    bool per_frame() const;
    /** "center", "disperse 50x50", "file 'logo.pgm'", ... for logs. */
    std::string describe() const;
    /** CRC-32 of the mask file's bytes (0 without one): checkpoints refuse another mask. */
    uint32_t file_crc() const;
    /** Visibility of the coded frames first .. first + count - 1 (1 = seen, 0 = hole),
     *  width x height planes: one per frame when per_frame(), else one for all. Throws
     *  -EINVAL when a mask hides every pixel or a Y4M file has too few frames. */
    std::vector<uint8_t> visible(int64_t first, int64_t count) const;

private:
    MaskShape shape_ = MaskShape::None;
    int square_ = kDefaultMaskSquare;
    uint32_t seed_ = 1;
    std::string file_;
    int input_w_ = 0, input_h_ = 0, crop_x_ = 0, crop_y_ = 0, width_ = 0, height_ = 0;
};

}  // namespace nerv
