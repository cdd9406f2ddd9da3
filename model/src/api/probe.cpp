// nerv_probe: stream facts from the bytes alone (no model is built).
#include <cstdio>
#include <cstring>
#include <string>

#include "api/api_guard.h"
#include "container/records.h"

extern "C" int nerv_probe_segments(const uint8_t *data, size_t size, NervStreamInfo *info, NervSegmentCallback cb,
                                   void *user_data)
{
    return nerv::guarded([&] {
        if (!info || (!data && size))
            nerv::fail_invalid_argument("nerv_probe: NULL argument");
        std::memset(info, 0, sizeof(*info));
        if (size < nerv::kFilePrefixSize || std::memcmp(data, "NERV", 4) != 0)
            nerv::fail_invalid_data("not a .nerv stream: it does not start with the magic 'NERV'");
        nerv::ChunkScanner scanner(data, size);
        scanner.consume_file_prefix();
        nerv::ChunkView c;
        bool have_header = false;
        size_t codecs = 0;
        while (scanner.next(&c)) {
            switch (c.type) {
            case nerv::ChunkType::StreamHeader: {
                if (have_header)
                    nerv::fail_invalid_data("a second stream header");
                const nerv::StreamHeader h = nerv::parse_stream_header(c);
                info->width = h.width;
                info->height = h.height;
                info->fps_num = h.fps_num;
                info->fps_den = h.fps_den;
                info->timebase_num = h.fps_den;
                info->timebase_den = h.fps_num;
                if (h.meta.has("video.timebase")) {
                    const std::vector<int64_t> tb = h.meta.get_ints("video.timebase", 2, 2, 1, 1000000000);
                    info->timebase_num = static_cast<int>(tb[0]);
                    info->timebase_den = static_cast<int>(tb[1]);
                }
                info->source_format = h.source_format;
                info->matrix = h.matrix;
                info->range = h.range;
                have_header = true;
                break;
            }
            case nerv::ChunkType::Segment: {
                if (!have_header)
                    nerv::fail_invalid_data("segment before the stream header");
                const nerv::SegmentRecord s = nerv::parse_segment(c);
                const std::string arch = s.meta.get_string("model.arch");
                if (info->segments == 0) {
                    std::snprintf(info->arch, sizeof(info->arch), "%s", arch.c_str());
                    info->first_frame = s.first_frame;
                }
                int64_t parameters = 0;
                for (const auto &t : s.tensors) {
                    int64_t n = 1;
                    for (int64_t d : t.shape)
                        n *= d;
                    parameters += n;
                }
                info->parameters += parameters;
                codecs = s.frame_codecs.size();
                if (cb) {
                    const std::string text = s.meta.to_text();
                    NervSegmentInfo si{};
                    si.index = info->segments;
                    si.first_frame = s.first_frame;
                    si.frames = static_cast<int>(s.frame_count);
                    si.arch = arch.c_str();
                    si.parameters = parameters;
                    si.bytes = static_cast<int64_t>(c.total_size);
                    si.metadata = text.c_str();
                    cb(user_data, &si);
                }
                info->segments++;
                break;
            }
            case nerv::ChunkType::Frame:
                if (info->segments == 0)
                    nerv::fail_invalid_data("frame record before any segment");
                nerv::parse_frame(c, codecs);
                info->frames++;
                break;
            }
        }
        if (!have_header)
            nerv::fail_invalid_data("no stream header chunk");
        info->truncated = scanner.truncated() ? 1 : 0;
        info->bytes = static_cast<int64_t>(scanner.position());
        if (info->frames > 0)
            info->bpp = 8.0 * static_cast<double>(info->bytes) /
                        (static_cast<double>(info->width) * info->height * static_cast<double>(info->frames));
        return 0;
    });
}

extern "C" int nerv_probe(const uint8_t *data, size_t size, NervStreamInfo *info)
{
    return nerv_probe_segments(data, size, info, nullptr, nullptr);
}
