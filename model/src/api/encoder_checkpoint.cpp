#include "api/encoder_checkpoint.h"

#include <cstdio>

#include "container/records.h"
#include "core/error.h"

namespace nerv {

Metadata settings_fingerprint(const NervEncoderSettings &s, const ResolvedEncoder &r)
{
    Metadata m;
    auto put = [&m](const char *name, const std::string &value) { m.set_string(std::string("setting.") + name, value); };
    put("library", std::string("libnerv ") + nerv_version());
    put("size_in", format("%dx%d", s.width, s.height));
    put("fps", format("%d/%d", s.fps_num, s.fps_den));
    put("timebase", format("%d/%d", s.timebase_num, s.timebase_den));
    put("pix_fmt", format("%d", s.pixel_format));
    put("matrix", format("%d", s.matrix));
    put("range", format("%d", s.range));
    put("arch", s.arch);
    put("size", s.size);
    put("epochs", format("%d", s.epochs));
    put("lr", format("%.17g", s.lr));
    put("batch", format("%d", s.batch_size));
    put("loss", s.loss);
    put("grad_clip", format("%.17g", s.grad_clip));
    put("seed", format("%d", s.seed));
    put("bf16", format("%d", s.bf16));
    put("segment_frames", format("%d", r.segment_frames));
    put("bitrate", format("%lld", static_cast<long long>(s.bitrate)));
    put("prune", format("%.17g", s.prune));
    put("prune_epochs", format("%d", s.prune_epochs));
    put("qbits", format("%d", s.qbits));
    put("qat_epochs", format("%d", s.qat_epochs));
    put("qbits_embed", format("%d", s.qbits_embed));
    put("params", s.params);
    put("train_frames", format("%d", s.train_frames));
    put("segments", format("%d:%d", s.segment_first, s.segment_end));
    // The mask settings ride in params; a mask file's content must match too.
    if (r.job.mask.shape() == MaskShape::File)
        put("mask_file_crc", format("%08x", r.job.mask.file_crc()));
    return m;
}

EncoderCheckpointer::EncoderCheckpointer(const NervEncoderSettings &settings, const ResolvedEncoder &resolved)
    : path_(settings.checkpoint), every_epochs_(settings.checkpoint_every), logger_(resolved.job.logger)
{
    state_.settings = settings_fingerprint(settings, resolved);
    if (!settings.resume) {
        if (std::remove(path_.c_str()) == 0)
            logger_.log(NERV_LOG_INFO, "removed the checkpoint '%s' of an earlier encode (starting over)",
                        path_.c_str());
        return;
    }
    if (!read_checkpoint(path_, &restored_)) {
        logger_.log(NERV_LOG_INFO, "no checkpoint '%s' to resume from: starting from the beginning", path_.c_str());
        return;
    }
    // Training depends on none of the coding settings: a checkpoint whose only segment is still
    // in the training phase (train_only keeps one so) resumes under other ones.
    const bool training_only = restored_.finished.empty() && restored_.interrupted &&
                               interrupted_phase(restored_.training) == NERV_PHASE_TRAIN;
    const std::vector<std::string> may_differ =
        training_only ? std::vector<std::string>{"setting.prune", "setting.prune_epochs", "setting.qbits",
                                                 "setting.qat_epochs", "setting.qbits_embed"}
                      : std::vector<std::string>();
    require_same_settings(restored_.settings, state_.settings, path_, may_differ);
    for (const std::string &key : may_differ) {
        if (restored_.settings.has(key) && restored_.settings.get_string(key) != state_.settings.get_string(key))
            logger_.log(NERV_LOG_INFO, "resuming the training phase under another coding setting: %s was %s, now %s",
                        key.c_str() + 8, restored_.settings.get_string(key).c_str(),
                        state_.settings.get_string(key).c_str());
    }
    state_.finished = restored_.finished;
    logger_.log(NERV_LOG_INFO, "resuming from '%s': %zu segment%s finished%s", path_.c_str(),
                restored_.finished.size(), restored_.finished.size() == 1 ? "" : "s",
                restored_.interrupted ? format(", segment %d was training", restored_.training.index).c_str() : "");
}

uint32_t fold_picture_crc(uint32_t crc, const uint8_t *rgb, size_t size, int64_t pts)
{
    uint8_t pts_bytes[8];
    for (int i = 0; i < 8; ++i)
        pts_bytes[i] = static_cast<uint8_t>(static_cast<uint64_t>(pts) >> (8 * i));
    crc = crc32(rgb, size, crc);
    return crc32(pts_bytes, sizeof(pts_bytes), crc);
}

void EncoderCheckpointer::check_input(int index, int64_t first_frame, int64_t frames, uint32_t input_crc,
                                      int64_t saved_first, int64_t saved_frames, uint32_t saved_crc) const
{
    if (first_frame != saved_first || frames != saved_frames || input_crc != saved_crc)
        fail_invalid_argument(format("cannot resume from checkpoint '%s': the pictures of segment %d (frames %lld.."
                                     "%lld) differ from those of the interrupted encode (frames %lld..%lld%s); "
                                     "resume with the same input, or start over without resume",
                                     path_.c_str(), index, static_cast<long long>(first_frame),
                                     static_cast<long long>(first_frame + frames - 1),
                                     static_cast<long long>(saved_first),
                                     static_cast<long long>(saved_first + saved_frames - 1),
                                     frames == saved_frames ? ", other content" : ""));
}

const FinishedSegment *EncoderCheckpointer::finished_segment(int index, int64_t first_frame, int64_t frames,
                                                             uint32_t input_crc)
{
    // Found by first frame: a part of a video ("segments") starts at another index than 0.
    for (const FinishedSegment &s : restored_.finished) {
        if (s.first_frame == first_frame) {
            check_input(index, first_frame, frames, input_crc, s.first_frame, s.frames, s.input_crc);
            return &s;
        }
    }
    return nullptr;
}

const std::vector<uint8_t> *EncoderCheckpointer::training_state(int index, int64_t first_frame, int64_t frames,
                                                               uint32_t input_crc)
{
    if (!restored_.interrupted || restored_.training.index != index)
        return nullptr;
    const InterruptedSegment &t = restored_.training;
    check_input(index, first_frame, frames, input_crc, t.first_frame, t.frames, t.input_crc);
    return &t.state;
}

void EncoderCheckpointer::save_training(int index, int64_t first_frame, int64_t frames, uint32_t input_crc,
                                        std::vector<uint8_t> &&state)
{
    state_.interrupted = true;
    state_.training.index = index;
    state_.training.first_frame = first_frame;
    state_.training.frames = frames;
    state_.training.input_crc = input_crc;
    state_.training.state = std::move(state);
    write_checkpoint(path_, state_);
}

void EncoderCheckpointer::finish_segment(FinishedSegment segment)
{
    // A segment restored from the checkpoint is handed out again without coming here.
    state_.finished.push_back(std::move(segment));
    state_.interrupted = false;
    state_.training = InterruptedSegment();
    write_checkpoint(path_, state_);
}

void EncoderCheckpointer::complete()
{
    if (std::remove(path_.c_str()) != 0)
        logger_.log(NERV_LOG_WARNING, "could not remove the checkpoint '%s' of the finished encode", path_.c_str());
}

}  // namespace nerv
