// nerv encode: Y4M in, .nerv out (atomically), progress on stderr.
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <string>
#include <unistd.h>

#include "args.h"
#include "atomic_file.h"
#include "commands.h"
#include "nerv/nerv.h"
#include "y4m.h"

namespace nerv_cli {
namespace {

std::atomic<bool> g_interrupted{false};

// The first Ctrl-C asks training to stop (within one iteration, saving a checkpoint); a
// second one kills at once.
void on_sigint(int sig)
{
    g_interrupted = true;
    std::signal(sig, SIG_DFL);
}

struct EncodeUi {
    bool quiet = false;
    bool tty = false;
    int last_printed_epoch = -1;
};

void log_to_stderr(void *user, NervLogLevel level, const char *message)
{
    const EncodeUi *ui = static_cast<const EncodeUi *>(user);
    if (ui->quiet && level > NERV_LOG_WARNING)
        return;
    static const char *names[] = {"error", "warning", "info", "verbose", "debug"};
    std::fprintf(stderr, "%s[%s] %s\n", ui->tty ? "\r\033[K" : "", names[level], message);
}

std::string format_seconds(double s)
{
    char buf[32];
    const long t = static_cast<long>(s + 0.5);
    if (t >= 3600)
        std::snprintf(buf, sizeof(buf), "%ldh%02ldm", t / 3600, (t / 60) % 60);
    else if (t >= 60)
        std::snprintf(buf, sizeof(buf), "%ldm%02lds", t / 60, t % 60);
    else
        std::snprintf(buf, sizeof(buf), "%lds", t);
    return buf;
}

void progress_to_stderr(void *user, const NervProgress *p)
{
    EncodeUi *ui = static_cast<EncodeUi *>(user);
    if (ui->quiet)
        return;
    static const char *phases[] = {"train", "finetune", "compress", "quantize"};
    if (p->phase == NERV_PHASE_COMPRESS) {
        std::fprintf(stderr, "%ssegment %d: compressing and verifying\n", ui->tty ? "\r\033[K" : "", p->segment);
        return;
    }
    // On a terminal update one line; in logs print about 20 lines per phase.
    const int step = p->epochs >= 20 ? p->epochs / 20 : 1;
    if (!ui->tty && p->epoch % step != 0 && p->epoch != p->epochs)
        return;
    std::fprintf(stderr, "%ssegment %d %s epoch %d/%d  loss %.5f  PSNR %.2f dB  lr %.2e  elapsed %s  ETA %s%s",
                 ui->tty ? "\r\033[K" : "", p->segment, phases[p->phase], p->epoch, p->epochs, p->loss, p->psnr,
                 p->learning_rate, format_seconds(p->elapsed_s).c_str(), format_seconds(p->eta_s).c_str(),
                 ui->tty && p->epoch != p->epochs ? "" : "\n");
}

int abort_requested(void *) { return g_interrupted ? 1 : 0; }

void print_settings_help()
{
    std::printf("nerv encode IN.y4m -o OUT.nerv [--SETTING VALUE ...]\n\nsettings (also FFmpeg's nerv_enc options):\n");
    for (int i = 0; i < nerv_encoder_option_count(); ++i) {
        const NervOptionInfo *o = nerv_encoder_option(i);
        std::printf("  --%-15s %s\n  %-17s default: %s; valid: %s\n", o->name, o->help, "",
                    o->default_value[0] ? o->default_value : "(recipe)", o->valid);
    }
    std::printf("\nwidth, height, fps, pix_fmt and range come from the Y4M header.\n"
                "Unknown --name value pairs are passed as architecture params (see docs/settings.md).\n"
                "The checkpoint defaults to OUT.nerv.ckpt (--checkpoint '' turns it off); after an interruption,\n"
                "run the same command with --resume to continue where it stopped.\n");
}

}  // namespace

int cmd_encode(int argc, char **argv)
{
    Args args;
    std::string error;
    if (!args.parse(argc, argv, 2, {"q", "quiet", "v", "verbose", "h", "help", "resume"}, &error)) {
        std::fprintf(stderr, "nerv encode: %s\n", error.c_str());
        return 2;
    }
    if (args.has("h") || args.has("help")) {
        print_settings_help();
        return 0;
    }
    if (args.positional.size() != 1 || !args.has("o")) {
        std::fprintf(stderr, "usage: nerv encode IN.y4m -o OUT.nerv [--SETTING VALUE ...] (nerv encode --help)\n");
        return 2;
    }
    Y4mReader reader;
    if (!reader.open(args.positional[0], &error)) {
        std::fprintf(stderr, "nerv encode: %s\n", error.c_str());
        return 1;
    }
    const Y4mInfo &yi = reader.info();

    EncodeUi ui;
    ui.quiet = args.has("q") || args.has("quiet");
    ui.tty = isatty(fileno(stderr));
    NervEncoderSettings s;
    nerv_encoder_default_settings(&s);
    s.width = yi.width;
    s.height = yi.height;
    s.fps_num = yi.fps_num;
    s.fps_den = yi.fps_den;
    s.pixel_format = yi.format;
    s.range = yi.range;
    // Interrupted encodes continue from OUT.nerv.ckpt unless told otherwise.
    if (args.get("o") != "-" && args.get("o").size() + 5 < sizeof(s.checkpoint))
        nerv_encoder_settings_set(&s, "checkpoint", (args.get("o") + ".ckpt").c_str());
    if (args.flags.count("resume"))
        s.resume = 1;
    for (const auto &o : args.options) {
        if (o.first == "o")
            continue;
        if (nerv_encoder_settings_set(&s, o.first.c_str(), o.second.c_str()) < 0)
            return report_error("encode", -EINVAL);
    }
    s.log_cb = log_to_stderr;
    s.log_user = &ui;
    if (args.has("v") || args.has("verbose"))
        s.log_level = NERV_LOG_VERBOSE;
    s.progress_cb = progress_to_stderr;
    s.progress_user = &ui;
    s.abort_cb = abort_requested;

    NervEncoder *enc = nullptr;
    int ret = nerv_encoder_open(&enc, &s);
    if (ret < 0)
        return report_error("encode", ret);

    AtomicFile out;
    if (!out.open(args.get("o"), &error)) {
        nerv_encoder_close(&enc);
        std::fprintf(stderr, "nerv encode: %s\n", error.c_str());
        return 1;
    }
    std::signal(SIGINT, on_sigint);
    std::signal(SIGTERM, on_sigint);

    const auto t0 = std::chrono::steady_clock::now();
    int64_t frames = 0, bytes = 0;
    double psnr_weighted = 0, ssim_weighted = 0;
    int64_t stats_frames = 0;
    auto drain = [&](bool until_eof) -> int {
        for (;;) {
            NervPacket pkt;
            int r = nerv_encoder_receive_packet(enc, &pkt);
            if (r == -EAGAIN && !until_eof)
                return 0;
            if (r == NERV_ERROR_EOF)
                return 0;
            if (r < 0)
                return r;
            if (std::fwrite(pkt.data, 1, pkt.size, out.file()) != pkt.size) {
                std::fprintf(stderr, "nerv encode: write failed: %s\n", std::strerror(errno));
                return -EIO;
            }
            bytes += static_cast<int64_t>(pkt.size);
            if (pkt.type == NERV_PACKET_SEGMENT) {
                NervEncodeStats st;
                nerv_encoder_get_stats(enc, &st);
                psnr_weighted += st.psnr_final * st.frames;
                ssim_weighted += st.ssim_final * st.frames;
                stats_frames += st.frames;
            }
        }
    };

    // A part (--segments A:B) needs no frame after its last segment: stop reading there.
    const int64_t last_needed = s.segment_end > 0 && s.segment_frames > 0
                                    ? static_cast<int64_t>(s.segment_end) * s.segment_frames
                                    : INT64_MAX;
    NervPicture pic;
    while (ret >= 0 && frames < last_needed && reader.read_frame(&pic, &error)) {
        pic.pts = frames;
        while ((ret = nerv_encoder_send_frame(enc, &pic)) == -EAGAIN) {
            ret = drain(false);
            if (ret < 0)
                break;
        }
        if (ret >= 0)
            frames++;
        if (g_interrupted)
            break;
    }
    if (ret >= 0 && !error.empty()) {
        std::fprintf(stderr, "nerv encode: %s\n", error.c_str());
        ret = -EINVAL;
    }
    if (ret >= 0 && frames == 0) {
        std::fprintf(stderr, "nerv encode: the input has no frames\n");
        ret = -EINVAL;
    }

    if (ret >= 0 && !g_interrupted) {
        ret = nerv_encoder_send_frame(enc, nullptr);
        if (ret >= 0)
            ret = drain(true);
    }
    if (g_interrupted) {
        nerv_encoder_close(&enc);
        if (s.checkpoint[0] && access(s.checkpoint, F_OK) == 0)
            std::fprintf(stderr, "\nnerv encode: interrupted; no output written. The work done is kept in '%s': "
                                 "run the same command with --resume to continue\n",
                         s.checkpoint);
        else
            std::fprintf(stderr, "\nnerv encode: interrupted; no output written\n");
        return 130;
    }
    if (ret == NERV_ERROR_ABORTED && s.train_only) {
        // The stop train_only asked for: the stream is written by the encodes that resume it.
        std::fprintf(stderr, "nerv encode: %s. No stream written; the trained network is kept in '%s': code it with "
                             "nerv encode --resume --checkpoint '%s' and the coding settings of your choice "
                             "(qbits, qbits_embed, qat_epochs, prune, prune_epochs); copy the file first to code it "
                             "more than once\n",
                     nerv_last_error(), s.checkpoint, s.checkpoint);
        nerv_encoder_close(&enc);
        return 0;
    }
    if (ret < 0) {
        const int code = report_error("encode", ret);
        nerv_encoder_close(&enc);
        return code;
    }
    nerv_encoder_close(&enc);
    if (!out.commit(&error)) {
        std::fprintf(stderr, "nerv encode: %s\n", error.c_str());
        return 1;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    // Report from the file itself: bpp is 8 * bytes on disk / pixels.
    std::string file;
    NervStreamInfo info;
    if (args.get("o") != "-" && read_file(args.get("o"), &file, &error) &&
        nerv_probe(reinterpret_cast<const uint8_t *>(file.data()), file.size(), &info) == 0) {
        std::fprintf(stderr,
                     "encoded %lld frames %dx%d (%s, %lld parameters, %d segment%s) into %lld bytes: %.5f bpp, "
                     "PSNR %.2f dB, SSIM %.4f, %.1f s\n",
                     static_cast<long long>(info.frames), info.width, info.height, info.arch,
                     static_cast<long long>(info.parameters), info.segments, info.segments == 1 ? "" : "s",
                     static_cast<long long>(info.bytes), info.bpp, psnr_weighted / std::max<int64_t>(1, stats_frames),
                     ssim_weighted / std::max<int64_t>(1, stats_frames), seconds);
    }
    return 0;
}

}  // namespace nerv_cli
