// The "jobs" setting: segments trained at the same time, one worker thread each. A segment is
// handed over with its frames already buffered; results come back in the order the segments
// were started, so the stream is the one a single worker writes. Workers call the encoder's
// callbacks one at a time, and stop early when the encoder is closed or one of them failed.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>

#include "codec/encode_job.h"
#include "codec/segment_encoder.h"

namespace nerv {

/** A finished segment of a worker, with what the encoder needs to hand it out. */
struct WorkerResult {
    int index = 0;
    int64_t first_frame = 0;
    int64_t frames = 0;
    uint32_t input_crc = 0;
    EncodedSegment segment;
};

class SegmentWorkers {
public:
    /** `job`: the encoder's job; each worker gets a copy whose callbacks are serialized and
     *  whose abort also fires when the workers are cancelled. */
    SegmentWorkers(int jobs, const EncodeJob &job);
    /** Cancels the running segments and waits for their threads. */
    ~SegmentWorkers();
    SegmentWorkers(const SegmentWorkers &) = delete;
    SegmentWorkers &operator=(const SegmentWorkers &) = delete;

    /** The job a segment with this index is buffered and trained with (its GPU, its callbacks). */
    EncodeJob job_for(int index) const;

    bool full() const { return running_.size() >= static_cast<size_t>(jobs_); }
    bool idle() const { return running_.empty(); }
    /** Train `segment` on a new worker thread; `resume` as in SegmentCheckpointing (may be null). */
    void start(int index, int64_t first_frame, uint32_t input_crc, std::unique_ptr<SegmentEncoder> segment,
               const std::vector<uint8_t> *resume);
    bool oldest_done() const;
    /** Waits for the oldest segment; rethrows its error (after cancelling the others). */
    WorkerResult take_oldest();
    /** Ask every running segment to stop (they fail with NERV_ERROR_ABORTED). */
    void cancel() { shared_->cancelled = true; }

private:
    struct Shared {
        std::mutex callback_mutex;
        Logger logger;                                        // the caller's
        std::function<void(const NervProgress &)> progress;   // the caller's, may be empty
        std::function<bool()> should_abort;                   // the caller's, may be empty
        std::atomic<bool> cancelled{false};
    };
    struct Running {
        WorkerResult meta;
        std::unique_ptr<SegmentEncoder> segment;
        std::future<EncodedSegment> result;
    };
    static void log_serialized(void *user, NervLogLevel level, const char *message);

    int jobs_ = 1;
    int gpus_ = 0;
    EncodeJob job_;
    std::shared_ptr<Shared> shared_;
    std::deque<Running> running_;
};

}  // namespace nerv
