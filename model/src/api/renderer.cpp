// NervRenderer: a reference-counted renderer of a decoder's stream, usable from any thread
// while the decoder goes on and after it is closed (the stream store is shared).
#include <atomic>
#include <cstring>
#include <mutex>

#include "api/api_guard.h"
#include "api/decoder_state.h"
#include "core/enum_value.h"

struct NervRenderer {
    NervRenderer(std::shared_ptr<const nerv::StreamStore> store, const nerv::DecodeOptions &options)
        : renderer(std::move(store), options, /*models=*/2)
    {
    }

    std::atomic<int> references{1};
    std::mutex mutex;  // one render at a time: the models and the scratch picture are shared
    nerv::PositionRenderer renderer;
    nerv::PictureBuffer picture;
};

namespace {

void check_target(const NervRenderTarget &t)
{
    const int format = nerv::enum_value(t.format);
    if (format < NERV_PIX_FMT_NONE || format > NERV_PIX_FMT_YUV444P)
        nerv::fail_invalid_argument(
            nerv::format("render target format %d is invalid: expected -1 (stream's), 0 (rgb24), 1 (yuv420p) or 2 "
                         "(yuv444p)",
                         format));
    const int planes = t.format == NERV_PIX_FMT_RGB24 ? 1 : 3;
    for (int i = 0; i < planes; ++i) {
        if (!t.data[i])
            nerv::fail_invalid_argument(nerv::format("render target plane %d is NULL", i));
    }
}

/** Copies the rendered picture into the caller's planes. */
void copy_to_target(const NervPicture &pic, const NervRenderTarget &t)
{
    if (pic.width != t.width || pic.height != t.height)
        nerv::fail_invalid_argument(nerv::format("render target is %dx%d, the renderer's pictures are %dx%d", t.width,
                                                 t.height, pic.width, pic.height));
    int cw = 0, ch = 0;
    nerv::chroma_size(pic.format, pic.width, pic.height, &cw, &ch);
    const int planes = pic.format == NERV_PIX_FMT_RGB24 ? 1 : 3;
    for (int i = 0; i < planes; ++i) {
        const size_t row = pic.format == NERV_PIX_FMT_RGB24 ? 3 * static_cast<size_t>(pic.width)
                           : i == 0                         ? static_cast<size_t>(pic.width)
                                                            : static_cast<size_t>(cw);
        const int rows = i == 0 ? pic.height : ch;
        for (int y = 0; y < rows; ++y)
            std::memcpy(t.data[i] + y * t.stride[i], pic.data[i] + y * pic.stride[i], row);
    }
}

}  // namespace

extern "C" {

int nerv_decoder_get_renderer(NervDecoder *dec, NervRenderer **out)
{
    if (out)
        *out = nullptr;
    return nerv::guarded([&] {
        if (!dec || !out)
            nerv::fail_invalid_argument("nerv_decoder_get_renderer: NULL argument");
        // No logger: the decoder's log callback and its user data may not outlive the decoder.
        nerv::DecodeOptions options = decode_options(dec->settings, nerv::Logger{});
        *out = new NervRenderer(dec->store, options);
        return 0;
    });
}

NervRenderer *nerv_renderer_ref(NervRenderer *renderer)
{
    if (renderer)
        renderer->references.fetch_add(1, std::memory_order_relaxed);
    return renderer;
}

void nerv_renderer_unref(NervRenderer **renderer)
{
    if (!renderer || !*renderer)
        return;
    NervRenderer *r = *renderer;
    *renderer = nullptr;
    if (r->references.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        nerv::guarded([&] {
            delete r;
            return 0;
        });
    }
}

int nerv_renderer_render(NervRenderer *renderer, double position, const NervRenderTarget *target, int64_t *pts)
{
    return nerv::guarded([&] {
        if (!renderer || !target)
            nerv::fail_invalid_argument("nerv_renderer_render: NULL argument");
        check_target(*target);
        std::lock_guard<std::mutex> lock(renderer->mutex);
        renderer->renderer.render_position(position, target->format, &renderer->picture);
        copy_to_target(renderer->picture.picture, *target);
        if (pts)
            *pts = renderer->picture.picture.pts;
        return 0;
    });
}

}  // extern "C"
