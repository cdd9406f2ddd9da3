// Joining the parts of one video (streams coded with the "segments" setting) into one
// stream: the parts must describe the same video and follow each other frame for frame.
// The first part's file prefix and stream header, then every part's segment and frame chunks
// as they are, so the result is the stream one encoder writes for the whole range.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace nerv {

struct StreamPart {
    const uint8_t *data = nullptr;
    size_t size = 0;
    std::string name;  // for messages ("part 2", a file name)
};

/** Checks every part (throws NERV_ERROR_INVALIDDATA for a damaged or truncated part, -EINVAL
 *  naming the parts and the field when they do not fit together), then hands the joined
 *  stream to `write` in pieces. Nothing is written unless every check passed. */
void concat_streams(const std::vector<StreamPart> &parts,
                    const std::function<void(const uint8_t *data, size_t size)> &write);

}  // namespace nerv
