#include "container/stream_concat.h"

#include <cstring>
#include <sstream>

#include "container/records.h"
#include "core/error.h"

namespace nerv {
namespace {

/** What one part holds, found by walking its chunks. */
struct ScannedPart {
    size_t header_end = 0;                 // bytes of the file prefix + stream header chunk
    StreamHeader header;
    std::string arch;                      // model.arch of its segments (all alike)
    int64_t first_frame = 0, end_frame = 0;
    std::vector<std::pair<size_t, size_t>> chunks;  // offset, size of every segment and frame chunk
};

ScannedPart scan_part(const StreamPart &p)
{
    ScannedPart s;
    if (p.size < kFilePrefixSize || std::memcmp(p.data, "NERV", 4) != 0)
        fail_invalid_data(format("%s is not a .nerv stream: it does not start with the magic 'NERV'", p.name.c_str()));
    ChunkScanner scanner(p.data, p.size);
    scanner.consume_file_prefix();
    ChunkView c;
    bool have_header = false;
    size_t codecs = 0;
    int64_t expected_frames = 0, frames_seen = 0, segment_end = 0;
    auto check_segment_complete = [&] {
        if (frames_seen != expected_frames)
            fail_invalid_data(format("%s: the segment ending at frame %lld has %lld of its %lld frame records",
                                     p.name.c_str(), static_cast<long long>(segment_end - 1),
                                     static_cast<long long>(frames_seen), static_cast<long long>(expected_frames)));
    };
    while (scanner.next(&c)) {
        if (c.type == ChunkType::StreamHeader) {
            if (have_header)
                fail_invalid_data(format("%s has a second stream header", p.name.c_str()));
            s.header = parse_stream_header(c);
            s.header_end = c.offset + c.total_size;
            have_header = true;
            continue;
        }
        if (!have_header)
            fail_invalid_data(format("%s: a segment or frame before the stream header", p.name.c_str()));
        if (c.type == ChunkType::Segment) {
            const SegmentRecord seg = parse_segment(c);
            if (s.chunks.empty()) {
                s.first_frame = seg.first_frame;
                s.arch = seg.meta.get_string("model.arch");
            } else {
                check_segment_complete();
                if (seg.first_frame != segment_end)
                    fail_invalid_data(format("%s: its segment at frame %lld does not follow the one ending at %lld",
                                             p.name.c_str(), static_cast<long long>(seg.first_frame),
                                             static_cast<long long>(segment_end - 1)));
                if (seg.meta.get_string("model.arch") != s.arch)
                    fail_invalid_argument(format("%s mixes architectures (%s, %s)", p.name.c_str(), s.arch.c_str(),
                                                 seg.meta.get_string("model.arch").c_str()));
            }
            codecs = seg.frame_codecs.size();
            expected_frames = seg.frame_count;
            frames_seen = 0;
            segment_end = seg.first_frame + seg.frame_count;
        } else {
            if (s.chunks.empty())
                fail_invalid_data(format("%s: a frame record before any segment", p.name.c_str()));
            const FrameRecord f = parse_frame(c, codecs);
            if (static_cast<int64_t>(f.index_in_segment) != frames_seen)
                fail_invalid_data(format("%s: frame record %u of the segment ending at frame %lld is out of order",
                                         p.name.c_str(), f.index_in_segment, static_cast<long long>(segment_end - 1)));
            frames_seen++;
        }
        s.chunks.emplace_back(c.offset, c.total_size);
    }
    if (scanner.truncated())
        fail_invalid_data(format("%s is truncated (it ends inside a chunk at byte %zu): encode that part again",
                                 p.name.c_str(), scanner.position()));
    if (!have_header)
        fail_invalid_data(format("%s has no stream header", p.name.c_str()));
    if (s.chunks.empty())
        fail_invalid_argument(format("%s has no segment", p.name.c_str()));
    check_segment_complete();
    s.end_frame = segment_end;
    return s;
}

/** -EINVAL naming the first property of `b`'s stream header that differs from `a`'s. */
void require_same_video(const StreamPart &pa, const ScannedPart &a, const StreamPart &pb, const ScannedPart &b)
{
    auto differ = [&](const char *what, const std::string &va, const std::string &vb) {
        fail_invalid_argument(format("%s and %s are not parts of one encode: %s %s vs %s", pa.name.c_str(),
                                     pb.name.c_str(), what, va.c_str(), vb.c_str()));
    };
    const StreamHeader &x = a.header, &y = b.header;
    if (x.width != y.width || x.height != y.height)
        differ("picture size", format("%dx%d", x.width, x.height), format("%dx%d", y.width, y.height));
    if (x.fps_num != y.fps_num || x.fps_den != y.fps_den)
        differ("frame rate", format("%d/%d", x.fps_num, x.fps_den), format("%d/%d", y.fps_num, y.fps_den));
    if (x.source_format != y.source_format || x.matrix != y.matrix || x.range != y.range)
        differ("pixel format/matrix/range", format("%d/%d/%d", x.source_format, x.matrix, x.range),
               format("%d/%d/%d", y.source_format, y.matrix, y.range));
    if (a.arch != b.arch)
        differ("architecture", a.arch, b.arch);
    // The rest of the header: time base, encoder library and settings, line by line.
    std::istringstream la(x.meta.to_text()), lb(y.meta.to_text());
    std::string line_a, line_b;
    while (true) {
        const bool more_a = static_cast<bool>(std::getline(la, line_a));
        const bool more_b = static_cast<bool>(std::getline(lb, line_b));
        if (!more_a && !more_b)
            break;
        if (line_a != line_b)
            differ("stream header", "'" + (more_a ? line_a : "") + "'", "'" + (more_b ? line_b : "") + "'");
    }
}

}  // namespace

void concat_streams(const std::vector<StreamPart> &parts,
                    const std::function<void(const uint8_t *data, size_t size)> &write)
{
    if (parts.empty())
        fail_invalid_argument("concat: no part given");
    std::vector<ScannedPart> scanned;
    scanned.reserve(parts.size());
    for (const StreamPart &p : parts)
        scanned.push_back(scan_part(p));
    for (size_t i = 1; i < parts.size(); ++i) {
        require_same_video(parts[0], scanned[0], parts[i], scanned[i]);
        const ScannedPart &prev = scanned[i - 1], &cur = scanned[i];
        if (cur.first_frame != prev.end_frame)
            fail_invalid_argument(format("%s ends at frame %lld and %s starts at frame %lld: %s", parts[i - 1].name.c_str(),
                                         static_cast<long long>(prev.end_frame - 1), parts[i].name.c_str(),
                                         static_cast<long long>(cur.first_frame),
                                         cur.first_frame > prev.end_frame ? "frames are missing between them"
                                                                          : "they overlap (or are out of order)"));
    }
    write(parts[0].data, scanned[0].header_end);
    for (size_t i = 0; i < parts.size(); ++i)
        for (const auto &chunk : scanned[i].chunks)
            write(parts[i].data + chunk.first, chunk.second);
}

}  // namespace nerv
