#!/usr/bin/env python3
"""Rate-distortion benchmark: nerv (several sizes / quantizations) against x264, x265 and libaom AV1.

    bench/rd.py [--profile quick|compress|full] [--clips A.mp4,B.h264] [--out build/bench/rd] [--jobs N]

Every point is encoded, decoded to 8-bit 4:2:0 Y4M and measured against the same reference Y4M
with FFmpeg's own filters (psnr, ssim); MS-SSIM (pytorch_msssim's definition, RGB) comes from
bench/msssim.py when numpy is present and the picture is larger than 160 pixels on its short side
(the 5-scale definition needs that). bpp = 8 x bytes / (W x H x frames) of the bitstream as
written: raw Annex-B elementary streams for x264/x265, the AV1 payload of the IVF file for libaom
(file size less IVF's headers), the whole .nerv file for nerv. Each point's result is kept as JSON under OUT/points/, so an interrupted run
continues where it stopped and a finished one is only re-summarized; a nerv point interrupted mid-training
continues from its checkpoint (OUT/work/CLIP/POINT.nerv.ckpt, every 10 epochs).

nerv arms that differ only in coding options (--qbits, --qbits_embed, --qat_epochs, --prune, --prune_epochs)
share one training per size: `nerv encode --train_only 1` trains once and keeps the trained network in
OUT/work/CLIP/trained_*.ckpt, and each arm codes a copy of it (`--resume` with its own options), which
writes the bytes of a whole encode of that arm (libnerv's train_only, docs/api.md "Checkpoints"). A point's
encode_s is then the shared training's seconds plus its own coding's.

Points already measured and kept in the repository (bench/results/PROFILE/points/*.json, `--cache`) are
taken as they are: a CPU-days profile finishes over several runs, on several machines.

When BENCH_LOCK names a lock file (shared machines), the run holds it (flock) around each nerv point
and around each classic codec's CRF ladder, so the work of one group runs uninterrupted.
"""
import argparse
import concurrent.futures
import json
import hashlib
import os
import shlex
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import profiles  # noqa: E402
import nerv_huffman  # noqa: E402
from cpulock import cpu_lock  # noqa: E402


def log(msg):
    print(f"[rd {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def run(cmd, heavy=False, capture=False):
    """heavy marks CPU-heavy commands; callers hold cpu_lock() around them."""
    t0 = time.time()
    res = subprocess.run(cmd, stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    if res.returncode != 0:
        sys.stderr.write(res.stderr[-3000:])
        raise RuntimeError(f"command failed ({res.returncode}): {' '.join(map(shlex.quote, cmd))}")
    return res, time.time() - t0


def probe(ffprobe, path):
    res, _ = run([ffprobe, "-v", "error", "-select_streams", "v:0", "-count_packets", "-show_entries",
                  "stream=width,height,nb_read_packets,r_frame_rate", "-of", "json", path], capture=True)
    s = json.loads(res.stdout)["streams"][0]
    return s["width"], s["height"], int(s["nb_read_packets"]), s["r_frame_rate"]


def prepare_reference(args, clip, spec, workdir):
    """Decode the first `frames` frames (centre crop, then scale, if asked) to 8-bit 4:2:0 Y4M."""
    ref = os.path.join(workdir, "ref.y4m")
    w, h, n, fps = probe(args.ffprobe, clip)
    frames = min(n, spec["frames"]) if spec["frames"] else n
    crop, scale = spec.get("crop"), spec.get("scale")
    filters = []
    if crop:
        cw, ch = crop
        w, h = min(w, cw), min(h, ch)
        filters.append(f"crop={w}:{h}")
    if scale:
        w, h = scale
        filters.append(f"scale={w}:{h}:flags=lanczos")
    if not os.path.exists(ref):
        vf = ["-vf", ",".join(filters)] if filters else []
        fmt = ["-f", "h264"] if clip.endswith(".h264") else []
        run([args.ffmpeg, "-nostdin", "-loglevel", "error", "-y"] + fmt + ["-i", clip, "-frames:v", str(frames)]
            + vf + ["-pix_fmt", "yuv420p", "-f", "yuv4mpegpipe", ref + ".tmp"], heavy=True)
        os.replace(ref + ".tmp", ref)
    return ref, w, h, frames, fps


# --- encoders: each returns the bitstream path; decode() writes dec.y4m -----------------------

def encode_classic(args, arm, point, ref, stem):
    codec = arm["codec"]
    # AV1 goes into IVF (FFmpeg 5.1's raw-OBU demuxer returns frames out of step for libaom's streams);
    # its rate counts the AV1 payload only (see payload_bytes).
    ext = {"libx264": "264", "libx265": "265", "libaom-av1": "ivf"}[codec]
    fmt = {"libx264": "h264", "libx265": "hevc", "libaom-av1": "ivf"}[codec]
    out = f"{stem}.{ext}"
    cmd = [args.ffmpeg, "-nostdin", "-loglevel", "error", "-y", "-i", ref, "-c:v", codec]
    cmd += [str(x) for x in arm["opts"]] + ["-crf", str(point), "-threads", "1"]
    if codec == "libaom-av1":
        cmd += ["-b:v", "0"]
    cmd += ["-f", fmt, out]
    _, secs = run(cmd, heavy=True)
    return out, secs


# Options that only code a trained network: arms differing in these alone share a training.
CODING_OPTS = ("--qbits", "--qbits_embed", "--qat_epochs", "--prune", "--prune_epochs")


def training_opts(arm):
    """The arm's options that its training depends on (options come as --name value pairs)."""
    opts = [str(x) for x in arm["opts"]]
    pairs = [(opts[i], opts[i + 1]) for i in range(0, len(opts), 2)]
    return tuple(x for name, value in pairs if name not in CODING_OPTS for x in (name, value))


def threads_opts(args):
    """The cores shared out between the encodes that run at once."""
    return ["--threads", str(max(1, (os.cpu_count() or 1) // args.jobs))] if args.jobs > 1 else []


def trained_tag(point, topts):
    return f"trained_{point}_" + hashlib.sha1(" ".join(topts).encode()).hexdigest()[:8]


def train_once(args, ref, workdir, point, topts):
    """Trains the network that the arms sharing `topts` code (nerv encode --train_only 1); an
    interrupted training continues, a finished one returns at once. The checkpoint and its seconds."""
    tag = trained_tag(point, topts)
    ckpt, seconds_file = os.path.join(workdir, tag + ".ckpt"), os.path.join(workdir, tag + ".seconds")
    cmd = [args.nerv, "encode", ref, "-o", os.path.join(workdir, tag + ".nerv"), "-q", "--train_only", "1",
           "--checkpoint", ckpt] + (["--resume"] if os.path.exists(ckpt) else [])
    cmd += list(topts) + ["--size", str(point)] + threads_opts(args)
    _, secs = run(cmd, heavy=True)
    if not os.path.exists(ckpt):
        raise RuntimeError(f"{' '.join(map(shlex.quote, cmd))} left no checkpoint")
    if not os.path.exists(seconds_file):
        with open(seconds_file, "w") as f:
            f.write(f"{secs:.2f}\n")
    with open(seconds_file) as f:
        return ckpt, float(f.read())


def encode_nerv(args, arm, point, ref, stem, trained=None):
    """trained: (checkpoint, seconds) of a shared training, which this arm codes with its options."""
    out = f"{stem}.nerv"
    if os.path.exists(out):  # nerv writes atomically: a file there is a finished encode of this point
        return out, None
    if trained and not os.path.exists(out + ".ckpt"):
        shutil.copyfile(trained[0], out + ".ckpt.tmp")
        os.replace(out + ".ckpt.tmp", out + ".ckpt")
    # Checkpoints every 10 epochs (nerv's default OUT.ckpt): an interrupted run continues the point
    # where it stopped instead of training it again (300-epoch points take an hour on a CPU).
    cmd = [args.nerv, "encode", ref, "-o", out, "-q"] + (["--resume"] if os.path.exists(out + ".ckpt") else [])
    cmd += [str(x) for x in arm["opts"]] + ["--size", str(point)] + threads_opts(args)
    _, secs = run(cmd, heavy=True)
    return out, secs + (trained[1] if trained else 0)


def payload_bytes(path):
    """Bytes of the coded video: the whole file, less IVF's 32-byte header and 12-byte frame headers."""
    size = os.path.getsize(path)
    if not path.endswith(".ivf"):
        return size
    with open(path, "rb") as f:
        data = f.read()
    pos, frames = int.from_bytes(data[6:8], "little"), 0
    while pos + 12 <= len(data):
        pos += 12 + int.from_bytes(data[pos:pos + 4], "little")
        frames += 1
    return size - int.from_bytes(data[6:8], "little") - 12 * frames


def decode(args, arm, bitstream, dec):
    if arm["kind"] == "nerv":
        cmd = [args.nerv, "decode", bitstream, "-o", dec, "--pix_fmt", "yuv420p"]
    else:
        fmt = {"264": "h264", "265": "hevc", "ivf": "ivf"}[bitstream.rsplit(".", 1)[1]]
        # passthrough: every decoded frame once (raw OBU has no timestamps, and constant-rate output
        # would otherwise drop or duplicate frames to fit the demuxer's guessed rate).
        cmd = [args.ffmpeg, "-nostdin", "-loglevel", "error", "-y", "-f", fmt, "-i", bitstream,
               "-fps_mode", "passthrough", "-pix_fmt", "yuv420p", "-f", "yuv4mpegpipe", dec]
    run(cmd, heavy=True)


# --- metrics --------------------------------------------------------------------------------

def parse_stats(path, keys):
    rows = []
    with open(path) as f:
        for line in f:
            kv = dict(tok.split(":", 1) for tok in line.split() if ":" in tok)
            rows.append({k: float(kv[k]) for k in keys})
    return rows


def mean_psnr(values):
    return sum(min(v, 100.0) for v in values) / len(values)  # inf (identical frame) counts as 100 dB


TO_RGB = "scale=in_color_matrix=bt601:in_range=tv:flags=bicubic+accurate_rnd+full_chroma_int,format=gbrp"


def measure(args, dec, ref, stem, w, h):
    m = {}
    ff = [args.ffmpeg, "-nostdin", "-loglevel", "error", "-i", dec, "-i", ref]
    yuv, rgb, ssim = f"{stem}.psnr_yuv.log", f"{stem}.psnr_rgb.log", f"{stem}.ssim.log"
    graph = (f"[0]split=3[d0][d1][d2];[1]split=3[r0][r1][r2];[d0][r0]psnr=stats_file={yuv};"
             f"[d1][r1]ssim=stats_file={ssim};[d2]{TO_RGB}[d3];[r2]{TO_RGB}[r3];[d3][r3]psnr=stats_file={rgb}")
    run(ff + ["-filter_complex", graph, "-f", "null", "-"], heavy=True)
    py = parse_stats(yuv, ["psnr_y", "psnr_u", "psnr_v"])
    with open(dec, "rb") as f:
        dec_frames = f.read().count(b"FRAME")
    with open(ref, "rb") as f:
        ref_frames = f.read().count(b"FRAME")
    if dec_frames != ref_frames or len(py) != ref_frames:
        raise RuntimeError(f"{dec}: {dec_frames} frames decoded, {ref_frames} in the reference")
    m["psnr_y"] = mean_psnr([r["psnr_y"] for r in py])
    m["psnr_u"] = mean_psnr([r["psnr_u"] for r in py])
    m["psnr_v"] = mean_psnr([r["psnr_v"] for r in py])
    m["psnr_yuv"] = (6 * m["psnr_y"] + m["psnr_u"] + m["psnr_v"]) / 8
    m["psnr_rgb"] = mean_psnr([r["psnr_avg"] for r in parse_stats(rgb, ["psnr_avg"])])
    ss = parse_stats(ssim, ["Y", "All"])
    m["ssim_y"] = sum(r["Y"] for r in ss) / len(ss)
    m["ssim_yuv"] = sum(r["All"] for r in ss) / len(ss)
    m["ms_ssim"] = None
    if min(w, h) > 160:
        try:
            import msssim
            m["ms_ssim"] = msssim.ms_ssim_files(args.ffmpeg, dec, ref, w, h)
        except ImportError:
            pass
    for p in (yuv, rgb, ssim):
        os.remove(p)
    return m


def point_path(args, spec, arm, point):
    return os.path.join(args.out, "points", f"{spec['name']}__{arm['name']}_{point}.json")


def cached_point(args, spec, arm, point):
    """The point's result from this run's folder or from the kept results (--cache), else None."""
    own = point_path(args, spec, arm, point)
    kept = os.path.join(args.cache, os.path.basename(own)) if args.cache else ""
    for path in (own, kept):
        if path and os.path.exists(path):
            if path == kept:  # the report reads this run's folder
                os.makedirs(os.path.dirname(own), exist_ok=True)
                shutil.copyfile(kept, own)
            with open(path) as f:
                return json.load(f)
    return None


def run_point(args, clip, spec, arm, point, workdir, trained=None):
    tag = f"{arm['name']}_{point}"
    res_path = point_path(args, spec, arm, point)
    cached = cached_point(args, spec, arm, point)
    if cached is not None:
        return cached
    ref, w, h, frames, fps = prepare_reference(args, clip, spec, workdir)
    stem = os.path.join(workdir, tag)
    log(f"{spec['name']}: {arm['name']} {point}" + (" (coding the shared training)" if trained else ""))
    if arm["kind"] == "nerv":
        bitstream, secs = encode_nerv(args, arm, point, ref, stem, trained)
    else:
        bitstream, secs = encode_classic(args, arm, point, ref, stem)
    dec = stem + ".dec.y4m"
    decode(args, arm, bitstream, dec)
    m = measure(args, dec, ref, stem, w, h)
    os.remove(dec)
    nbytes = payload_bytes(bitstream)
    r = {"clip": spec["name"], "width": w, "height": h, "frames": frames, "codec": arm["name"],
         "point": str(point), "bytes": nbytes, "bpp": 8.0 * nbytes / (w * h * frames),
         "encode_s": None if secs is None else round(secs, 2), **m}
    if arm["kind"] == "nerv":
        hs = nerv_huffman.hnerv_size(bitstream)
        r["hnerv_bits"] = hs["total_bits"]
        r["params"] = hs["weights"]
    os.makedirs(os.path.dirname(res_path), exist_ok=True)
    with open(res_path + ".tmp", "w") as f:
        json.dump(r, f, indent=1)
    os.replace(res_path + ".tmp", res_path)
    if not args.keep and arm["kind"] != "nerv":
        os.remove(bitstream)
    return r


def run_nerv_size(args, clip, spec, arms, point, workdir):
    """The nerv arms that share a training at one size: trained once when two or more still need
    encoding (or a shared training was started), then each codes it."""
    todo = [a for a in arms if cached_point(args, spec, a, point) is None
            and not os.path.exists(os.path.join(workdir, f"{a['name']}_{point}.nerv"))]
    trained, ckpt = None, None
    if todo:
        ref = prepare_reference(args, clip, spec, workdir)[0]
        topts = training_opts(todo[0])
        if len(todo) > 1 or os.path.exists(os.path.join(workdir, trained_tag(point, topts) + ".ckpt")):
            log(f"{spec['name']}: training {point} once for {', '.join(a['name'] for a in todo)}")
            trained = train_once(args, ref, workdir, point, topts)
            ckpt = trained[0]
    rows = [run_point(args, clip, spec, arm, point, workdir, trained if arm in todo else None) for arm in arms]
    if ckpt:
        os.remove(ckpt)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--profile", default=os.environ.get("PROFILE", "quick"), choices=sorted(profiles.RD))
    ap.add_argument("--clips", default=os.environ.get("CLIPS", ""),
                    help="comma-separated clip paths (default: the profile's clips from ../shared/data)")
    ap.add_argument("--data", default=os.environ.get("BENCH_DATA", ""), help="data dir with clips/")
    ap.add_argument("--out", default="build/bench/rd")
    ap.add_argument("--nerv", default="build/bin/nerv")
    ap.add_argument("--ffmpeg", default=os.environ.get("BENCH_FFMPEG", "ffmpeg"))
    ap.add_argument("--ffprobe", default=os.environ.get("BENCH_FFPROBE", "ffprobe"))
    ap.add_argument("--only", default="", help="comma-separated arm names to run (default: all)")
    ap.add_argument("--jobs", type=int, default=int(os.environ.get("JOBS", "1") or 1),
                    help="nerv points encoded at once, the cores shared out between them (default 1)")
    ap.add_argument("--keep", action="store_true", help="keep the classic codecs' bitstreams")
    ap.add_argument("--cache", default=None,
                    help="folder of points measured earlier, used as they are (default bench/results/PROFILE/points; "
                         "'' = none)")
    args = ap.parse_args()
    if args.cache is None:
        args.cache = os.path.join(HERE, "results", args.profile, "points")

    prof = profiles.RD[args.profile]
    specs = profiles.clip_specs(prof, args.clips, args.data)
    if not specs:
        sys.exit("rd: no clips found (give CLIPS=a.mp4,b.mp4 or BENCH_DATA=dir with clips/)")
    only = set(filter(None, args.only.split(",")))
    arms = [a for a in prof["arms"] if not only or a["name"] in only]
    rows, nerv_points = [], []
    for clip, spec in specs:
        workdir = os.path.join(args.out, "work", spec["name"])
        os.makedirs(workdir, exist_ok=True)
        prepare_reference(args, clip, spec, workdir)
        for arm in arms:
            if arm["kind"] != "nerv":
                with cpu_lock():  # one lock per classic ladder
                    for point in arm["points"]:
                        rows.append(run_point(args, clip, spec, arm, point, workdir))
        # nerv points size by size; the arms of a size that differ only in coding options share
        # one training (run_nerv_size), and with --jobs N, N sizes train at once
        sizes = []
        for arm in arms:
            sizes += [p for p in arm.get("points", []) if arm["kind"] == "nerv" and p not in sizes]
        for p in sizes:
            groups = {}
            for arm in arms:
                if arm["kind"] == "nerv" and p in arm["points"]:
                    groups.setdefault(training_opts(arm), []).append(arm)
            nerv_points += [(clip, spec, group, p, workdir) for group in groups.values()]
    if args.jobs == 1:
        for task in nerv_points:
            with cpu_lock():  # one lock per nerv size (minutes to hours each)
                rows += run_nerv_size(args, *task)
    else:
        with cpu_lock(), concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            for task_rows in pool.map(lambda task: run_nerv_size(args, *task), nerv_points):
                rows += task_rows
    log(f"{len(rows)} points done; summarize with bench/rd_report.py {args.out}")


if __name__ == "__main__":
    main()
