#include "api/encoder_job.h"

#include <algorithm>

#include "api/encoder_settings.h"
#include "codec/segment_encoder.h"
#include "core/error.h"
#include "core/key_values.h"
#include "core/python_round.h"

namespace nerv {

namespace {
constexpr int kAutoSegmentMaxFrames = 600;
constexpr int64_t kAutoSegmentMaxBytes = int64_t(2) << 30;
}  // namespace

ResolvedEncoder resolve_encoder(const NervEncoderSettings &s)
{
    validate_encoder_settings(s);
    ResolvedEncoder r;
    r.input_width = s.width;
    r.input_height = s.height;

    KeyValues params = KeyValues::parse(s.params);
    int crop_w = s.width, crop_h = s.height;
    if (params.get_size("crop", &crop_w, &crop_h)) {
        if (crop_w > s.width || crop_h > s.height)
            fail_invalid_argument(format("param 'crop' = %dx%d is larger than the input %dx%d", crop_w, crop_h,
                                         s.width, s.height));
        // Centred like torchvision's center_crop (HNeRV's pre-processing), Python rounding.
        r.crop_x = static_cast<int>(python_round((s.width - crop_w) / 2.0));
        r.crop_y = static_cast<int>(python_round((s.height - crop_h) / 2.0));
    }

    EncodeJob &j = r.job;
    j.width = crop_w;
    j.height = crop_h;
    j.mask = InpaintMask::from_params(params, s.width, s.height, r.crop_x, r.crop_y, crop_w, crop_h,
                                      static_cast<uint32_t>(s.seed));
    j.arch = s.arch;
    j.size = s.size;
    j.arch_params = params.remaining().to_string();
    j.epochs = s.epochs;
    j.lr = s.lr;
    j.batch_size = s.batch_size;
    j.loss = s.loss;
    j.grad_clip = s.grad_clip;
    j.seed = s.seed;
    j.device = s.device;
    j.threads = s.threads;
    j.bf16 = s.bf16 != 0;
    j.prune = s.prune;
    j.prune_epochs = s.prune_epochs;
    j.qat_epochs = s.qat_epochs;
    j.train_only = s.train_only != 0;
    j.bitrate = s.bitrate;
    j.fps_num = s.fps_num;
    j.fps_den = s.fps_den;
    j.qbits = s.qbits;
    j.qbits_embed = s.qbits_embed;
    j.memory_limit_mib = s.memory_limit;
    j.train_frames = s.train_frames;
    // Their encoders compute a frame's tensors from its neighbours: held-out frames would leak in.
    const std::string arch = s.arch;
    if (s.train_frames != 0 && (arch == "dnerv" || arch == "snerv-t" || arch == "pnerv-pyr"))
        fail_invalid_argument(format("setting 'train_frames' = '%s' is not supported by arch '%s': its encoder reads "
                                     "the neighbouring frames, which would be the held-out ones; use all, or another "
                                     "arch (nerv, hnerv, enerv, snerv, pnerv-poly)",
                                     s.train_frames == 1 ? "odd" : "even", s.arch));
    j.logger.callback = s.log_cb;
    j.logger.user_data = s.log_user;
    j.logger.level = s.log_level;
    if (s.progress_cb) {
        NervProgressCallback cb = s.progress_cb;
        void *user = s.progress_user;
        j.progress = [cb, user](const NervProgress &p) { cb(user, &p); };
    }
    if (s.abort_cb) {
        NervAbortCallback cb = s.abort_cb;
        void *user = s.abort_user;
        j.should_abort = [cb, user] { return cb(user) != 0; };
    }

    if (s.segment_frames > 0) {
        r.segment_frames = s.segment_frames;
    } else {
        const int64_t by_memory = kAutoSegmentMaxBytes / frame_buffer_bytes(j.width, j.height);
        r.segment_frames = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(kAutoSegmentMaxFrames, by_memory)));
    }
    r.first_segment = s.segment_first;
    r.first_frame = static_cast<int64_t>(s.segment_first) * r.segment_frames;
    if (s.segment_end > 0)
        r.end_frame = static_cast<int64_t>(s.segment_end) * r.segment_frames;

    // Workers: one per GPU by default; on the CPU they split the cores (threads 0 = all cores).
    r.jobs = s.jobs > 0 ? s.jobs : std::max(1, parallel_training_devices(s.device));
    if (r.jobs > 1 && s.threads == 0)
        j.threads = std::max(1, available_cores() / r.jobs);
    return r;
}

}  // namespace nerv
