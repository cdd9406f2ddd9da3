#!/usr/bin/env python3
"""Write docs/benchmarks.md from bench/doc_template.md and the results of a run, and archive those results.

    bench/make_doc.py [--rd build/bench/rd] [--speed build/bench/speed] [--date YYYY-MM-DD]

Copies rd.csv, bd.md, the RD plots, speed.json and speed.md into bench/results/<profile>/ and fills the
template's @@...@@ fields with the generated tables and the machine's description; nothing is typed in by hand.
"""
import argparse
import glob
import json
import os
import platform
import re
import shutil
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def sh(cmd):
    return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()


def machine():
    cpu = sh("lscpu | sed -n 's/^Model name: *//p'")
    cores = os.cpu_count()
    mem = sh("free -g | awk '/^Mem:/{print $2}'")
    deb = sh("cat /etc/debian_version")
    gpu = sh("nvidia-smi -L 2>/dev/null") or "none"
    pk = sh("dpkg-query -W -f='${Package} ${Version}\\n' libx264-164 libx265-199 libaom3 libtorch-dev python3-torch "
            "libopenblas0-openmp gnuplot-nox 2>/dev/null")
    nerv = sh(f"{ROOT}/build/bin/nerv --version")
    ffv = sh("ffmpeg -hide_banner -version | head -1 | cut -d' ' -f3")
    lines = [f"* CPU: {cpu}, {cores} cores (`nproc`), {mem} GiB RAM; GPU: {gpu}",
             f"* OS: Debian {deb}, kernel {platform.release()}",
             f"* {nerv}; FFmpeg {ffv}",
             "* packages: " + ", ".join(f"{p.split()[0]} {p.split()[1]}" for p in pk.splitlines())]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rd", default="build/bench/rd")
    ap.add_argument("--speed", default="build/bench/speed")
    ap.add_argument("--inpaint", default="build/bench/inpaint")
    ap.add_argument("--date", default=time.strftime("%Y-%m-%d"))
    ap.add_argument("--profile", default="quick")
    a = ap.parse_args()
    dest = os.path.join(HERE, "results", a.profile)
    os.makedirs(dest, exist_ok=True)
    for f in ["rd.csv", "bd.md"] + [os.path.basename(p) for p in glob.glob(os.path.join(a.rd, "*.png"))]:
        if os.path.exists(os.path.join(a.rd, f)):
            shutil.copy(os.path.join(a.rd, f), dest)
    for f in ("speed.json", "speed.md"):
        if os.path.exists(os.path.join(a.speed, f)):
            shutil.copy(os.path.join(a.speed, f), dest)
    # bench/inpaint.sh leaves its table in build/bench/inpaint/table.md
    inpaint_table = os.path.join(a.inpaint, "table.md")
    if os.path.exists(inpaint_table):
        shutil.copy(inpaint_table, os.path.join(dest, "inpaint.md"))
    inpaint_md = os.path.join(dest, "inpaint.md")
    inpaint = open(inpaint_md).read().strip() if os.path.exists(inpaint_md) else "(not run)"
    rel = f"../bench/results/{a.profile}/"
    rd = open(os.path.join(dest, "bd.md")).read() if os.path.exists(os.path.join(dest, "bd.md")) else "(not run)"
    rd = re.sub(r"^### ", "#### ", rd, flags=re.M)
    rd = re.sub(r"\]\((rd_[^)]+\.png)\)", lambda m: f"]({rel}{m.group(1)})", rd)
    speed = open(os.path.join(dest, "speed.md")).read() if os.path.exists(os.path.join(dest, "speed.md")) else "(not run)"
    import profiles
    sp = profiles.SPEED[a.profile]
    torch_v = sh("dpkg-query -W -f='${Version}' python3-torch")
    import speed as speed_mod
    done = []
    if os.path.exists(os.path.join(dest, "speed.json")):
        with open(os.path.join(dest, "speed.json")) as fh:
            done = [r["model"] for r in json.load(fh)["results"]]
    missing = [m[0] for m in speed_mod.MODELS if m[0] not in done]
    status = f"**Run status ({a.date}).** Measured: {', '.join(done) or 'none'}."
    if missing:
        status += (f" Not measured before the session's deadline (the CPU was shared through the lock): "
                   f"{', '.join(missing)}; `make bench-speed` continues from the cached steps.")
    fields = {"DATE": a.date, "SPEEDSTATUS": status, "MACHINE": machine(), "RD": rd, "SPEED": speed,
              "FFVER": sh("ffmpeg -hide_banner -version | head -1 | cut -d' ' -f3"),
              "SFRAMES": str(sp["frames"]), "DFRAMES": str(sp["decode_frames"]), "TARGET": str(sp["target_psnr"]),
              "TORCH": torch_v, "LIBTORCH": sh("dpkg-query -W -f='${Version}' libtorch-dev"),
              "INPAINT": inpaint}
    text = open(os.path.join(HERE, "doc_template.md")).read()
    for k, v in fields.items():
        text = text.replace(f"@@{k}@@", v)
    assert "@@" not in text, re.findall(r"@@\w+@@", text)
    with open(os.path.join(ROOT, "docs", "benchmarks.md"), "w") as f:
        f.write(text)
    print(f"wrote docs/benchmarks.md and {dest}")


if __name__ == "__main__":
    import sys
    sys.path.insert(0, HERE)
    main()
