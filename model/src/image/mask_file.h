// Reading user inpainting masks: a binary PGM (P5) image, the same mask for every frame,
// or a YUV4MPEG2 video whose luma plane is frame i's mask. Only the 8-bit luma/gray
// samples are kept; what counts as a hole is the caller's rule (codec/inpaint_mask.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nerv {

/** An 8-bit gray image, row-major, `width * height` samples scaled to 0..255. */
struct GrayImage {
    int width = 0, height = 0;
    std::vector<uint8_t> pixels;
};

/** Reads a binary PGM (P5, maxval 1..255; header comments allowed). Throws -EINVAL with a
 *  message starting with `what` (e.g. "param 'mask_file' = 'a.pgm'") on any problem. */
GrayImage read_pgm(const std::string &path, const std::string &what);

/** Frame size of a YUV4MPEG2 file (8-bit: C420*, C422, C444, Cmono). Throws like read_pgm. */
struct Y4mGeometry {
    int width = 0, height = 0;
    int64_t frame_bytes = 0;  // the planes of one frame
};
Y4mGeometry read_y4m_geometry(const std::string &path, const std::string &what);

/** The luma planes of frames first .. first + count - 1 (0-based). Throws like read_pgm,
 *  also when the file has fewer frames. */
std::vector<GrayImage> read_y4m_luma(const std::string &path, int64_t first, int64_t count, const std::string &what);

/** Does the file name end in ".y4m" (case-insensitive)? Everything else is read as PGM. */
bool is_y4m_path(const std::string &path);

}  // namespace nerv
