// Layout (docs/api.md, "Checkpoints"), little-endian:
//   "NVCK" u16 major (1) u16 minor (0)
//   chunks: u32 tag | u64 payload size | payload | u32 CRC-32 of tag, size and payload
//     CKHD  Metadata: the settings fingerprint
//     CKSG  per finished segment: i64 first_frame, u32 frames, u32 input_crc, Metadata stats,
//           u32 packet count, packets (u8 type, i64 pts, i64 frame_index, i32 segment, u64 size, bytes)
//     CKTR  optional: u32 segment index, i64 first_frame, u32 frames, u32 input_crc, u64 size, state
//     CKEN  empty; last (a file without it is incomplete)
#include "codec/checkpoint.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include "container/records.h"
#include "core/byte_io.h"
#include "core/error.h"

namespace nerv {
namespace {

constexpr uint32_t kMagic = 0x4b43564e;  // "NVCK"
constexpr uint16_t kMajor = 1, kMinor = 0;
constexpr uint32_t kTagHeader = 0x44484b43;    // "CKHD"
constexpr uint32_t kTagSegment = 0x47534b43;   // "CKSG"
constexpr uint32_t kTagTraining = 0x52544b43;  // "CKTR"
constexpr uint32_t kTagEnd = 0x4e454b43;       // "CKEN"
constexpr uint32_t kMaxPackets = (1u << 20) + 1;

void put_chunk(ByteWriter &out, uint32_t tag, const std::vector<uint8_t> &payload)
{
    const size_t start = out.size();
    out.u32(tag);
    out.u64(payload.size());
    out.bytes(payload);
    out.u32(crc32(out.data().data() + start, out.size() - start));
}

Metadata stats_metadata(const NervEncodeStats &s)
{
    Metadata m;
    m.set_ints("stats.counts", {s.parameters, s.embedding_values, s.encoder_parameters, s.segment_bytes, s.frames});
    m.set_floats("stats.figures", {s.psnr_trained, s.psnr_final, s.ssim_final, s.train_seconds});
    return m;
}

NervEncodeStats stats_from(const Metadata &m)
{
    const std::vector<int64_t> c = m.get_ints("stats.counts", 5, 5, INT64_MIN, INT64_MAX);
    const std::vector<double> f = m.get_floats("stats.figures");
    if (f.size() != 4)
        fail_invalid_data("'stats.figures' must hold 4 values");
    NervEncodeStats s{};
    s.parameters = c[0];
    s.embedding_values = c[1];
    s.encoder_parameters = c[2];
    s.segment_bytes = c[3];
    s.frames = static_cast<int>(c[4]);
    s.psnr_trained = f[0];
    s.psnr_final = f[1];
    s.ssim_final = f[2];
    s.train_seconds = f[3];
    return s;
}

std::vector<uint8_t> segment_payload(const FinishedSegment &s)
{
    ByteWriter w;
    w.i64(s.first_frame);
    w.u32(static_cast<uint32_t>(s.frames));
    w.u32(s.input_crc);
    stats_metadata(s.stats).write(w);
    w.u32(static_cast<uint32_t>(s.packets.size()));
    for (const CheckpointPacket &p : s.packets) {
        w.u8(static_cast<uint8_t>(p.type));
        w.i64(p.pts);
        w.i64(p.frame_index);
        w.u32(static_cast<uint32_t>(p.segment));
        w.u64(p.bytes.size());
        w.bytes(p.bytes);
    }
    return w.take();
}

FinishedSegment read_segment(ByteReader &r)
{
    FinishedSegment s;
    s.first_frame = r.i64("first_frame");
    s.frames = r.u32("frames");
    s.input_crc = r.u32("input_crc");
    s.stats = stats_from(Metadata::read(r));
    const uint32_t n = r.u32("packet count");
    if (n > kMaxPackets)
        fail_invalid_data(format("%u packets in one segment", n));
    for (uint32_t i = 0; i < n; ++i) {
        CheckpointPacket p;
        const uint8_t type = r.u8("packet type");
        if (type > NERV_PACKET_FRAME)
            fail_invalid_data(format("packet type %u", type));
        p.type = static_cast<NervPacketType>(type);
        p.pts = r.i64("pts");
        p.frame_index = r.i64("frame_index");
        p.segment = static_cast<int32_t>(r.u32("segment"));
        const uint64_t size = r.u64("packet size");
        if (size > r.remaining())
            fail_invalid_data("a packet runs past the end of its chunk");
        const uint8_t *bytes = r.bytes(static_cast<size_t>(size), "packet");
        p.bytes.assign(bytes, bytes + size);
        s.packets.push_back(std::move(p));
    }
    r.expect_end("the packets");
    return s;
}

std::vector<uint8_t> training_payload(const InterruptedSegment &t)
{
    ByteWriter w;
    w.u32(static_cast<uint32_t>(t.index));
    w.i64(t.first_frame);
    w.u32(static_cast<uint32_t>(t.frames));
    w.u32(t.input_crc);
    w.u64(t.state.size());
    w.bytes(t.state);
    return w.take();
}

InterruptedSegment read_training(ByteReader &r)
{
    InterruptedSegment t;
    t.index = static_cast<int>(r.u32("segment index"));
    t.first_frame = r.i64("first_frame");
    t.frames = r.u32("frames");
    t.input_crc = r.u32("input_crc");
    const uint64_t size = r.u64("state size");
    if (size != r.remaining())
        fail_invalid_data("the training state does not fill its chunk");
    const uint8_t *bytes = r.bytes(static_cast<size_t>(size), "training state");
    t.state.assign(bytes, bytes + size);
    return t;
}

std::string errno_text() { return std::strerror(errno); }

void write_all(int fd, const std::vector<uint8_t> &bytes, const std::string &path)
{
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            fail(-EIO, format("checkpoint: cannot write '%s': %s", path.c_str(), errno_text().c_str()));
        done += static_cast<size_t>(n);
    }
}

}  // namespace

void write_checkpoint(const std::string &path, const EncoderCheckpoint &c)
{
    ByteWriter out;
    out.u32(kMagic);
    out.u16(kMajor);
    out.u16(kMinor);
    ByteWriter header;
    c.settings.write(header);
    put_chunk(out, kTagHeader, header.take());
    for (const FinishedSegment &s : c.finished)
        put_chunk(out, kTagSegment, segment_payload(s));
    if (c.interrupted)
        put_chunk(out, kTagTraining, training_payload(c.training));
    put_chunk(out, kTagEnd, {});

    std::string temp = path + ".tmp-XXXXXX";
    const int fd = mkstemp(&temp[0]);
    if (fd < 0)
        fail(-EIO, format("checkpoint: cannot create a temporary file next to '%s': %s", path.c_str(),
                          errno_text().c_str()));
    try {
        write_all(fd, out.data(), temp);
        if (fsync(fd) != 0)
            fail(-EIO, format("checkpoint: cannot flush '%s': %s", temp.c_str(), errno_text().c_str()));
    } catch (...) {
        ::close(fd);
        std::remove(temp.c_str());
        throw;
    }
    const bool closed = ::close(fd) == 0;
    if (!closed || std::rename(temp.c_str(), path.c_str()) != 0) {
        const std::string why = errno_text();
        std::remove(temp.c_str());
        fail(-EIO, format("checkpoint: cannot write '%s': %s", path.c_str(), why.c_str()));
    }
}

bool read_checkpoint(const std::string &path, EncoderCheckpoint *c)
{
    FILE *f = std::fopen(path.c_str(), "rb");
    if (!f) {
        if (errno == ENOENT)
            return false;
        fail(-EIO, format("checkpoint: cannot open '%s': %s", path.c_str(), errno_text().c_str()));
    }
    std::vector<uint8_t> bytes;
    uint8_t buf[1 << 16];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0)
        bytes.insert(bytes.end(), buf, buf + n);
    const bool read_error = std::ferror(f) != 0;
    std::fclose(f);
    if (read_error)
        fail(-EIO, format("checkpoint: cannot read '%s'", path.c_str()));

    *c = EncoderCheckpoint();
    try {
        ByteReader r(bytes.data(), bytes.size(), "checkpoint");
        if (r.remaining() < 8 || r.u32("magic") != kMagic)
            fail_invalid_data("not a libnerv checkpoint (no 'NVCK' magic)");
        const uint16_t major = r.u16("major version");
        const uint16_t minor = r.u16("minor version");
        if (major != kMajor)
            fail_invalid_data(format("checkpoint version %u.%u, this libnerv reads %u.x", major, minor, kMajor));
        bool have_header = false, have_end = false;
        while (!r.at_end() && !have_end) {
            const size_t start = r.position();
            const uint32_t tag = r.u32("chunk tag");
            const uint64_t size = r.u64("chunk size");
            if (size > r.remaining() || r.remaining() - size < 4)
                fail_invalid_data(format("the chunk at offset %zu runs past the end of the file (truncated?)", start));
            const uint8_t *payload = r.bytes(static_cast<size_t>(size), "chunk payload");
            const uint32_t stored = r.u32("chunk CRC");
            if (crc32(bytes.data() + start, r.position() - 4 - start) != stored)
                fail_invalid_data(format("CRC mismatch in the chunk at offset %zu", start));
            ByteReader p(payload, static_cast<size_t>(size), format("checkpoint chunk at offset %zu", start));
            if (tag == kTagHeader && !have_header) {
                c->settings = Metadata::read(p);
                p.expect_end("the settings");
                have_header = true;
            } else if (tag == kTagSegment && have_header && !c->interrupted) {
                c->finished.push_back(read_segment(p));
            } else if (tag == kTagTraining && have_header && !c->interrupted) {
                c->training = read_training(p);
                c->interrupted = true;
            } else if (tag == kTagEnd && have_header) {
                have_end = true;
            } else {
                fail_invalid_data(format("unexpected chunk 0x%08x at offset %zu", tag, start));
            }
        }
        if (!have_end || !r.at_end())
            fail_invalid_data(have_end ? "bytes after the end chunk" : "the end chunk is missing (truncated?)");
    } catch (const Error &e) {
        fail(NERV_ERROR_INVALIDDATA, format("checkpoint '%s' is damaged: %s; delete it to start over",
                                            path.c_str(), e.what()));
    }
    return true;
}

NervPhase interrupted_phase(const InterruptedSegment &segment)
{
    // codec/training_state.h writes its metadata first; the phase is one of its entries.
    ByteReader r(segment.state.data(), segment.state.size(), "checkpoint training state");
    const Metadata m = Metadata::read(r);
    return static_cast<NervPhase>(m.get_int("training.phase", NERV_PHASE_TRAIN, NERV_PHASE_QUANTIZE));
}

void require_same_settings(const Metadata &saved, const Metadata &now, const std::string &path,
                           const std::vector<std::string> &may_differ)
{
    for (const Metadata::Entry &e : now.entries()) {
        const std::string was = saved.has(e.key) ? saved.get_string(e.key) : "(absent)";
        if (was != e.s && std::find(may_differ.begin(), may_differ.end(), e.key) == may_differ.end())
            fail_invalid_argument(format("cannot resume from checkpoint '%s': %s was '%s' there, now '%s' (resume "
                                         "with the same settings, or start over without resume)",
                                         path.c_str(), e.key.c_str(), was.c_str(), e.s.c_str()));
    }
}

}  // namespace nerv
