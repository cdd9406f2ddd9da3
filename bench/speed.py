#!/usr/bin/env python3
"""Speed benchmark: training time per epoch and to a target PSNR, decode fps at 720p and 1080p, peak
memory, per model; ours (build/bin/nerv) side by side with the authors' reference PyTorch code.

    bench/speed.py [--profile quick|full] [--device cpu|cuda] [--threads N] [--out build/bench/speed]

REF_HNERV=DIR (a checkout of haochen-rye/HNeRV) adds the reference HNeRV columns, REF_NERV=DIR
(haochen-rye/NeRV) the reference NeRV ones; without them those columns are left out. Both sides
train the same configuration (resolved once by `nerv arch`, the paper's frame count for HNeRV's size
solver) on the same frames with the same recipe and thread count, one after the other in this run.

Timers: ours from the encoder's progress lines (whole seconds; per epoch = elapsed at the last
epoch / epochs) and `nerv eval`'s decode_fps; the reference's from time.time() around its epochs
and around its decoder's forward (one frame at a time, after one warm-up frame). Peak host memory
is the maximum resident set of the process (GNU time), which for the reference includes the Python
interpreter and the frames tensor. With BENCH_LOCK set (shared machines) the run holds that flock
around each model's measurements of one side; each finished step is kept under OUT/steps/ so an
interrupted run continues where it stopped.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import profiles  # noqa: E402
from cpulock import cpu_lock  # noqa: E402

MODELS = [  # (label, arch, size)
    ("HNeRV 1.5M", "hnerv", "1.5M"),
    ("HNeRV 3M", "hnerv", "3M"),
    ("NeRV-S", "nerv", "S"),
]


def log(msg):
    print(f"[speed {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def run(cmd):
    """Run under GNU time; returns (stdout+stderr, peak KiB). Callers hold cpu_lock()."""
    mem = f"/tmp/nerv-bench-time.{os.getpid()}"
    full = ["/usr/bin/time", "-f", "%M", "-o", mem] + cmd
    res = subprocess.run(full, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if res.returncode != 0:
        sys.stderr.write(res.stdout[-3000:])
        raise RuntimeError(f"failed ({res.returncode}): {' '.join(cmd)}")
    with open(mem) as f:
        peak = int(f.read().split()[-1])
    os.remove(mem)
    return res.stdout, peak


def arch_config(nerv, arch, w, h, frames, size):
    out = subprocess.run([nerv, "arch", arch, "--width", str(w), "--height", str(h), "--frames", str(frames),
                          "--size", size], capture_output=True, text=True, check=True).stdout
    cfg = {"total_params": int(re.search(r"total_params=(\d+)", out).group(1))}
    line = [ln for ln in out.splitlines() if ln.startswith("canvas=")][0]
    kv = dict(tok.split("=", 1) for tok in line.split())
    cw, ch = (int(x) for x in kv["canvas"].split("x"))
    cfg.update(canvas_w=cw, canvas_h=ch, strides=[int(x) for x in kv["strides"].split(",")])
    if arch == "hnerv":
        cfg.update(fc_dim=int(kv["fc_dim"]), embed_dim=int(kv["embed"].split("x")[0]))
    else:  # nerv: fc=DxHxW, pe=B_L; the stem is the default 512_1
        d, fh, fw = (int(x) for x in kv["fc"].split("x"))
        cfg.update(fc_dim=d, fc_h=fh, fc_w=fw, pe=kv["pe"], stem="512_1")
    return cfg


def prepare(args, prof, w, h, frames, name):
    """y4m (ours) and raw rgb24 (reference) of the first `frames` frames, centre-cropped / scaled to w x h."""
    y4m, rgb = os.path.join(args.out, f"{name}.y4m"), os.path.join(args.out, f"{name}.rgb")
    if not os.path.exists(y4m):
        src = os.path.join(args.data, prof["clip"])
        sw, sh = 1280, 720
        vf = f"crop={w}:{h}" if w <= sw and h <= sh else f"scale={w}:{h}:flags=bicubic"
        ffmpeg_frames(args.ffmpeg, src, frames, vf, y4m + ".tmp", rgb, run)
        os.replace(y4m + ".tmp", y4m)
    return y4m, rgb


def ffmpeg_frames(ffmpeg, src, frames, vf, y4m, rgb, run):
    """The first `frames` frames of src through the filter vf as 4:2:0 Y4M, and (rgb not empty) that Y4M as
    raw RGB24 (BT.601 limited range, libnerv's conversion): the frames both sides of a comparison get."""
    base = [ffmpeg, "-nostdin", "-loglevel", "error", "-y", "-i", src, "-frames:v", str(frames), "-vf", vf]
    run(base + ["-pix_fmt", "yuv420p", "-f", "yuv4mpegpipe", y4m])
    if rgb:
        run([ffmpeg, "-nostdin", "-loglevel", "error", "-y", "-i", y4m, "-vf",
             "scale=in_color_matrix=bt601:in_range=tv:flags=bicubic+accurate_rnd+full_chroma_int",
             "-pix_fmt", "rgb24", "-f", "rawvideo", rgb])


def to_seconds(text):
    """The encoder's elapsed-time format: 42s, 3m05s, 1h02m."""
    m = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?", text)
    h, mi, s = (int(x) if x else 0 for x in m.groups())
    return 3600 * h + 60 * mi + s


def ours_train(args, arch, size, cfg, y4m, epochs, target, label=""):
    log(f"{label}: ours, training")
    out = os.path.join(args.out, f"ours_{arch}_{size}.nerv")
    params = f"fc_dim={cfg['fc_dim']}:strides={','.join(map(str, cfg['strides']))}" if arch == "hnerv" else ""
    cmd = [args.nerv, "encode", y4m, "-o", out, "--arch", arch, "--size", size, "--epochs", str(epochs),
           "--device", args.device, "--threads", str(args.threads), "--checkpoint", ""]
    if params:
        cmd += ["--params", params]
    if arch == "nerv":
        cmd += ["--loss", "l2"]  # as the reference harness (bench/ref_nerv.py) trains
    text, peak = run(cmd)
    seen = [(int(e), float(p), to_seconds(t)) for e, p, t in
            re.findall(r"train epoch (\d+)/\d+\s+loss \S+\s+PSNR ([\d.]+) dB.*?elapsed (\S+)", text)]
    if not seen:
        raise RuntimeError(f"no training progress lines in the encoder's output:\n{text[-2000:]}")
    last = seen[-1]
    res = {"epoch_s": last[2] / last[0], "train_psnr": last[1], "peak_rss_mib": peak / 1024}
    hit = [e[2] for e in seen if e[1] >= target]
    res["to_target_s"] = hit[0] if hit else None
    os.remove(out)
    return res


def ours_decode(args, arch, size, w, h, frames):
    y4m, _ = prepare(args, args.prof, w, h, frames, f"dec_{w}x{h}")
    out = os.path.join(args.out, f"dec_{arch}_{size}_{w}x{h}.nerv")
    if not os.path.exists(out):
        run([args.nerv, "encode", y4m, "-o", out, "--arch", arch, "--size", size, "--epochs", "1", "-q",
             "--device", args.device, "--threads", str(args.threads), "--checkpoint", ""])
    text, peak = run([args.nerv, "eval", out, y4m, "--device", args.device, "--threads", str(args.threads)])
    fps = float(re.search(r"decode_fps=([\d.]+)", text).group(1))
    return {"decode_fps": fps, "decode_peak_rss_mib": peak / 1024}


REF_KEYS = {"hnerv": ("strides", "fc_dim", "embed_dim"), "nerv": ("strides", "fc_dim", "fc_h", "fc_w", "pe", "stem")}


def ref_run(args, arch, cfg, w, h, frames, rgb, epochs, decode_frames):
    cmd = ["/usr/bin/python3", os.path.join(HERE, f"ref_{arch}.py"), "--ref", args.ref[arch], "--rgb", rgb or "-",
           "--width", str(w), "--height", str(h), "--frames", str(frames), "--epochs", str(epochs),
           "--decode-frames", str(decode_frames), "--threads", str(args.threads), "--device", args.device,
           "--config", json.dumps({k: cfg[k] for k in REF_KEYS[arch]})]
    text, peak = run(cmd)
    res = json.loads(text.strip().splitlines()[-1])
    res["peak_rss_mib"] = peak / 1024
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--profile", default=os.environ.get("PROFILE", "quick"), choices=sorted(profiles.SPEED))
    ap.add_argument("--device", default=os.environ.get("DEVICE", "cpu"))
    ap.add_argument("--threads", type=int, default=int(os.environ.get("THREADS", "0") or 0))
    ap.add_argument("--out", default="build/bench/speed")
    ap.add_argument("--nerv", default="build/bin/nerv")
    ap.add_argument("--ffmpeg", default=os.environ.get("BENCH_FFMPEG", "ffmpeg"))
    ap.add_argument("--data", default=os.environ.get("BENCH_DATA", "") or profiles.default_data_dir())
    ap.add_argument("--models", default="", help="comma-separated labels (default: all)")
    args = ap.parse_args()
    args.ref = {"hnerv": os.environ.get("REF_HNERV", ""), "nerv": os.environ.get("REF_NERV", "")}
    args.prof = prof = profiles.SPEED[args.profile]
    if not args.threads:
        args.threads = os.cpu_count()
    os.makedirs(args.out, exist_ok=True)
    cw, ch = prof["crop"]
    with cpu_lock():
        y4m, rgb = prepare(args, prof, cw, ch, prof["frames"], "train")
    wanted = set(filter(None, args.models.split(",")))
    results = []
    for label, arch, size in MODELS:
        if wanted and label not in wanted:
            continue
        cfg = arch_config(args.nerv, arch, cw, ch, 132, size)
        row = {"model": label, "arch": arch, "size": size, "params": cfg["total_params"],
               "train_res": f"{cw}x{ch}", "train_frames": prof["frames"], "epochs": prof["epochs"],
               "device": args.device, "threads": args.threads}
        # Each step holds the lock on its own (a few minutes each on 2 cores) and is cached.
        row["ours"] = cached(args, f"{arch}_{size}_ours_train", lambda: ours_train(
            args, arch, size, cfg, y4m, prof["epochs"], prof["target_psnr"], label))
        row["ours"].update(cached(args, f"{arch}_{size}_ours_decode", lambda: ours_decodes(args, label, arch, size)))
        if args.ref[arch]:
            row["ref"] = cached(args, f"{arch}_{size}_ref_train", lambda: ref_train(args, label, arch, cfg, rgb))
            row["ref"].update(cached(args, f"{arch}_{size}_ref_decode", lambda: ref_decodes(args, label, arch, size)))
        results.append(row)
        with open(os.path.join(args.out, "speed.json"), "w") as f:
            json.dump({"date": time.strftime("%Y-%m-%d %H:%M"), "profile": args.profile, "results": results}, f,
                      indent=1)
    log(f"done: {os.path.join(args.out, 'speed.json')}; summarize with bench/speed_report.py")


def cached(args, name, fn):
    path = os.path.join(args.out, "steps", f"{name}.json")
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    with cpu_lock():
        res = fn()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(res, f, indent=1)
    return res


def ours_decodes(args, label, arch, size):
    res = {}
    for (w, h) in ((1280, 720), (1920, 1080)):
        log(f"{label}: ours, decode {w}x{h}")
        res[f"decode_{h}p"] = ours_decode(args, arch, size, w, h, args.prof["decode_frames"])
    return res


def ref_train(args, label, arch, cfg, rgb):
    prof = args.prof
    cw, ch = prof["crop"]
    log(f"{label}: reference, training")
    r = ref_run(args, arch, cfg, cw, ch, prof["frames"], rgb, prof["epochs"], 1)
    ref = {"epoch_s": sum(r["epoch_s"]) / len(r["epoch_s"]), "train_psnr": r["train_psnr"][-1],
           "peak_rss_mib": r["peak_rss_mib"], "decoder_params": r["decoder_params"], "torch": r["torch"]}
    hit = [sum(r["epoch_s"][:i + 1]) for i, p in enumerate(r["train_psnr"]) if p >= prof["target_psnr"]]
    ref["to_target_s"] = hit[0] if hit else None
    return ref


def ref_decodes(args, label, arch, size):
    res = {}
    for (w, h) in ((1280, 720), (1920, 1080)):
        log(f"{label}: reference, decode {w}x{h}")
        dcfg = arch_config(args.nerv, arch, w, h, args.prof["decode_frames"], size)
        d = ref_run(args, arch, dcfg, dcfg["canvas_w"], dcfg["canvas_h"], 1, None, 0, args.prof["decode_frames"])
        res[f"decode_{h}p"] = {"decode_fps": 1000.0 / d["decode_ms_per_frame"], "decode_peak_rss_mib": d["peak_rss_mib"]}
    return res


if __name__ == "__main__":
    main()
