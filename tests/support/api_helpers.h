// Helpers for tests that use only the public C API: load the fixture clip, encode it,
// decode streams.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "nerv/nerv.h"

namespace nerv_test {

/** A clip held in memory as 4:2:0 pictures. */
struct Clip {
    int width = 0, height = 0;
    int fps_num = 25, fps_den = 1;
    NervPixelFormat format = NERV_PIX_FMT_YUV420P;
    std::vector<std::vector<uint8_t>> frames;  // packed planes Y, U, V
    NervPicture picture(size_t i) const;
};

/** Loads a Y4M file (fixtures/carphone_176x144_16f.y4m by default); max_frames 0 = all. */
Clip load_y4m(const std::string &path, int max_frames = 0);
Clip load_fixture_clip(int max_frames = 0);

struct Encoded {
    std::vector<uint8_t> stream;         // all packets concatenated
    std::vector<NervPacket> packets;     // types / pts / indices (data pointers not valid)
    std::vector<size_t> packet_sizes;
    std::vector<NervEncodeStats> segment_stats;
    int result = 0;                      // last return code (0 or error)
    std::string error;
};

/** Encode the clip with the given settings (width/height/format filled from the clip). */
Encoded encode_clip(const Clip &clip, NervEncoderSettings settings);

/** encode_clip() with an abort callback that stops the encode at its `poll`-th poll (training
 *  polls once per iteration): the result is NERV_ERROR_ABORTED unless the encode ends before. */
Encoded encode_stopped_at_poll(const Clip &clip, NervEncoderSettings settings, int poll);

/** Settings for a quick CPU encode of the fixture: arch, size, epochs. */
NervEncoderSettings quick_settings(const char *arch, const char *size, int epochs);

/** quick_settings() with a small budget (and params) each architecture accepts at the fixture's 176x144. */
NervEncoderSettings small_arch_settings(const std::string &arch, int epochs);

/** The bytes of an RGB24 picture, rows packed (no stride padding). */
std::vector<uint8_t> packed_rgb(const NervPicture &p);

/** Renders the renderer's picture at `position` as RGB24 into *out (resized to width x height,
 *  rows packed); returns nerv_renderer_render's result. */
int render_rgb(NervRenderer *r, double position, int width, int height, std::vector<uint8_t> *out);

/** Decode all frames of a stream (sent whole) as RGB24 on `device`; returns the pictures' bytes. */
std::vector<std::vector<uint8_t>> decode_all_rgb(const std::vector<uint8_t> &stream, int *width, int *height,
                                                 NervDevice device = NERV_DEVICE_CPU);

/** Mean PSNR (nerv_compare_pictures) of decoded RGB24 frames against the clip's first frames. */
double mean_psnr_rgb(const Clip &clip, const std::vector<std::vector<uint8_t>> &rgb, int width, int height);

}  // namespace nerv_test
