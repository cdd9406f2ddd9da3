// Little-endian byte writer / bounds-checked reader. Every read checks the remaining
// length and throws NERV_ERROR_INVALIDDATA naming what was being read, so parsers built
// on it cannot run past their input.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "core/error.h"

namespace nerv {

class ByteWriter {
public:
    void u8(uint8_t v) { buf_.push_back(v); }
    void u16(uint16_t v) { put(v, 2); }
    void u32(uint32_t v) { put(v, 4); }
    void u64(uint64_t v) { put(v, 8); }
    void i64(int64_t v) { put(static_cast<uint64_t>(v), 8); }
    void f32(float v)
    {
        uint32_t bits;
        std::memcpy(&bits, &v, 4);
        u32(bits);
    }
    void f64(double v)
    {
        uint64_t bits;
        std::memcpy(&bits, &v, 8);
        u64(bits);
    }
    /** Unsigned LEB128. */
    void varint(uint64_t v)
    {
        while (v >= 0x80) {
            buf_.push_back(static_cast<uint8_t>(v | 0x80));
            v >>= 7;
        }
        buf_.push_back(static_cast<uint8_t>(v));
    }
    /** u32 length + bytes (no terminator). */
    void string(const std::string &s)
    {
        u32(static_cast<uint32_t>(s.size()));
        bytes(s.data(), s.size());
    }
    void bytes(const void *data, size_t n)
    {
        const uint8_t *p = static_cast<const uint8_t *>(data);
        buf_.insert(buf_.end(), p, p + n);
    }
    void bytes(const std::vector<uint8_t> &v) { buf_.insert(buf_.end(), v.begin(), v.end()); }
    /** Pad with zeros to a multiple of `alignment` (relative to the start of this writer). */
    void align(size_t alignment)
    {
        while (buf_.size() % alignment)
            buf_.push_back(0);
    }
    /** Overwrite 4 bytes at `pos` (for sizes known only later). */
    void patch_u32(size_t pos, uint32_t v)
    {
        for (int i = 0; i < 4; ++i)
            buf_[pos + i] = static_cast<uint8_t>(v >> (8 * i));
    }
    void patch_u64(size_t pos, uint64_t v)
    {
        for (int i = 0; i < 8; ++i)
            buf_[pos + i] = static_cast<uint8_t>(v >> (8 * i));
    }
    size_t size() const { return buf_.size(); }
    const std::vector<uint8_t> &data() const { return buf_; }
    std::vector<uint8_t> take() { return std::move(buf_); }

private:
    void put(uint64_t v, int n)
    {
        for (int i = 0; i < n; ++i)
            buf_.push_back(static_cast<uint8_t>(v >> (8 * i)));
    }
    std::vector<uint8_t> buf_;
};

class ByteReader {
public:
    ByteReader(const uint8_t *data, size_t size, std::string what = "stream")
        : data_(data), size_(size), what_(std::move(what)) {}

    uint8_t u8(const char *field) { return static_cast<uint8_t>(get(1, field)); }
    uint16_t u16(const char *field) { return static_cast<uint16_t>(get(2, field)); }
    uint32_t u32(const char *field) { return static_cast<uint32_t>(get(4, field)); }
    uint64_t u64(const char *field) { return get(8, field); }
    int64_t i64(const char *field) { return static_cast<int64_t>(get(8, field)); }
    float f32(const char *field)
    {
        uint32_t bits = u32(field);
        float v;
        std::memcpy(&v, &bits, 4);
        return v;
    }
    double f64(const char *field)
    {
        uint64_t bits = u64(field);
        double v;
        std::memcpy(&v, &bits, 8);
        return v;
    }
    uint64_t varint(const char *field)
    {
        uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            uint8_t b = u8(field);
            v |= static_cast<uint64_t>(b & 0x7f) << shift;
            if (!(b & 0x80))
                return v;
        }
        fail_invalid_data(format("%s: varint '%s' longer than 10 bytes at offset %zu", what_.c_str(), field, pos_));
    }
    /** u32 length + bytes; the length must be <= max_len. */
    std::string string(const char *field, size_t max_len = 4096)
    {
        uint32_t n = u32(field);
        if (n > max_len)
            fail_invalid_data(format("%s: %s length %u exceeds the limit %zu", what_.c_str(), field, n, max_len));
        const uint8_t *p = bytes(n, field);
        return std::string(reinterpret_cast<const char *>(p), n);
    }
    /** Pointer to the next n bytes (bounds-checked), advancing past them. */
    const uint8_t *bytes(size_t n, const char *field)
    {
        need(n, field);
        const uint8_t *p = data_ + pos_;
        pos_ += n;
        return p;
    }
    void skip(size_t n, const char *field) { bytes(n, field); }
    void align(size_t alignment, const char *field)
    {
        size_t pad = (alignment - pos_ % alignment) % alignment;
        skip(pad, field);
    }
    size_t position() const { return pos_; }
    size_t remaining() const { return size_ - pos_; }
    bool at_end() const { return pos_ == size_; }
    const std::string &what() const { return what_; }
    void expect_end(const char *context)
    {
        if (pos_ != size_)
            fail_invalid_data(format("%s: %zu unexpected trailing bytes after %s", what_.c_str(), size_ - pos_,
                                     context));
    }

private:
    void need(size_t n, const char *field)
    {
        if (n > size_ - pos_)
            fail_invalid_data(format("%s: truncated while reading %s (need %zu bytes at offset %zu, %zu left)",
                                     what_.c_str(), field, n, pos_, size_ - pos_));
    }
    uint64_t get(int n, const char *field)
    {
        need(static_cast<size_t>(n), field);
        uint64_t v = 0;
        for (int i = 0; i < n; ++i)
            v |= static_cast<uint64_t>(data_[pos_ + i]) << (8 * i);
        pos_ += static_cast<size_t>(n);
        return v;
    }

    const uint8_t *data_;
    size_t size_;
    size_t pos_ = 0;
    std::string what_;
};

}  // namespace nerv
