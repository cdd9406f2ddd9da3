#!/usr/bin/env python3
"""Summarize bench/rd.py results: CSV, BD-rate / BD-PSNR tables (Markdown) and RD plots (gnuplot PNG).

    bench/rd_report.py OUT            reads OUT/points/*.json, writes OUT/rd.csv, OUT/bd.md, OUT/rd_<clip>_*.png

Adds the derived curve `hnerv-huffman`: the nerv-hnerv-q8e6 encodes costed as the HNeRV reference
costs them (bench/nerv_huffman.py), the internal baseline every nerv improvement is measured against.
BD figures use PCHIP on log10(bpp) (bench/bdrate.py); "-" means the two curves do not overlap.
"""
import csv
import glob
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bdrate  # noqa: E402

COLUMNS = ["clip", "width", "height", "frames", "codec", "point", "bytes", "bpp", "psnr_rgb", "psnr_yuv",
           "psnr_y", "psnr_u", "psnr_v", "ssim_y", "ssim_yuv", "ms_ssim", "params", "hnerv_bits", "encode_s"]
NERV_BASELINE = "hnerv-huffman"
# The stream nerv encode wrote by default before quantization-aware fine-tuning (8-bit weights).
NERV_OLD_DEFAULT = "nerv-hnerv-q8e6"
CLASSIC_ANCHOR = "x265"
METRICS = [("psnr_rgb", "PSNR RGB"), ("psnr_yuv", "PSNR YUV 6:1:1"), ("ms_ssim", "MS-SSIM RGB")]


def load(out):
    rows = []
    for path in sorted(glob.glob(os.path.join(out, "points", "*.json"))):
        with open(path) as f:
            rows.append(json.load(f))
    derived = []
    for r in rows:
        if r["codec"] == "nerv-hnerv-q8e6" and r.get("hnerv_bits"):
            d = dict(r, codec=NERV_BASELINE, bytes=round(r["hnerv_bits"] / 8),
                     bpp=r["hnerv_bits"] / (r["width"] * r["height"] * r["frames"]), encode_s=None)
            derived.append(d)
    return rows + derived


def fmt(v, nd=4):
    if v is None:
        return ""
    return f"{v:.{nd}f}" if isinstance(v, float) else str(v)


def curves(rows, clip, metric):
    out = {}
    for r in rows:
        if r["clip"] == clip and r.get(metric) is not None:
            out.setdefault(r["codec"], []).append((r["bpp"], r[metric]))
    return {k: sorted(v) for k, v in out.items()}


def pct(v):
    return "-" if v is None else f"{100 * v:+.2f}%"


def db(v):
    return "-" if v is None else f"{v:+.3f}"


def bd_table(rows, clip, anchor, codecs):
    lines = [f"| codec vs {anchor} | BD-rate (PSNR RGB) | BD-rate (PSNR YUV) | BD-rate (MS-SSIM) | BD-PSNR RGB (dB) |",
             "|---|---|---|---|---|"]
    c = {m: curves(rows, clip, m) for m, _ in METRICS}
    if anchor not in c["psnr_rgb"]:
        return []
    for codec in codecs:
        if codec == anchor or codec not in c["psnr_rgb"]:
            continue
        cells = []
        for m, _ in METRICS:
            ref, test = c[m].get(anchor), c[m].get(codec)
            cells.append(pct(bdrate.bd_rate(ref, test)) if ref and test else "n/a")
        cells.append(db(bdrate.bd_psnr(c["psnr_rgb"][anchor], c["psnr_rgb"][codec])))
        lines.append(f"| {codec} | " + " | ".join(cells) + " |")
    return lines


def summary(rows):
    """One row per clip: each nerv arm's BD-rate against today's default and against x265, then the mean
    and the worst clip (the compression goal: mean <= -30%, no clip above -15%). Empty for one clip."""
    clips = sorted({r["clip"] for r in rows})
    arms = sorted({r["codec"] for r in rows if r["codec"].startswith("nerv") and r["codec"] != NERV_OLD_DEFAULT})
    if len(clips) < 2 or not arms:
        return []
    lines = ["### All clips: BD-rate (PSNR RGB)", "",
             "| clip | " + " | ".join(f"{a} vs {NERV_OLD_DEFAULT}" for a in arms) + " | "
             + " | ".join(f"{a} vs {CLASSIC_ANCHOR}" for a in [NERV_OLD_DEFAULT] + arms) + " |",
             "|---|" + "---|" * (2 * len(arms) + 1)]
    per_arm = {a: [] for a in arms}
    for clip in clips:
        c = curves(rows, clip, "psnr_rgb")
        cells = []
        for a in arms:
            v = bdrate.bd_rate(c[NERV_OLD_DEFAULT], c[a]) if NERV_OLD_DEFAULT in c and a in c else None
            if v is not None:
                per_arm[a].append(v)
            cells.append(pct(v))
        for a in [NERV_OLD_DEFAULT] + arms:
            v = bdrate.bd_rate(c[CLASSIC_ANCHOR], c[a]) if CLASSIC_ANCHOR in c and a in c else None
            cells.append(pct(v))
        lines.append(f"| {clip} | " + " | ".join(cells) + " |")
    lines.append("| **mean / worst** | " + " | ".join(
        f"{pct(sum(v) / len(v))} / {pct(max(v))}" if v else "-" for v in per_arm.values())
        + " |" + " |" * (len(arms) + 1))
    return lines + [""]


def plot(out, rows, clip, metric, label):
    gp = shutil.which("gnuplot")
    c = curves(rows, clip, metric)
    if not gp or not c:
        return None
    png = os.path.join(out, f"rd_{clip}_{metric}.png")
    script = ["set terminal pngcairo size 900,600 font ',10'" if _has_cairo(gp) else "set terminal png size 900,600",
              f"set output '{png}'", f"set title '{clip}: {label} vs bpp'", "set xlabel 'bits per pixel'",
              f"set ylabel '{label}{' (dB)' if 'PSNR' in label else ''}'", "set logscale x", "set grid", "set key top left box opaque"]
    plots = []
    for i, (codec, pts) in enumerate(sorted(c.items())):
        dat = os.path.join(out, "plotdata", f"{clip}_{metric}_{codec}.dat")
        os.makedirs(os.path.dirname(dat), exist_ok=True)
        with open(dat, "w") as f:
            f.writelines(f"{x} {y}\n" for x, y in pts)
        dash = " dt 2" if codec.startswith(("nerv", "hnerv")) else ""
        plots.append(f"'{dat}' using 1:2 with linespoints lw 2 pt {i % 13 + 1}{dash} title '{codec}'")
    script.append("plot " + ", ".join(plots))
    subprocess.run([gp], input="\n".join(script) + "\n", text=True, check=True)
    return png


_cairo = {}


def _has_cairo(gp):
    if gp not in _cairo:
        res = subprocess.run([gp, "-e", "set terminal"], capture_output=True, text=True)
        _cairo[gp] = "pngcairo" in (res.stdout + res.stderr)
    return _cairo[gp]


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip())
        sys.exit(2)
    out = sys.argv[1]
    rows = load(out)
    if not rows:
        sys.exit(f"rd_report: no results under {out}/points")
    with open(os.path.join(out, "rd.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        for r in sorted(rows, key=lambda r: (r["clip"], r["codec"], r["bpp"])):
            w.writerow([fmt(r.get(k)) for k in COLUMNS])
    md = summary(rows)
    for clip in sorted({r["clip"] for r in rows}):
        codecs = sorted({r["codec"] for r in rows if r["clip"] == clip})
        nerv = [c for c in codecs if c.startswith("nerv")]
        md += [f"### {clip}", "", "Points (bpp / PSNR RGB dB / PSNR YUV dB / MS-SSIM):", ""]
        md += ["| codec | points |", "|---|---|"]
        for codec in codecs:
            pts = sorted((r for r in rows if r["clip"] == clip and r["codec"] == codec), key=lambda r: r["bpp"])
            md.append(f"| {codec} | " + "; ".join(
                f"{r['point']}: {r['bpp']:.3f} / {r['psnr_rgb']:.2f} / {r['psnr_yuv']:.2f}"
                + (f" / {r['ms_ssim']:.4f}" if r.get("ms_ssim") is not None else "") for r in pts) + " |")
        md += [""] + bd_table(rows, clip, NERV_BASELINE, nerv) + [""]
        md += bd_table(rows, clip, NERV_OLD_DEFAULT, nerv) + [""]
        md += bd_table(rows, clip, CLASSIC_ANCHOR, codecs) + [""]
        for m, label in METRICS:
            png = plot(out, rows, clip, m, label)
            if png:
                md.append(f"![{clip} {label}]({os.path.basename(png)})")
        md.append("")
    with open(os.path.join(out, "bd.md"), "w") as f:
        f.write("\n".join(md))
    print("\n".join(md))


if __name__ == "__main__":
    main()
