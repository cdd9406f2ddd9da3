#include "api/stream_store.h"

namespace nerv {

void StreamStore::set_header(const StreamHeader &header)
{
    std::lock_guard<std::mutex> lock(mutex_);
    header_ = header;
    have_header_ = true;
}

bool StreamStore::header(StreamHeader *out) const
{
    std::lock_guard<std::mutex> lock(mutex_);
    if (have_header_)
        *out = header_;
    return have_header_;
}

std::shared_ptr<const StoredSegment> StreamStore::put_segment(SegmentRecord record, std::vector<uint8_t> chunk)
{
    std::lock_guard<std::mutex> lock(mutex_);
    const int64_t first = record.first_frame;
    Entry &e = segments_[first];
    if (!e.segment || e.segment->chunk != chunk) {
        auto s = std::make_shared<StoredSegment>();
        s->record = std::move(record);
        s->chunk = std::move(chunk);
        e.segment = std::move(s);
        e.frames.clear();
    }
    return e.segment;
}

void StreamStore::put_frame(const std::shared_ptr<const StoredSegment> &segment, FrameRecord frame)
{
    std::lock_guard<std::mutex> lock(mutex_);
    Entry &e = segments_.at(segment->record.first_frame);
    if (e.segment == segment)
        e.frames[frame.index_in_segment] = std::move(frame);
}

bool StreamStore::find_frame(int64_t index, StoredFrame *out) const
{
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = segments_.upper_bound(index);
    if (it == segments_.begin())
        return false;
    --it;
    const Entry &e = it->second;
    const int64_t rel = index - it->first;
    if (rel < 0 || rel >= e.segment->record.frame_count)
        return false;
    auto f = e.frames.find(static_cast<uint32_t>(rel));
    if (f == e.frames.end())
        return false;
    out->segment = e.segment;
    out->record = f->second;
    out->index = index;
    return true;
}

}  // namespace nerv
