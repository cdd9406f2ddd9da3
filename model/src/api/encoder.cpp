// NervEncoder: buffers pictures per segment, trains each segment when it is full or
// at the flush, and hands out the stream as packets (docs/api.md).
#include <cstring>
#include <deque>
#include <memory>
#include <vector>

#include "api/api_guard.h"
#include "api/encoder_checkpoint.h"
#include "api/encoder_job.h"
#include "api/encoder_settings.h"
#include "codec/arch_description.h"
#include "codec/segment_encoder.h"
#include "container/records.h"
#include "image/picture.h"

namespace {

struct QueuedPacket {
    std::vector<uint8_t> bytes;
    NervPacketType type = NERV_PACKET_FRAME;
    int64_t pts = 0;
    int64_t frame_index = 0;
    int segment = -1;
};

}  // namespace

struct NervEncoder {
    NervEncoderSettings settings{};
    nerv::ResolvedEncoder resolved;
    std::unique_ptr<nerv::SegmentEncoder> segment;
    std::unique_ptr<nerv::EncoderCheckpointer> checkpoint;  // null without the checkpoint setting
    std::vector<uint8_t> header;
    std::deque<QueuedPacket> queue;
    QueuedPacket current;
    std::vector<uint8_t> rgb;
    bool header_queued = false;
    bool flushing = false;
    bool failed = false;
    bool complete = false;
    int64_t frames_sent = 0;
    int64_t next_first_frame = 0;
    int segments_done = 0;
    NervEncodeStats stats{};
};

namespace {

std::vector<uint8_t> build_header(const NervEncoderSettings &s, const nerv::ResolvedEncoder &r)
{
    nerv::StreamHeader h;
    h.width = r.job.width;
    h.height = r.job.height;
    h.fps_num = s.fps_num;
    h.fps_den = s.fps_den;
    h.source_format = s.pixel_format;
    h.matrix = s.matrix;
    h.range = s.range;
    if (s.timebase_num > 0 && s.timebase_den > 0)
        h.meta.set_ints("video.timebase", {s.timebase_num, s.timebase_den});
    else
        h.meta.set_ints("video.timebase", {s.fps_den, s.fps_num});
    h.meta.set_string("encoder.library", std::string("libnerv ") + nerv_version());
    h.meta.set_string("encoder.settings",
                      nerv::format("arch=%s size=%s epochs=%d lr=%g batch=%d loss=%s seed=%d prune=%g qbits=%d "
                                   "qbits_embed=%d segment_frames=%d params=%s",
                                   s.arch, s.size[0] ? s.size : "default", s.epochs, s.lr, s.batch_size,
                                   s.loss[0] ? s.loss : "default", s.seed, s.prune, s.qbits, s.qbits_embed,
                                   r.segment_frames, s.params));
    std::vector<uint8_t> bytes = nerv::write_file_prefix();
    std::vector<uint8_t> chunk = nerv::write_stream_header_chunk(h);
    bytes.insert(bytes.end(), chunk.begin(), chunk.end());
    return bytes;
}

void fill_stats_unknown(NervEncodeStats *st)
{
    std::memset(st, 0, sizeof(*st));
    st->parameters = st->embedding_values = st->encoder_parameters = -1;
    st->psnr_trained = st->psnr_final = st->ssim_final = st->train_seconds = -1;
    st->segment_bytes = -1;
    st->frames = -1;
}

QueuedPacket queued(const nerv::CheckpointPacket &p)
{
    QueuedPacket q;
    q.bytes = p.bytes;
    q.type = p.type;
    q.pts = p.pts;
    q.frame_index = p.frame_index;
    q.segment = p.segment;
    return q;
}

nerv::CheckpointPacket kept(const QueuedPacket &q)
{
    nerv::CheckpointPacket p;
    p.bytes = q.bytes;
    p.type = q.type;
    p.pts = q.pts;
    p.frame_index = q.frame_index;
    p.segment = q.segment;
    return p;
}

/** Resuming: a segment the checkpoint holds is handed out again instead of being trained. */
bool replay_finished_segment(NervEncoder *e, int index, int64_t frames)
{
    const nerv::FinishedSegment *done = e->checkpoint->finished_segment(index, e->next_first_frame, frames);
    if (!done)
        return false;
    e->segment->discard();
    e->checkpoint->skip_segment();
    for (const nerv::CheckpointPacket &p : done->packets)
        e->queue.push_back(queued(p));
    e->next_first_frame += frames;
    e->stats = done->stats;
    e->segments_done++;
    e->resolved.job.logger.log(NERV_LOG_INFO, "segment %d: restored from the checkpoint", index);
    return true;
}

void encode_buffered_segment(NervEncoder *e)
{
    const int index = e->segments_done;
    const int64_t first = e->next_first_frame;
    const int64_t frames = e->segment->buffered();
    if (e->checkpoint && replay_finished_segment(e, index, frames))
        return;
    nerv::SegmentCheckpointing checkpointing;
    if (e->checkpoint) {
        checkpointing.every_epochs = e->checkpoint->every_epochs();
        checkpointing.resume = e->checkpoint->training_state(index, first, frames);
        checkpointing.save = [e, index, first, frames](std::vector<uint8_t> &&state) {
            e->checkpoint->save_training(index, first, frames, std::move(state));
        };
    }
    nerv::EncodedSegment seg = e->segment->encode(first, index, e->checkpoint ? &checkpointing : nullptr);
    const size_t queued_before = e->queue.size();
    QueuedPacket sp;
    sp.bytes = std::move(seg.segment_chunk);
    sp.type = NERV_PACKET_SEGMENT;
    sp.pts = seg.pts.empty() ? 0 : seg.pts.front();
    sp.frame_index = first;
    sp.segment = index;
    e->queue.push_back(std::move(sp));
    for (size_t i = 0; i < seg.frame_chunks.size(); ++i) {
        QueuedPacket fp;
        fp.bytes = std::move(seg.frame_chunks[i]);
        fp.type = NERV_PACKET_FRAME;
        fp.pts = seg.pts[i];
        fp.frame_index = first + static_cast<int64_t>(i);
        fp.segment = index;
        e->queue.push_back(std::move(fp));
    }
    e->next_first_frame += static_cast<int64_t>(seg.frame_chunks.size());
    e->stats = seg.stats;
    e->segments_done++;
    if (e->checkpoint) {
        nerv::FinishedSegment done;
        done.first_frame = first;
        done.frames = frames;
        done.stats = seg.stats;
        for (size_t i = queued_before; i < e->queue.size(); ++i)
            done.packets.push_back(kept(e->queue[i]));
        e->checkpoint->finish_segment(std::move(done));
    }
}

}  // namespace

extern "C" {

int nerv_encoder_open(NervEncoder **out, const NervEncoderSettings *settings)
{
    if (out)
        *out = nullptr;
    return nerv::guarded([&] {
        if (!out || !settings)
            nerv::fail_invalid_argument("nerv_encoder_open: NULL argument");
        auto e = std::make_unique<NervEncoder>();
        e->settings = *settings;
        e->resolved = nerv::resolve_encoder(*settings);
        // Resolve the architecture once now so bad params fail here, not after buffering
        // (one frame: budgets that count embeddings are checked again per segment).
        nerv::describe_arch(e->resolved.job, 1, /*check_memory=*/true);
        e->segment = std::make_unique<nerv::SegmentEncoder>(e->resolved.job);
        if (settings->checkpoint[0])
            e->checkpoint = std::make_unique<nerv::EncoderCheckpointer>(*settings, e->resolved);
        e->header = build_header(*settings, e->resolved);
        e->rgb.resize(static_cast<size_t>(nerv::frame_buffer_bytes(e->resolved.job.width, e->resolved.job.height)));
        fill_stats_unknown(&e->stats);
        const nerv::EncodeJob &j = e->resolved.job;
        j.logger.log(NERV_LOG_VERBOSE, "libnerv %s encoder: %dx%d coded (input %dx%d), arch %s, segments of %d frames",
                     nerv_version(), j.width, j.height, e->resolved.input_width, e->resolved.input_height,
                     j.arch.c_str(), e->resolved.segment_frames);
        *out = e.release();
        return 0;
    });
}

int nerv_encoder_get_header(NervEncoder *enc, const uint8_t **data, size_t *size)
{
    return nerv::guarded([&] {
        if (!enc || !data || !size)
            nerv::fail_invalid_argument("nerv_encoder_get_header: NULL argument");
        *data = enc->header.data();
        *size = enc->header.size();
        return 0;
    });
}

int nerv_encoder_send_frame(NervEncoder *enc, const NervPicture *pic)
{
    return nerv::guarded([&] {
        if (!enc)
            nerv::fail_invalid_argument("nerv_encoder_send_frame: NULL encoder");
        if (enc->failed)
            nerv::fail_invalid_argument("nerv_encoder_send_frame: the encoder failed earlier and cannot continue");
        if (!pic) {
            enc->flushing = true;
            return 0;
        }
        if (enc->flushing)
            nerv::fail_invalid_argument("nerv_encoder_send_frame: picture sent after the flush");
        if (enc->segment->buffered() >= enc->resolved.segment_frames)
            return -EAGAIN;
        const nerv::ResolvedEncoder &r = enc->resolved;
        nerv::validate_picture(*pic, r.input_width, r.input_height, enc->settings.pixel_format,
                               "nerv_encoder_send_frame");
        nerv::picture_to_rgb_planar(*pic, r.crop_x, r.crop_y, r.job.width, r.job.height, enc->rgb.data());
        enc->segment->add_frame(enc->rgb.data(), pic->pts);
        if (enc->checkpoint)
            enc->checkpoint->add_picture(enc->rgb.data(), enc->rgb.size(), pic->pts);
        enc->frames_sent++;
        return 0;
    });
}

int nerv_encoder_receive_packet(NervEncoder *enc, NervPacket *pkt)
{
    return nerv::guarded([&] {
        if (!enc || !pkt)
            nerv::fail_invalid_argument("nerv_encoder_receive_packet: NULL argument");
        if (enc->failed)
            nerv::fail_invalid_argument("nerv_encoder_receive_packet: the encoder failed earlier and cannot continue");
        if (enc->queue.empty()) {
            const int64_t buffered = enc->segment->buffered();
            if (!enc->header_queued) {
                QueuedPacket h;
                h.bytes = enc->header;
                h.type = NERV_PACKET_STREAM_HEADER;
                enc->queue.push_back(std::move(h));
                enc->header_queued = true;
            } else if (buffered >= enc->resolved.segment_frames || (enc->flushing && buffered > 0)) {
                try {
                    encode_buffered_segment(enc);
                } catch (...) {
                    enc->failed = true;
                    throw;
                }
            } else if (enc->flushing) {
                if (enc->checkpoint && !enc->complete)
                    enc->checkpoint->complete();
                enc->complete = true;
                return NERV_ERROR_EOF;
            } else {
                return -EAGAIN;
            }
        }
        enc->current = std::move(enc->queue.front());
        enc->queue.pop_front();
        pkt->data = enc->current.bytes.data();
        pkt->size = enc->current.bytes.size();
        pkt->type = enc->current.type;
        pkt->pts = enc->current.pts;
        pkt->frame_index = enc->current.frame_index;
        pkt->segment = enc->current.segment;
        return 0;
    });
}

int nerv_encoder_get_stats(NervEncoder *enc, NervEncodeStats *stats)
{
    return nerv::guarded([&] {
        if (!enc || !stats)
            nerv::fail_invalid_argument("nerv_encoder_get_stats: NULL argument");
        *stats = enc->stats;
        return 0;
    });
}

void nerv_encoder_close(NervEncoder **enc)
{
    if (!enc || !*enc)
        return;
    nerv::guarded([&] {
        delete *enc;
        return 0;
    });
    *enc = nullptr;
}

}  // extern "C"
