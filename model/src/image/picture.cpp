#include "image/picture.h"

#include <algorithm>
#include <cmath>

#include "core/enum_value.h"
#include "core/error.h"

namespace nerv {
namespace {

struct YuvCoefficients {
    double kr, kb;
    double y_offset, y_scale;  // 8-bit code = y_offset + y_scale * Y
    double c_scale;            // 8-bit code = 128 + c_scale * C
};

YuvCoefficients coefficients(NervColorMatrix matrix, NervColorRange range)
{
    YuvCoefficients c{};
    if (matrix == NERV_MATRIX_BT709) {
        c.kr = 0.2126;
        c.kb = 0.0722;
    } else {
        c.kr = 0.299;
        c.kb = 0.114;
    }
    if (range == NERV_RANGE_FULL) {
        c.y_offset = 0;
        c.y_scale = 255;
        c.c_scale = 255;
    } else {
        c.y_offset = 16;
        c.y_scale = 219;
        c.c_scale = 224;
    }
    return c;
}

inline uint8_t to_u8(double v)
{
    long r = std::lrint(v);
    return static_cast<uint8_t>(std::clamp(r, 0L, 255L));
}

inline const uint8_t *row(const NervPicture &p, int plane, int y)
{
    return p.data[plane] + static_cast<ptrdiff_t>(y) * p.stride[plane];
}

}  // namespace

void chroma_size(NervPixelFormat format, int width, int height, int *cw, int *ch)
{
    if (format == NERV_PIX_FMT_YUV420P) {
        *cw = (width + 1) / 2;
        *ch = (height + 1) / 2;
    } else {
        *cw = width;
        *ch = height;
    }
}

void validate_picture(const NervPicture &pic, int width, int height, NervPixelFormat expected, const char *what)
{
    if (enum_value(pic.format) < NERV_PIX_FMT_RGB24 || enum_value(pic.format) > NERV_PIX_FMT_YUV444P)
        fail_invalid_argument(format("%s: unknown picture format %d", what, enum_value(pic.format)));
    if (pic.width != width || pic.height != height)
        fail_invalid_argument(format("%s: picture is %dx%d, expected %dx%d", what, pic.width, pic.height, width,
                                     height));
    if (pic.format != expected)
        fail_invalid_argument(format("%s: picture format %d, expected %d", what, static_cast<int>(pic.format),
                                     static_cast<int>(expected)));
    const int planes = expected == NERV_PIX_FMT_RGB24 ? 1 : 3;
    for (int i = 0; i < planes; ++i) {
        if (!pic.data[i])
            fail_invalid_argument(format("%s: plane %d is NULL", what, i));
        int cw = width, ch = height;
        if (i > 0)
            chroma_size(expected, width, height, &cw, &ch);
        const ptrdiff_t min_stride = expected == NERV_PIX_FMT_RGB24 ? 3 * static_cast<ptrdiff_t>(width) : cw;
        if (std::abs(pic.stride[i]) < min_stride)
            fail_invalid_argument(format("%s: stride %td of plane %d is smaller than a row (%td bytes)", what,
                                         pic.stride[i], i, min_stride));
    }
    if (expected != NERV_PIX_FMT_RGB24 && (enum_value(pic.matrix) < NERV_MATRIX_BT601 ||
                                         enum_value(pic.matrix) > NERV_MATRIX_BT709 ||
                                         enum_value(pic.range) < NERV_RANGE_LIMITED ||
                                         enum_value(pic.range) > NERV_RANGE_FULL))
        fail_invalid_argument(format("%s: unknown color matrix %d or range %d", what, enum_value(pic.matrix),
                                     enum_value(pic.range)));
}

void picture_to_rgb_planar(const NervPicture &pic, int crop_x, int crop_y, int out_w, int out_h, uint8_t *dst)
{
    const size_t plane = static_cast<size_t>(out_w) * out_h;
    uint8_t *r_out = dst, *g_out = dst + plane, *b_out = dst + 2 * plane;
    if (pic.format == NERV_PIX_FMT_RGB24) {
        for (int y = 0; y < out_h; ++y) {
            const uint8_t *src = row(pic, 0, y + crop_y) + 3 * crop_x;
            for (int x = 0; x < out_w; ++x) {
                const size_t o = static_cast<size_t>(y) * out_w + x;
                r_out[o] = src[3 * x];
                g_out[o] = src[3 * x + 1];
                b_out[o] = src[3 * x + 2];
            }
        }
        return;
    }
    const YuvCoefficients c = coefficients(pic.matrix, pic.range);
    const double kg = 1.0 - c.kr - c.kb;
    const int shift = pic.format == NERV_PIX_FMT_YUV420P ? 1 : 0;
    for (int y = 0; y < out_h; ++y) {
        const int sy = y + crop_y;
        const uint8_t *yr = row(pic, 0, sy);
        const uint8_t *ur = row(pic, 1, sy >> shift);
        const uint8_t *vr = row(pic, 2, sy >> shift);
        for (int x = 0; x < out_w; ++x) {
            const int sx = x + crop_x;
            const double Y = (yr[sx] - c.y_offset) / c.y_scale;
            const double cb = (ur[sx >> shift] - 128.0) / c.c_scale;
            const double cr = (vr[sx >> shift] - 128.0) / c.c_scale;
            const double R = Y + 2.0 * (1.0 - c.kr) * cr;
            const double B = Y + 2.0 * (1.0 - c.kb) * cb;
            const double G = (Y - c.kr * R - c.kb * B) / kg;
            const size_t o = static_cast<size_t>(y) * out_w + x;
            r_out[o] = to_u8(R * 255.0);
            g_out[o] = to_u8(G * 255.0);
            b_out[o] = to_u8(B * 255.0);
        }
    }
}

void rgb_float_to_rgb_planar(const float *rgb, int width, int height, uint8_t *dst)
{
    const size_t n = 3 * static_cast<size_t>(width) * height;
    for (size_t i = 0; i < n; ++i)
        dst[i] = to_u8(static_cast<double>(rgb[i]) * 255.0);
}

void rgb_float_to_picture(const float *rgb, int width, int height, NervPixelFormat format, NervColorMatrix matrix,
                          NervColorRange range, PictureBuffer *out)
{
    const size_t plane = static_cast<size_t>(width) * height;
    NervPicture &p = out->picture;
    p = NervPicture{};
    p.width = width;
    p.height = height;
    p.format = format;
    p.matrix = matrix;
    p.range = range;
    auto clamp01 = [](float v) { return std::min(1.0, std::max(0.0, static_cast<double>(v))); };

    if (format == NERV_PIX_FMT_RGB24) {
        out->planes[0].resize(3 * plane);
        out->planes[1].clear();
        out->planes[2].clear();
        uint8_t *d = out->planes[0].data();
        for (size_t i = 0; i < plane; ++i) {
            d[3 * i] = to_u8(clamp01(rgb[i]) * 255.0);
            d[3 * i + 1] = to_u8(clamp01(rgb[plane + i]) * 255.0);
            d[3 * i + 2] = to_u8(clamp01(rgb[2 * plane + i]) * 255.0);
        }
        p.data[0] = out->planes[0].data();
        p.stride[0] = 3 * static_cast<ptrdiff_t>(width);
        return;
    }

    const YuvCoefficients c = coefficients(matrix, range);
    const double kg = 1.0 - c.kr - c.kb;
    std::vector<double> cb(plane), cr(plane);
    out->planes[0].resize(plane);
    for (size_t i = 0; i < plane; ++i) {
        const double R = clamp01(rgb[i]), G = clamp01(rgb[plane + i]), B = clamp01(rgb[2 * plane + i]);
        const double Y = c.kr * R + kg * G + c.kb * B;
        cb[i] = (B - Y) / (2.0 * (1.0 - c.kb));
        cr[i] = (R - Y) / (2.0 * (1.0 - c.kr));
        out->planes[0][i] = to_u8(c.y_offset + c.y_scale * Y);
    }
    int cw = 0, ch = 0;
    chroma_size(format, width, height, &cw, &ch);
    out->planes[1].resize(static_cast<size_t>(cw) * ch);
    out->planes[2].resize(static_cast<size_t>(cw) * ch);
    const int f = format == NERV_PIX_FMT_YUV420P ? 2 : 1;
    for (int y = 0; y < ch; ++y) {
        for (int x = 0; x < cw; ++x) {
            double su = 0, sv = 0;
            int n = 0;
            for (int dy = 0; dy < f; ++dy) {
                for (int dx = 0; dx < f; ++dx) {
                    const int sy = y * f + dy, sx = x * f + dx;
                    if (sy < height && sx < width) {
                        const size_t i = static_cast<size_t>(sy) * width + sx;
                        su += cb[i];
                        sv += cr[i];
                        ++n;
                    }
                }
            }
            const size_t o = static_cast<size_t>(y) * cw + x;
            out->planes[1][o] = to_u8(128.0 + c.c_scale * su / n);
            out->planes[2][o] = to_u8(128.0 + c.c_scale * sv / n);
        }
    }
    for (int i = 0; i < 3; ++i)
        p.data[i] = out->planes[i].data();
    p.stride[0] = width;
    p.stride[1] = cw;
    p.stride[2] = cw;
}

}  // namespace nerv
