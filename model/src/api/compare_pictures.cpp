// nerv_compare_pictures: RGB quality figures for any two pictures of one size.
#include <vector>

#include "api/api_guard.h"
#include "image/picture.h"
#include "metrics/compare.h"

extern "C" int nerv_compare_pictures(const NervPicture *a, const NervPicture *b, NervMetrics *out)
{
    return nerv::guarded([&] {
        if (!a || !b || !out)
            nerv::fail_invalid_argument("nerv_compare_pictures: NULL argument");
        if (a->width != b->width || a->height != b->height)
            nerv::fail_invalid_argument(nerv::format("nerv_compare_pictures: sizes differ (%dx%d vs %dx%d)", a->width,
                                                     a->height, b->width, b->height));
        if (a->width < 1 || a->height < 1 || a->width > 16384 || a->height > 16384)
            nerv::fail_invalid_argument("nerv_compare_pictures: size out of range 1..16384");
        nerv::validate_picture(*a, a->width, a->height, a->format, "nerv_compare_pictures (a)");
        nerv::validate_picture(*b, b->width, b->height, b->format, "nerv_compare_pictures (b)");
        const size_t n = 3 * static_cast<size_t>(a->width) * a->height;
        std::vector<uint8_t> ra(n), rb(n);
        nerv::picture_to_rgb_planar(*a, 0, 0, a->width, a->height, ra.data());
        nerv::picture_to_rgb_planar(*b, 0, 0, b->width, b->height, rb.data());
        *out = nerv::compare_rgb_planar(ra.data(), rb.data(), a->width, a->height);
        return 0;
    });
}
