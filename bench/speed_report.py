#!/usr/bin/env python3
"""Markdown tables from bench/speed.py's speed.json (printed, and written next to it as speed.md).

Reference columns appear only for models the run measured with REF_HNERV / REF_NERV. Ratios are
ours / reference: for times < 1 means we are faster, for fps > 1 means we are faster.

    bench/speed_report.py build/bench/speed/speed.json
"""
import json
import os
import sys


def f(v, nd=2):
    return "-" if v is None else f"{v:.{nd}f}"


def ratio(a, b):
    return "-" if a is None or b in (None, 0) else f"{a / b:.2f}"


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip())
        sys.exit(2)
    with open(sys.argv[1]) as fh:
        data = json.load(fh)
    rows = data["results"]
    has_ref = any("ref" in r for r in rows)
    md = []
    r0 = rows[0]
    md.append(f"Profile {data['profile']}, device {r0['device']}, {r0['threads']} threads; training on "
              f"{r0['train_frames']} frames at {r0['train_res']}, {r0['epochs']} epochs.")
    md.append("")
    hdr = "| model | params | s/epoch ours |"
    sep = "|---|---|---|"
    if has_ref:
        hdr += " s/epoch ref | ours/ref |"
        sep += "---|---|"
    hdr += " train PSNR ours (dB) |" + (" train PSNR ref (dB) |" if has_ref else "")
    sep += "---|" + ("---|" if has_ref else "")
    hdr += " to target ours (s) |" + (" to target ref (s) |" if has_ref else "")
    sep += "---|" + ("---|" if has_ref else "")
    hdr += " peak RSS ours (MiB) |" + (" peak RSS ref (MiB) |" if has_ref else "")
    sep += "---|" + ("---|" if has_ref else "")
    md += [hdr, sep]
    for r in rows:
        o, ref = r["ours"], r.get("ref")
        line = f"| {r['model']} | {r['params']:,} | {f(o['epoch_s'])} |"
        if has_ref:
            line += f" {f(ref['epoch_s']) if ref else '-'} | {ratio(o['epoch_s'], ref['epoch_s']) if ref else '-'} |"
        line += f" {f(o['train_psnr'])} |" + (f" {f(ref['train_psnr']) if ref else '-'} |" if has_ref else "")
        line += f" {f(o['to_target_s'], 0)} |" + (f" {f(ref['to_target_s'], 1) if ref else '-'} |" if has_ref else "")
        line += f" {f(o['peak_rss_mib'], 0)} |" + (f" {f(ref['peak_rss_mib'], 0) if ref else '-'} |" if has_ref else "")
        md.append(line)
    md.append("")
    hdr = "| model | resolution | decode fps ours |" + (" decode fps ref | ours/ref |" if has_ref else "")
    hdr += " peak RSS ours (MiB) |" + (" peak RSS ref (MiB) |" if has_ref else "")
    md += [hdr, "|---" * (hdr.count("|") - 1) + "|"]
    for r in rows:
        for res in ("720p", "1080p"):
            o = r["ours"][f"decode_{res}"]
            ref = r.get("ref", {}).get(f"decode_{res}")
            line = f"| {r['model']} | {res} | {f(o['decode_fps'], 3)} |"
            if has_ref:
                line += (f" {f(ref['decode_fps'], 3)} | {ratio(o['decode_fps'], ref['decode_fps'])} |" if ref
                         else " - | - |")
            line += f" {f(o['decode_peak_rss_mib'], 0)} |"
            if has_ref:
                line += f" {f(ref['decode_peak_rss_mib'], 0) if ref else '-'} |"
            md.append(line)
    text = "\n".join(md) + "\n"
    with open(os.path.join(os.path.dirname(sys.argv[1]), "speed.md"), "w") as fh:
        fh.write(text)
    print(text)


if __name__ == "__main__":
    main()
