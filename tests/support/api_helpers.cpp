#include "api_helpers.h"

#include <cerrno>
#include <cstring>
#include <map>
#include <stdexcept>

#include "test_data.h"
#include "y4m.h"

namespace nerv_test {

NervPicture Clip::picture(size_t i) const
{
    const int cw = (width + 1) / 2, ch = (height + 1) / 2;
    const uint8_t *base = frames.at(i).data();
    NervPicture p{};
    p.width = width;
    p.height = height;
    p.format = NERV_PIX_FMT_YUV420P;
    p.data[0] = base;
    p.data[1] = base + static_cast<size_t>(width) * height;
    p.data[2] = p.data[1] + static_cast<size_t>(cw) * ch;
    p.stride[0] = width;
    p.stride[1] = cw;
    p.stride[2] = cw;
    p.pts = static_cast<int64_t>(i);
    return p;
}

Clip load_y4m(const std::string &path, int max_frames)
{
    nerv_cli::Y4mReader r;
    std::string error;
    if (!r.open(path, &error))
        throw std::runtime_error(error);
    if (r.info().format != NERV_PIX_FMT_YUV420P)
        throw std::runtime_error("fixture must be 4:2:0");
    Clip c;
    c.width = r.info().width;
    c.height = r.info().height;
    c.fps_num = r.info().fps_num;
    c.fps_den = r.info().fps_den;
    const int cw = (c.width + 1) / 2, ch = (c.height + 1) / 2;
    NervPicture p;
    while ((max_frames == 0 || static_cast<int>(c.frames.size()) < max_frames) && r.read_frame(&p, &error)) {
        std::vector<uint8_t> f;
        f.insert(f.end(), p.data[0], p.data[0] + static_cast<size_t>(c.width) * c.height);
        f.insert(f.end(), p.data[1], p.data[1] + static_cast<size_t>(cw) * ch);
        f.insert(f.end(), p.data[2], p.data[2] + static_cast<size_t>(cw) * ch);
        c.frames.push_back(std::move(f));
    }
    return c;
}

Clip load_fixture_clip(int max_frames) { return load_y4m(fixture("carphone_176x144_16f.y4m"), max_frames); }

Encoded encode_stopped_at_poll(const Clip &clip, NervEncoderSettings settings, int poll)
{
    int polls_left = poll;
    settings.abort_cb = [](void *user) {
        int *left = static_cast<int *>(user);
        return --*left <= 0 ? 1 : 0;
    };
    settings.abort_user = &polls_left;
    return encode_clip(clip, settings);
}

NervEncoderSettings quick_settings(const char *arch, const char *size, int epochs)
{
    NervEncoderSettings s;
    nerv_encoder_default_settings(&s);
    nerv_encoder_settings_set(&s, "arch", arch);
    if (size && *size)
        nerv_encoder_settings_set(&s, "size", size);
    s.epochs = epochs;
    s.device = NERV_DEVICE_CPU;
    s.log_level = NERV_LOG_WARNING;
    return s;
}

NervEncoderSettings small_arch_settings(const std::string &arch, int epochs)
{
    static const std::map<std::string, const char *> sizes = {
        {"nerv", "100k"},   {"hnerv", "20k"},   {"enerv", "1.5M"},     {"dnerv", "100k"},
        {"snerv", "100k"},  {"snerv-t", "150k"}, {"pnerv-pyr", "100k"}, {"pnerv-poly", "500k"}};
    NervEncoderSettings s = quick_settings(arch.c_str(), sizes.at(arch), epochs);
    if (arch == "nerv")
        std::strcpy(s.params, "lower_width=16");
    if (arch == "enerv")  // a 9x11 grid: 176x144 is no multiple of the default 80
        std::strcpy(s.params, "strides=4,2,2:fc_hw=9,11");
    return s;
}

Encoded encode_clip(const Clip &clip, NervEncoderSettings s)
{
    Encoded e;
    s.width = clip.width;
    s.height = clip.height;
    s.fps_num = clip.fps_num;
    s.fps_den = clip.fps_den;
    s.pixel_format = NERV_PIX_FMT_YUV420P;
    NervEncoder *enc = nullptr;
    e.result = nerv_encoder_open(&enc, &s);
    if (e.result < 0) {
        e.error = nerv_last_error();
        return e;
    }
    auto drain = [&](bool until_eof) {
        for (;;) {
            NervPacket pkt;
            int r = nerv_encoder_receive_packet(enc, &pkt);
            if ((r == -EAGAIN && !until_eof) || r == NERV_ERROR_EOF)
                return 0;
            if (r < 0)
                return r;
            e.stream.insert(e.stream.end(), pkt.data, pkt.data + pkt.size);
            e.packet_sizes.push_back(pkt.size);
            NervPacket copy = pkt;
            copy.data = nullptr;
            e.packets.push_back(copy);
            if (pkt.type == NERV_PACKET_SEGMENT) {
                NervEncodeStats st;
                nerv_encoder_get_stats(enc, &st);
                e.segment_stats.push_back(st);
            }
        }
    };
    for (size_t i = 0; i < clip.frames.size() && e.result >= 0; ++i) {
        NervPicture p = clip.picture(i);
        int r;
        while ((r = nerv_encoder_send_frame(enc, &p)) == -EAGAIN) {
            r = drain(false);
            if (r < 0)
                break;
        }
        e.result = r;
    }
    if (e.result >= 0) {
        e.result = nerv_encoder_send_frame(enc, nullptr);
        if (e.result >= 0)
            e.result = drain(true);
    }
    if (e.result < 0)
        e.error = nerv_last_error();
    nerv_encoder_close(&enc);
    return e;
}

std::vector<uint8_t> packed_rgb(const NervPicture &p)
{
    std::vector<uint8_t> b(3 * static_cast<size_t>(p.width) * p.height);
    for (int y = 0; y < p.height; ++y)
        std::memcpy(b.data() + 3 * static_cast<size_t>(p.width) * y, p.data[0] + y * p.stride[0], 3 * p.width);
    return b;
}

int render_rgb(NervRenderer *r, double position, int width, int height, std::vector<uint8_t> *out)
{
    out->assign(3 * static_cast<size_t>(width) * height, 0);
    NervRenderTarget t{};
    t.width = width;
    t.height = height;
    t.format = NERV_PIX_FMT_RGB24;
    t.data[0] = out->data();
    t.stride[0] = 3 * width;
    return nerv_renderer_render(r, position, &t, nullptr);
}

std::vector<std::vector<uint8_t>> decode_all_rgb(const std::vector<uint8_t> &stream, int *width, int *height,
                                                 NervDevice device)
{
    NervDecoderSettings ds;
    nerv_decoder_default_settings(&ds);
    ds.output_format = NERV_PIX_FMT_RGB24;
    ds.device = device;
    NervDecoder *dec = nullptr;
    if (nerv_decoder_open(&dec, &ds) < 0)
        throw std::runtime_error(nerv_last_error());
    std::vector<std::vector<uint8_t>> out;
    if (nerv_decoder_send_packet(dec, stream.data(), stream.size()) < 0) {
        std::string err = nerv_last_error();
        nerv_decoder_close(&dec);
        throw std::runtime_error(err);
    }
    NervPicture p;
    int r;
    while ((r = nerv_decoder_receive_frame(dec, &p)) == 0) {
        *width = p.width;
        *height = p.height;
        out.push_back(packed_rgb(p));
    }
    nerv_decoder_close(&dec);
    if (r != -EAGAIN)
        throw std::runtime_error("decode failed");
    return out;
}

double mean_psnr_rgb(const Clip &clip, const std::vector<std::vector<uint8_t>> &rgb, int width, int height)
{
    if (rgb.empty() || rgb.size() > clip.frames.size())
        throw std::runtime_error("mean_psnr_rgb: no frames, or more frames than the clip has");
    double psnr = 0;
    for (size_t i = 0; i < rgb.size(); ++i) {
        NervPicture src = clip.picture(i), dec{};
        dec.width = width;
        dec.height = height;
        dec.format = NERV_PIX_FMT_RGB24;
        dec.data[0] = const_cast<uint8_t *>(rgb[i].data());
        dec.stride[0] = 3 * width;
        NervMetrics m;
        if (nerv_compare_pictures(&dec, &src, &m) != 0)
            throw std::runtime_error(nerv_last_error());
        psnr += m.psnr;
    }
    return psnr / rgb.size();
}

}  // namespace nerv_test
