#include "api/segment_workers.h"

#include "core/error.h"

namespace nerv {

void SegmentWorkers::log_serialized(void *user, NervLogLevel level, const char *message)
{
    Shared *shared = static_cast<Shared *>(user);
    std::lock_guard<std::mutex> lock(shared->callback_mutex);
    shared->logger.callback(shared->logger.user_data, level, message);
}

SegmentWorkers::SegmentWorkers(int jobs, const EncodeJob &job)
    : jobs_(jobs), gpus_(parallel_training_devices(job.device)), job_(job), shared_(std::make_shared<Shared>())
{
    shared_->logger = job.logger;
    shared_->progress = job.progress;
    shared_->should_abort = job.should_abort;
}

SegmentWorkers::~SegmentWorkers()
{
    cancel();
    // Each future's destructor waits for its thread, before the segment it trains goes.
    running_.clear();
}

EncodeJob SegmentWorkers::job_for(int index) const
{
    EncodeJob j = job_;
    if (gpus_ > 0)
        j.device_index = index % gpus_;
    if (job_.logger.callback) {
        j.logger.callback = log_serialized;
        j.logger.user_data = shared_.get();
    }
    std::shared_ptr<Shared> shared = shared_;
    if (shared->progress)
        j.progress = [shared](const NervProgress &p) {
            std::lock_guard<std::mutex> lock(shared->callback_mutex);
            shared->progress(p);
        };
    j.should_abort = [shared] {
        if (shared->cancelled)
            return true;
        if (!shared->should_abort)
            return false;
        std::lock_guard<std::mutex> lock(shared->callback_mutex);
        return shared->should_abort();
    };
    return j;
}

void SegmentWorkers::start(int index, int64_t first_frame, uint32_t input_crc, std::unique_ptr<SegmentEncoder> segment,
                           const std::vector<uint8_t> *resume)
{
    Running r;
    r.meta.index = index;
    r.meta.first_frame = first_frame;
    r.meta.frames = segment->buffered();
    r.meta.input_crc = input_crc;
    r.segment = std::move(segment);
    SegmentEncoder *s = r.segment.get();
    // Only finished segments are kept in the checkpoint: one file cannot hold several
    // training states, so a resumed encode restarts the segments that were running.
    r.result = std::async(std::launch::async, [s, first_frame, index, resume] {
        SegmentCheckpointing checkpointing;
        checkpointing.resume = resume;
        checkpointing.save = [](std::vector<uint8_t> &&) {};
        return s->encode(first_frame, index, resume ? &checkpointing : nullptr);
    });
    running_.push_back(std::move(r));
}

bool SegmentWorkers::oldest_done() const
{
    return !running_.empty() &&
           running_.front().result.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

WorkerResult SegmentWorkers::take_oldest()
{
    if (running_.empty())
        fail(-EIO, "segment workers: no segment is running");
    Running r = std::move(running_.front());
    running_.pop_front();
    try {
        r.meta.segment = r.result.get();
    } catch (...) {
        cancel();
        throw;
    }
    return std::move(r.meta);
}

}  // namespace nerv
