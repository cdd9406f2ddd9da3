// nerv_concat_streams: the C face of container/stream_concat.
#include "api/api_guard.h"
#include "container/stream_concat.h"

extern "C" int nerv_concat_streams(const uint8_t *const *parts, const size_t *sizes, const char *const *names,
                                   int count, NervWriteCallback write, void *user_data)
{
    return nerv::guarded([&] {
        if (!parts || !sizes || !write || count < 1)
            nerv::fail_invalid_argument("nerv_concat_streams: NULL argument or no part");
        std::vector<nerv::StreamPart> list(static_cast<size_t>(count));
        for (int i = 0; i < count; ++i) {
            if (!parts[i] && sizes[i])
                nerv::fail_invalid_argument("nerv_concat_streams: NULL part");
            list[i].data = parts[i];
            list[i].size = sizes[i];
            list[i].name = names && names[i] ? std::string("'") + names[i] + "'" : nerv::format("part %d", i + 1);
        }
        int write_error = 0;
        nerv::concat_streams(list, [&](const uint8_t *data, size_t size) {
            if (write_error == 0)
                write_error = write(user_data, data, size);
        });
        return write_error < 0 ? write_error : 0;
    });
}
