// Public API only (nerv.h). Models are bounded by the decoder's own memory_limit (1 MiB:
// about 130k parameters and 16k rendered pixels), which is what keeps every input fast.
#include <cerrno>
#include <cstring>
#include <string>

#include "fuzz_inputs.h"
#include "nerv/nerv.h"

namespace nerv_fuzz {
namespace {

constexpr int kFramesPerPass = 4;

bool one_of(int r, std::initializer_list<int> codes)
{
    for (int c : codes) {
        if (r == c)
            return true;
    }
    return false;
}

std::string complaint(const char *call, int r)
{
    return std::string(call) + " returned " + std::to_string(r) + " (" + nerv_error_string(r) + "): " +
           nerv_last_error();
}

/** Error returns must carry a message. */
bool explained(int r) { return r >= 0 || r == -EAGAIN || *nerv_last_error(); }

std::string check_picture(const NervPicture &p)
{
    if (p.width < 1 || p.height < 1 || p.width > 16384 || p.height > 16384 || !p.data[0])
        return "a decoded picture with an impossible size or no data";
    // Touch the first and last row so that a short buffer shows up under ASan.
    volatile uint8_t sink = p.data[0][0];
    sink = p.data[0][(p.height - 1) * p.stride[0]];
    (void)sink;
    return "";
}

NervDecoder *open_small_decoder()
{
    NervDecoderSettings ds;
    nerv_decoder_default_settings(&ds);
    ds.device = NERV_DEVICE_CPU;
    ds.threads = 1;
    ds.memory_limit = 1;
    NervDecoder *d = nullptr;
    return nerv_decoder_open(&d, &ds) == 0 ? d : nullptr;
}

std::string receive_some(NervDecoder *d, int max_frames)
{
    for (int i = 0; i < max_frames; ++i) {
        NervPicture p;
        const int r = nerv_decoder_receive_frame(d, &p);
        if (r == -EAGAIN)
            return "";
        if (!one_of(r, {0, NERV_ERROR_INVALIDDATA, -ENOMEM}) || !explained(r))
            return complaint("nerv_decoder_receive_frame", r);
        if (r == 0) {
            const std::string bad = check_picture(p);
            if (!bad.empty())
                return bad;
        }
    }
    return "";
}

std::string decode_whole(const uint8_t *data, size_t size, int64_t probed_frames)
{
    NervDecoder *d = open_small_decoder();
    if (!d)
        return "nerv_decoder_open failed";
    std::string bad;
    const int r = nerv_decoder_send_packet(d, data, size);
    if (!one_of(r, {0, NERV_ERROR_INVALIDDATA, -ENOTSUP}) || !explained(r))
        bad = complaint("nerv_decoder_send_packet", r);
    if (bad.empty())
        bad = receive_some(d, kFramesPerPass);
    if (bad.empty() && probed_frames > 0) {
        NervPicture p;
        const int a = nerv_decoder_decode_frame(d, probed_frames - 1, &p);
        if (!one_of(a, {0, -ERANGE, NERV_ERROR_INVALIDDATA, -ENOMEM}) || !explained(a))
            bad = complaint("nerv_decoder_decode_frame", a);
    }
    nerv_decoder_close(&d);
    return bad;
}

/** As a demuxer delivers it: each chunk its own packet (the prefix stays with the first). */
std::string decode_chunk_by_chunk(const uint8_t *data, size_t size)
{
    NervDecoder *d = open_small_decoder();
    if (!d)
        return "nerv_decoder_open failed";
    std::string bad;
    size_t pos = size >= 8 && std::memcmp(data, "NERV", 4) == 0 ? 8 : 0;
    size_t start = 0;
    while (bad.empty() && start < size) {
        size_t end = size;
        if (size - pos >= 12) {
            uint64_t payload = 0;
            for (int i = 0; i < 8; ++i)
                payload |= static_cast<uint64_t>(data[pos + 4 + i]) << (8 * i);
            if (payload <= size - pos - 16)
                end = pos + 16 + static_cast<size_t>(payload);
        }
        const int r = nerv_decoder_send_packet(d, data + start, end - start);
        if (!one_of(r, {0, NERV_ERROR_INVALIDDATA, -ENOTSUP}) || !explained(r))
            bad = complaint("nerv_decoder_send_packet (one chunk)", r);
        else
            bad = receive_some(d, 1);
        start = pos = end;
    }
    nerv_decoder_close(&d);
    return bad;
}

}  // namespace

std::string decoder_input(const uint8_t *data, size_t size)
{
    NervStreamInfo info;
    const int p = nerv_probe(data, size, &info);
    if (!one_of(p, {0, NERV_ERROR_INVALIDDATA, -ENOTSUP}) || !explained(p))
        return complaint("nerv_probe", p);
    if (p == 0 && (info.frames < 0 || info.segments < 0 || info.bytes > static_cast<int64_t>(size)))
        return "nerv_probe reported impossible counts";
    const std::vector<uint8_t> fixed = with_valid_crcs(data, size);
    std::string bad = decode_whole(fixed.data(), fixed.size(), p == 0 ? info.frames : 0);
    if (bad.empty())
        bad = decode_chunk_by_chunk(fixed.data(), fixed.size());
    return bad;
}

}  // namespace nerv_fuzz
