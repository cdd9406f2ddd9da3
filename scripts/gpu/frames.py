#!/usr/bin/env python3
"""The first N frames of a clip, centre-cropped to W x H, as Y4M (for nerv) and raw RGB24 (for the reference).

    frames.py CLIP --crop 1280x640 --frames 132 --y4m OUT.y4m [--rgb OUT.rgb]

With an ffmpeg on PATH: ffmpeg's own 4:2:0 planes cropped (what bench/speed.py feeds both sides, the
papers' set-up). Without one (the GPU machine has none) OpenCV decodes the clip to RGB and the Y4M is
4:4:4, full range, BT.601 (XCOLORRANGE=FULL), which nerv converts back to the same RGB within one level.
"""
import argparse
import os
import shutil
import subprocess
import sys


def with_ffmpeg(a, w, h):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
    from speed import ffmpeg_frames

    ffmpeg_frames("ffmpeg", a.clip, a.frames, f"crop={w}:{h}", a.y4m, a.rgb,
                  lambda cmd: subprocess.run(cmd, check=True))


def with_opencv(a, w, h):
    import cv2
    import numpy as np

    cap = cv2.VideoCapture(a.clip)
    if not cap.isOpened():
        sys.exit(f"frames.py: OpenCV cannot open {a.clip}")
    fps = cap.get(cv2.CAP_PROP_FPS) or 25.0
    num, den = (int(round(fps * 1000)), 1000) if abs(fps - round(fps)) > 1e-3 else (int(round(fps)), 1)
    m = np.array([[0.299, 0.587, 0.114], [-0.168736, -0.331264, 0.5], [0.5, -0.418688, -0.081312]], np.float32)
    rgb_out = open(a.rgb, "wb") if a.rgb else None
    n = 0
    with open(a.y4m, "wb") as y4m:
        y4m.write(f"YUV4MPEG2 W{w} H{h} F{num}:{den} Ip A1:1 C444 XCOLORRANGE=FULL\n".encode())
        while n < a.frames:
            ok, bgr = cap.read()
            if not ok:
                break
            fh, fw = bgr.shape[:2]
            if fw < w or fh < h:
                sys.exit(f"frames.py: {fw}x{fh} is smaller than the crop {w}x{h}")
            x0, y0 = (fw - w) // 2, (fh - h) // 2
            rgb = np.ascontiguousarray(bgr[y0:y0 + h, x0:x0 + w, ::-1])
            if rgb_out:
                rgb_out.write(rgb.tobytes())
            ycc = rgb.reshape(-1, 3).astype(np.float32) @ m.T + np.array([0, 128, 128], np.float32)
            planes = np.clip(np.rint(ycc), 0, 255).astype(np.uint8).T.reshape(3, h, w)
            y4m.write(b"FRAME\n" + planes.tobytes())
            n += 1
    if rgb_out:
        rgb_out.close()
    if n < a.frames:
        sys.exit(f"frames.py: {a.clip} has {n} frames, {a.frames} asked")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("clip")
    ap.add_argument("--crop", required=True, help="WxH, centred")
    ap.add_argument("--frames", type=int, required=True)
    ap.add_argument("--y4m", required=True)
    ap.add_argument("--rgb", default="")
    ap.add_argument("--reader", choices=("auto", "ffmpeg", "opencv"), default="auto")
    a = ap.parse_args()
    w, h = (int(v) for v in a.crop.split("x"))
    if not os.path.exists(a.clip):
        sys.exit(f"frames.py: no clip {a.clip}")
    reader = a.reader if a.reader != "auto" else ("ffmpeg" if shutil.which("ffmpeg") else "opencv")
    (with_ffmpeg if reader == "ffmpeg" else with_opencv)(a, w, h)


if __name__ == "__main__":
    main()
