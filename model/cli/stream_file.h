// Loading a .nerv file and opening a decoder on it (decode, eval).
#pragma once

#include <string>

#include "args.h"
#include "nerv/nerv.h"

namespace nerv_cli {

struct LoadedStream {
    std::string bytes;
    NervStreamInfo info{};
};

/** Read and probe; prints the error and returns false on failure. */
bool load_stream(const std::string &path, LoadedStream *out);

/** Integer option --name in [lo, hi] into *out (left alone when absent); prints why and returns false if invalid. */
bool parse_int_option(const Args &args, const char *name, int lo, int hi, int *out);

/** --name WxH (each side 1..16384) into *width, *height (left alone when absent); prints why and
 *  returns false if invalid. */
bool parse_size_option(const Args &args, const char *name, int *width, int *height);

/** Decoder with --device/--threads/--memory_limit from args and pictures of render_width x
 *  render_height (0, 0: the stream's size), fed with the whole stream. nullptr on failure (printed). */
NervDecoder *open_decoder_on(const LoadedStream &s, const Args &args, NervPixelFormat output_format,
                             int render_width = 0, int render_height = 0);

/** Parse "A:B" (stream frame indices, B exclusive, either side may be empty) against the
 *  stream's frames [stream_first, stream_end) (a part of a video starts after 0). */
bool parse_frame_range(const std::string &text, int64_t stream_first, int64_t stream_end, int64_t *first,
                       int64_t *end);

}  // namespace nerv_cli
