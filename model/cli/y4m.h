// YUV4MPEG2 (Y4M) reading and writing: 8-bit 4:2:0 and 4:4:4, the formats the nerv
// CLI takes directly. Other formats come through an ffmpeg pipe (docs/cli.md).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "nerv/nerv.h"

namespace nerv_cli {

struct Y4mInfo {
    int width = 0, height = 0;
    int fps_num = 25, fps_den = 1;
    NervPixelFormat format = NERV_PIX_FMT_YUV420P;
    NervColorRange range = NERV_RANGE_LIMITED;
};

class Y4mReader {
public:
    /** path "-" reads stdin. Returns false with *error set on failure. */
    bool open(const std::string &path, std::string *error);
    ~Y4mReader();
    const Y4mInfo &info() const { return info_; }
    /** Reads the next frame into an internal buffer; false at the end (error set if malformed). */
    bool read_frame(NervPicture *pic, std::string *error);

private:
    FILE *file_ = nullptr;
    bool owns_ = false;
    Y4mInfo info_;
    std::vector<uint8_t> buf_;
};

class Y4mWriter {
public:
    bool open(FILE *file, const Y4mInfo &info, std::string *error);
    /** pic must be yuv420p or yuv444p matching info. */
    bool write_frame(const NervPicture &pic, std::string *error);

private:
    FILE *file_ = nullptr;
    Y4mInfo info_;
};

}  // namespace nerv_cli
