#include "codec/inpaint_mask.h"

#include <algorithm>
#include <cstdio>
#include <random>

#include "container/records.h"
#include "core/error.h"
#include "core/key_values.h"
#include "image/mask_file.h"

namespace nerv {
namespace {

constexpr uint8_t kHoleBelow = 128;  // mask file samples below this are holes

std::string file_what(const std::string &path) { return format("param 'mask_file' = '%s'", path.c_str()); }

/** The coded area of a mask file's image as a visibility plane. */
void crop_visibility(const GrayImage &img, int input_w, int input_h, int crop_x, int crop_y, int width, int height,
                     uint8_t *visible, const std::string &what)
{
    if (img.width != input_w || img.height != input_h)
        fail_invalid_argument(format("%s: the mask is %dx%d, the input frames are %dx%d (they must match)",
                                     what.c_str(), img.width, img.height, input_w, input_h));
    for (int y = 0; y < height; ++y) {
        const uint8_t *row = img.pixels.data() + static_cast<size_t>(crop_y + y) * img.width + crop_x;
        for (int x = 0; x < width; ++x)
            visible[static_cast<size_t>(y) * width + x] = row[x] >= kHoleBelow ? 1 : 0;
    }
}

void require_some_visible(const uint8_t *plane, size_t size, int64_t frame, const std::string &mask)
{
    if (std::find(plane, plane + size, uint8_t(1)) == plane + size)
        fail_invalid_argument(format("param 'mask': the %s mask hides every pixel of frame %lld (nothing to train on)",
                                     mask.c_str(), static_cast<long long>(frame)));
}

}  // namespace

HoleRect center_hole(int width, int height)
{
    HoleRect r;
    r.width = std::max(1, width / 4);
    r.height = std::max(1, height / 4);
    r.x = (width - r.width) / 2;
    r.y = (height - r.height) / 2;
    return r;
}

std::vector<HoleRect> disperse_holes(int width, int height, int side)
{
    // (row, column) fractions of the centres, as the reference lists them
    static const int kCentres[5][2] = {{2, 2}, {1, 1}, {1, 3}, {3, 1}, {3, 3}};  // quarters
    std::vector<HoleRect> holes;
    for (const auto &c : kCentres) {
        HoleRect r;
        r.y = c[0] * height / 4 - side / 2;
        r.x = c[1] * width / 4 - side / 2;
        r.width = r.height = side;
        holes.push_back(r);
    }
    return holes;
}

std::vector<HoleRect> random_holes(int width, int height, int side, uint32_t seed, int count)
{
    std::mt19937 gen(seed);
    const uint32_t span_x = static_cast<uint32_t>(std::max(0, width - side)) + 1;
    const uint32_t span_y = static_cast<uint32_t>(std::max(0, height - side)) + 1;
    std::vector<HoleRect> holes;
    for (int i = 0; i < count; ++i) {
        HoleRect r;
        // gen()'s output is fixed by the standard; the distributions are not, so map it here.
        r.x = static_cast<int>(gen() % span_x);
        r.y = static_cast<int>(gen() % span_y);
        r.width = r.height = side;
        holes.push_back(r);
    }
    return holes;
}

void paint_holes(const std::vector<HoleRect> &holes, int width, int height, uint8_t *visible)
{
    for (const HoleRect &r : holes) {
        const int x0 = std::max(0, r.x), x1 = std::min(width, r.x + r.width);
        const int y0 = std::max(0, r.y), y1 = std::min(height, r.y + r.height);
        for (int y = y0; y < y1; ++y)
            std::fill(visible + static_cast<size_t>(y) * width + x0, visible + static_cast<size_t>(y) * width + x1,
                      uint8_t(0));
    }
}

InpaintMask InpaintMask::from_params(const KeyValues &params, int input_w, int input_h, int crop_x, int crop_y,
                                     int width, int height, uint32_t seed)
{
    InpaintMask m;
    m.input_w_ = input_w;
    m.input_h_ = input_h;
    m.crop_x_ = crop_x;
    m.crop_y_ = crop_y;
    m.width_ = width;
    m.height_ = height;
    m.seed_ = seed;
    const bool has_file = params.has("mask_file"), has_size = params.has("mask_size");
    const std::string shape = params.get_string("mask", has_file ? "file" : "none");
    m.file_ = params.get_string("mask_file", "");
    m.square_ = static_cast<int>(params.get_int("mask_size", kDefaultMaskSquare, 1, 16384));
    if (shape == "none")
        m.shape_ = MaskShape::None;
    else if (shape == "center")
        m.shape_ = MaskShape::Center;
    else if (shape == "disperse")
        m.shape_ = MaskShape::Disperse;
    else if (shape == "random")
        m.shape_ = MaskShape::Random;
    else if (shape == "file")
        m.shape_ = MaskShape::File;
    else
        fail_invalid_argument(format("param 'mask' = '%s' is invalid: expected none, center, disperse, random or file",
                                     shape.c_str()));
    if (has_size && m.shape_ != MaskShape::Disperse && m.shape_ != MaskShape::Random)
        fail_invalid_argument(format("param 'mask_size' sizes the squares of mask=disperse or mask=random, not of "
                                     "mask=%s",
                                     shape.c_str()));
    if (has_file && m.shape_ != MaskShape::File)
        fail_invalid_argument(format("param 'mask_file' is a mask of its own: it cannot be combined with mask=%s",
                                     shape.c_str()));
    if (m.shape_ == MaskShape::File) {
        if (m.file_.empty())
            fail_invalid_argument("param 'mask' = 'file' needs param 'mask_file' (a PGM image or a Y4M video)");
        const std::string what = file_what(m.file_);
        int w = 0, h = 0;
        if (is_y4m_path(m.file_)) {
            const Y4mGeometry g = read_y4m_geometry(m.file_, what);
            w = g.width;
            h = g.height;
        } else {
            const GrayImage img = read_pgm(m.file_, what);
            w = img.width;
            h = img.height;
        }
        if (w != input_w || h != input_h)
            fail_invalid_argument(format("%s: the mask is %dx%d, the input frames are %dx%d (they must match)",
                                         what.c_str(), w, h, input_w, input_h));
    }
    if (m.enabled())  // fail at open, not after training earlier segments
        m.visible(0, 1);
    return m;
}

bool InpaintMask::per_frame() const { return shape_ == MaskShape::File && is_y4m_path(file_); }

std::string InpaintMask::describe() const
{
    switch (shape_) {
    case MaskShape::None:
        return "none";
    case MaskShape::Center:
        return "center";
    case MaskShape::Disperse:
        return format("disperse (5 squares of %dx%d)", square_, square_);
    case MaskShape::Random:
        return format("random (%d squares of %dx%d)", kRandomHoleCount, square_, square_);
    case MaskShape::File:
        return format("file '%s'", file_.c_str());
    }
    return "?";
}

uint32_t InpaintMask::file_crc() const
{
    if (shape_ != MaskShape::File)
        return 0;
    FILE *f = std::fopen(file_.c_str(), "rb");
    if (!f)
        fail_invalid_argument(format("%s: cannot open the file", file_what(file_).c_str()));
    uint32_t crc = 0;
    uint8_t buf[1 << 16];
    for (size_t n; (n = std::fread(buf, 1, sizeof(buf), f)) > 0;)
        crc = crc32(buf, n, crc);
    std::fclose(f);
    return crc;
}

std::vector<uint8_t> InpaintMask::visible(int64_t first, int64_t count) const
{
    const size_t plane = static_cast<size_t>(width_) * height_;
    std::vector<uint8_t> out;
    if (shape_ == MaskShape::File) {
        const std::string what = file_what(file_);
        if (per_frame()) {
            const std::vector<GrayImage> frames = read_y4m_luma(file_, first, count, what);
            out.resize(plane * frames.size());
            for (size_t i = 0; i < frames.size(); ++i)
                crop_visibility(frames[i], input_w_, input_h_, crop_x_, crop_y_, width_, height_, out.data() + i * plane,
                                what);
        } else {
            out.resize(plane);
            crop_visibility(read_pgm(file_, what), input_w_, input_h_, crop_x_, crop_y_, width_, height_, out.data(),
                            what);
        }
    } else {
        out.assign(plane, 1);
        if (shape_ == MaskShape::Center)
            paint_holes({center_hole(width_, height_)}, width_, height_, out.data());
        else if (shape_ == MaskShape::Disperse)
            paint_holes(disperse_holes(width_, height_, square_), width_, height_, out.data());
        else if (shape_ == MaskShape::Random)
            paint_holes(random_holes(width_, height_, square_, seed_, kRandomHoleCount), width_, height_, out.data());
    }
    const bool per = per_frame();
    for (size_t i = 0; i * plane < out.size(); ++i)
        require_some_visible(out.data() + i * plane, plane, per ? first + static_cast<int64_t>(i) : first, describe());
    return out;
}

}  // namespace nerv
