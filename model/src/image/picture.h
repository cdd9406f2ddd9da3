// Conversions between the API's pictures (RGB24, YUV 4:2:0, YUV 4:4:4 with strides)
// and the planar RGB the networks are trained on and render.
//
// Chroma: 4:2:0 input is upsampled by sample replication and RGB output is
// downsampled by 2x2 box averaging, so YUV -> RGB -> YUV returns the source chroma
// exactly (up to 8-bit rounding); docs/design.md explains the choice.
#pragma once

#include <cstdint>
#include <vector>

#include "nerv/nerv.h"

namespace nerv {

/** Throws -EINVAL unless pic is a readable picture of `width` x `height` in `format`. */
void validate_picture(const NervPicture &pic, int width, int height, NervPixelFormat expected, const char *what);

/**
 * Convert a region of `pic` (top-left at crop_x, crop_y; size out_w x out_h) to planar
 * 8-bit RGB: dst holds 3 * out_h * out_w bytes, plane R, then G, then B.
 */
void picture_to_rgb_planar(const NervPicture &pic, int crop_x, int crop_y, int out_w, int out_h, uint8_t *dst);

/** Planar float RGB in [0,1] (3 * h * w, clamped on conversion) to planar 8-bit RGB. */
void rgb_float_to_rgb_planar(const float *rgb, int width, int height, uint8_t *dst);

/** A picture whose planes the library owns. */
struct PictureBuffer {
    std::vector<uint8_t> planes[3];
    NervPicture picture{};  // points into planes
};

/** Planar float RGB in [0,1] to a picture in `format` (matrix/range used for YUV). */
void rgb_float_to_picture(const float *rgb, int width, int height, NervPixelFormat format, NervColorMatrix matrix,
                          NervColorRange range, PictureBuffer *out);

/** Chroma plane size of a format. */
void chroma_size(NervPixelFormat format, int width, int height, int *cw, int *ch);

}  // namespace nerv
