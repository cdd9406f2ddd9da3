// The stream a decoder was given: its header, segments and frame records. A decoder adds to
// it as packets arrive; the renderers obtained from the decoder read it from other threads at
// the same time and keep it alive after the decoder is closed. Every access is locked, and
// readers get copies (segments are immutable and shared), so no reference outlives the lock.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "container/records.h"

namespace nerv {

/** A segment as received; never changed once stored (a re-sent different one replaces it). */
struct StoredSegment {
    SegmentRecord record;
    std::vector<uint8_t> chunk;  // its payload bytes, to recognise a re-sent identical segment
};

/** A frame found in the store: its segment, kept alive by the pointer, and its record. */
struct StoredFrame {
    std::shared_ptr<const StoredSegment> segment;
    FrameRecord record;
    int64_t index = 0;  // in the stream
};

class StreamStore {
public:
    void set_header(const StreamHeader &header);
    /** False before a header was stored. */
    bool header(StreamHeader *out) const;
    /** Stores the segment unless an identical one is stored at its first frame; returns the
     *  stored one (a new segment starts with no frame records). */
    std::shared_ptr<const StoredSegment> put_segment(SegmentRecord record, std::vector<uint8_t> chunk);
    /** Records a frame of `segment`, which must be the one stored at its first frame. */
    void put_frame(const std::shared_ptr<const StoredSegment> &segment, FrameRecord frame);
    /** Frame `index` of the stream, false if it was not received. */
    bool find_frame(int64_t index, StoredFrame *out) const;

private:
    struct Entry {
        std::shared_ptr<const StoredSegment> segment;
        std::map<uint32_t, FrameRecord> frames;
    };
    mutable std::mutex mutex_;
    bool have_header_ = false;
    StreamHeader header_;
    std::map<int64_t, Entry> segments_;  // by first frame
};

}  // namespace nerv
