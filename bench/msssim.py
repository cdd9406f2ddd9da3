#!/usr/bin/env python3
"""MS-SSIM of two videos, pytorch_msssim's definition (what the NeRV papers report), with numpy.

FFmpeg 5.1 has no MS-SSIM filter, so the frames are decoded to RGB by FFmpeg (same conversion
as the RGB PSNR of bench/rd.py) and scored here: 11-tap Gaussian window (sigma 1.5) applied
'valid' (no padding), K1 = 0.01, K2 = 0.03, data range 255, 5 scales with weights
(0.0448, 0.2856, 0.3001, 0.2363, 0.1333), 2x2 average pooling with one zero row/column on both sides of odd sizes
(counted in the mean, as torch's avg_pool2d does), contrast-structure (ReLU) at the first four scales and SSIM (ReLU) at
the last; per-channel values multiplied, then averaged over channels and frames. Defined only
when the short side is larger than 160 pixels.

    python3 bench/msssim.py DEC.y4m REF.y4m WIDTH HEIGHT
"""
import subprocess
import sys

import numpy as np

WEIGHTS = np.array([0.0448, 0.2856, 0.3001, 0.2363, 0.1333])
TO_RGB = "scale=in_color_matrix=bt601:in_range=tv:flags=bicubic+accurate_rnd+full_chroma_int,format=rgb24"


def _window(size=11, sigma=1.5):
    x = np.arange(size, dtype=np.float64) - size // 2
    g = np.exp(-(x ** 2) / (2 * sigma ** 2))
    return g / g.sum()


def _filter(img, g):
    """Separable 'valid' filtering over the last two axes."""
    k = len(g)
    h, w = img.shape[-2:]
    rows = sum(g[i] * img[..., i:i + h - k + 1, :] for i in range(k))
    return sum(g[i] * rows[..., :, i:i + w - k + 1] for i in range(k))


def _ssim(x, y, g):
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mx, my = _filter(x, g), _filter(y, g)
    sxx = _filter(x * x, g) - mx * mx
    syy = _filter(y * y, g) - my * my
    sxy = _filter(x * y, g) - mx * my
    cs = (2 * sxy + c2) / (sxx + syy + c2)
    ssim = (2 * mx * my + c1) / (mx * mx + my * my + c1) * cs
    return ssim.mean(axis=(-2, -1)), cs.mean(axis=(-2, -1))


def _pool(img):
    """avg_pool2d(kernel 2, stride 2, padding = size % 2 on both sides, zeros counted)."""
    h, w = img.shape[-2:]
    ph, pw = h % 2, w % 2
    img = np.pad(img, [(0, 0)] * (img.ndim - 2) + [(ph, ph), (pw, pw)])
    oh, ow = (h + 2 * ph - 2) // 2 + 1, (w + 2 * pw - 2) // 2 + 1
    img = img[..., :2 * oh, :2 * ow]
    return (img[..., 0::2, 0::2] + img[..., 1::2, 0::2] + img[..., 0::2, 1::2] + img[..., 1::2, 1::2]) / 4


def ms_ssim(x, y):
    """x, y: float64 arrays [..., H, W] (e.g. [3, H, W]); returns the mean over the leading axes."""
    g = _window()
    mcs = []
    for level in range(len(WEIGHTS)):
        ssim, cs = _ssim(x, y, g)
        if level < len(WEIGHTS) - 1:
            mcs.append(np.maximum(cs, 0))
            x, y = _pool(x), _pool(y)
    vals = np.stack(mcs + [np.maximum(ssim, 0)], axis=0)
    return float(np.prod(vals ** WEIGHTS.reshape((-1,) + (1,) * (vals.ndim - 1)), axis=0).mean())


def _frames(ffmpeg, path, w, h):
    proc = subprocess.Popen([ffmpeg, "-nostdin", "-loglevel", "error", "-i", path, "-vf", TO_RGB,
                             "-f", "rawvideo", "-"], stdout=subprocess.PIPE)
    size = w * h * 3
    while True:
        buf = proc.stdout.read(size)
        if len(buf) < size:
            break
        yield np.frombuffer(buf, np.uint8).reshape(h, w, 3).transpose(2, 0, 1).astype(np.float64)
    proc.wait()


def ms_ssim_files(ffmpeg, dec, ref, w, h):
    vals = [ms_ssim(a, b) for a, b in zip(_frames(ffmpeg, dec, w, h), _frames(ffmpeg, ref, w, h))]
    return sum(vals) / len(vals)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        print(__doc__.strip())
        sys.exit(2)
    print(ms_ssim_files("ffmpeg", sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
