// nerv synth: a small deterministic synthetic clip (Y4M, 4:2:0) so the demo and tests
// have an input on any machine: a drifting colour gradient, a moving disc and a
// rotating bar with anti-aliased edges (smooth content, motion, occlusion).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "args.h"
#include "atomic_file.h"
#include "commands.h"
#include "y4m.h"

namespace nerv_cli {
namespace {

double coverage(double signed_distance)
{
    // 1 inside, 0 outside, linear over ~1.5 pixels across the edge.
    return std::clamp(0.5 - signed_distance / 1.5, 0.0, 1.0);
}

void render_rgb(int w, int h, int t, int frames, std::vector<double> *rgb)
{
    const double phase = frames > 1 ? static_cast<double>(t) / (frames - 1) : 0.0;
    const double cx = w * (0.2 + 0.6 * phase), cy = h * (0.5 + 0.2 * std::sin(2 * M_PI * phase));
    const double radius = std::min(w, h) * 0.18;
    const double angle = M_PI * phase;
    const double bx = w * 0.5, by = h * 0.5, half_len = std::min(w, h) * 0.4, half_width = std::min(w, h) * 0.05;
    rgb->assign(3 * static_cast<size_t>(w) * h, 0.0);
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            const double u = static_cast<double>(x) / w, v = static_cast<double>(y) / h;
            double r = 0.5 + 0.3 * std::sin(2 * M_PI * (u + 0.5 * phase));
            double g = 0.5 + 0.3 * std::sin(2 * M_PI * (v - 0.25 * phase) + 1.0);
            double b = 0.5 + 0.25 * std::cos(2 * M_PI * (u + v) * 0.75);
            // Rotating bar (behind the disc).
            const double dx = x + 0.5 - bx, dy = y + 0.5 - by;
            const double along = dx * std::cos(angle) + dy * std::sin(angle);
            const double across = -dx * std::sin(angle) + dy * std::cos(angle);
            const double bar = coverage(std::max(std::abs(along) - half_len, std::abs(across) - half_width));
            r = r * (1 - bar) + 0.95 * bar;
            g = g * (1 - bar) + 0.85 * bar;
            b = b * (1 - bar) + 0.20 * bar;
            // Moving disc.
            const double disc = coverage(std::hypot(x + 0.5 - cx, y + 0.5 - cy) - radius);
            r = r * (1 - disc) + 0.15 * disc;
            g = g * (1 - disc) + 0.35 * disc;
            b = b * (1 - disc) + 0.90 * disc;
            const size_t i = static_cast<size_t>(y) * w + x, plane = static_cast<size_t>(w) * h;
            (*rgb)[i] = r;
            (*rgb)[plane + i] = g;
            (*rgb)[2 * plane + i] = b;
        }
    }
}

uint8_t code(double v) { return static_cast<uint8_t>(std::clamp(std::lrint(v), 0L, 255L)); }

}  // namespace

int cmd_synth(int argc, char **argv)
{
    Args args;
    std::string error;
    if (!args.parse(argc, argv, 2, {}, &error) || !args.has("o")) {
        std::fprintf(stderr, "usage: nerv synth -o OUT.y4m [--width 176] [--height 144] [--frames 16] [--fps 25]\n");
        return 2;
    }
    const int w = std::atoi(args.get("width", "176").c_str());
    const int h = std::atoi(args.get("height", "144").c_str());
    const int frames = std::atoi(args.get("frames", "16").c_str());
    const int fps = std::atoi(args.get("fps", "25").c_str());
    if (w < 16 || h < 16 || w > 4096 || h > 4096 || frames < 1 || frames > 10000 || fps < 1 || fps > 1000) {
        std::fprintf(stderr, "nerv synth: size must be 16..4096, frames 1..10000, fps 1..1000\n");
        return 2;
    }
    AtomicFile out;
    Y4mWriter writer;
    Y4mInfo info;
    info.width = w;
    info.height = h;
    info.fps_num = fps;
    info.fps_den = 1;
    info.format = NERV_PIX_FMT_YUV420P;
    if (!out.open(args.get("o"), &error) || !writer.open(out.file(), info, &error)) {
        std::fprintf(stderr, "nerv synth: %s\n", error.c_str());
        return 1;
    }
    const int cw = (w + 1) / 2, ch = (h + 1) / 2;
    std::vector<uint8_t> yp(static_cast<size_t>(w) * h), up(static_cast<size_t>(cw) * ch), vp(up.size());
    std::vector<double> rgb;
    const size_t plane = static_cast<size_t>(w) * h;
    for (int t = 0; t < frames; ++t) {
        render_rgb(w, h, t, frames, &rgb);
        // BT.601 limited range, chroma averaged over 2x2.
        std::vector<double> cb(plane), cr(plane);
        for (size_t i = 0; i < plane; ++i) {
            const double r = rgb[i], g = rgb[plane + i], b = rgb[2 * plane + i];
            const double yv = 0.299 * r + 0.587 * g + 0.114 * b;
            yp[i] = code(16 + 219 * yv);
            cb[i] = (b - yv) / 1.772;
            cr[i] = (r - yv) / 1.402;
        }
        for (int y = 0; y < ch; ++y) {
            for (int x = 0; x < cw; ++x) {
                double su = 0, sv = 0;
                int n = 0;
                for (int dy = 0; dy < 2; ++dy) {
                    for (int dx = 0; dx < 2; ++dx) {
                        const int sy = 2 * y + dy, sx = 2 * x + dx;
                        if (sy < h && sx < w) {
                            su += cb[static_cast<size_t>(sy) * w + sx];
                            sv += cr[static_cast<size_t>(sy) * w + sx];
                            ++n;
                        }
                    }
                }
                up[static_cast<size_t>(y) * cw + x] = code(128 + 224 * su / n);
                vp[static_cast<size_t>(y) * cw + x] = code(128 + 224 * sv / n);
            }
        }
        NervPicture pic{};
        pic.width = w;
        pic.height = h;
        pic.format = NERV_PIX_FMT_YUV420P;
        pic.data[0] = yp.data();
        pic.data[1] = up.data();
        pic.data[2] = vp.data();
        pic.stride[0] = w;
        pic.stride[1] = cw;
        pic.stride[2] = cw;
        if (!writer.write_frame(pic, &error)) {
            std::fprintf(stderr, "nerv synth: %s\n", error.c_str());
            return 1;
        }
    }
    if (!out.commit(&error)) {
        std::fprintf(stderr, "nerv synth: %s\n", error.c_str());
        return 1;
    }
    return 0;
}

}  // namespace nerv_cli
