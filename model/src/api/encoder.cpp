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
#include "api/segment_workers.h"
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
    std::unique_ptr<nerv::SegmentEncoder> segment;        // the segment being buffered
    uint32_t segment_crc = 0;                             // of its pictures (checkpoints)
    std::unique_ptr<nerv::EncoderCheckpointer> checkpoint;  // null without the checkpoint setting
    std::vector<uint8_t> header;
    std::deque<QueuedPacket> queue;
    QueuedPacket current;
    std::vector<uint8_t> rgb;
    bool header_queued = false;
    bool flushing = false;
    bool failed = false;
    bool complete = false;
    int64_t frames_sent = 0;       // pictures received, those outside `segments` included
    int64_t next_first_frame = 0;  // stream index of the buffered segment's first frame
    int next_segment = 0;          // and its segment index
    NervEncodeStats stats{};
    // Last, so that it goes first: closing waits for its threads while the rest still exists.
    std::unique_ptr<nerv::SegmentWorkers> workers;        // jobs > 1
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
                                   r.segment_frames, s.params) +
                          // Only when used, so that streams without it keep their bytes.
                          (s.qat_epochs != 0 ? nerv::format(" qat_epochs=%d", s.qat_epochs) : std::string()));
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
bool replay_finished_segment(NervEncoder *e, int index, int64_t first, int64_t frames, uint32_t crc)
{
    const nerv::FinishedSegment *done = e->checkpoint->finished_segment(index, first, frames, crc);
    if (!done)
        return false;
    for (const nerv::CheckpointPacket &p : done->packets)
        e->queue.push_back(queued(p));
    e->stats = done->stats;
    e->resolved.job.logger.log(NERV_LOG_INFO, "segment %d: restored from the checkpoint", index);
    return true;
}

void queue_trained_segment(NervEncoder *e, int index, int64_t first, int64_t frames, uint32_t crc,
                           nerv::EncodedSegment &&seg)
{
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
    e->stats = seg.stats;
    if (e->checkpoint) {
        nerv::FinishedSegment done;
        done.first_frame = first;
        done.frames = frames;
        done.input_crc = crc;
        done.stats = seg.stats;
        for (size_t i = queued_before; i < e->queue.size(); ++i)
            done.packets.push_back(kept(e->queue[i]));
        e->checkpoint->finish_segment(std::move(done));
    }
}

std::unique_ptr<nerv::SegmentEncoder> new_segment_buffer(const NervEncoder *e, int index)
{
    return std::make_unique<nerv::SegmentEncoder>(e->workers ? e->workers->job_for(index) : e->resolved.job);
}

/** Hands the buffered segment on: replayed from the checkpoint, trained here (jobs 1), or
 *  started on a worker (its packets are queued when taken from the workers, in order). */
void start_buffered_segment(NervEncoder *e)
{
    const int index = e->next_segment;
    const int64_t first = e->next_first_frame;
    const int64_t frames = e->segment->buffered();
    const uint32_t crc = e->segment_crc;
    std::unique_ptr<nerv::SegmentEncoder> segment = std::move(e->segment);
    e->segment = new_segment_buffer(e, index + 1);
    e->segment_crc = 0;
    e->next_segment++;
    e->next_first_frame += frames;
    // Finished segments are a prefix of the checkpoint's, so no worker is running before a replay.
    if (e->checkpoint && replay_finished_segment(e, index, first, frames, crc))
        return;
    const std::vector<uint8_t> *resume = e->checkpoint ? e->checkpoint->training_state(index, first, frames, crc) : nullptr;
    if (e->workers) {
        e->workers->start(index, first, crc, std::move(segment), resume);
        return;
    }
    nerv::SegmentCheckpointing checkpointing;
    if (e->checkpoint) {
        checkpointing.every_epochs = e->checkpoint->every_epochs();
        checkpointing.resume = resume;
        checkpointing.save = [e, index, first, frames, crc](std::vector<uint8_t> &&state) {
            e->checkpoint->save_training(index, first, frames, crc, std::move(state));
        };
    }
    nerv::EncodedSegment seg = segment->encode(first, index, e->checkpoint ? &checkpointing : nullptr);
    queue_trained_segment(e, index, first, frames, crc, std::move(seg));
}

void take_oldest_worker_segment(NervEncoder *e)
{
    nerv::WorkerResult r = e->workers->take_oldest();
    queue_trained_segment(e, r.index, r.first_frame, r.frames, r.input_crc, std::move(r.segment));
}

/** Queues packets when there are any to give; false when the caller must send more pictures
 *  (or, flushing, when everything was handed out). */
bool produce_packets(NervEncoder *e)
{
    const int64_t buffered = e->segment->buffered();
    const bool buffer_full = buffered >= e->resolved.segment_frames;
    if (!e->workers) {
        if (buffer_full || (e->flushing && buffered > 0)) {
            start_buffered_segment(e);
            return true;
        }
        return false;
    }
    nerv::SegmentWorkers &w = *e->workers;
    if ((buffer_full || (e->flushing && buffered > 0)) && !w.full()) {
        start_buffered_segment(e);
        return true;
    }
    // Wait for the oldest segment when nothing else can move: no worker free for a full
    // buffer, or the input is over.
    if (!w.idle() && (w.oldest_done() || e->flushing || buffer_full)) {
        take_oldest_worker_segment(e);
        return true;
    }
    return false;
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
        // Workers keep no training state in the checkpoint (docs/api.md, "Checkpoints").
        if (settings->train_only && e->resolved.jobs > 1)
            nerv::fail_invalid_argument(nerv::format("setting 'train_only' keeps one segment's trained network, which "
                                                     "needs jobs 1 (now %d)", e->resolved.jobs));
        if (e->resolved.jobs > 1)
            e->workers = std::make_unique<nerv::SegmentWorkers>(e->resolved.jobs, e->resolved.job);
        e->next_segment = e->resolved.first_segment;
        e->next_first_frame = e->resolved.first_frame;
        e->segment = new_segment_buffer(e.get(), e->next_segment);
        if (settings->checkpoint[0])
            e->checkpoint = std::make_unique<nerv::EncoderCheckpointer>(*settings, e->resolved);
        e->header = build_header(*settings, e->resolved);
        e->rgb.resize(static_cast<size_t>(nerv::frame_buffer_bytes(e->resolved.job.width, e->resolved.job.height)));
        fill_stats_unknown(&e->stats);
        const nerv::EncodeJob &j = e->resolved.job;
        j.logger.log(NERV_LOG_VERBOSE, "libnerv %s encoder: %dx%d coded (input %dx%d), arch %s, segments of %d frames",
                     nerv_version(), j.width, j.height, e->resolved.input_width, e->resolved.input_height,
                     j.arch.c_str(), e->resolved.segment_frames);
        if (e->resolved.jobs > 1)
            j.logger.log(NERV_LOG_VERBOSE, "%d segments trained at once, %d threads each%s", e->resolved.jobs,
                         j.threads, e->checkpoint ? " (the checkpoint keeps finished segments only)" : "");
        if (settings->segment_first > 0 || settings->segment_end > 0)
            j.logger.log(NERV_LOG_INFO, "coding segments %d..%s of the input (frames %lld..%s)", settings->segment_first,
                         settings->segment_end > 0 ? nerv::format("%d", settings->segment_end - 1).c_str() : "the end",
                         static_cast<long long>(e->resolved.first_frame),
                         settings->segment_end > 0
                             ? nerv::format("%lld", static_cast<long long>(e->resolved.end_frame - 1)).c_str()
                             : "the end");
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
            // A part that received no picture of its segments would be a stream without frames.
            if (!enc->flushing && enc->frames_sent <= enc->resolved.first_frame && enc->resolved.first_frame > 0)
                nerv::fail_invalid_argument(nerv::format(
                    "setting 'segments': segment %d starts at frame %lld, but the input ended after %lld frames",
                    enc->resolved.first_segment, static_cast<long long>(enc->resolved.first_frame),
                    static_cast<long long>(enc->frames_sent)));
            enc->flushing = true;
            return 0;
        }
        if (enc->flushing)
            nerv::fail_invalid_argument("nerv_encoder_send_frame: picture sent after the flush");
        const nerv::ResolvedEncoder &r = enc->resolved;
        const bool coded = enc->frames_sent >= r.first_frame && enc->frames_sent < r.end_frame;
        if (coded && enc->segment->buffered() >= r.segment_frames)
            return -EAGAIN;
        nerv::validate_picture(*pic, r.input_width, r.input_height, enc->settings.pixel_format,
                               "nerv_encoder_send_frame");
        if (coded) {
            nerv::picture_to_rgb_planar(*pic, r.crop_x, r.crop_y, r.job.width, r.job.height, enc->rgb.data());
            enc->segment->add_frame(enc->rgb.data(), pic->pts);
            if (enc->checkpoint)
                enc->segment_crc = nerv::fold_picture_crc(enc->segment_crc, enc->rgb.data(), enc->rgb.size(), pic->pts);
        }
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
        while (enc->queue.empty()) {
            if (!enc->header_queued) {
                QueuedPacket h;
                h.bytes = enc->header;
                h.type = NERV_PACKET_STREAM_HEADER;
                enc->queue.push_back(std::move(h));
                enc->header_queued = true;
                break;
            }
            bool produced = false;
            try {
                produced = produce_packets(enc);
            } catch (...) {
                enc->failed = true;
                throw;
            }
            if (produced)
                continue;
            if (!enc->flushing)
                return -EAGAIN;
            if (enc->checkpoint && !enc->complete)
                enc->checkpoint->complete();
            enc->complete = true;
            return NERV_ERROR_EOF;
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
