// The NervDecoder handle: what it was given (a stream store it shares with the renderers
// obtained from it) and what it renders with. Shared by decoder.cpp and renderer.cpp.
#pragma once

#include <deque>
#include <memory>

#include "api/position_renderer.h"
#include "api/stream_store.h"
#include "core/logger.h"
#include "image/picture.h"
#include "nerv/nerv.h"

/** What a decoder's settings give the segment models it builds. */
inline nerv::DecodeOptions decode_options(const NervDecoderSettings &s, const nerv::Logger &logger)
{
    nerv::DecodeOptions o;
    o.device = s.device;
    o.threads = s.threads;
    o.memory_limit_mib = s.memory_limit;
    o.render_width = s.render_width;
    o.render_height = s.render_height;
    o.logger = logger;
    return o;
}

struct NervDecoder {
    NervDecoder(const NervDecoderSettings &s, const nerv::Logger &log)
        : settings(s), logger(log), store(std::make_shared<nerv::StreamStore>()),
          renderer(store, decode_options(s, log), /*models=*/1)
    {
    }

    NervDecoderSettings settings{};
    nerv::Logger logger;
    std::shared_ptr<nerv::StreamStore> store;
    bool have_header = false;
    nerv::StreamHeader header;                            // the decoder's copy, for validation
    std::shared_ptr<const nerv::StoredSegment> current;   // the segment frame records attach to
    std::deque<int64_t> queue;                            // stream frame indices to output
    nerv::PositionRenderer renderer;                      // one segment model built at a time
    nerv::PictureBuffer out;
};
