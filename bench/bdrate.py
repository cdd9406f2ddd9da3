#!/usr/bin/env python3
"""Bjontegaard delta rate and delta PSNR with piecewise cubic Hermite (PCHIP) interpolation.

Pure Python (no numpy), so `make check` can test it anywhere.

JCT-VC practice (JCTVC-L0242 / the VMAF `bd_rate` calculator): take log10 of the rate, fit each
curve with a monotone PCHIP (Fritsch-Carlson slopes, the three-point shape-preserving end
rule that scipy's PchipInterpolator also uses), integrate both fits exactly over the
overlapping interval, and average the difference:

    BD-rate = 10 ** (mean(log10 R_test) - mean(log10 R_ref)) - 1    over the common PSNR range
    BD-PSNR = mean(PSNR_test) - mean(PSNR_ref)                        over the common log-rate range

BD-rate is returned as a fraction (-0.05 = 5% fewer bits for the same quality); None when the
curves do not overlap or a curve has fewer than 2 distinct points.

    python3 bench/bdrate.py --selftest     checks the two published VMAF/JCTVC-E137 vectors
"""
import math
import sys


def _pchip_slopes(x, y):
    """Derivatives at the knots: Fritsch-Carlson harmonic mean inside, 3-point rule at the ends."""
    n = len(x)
    h = [x[i + 1] - x[i] for i in range(n - 1)]
    d = [(y[i + 1] - y[i]) / h[i] for i in range(n - 1)]
    if n == 2:
        return [d[0], d[0]]
    m = [0.0] * n
    for i in range(1, n - 1):
        if d[i - 1] * d[i] <= 0:
            m[i] = 0.0
        else:
            w1 = 2 * h[i] + h[i - 1]
            w2 = h[i] + 2 * h[i - 1]
            m[i] = (w1 + w2) / (w1 / d[i - 1] + w2 / d[i])

    def end(h0, h1, d0, d1):
        s = ((2 * h0 + h1) * d0 - h0 * d1) / (h0 + h1)
        if s * d0 <= 0:
            return 0.0
        if d0 * d1 <= 0 and abs(s) > abs(3 * d0):
            return 3 * d0
        return s

    m[0] = end(h[0], h[1], d[0], d[1])
    m[-1] = end(h[-1], h[-2], d[-1], d[-2])
    return m


def _hermite_integral(x0, x1, y0, y1, m0, m1, a, b):
    """Integral over [a, b] (inside [x0, x1]) of the cubic Hermite piece through (x0,y0,m0),(x1,y1,m1)."""
    h = x1 - x0

    def antiderivative(t):  # t in [0, 1]; integral of the Hermite basis from 0 to t, times h
        t2, t3, t4 = t * t, t ** 3, t ** 4
        h00 = t4 / 2 - t3 + t
        h10 = t4 / 4 - 2 * t3 / 3 + t2 / 2
        h01 = -t4 / 2 + t3
        h11 = t4 / 4 - t3 / 3
        return h * (y0 * h00 + h * m0 * h10 + y1 * h01 + h * m1 * h11)

    return antiderivative((b - x0) / h) - antiderivative((a - x0) / h)


def pchip_integral(x, y, a, b):
    """Integral over [a, b] of the PCHIP through the points (x sorted ascending, a >= x[0], b <= x[-1])."""
    m = _pchip_slopes(x, y)
    total = 0.0
    for i in range(len(x) - 1):
        lo, hi = max(a, x[i]), min(b, x[i + 1])
        if hi > lo:
            total += _hermite_integral(x[i], x[i + 1], y[i], y[i + 1], m[i], m[i + 1], lo, hi)
    return total


def _prepare(points, key):
    """Sort by `key` (0 = rate, 1 = quality), drop duplicates of the abscissa."""
    pts = sorted(points, key=lambda p: p[key])
    out = []
    for p in pts:
        if out and out[-1][key] == p[key]:
            continue
        out.append(p)
    return out


def bd_rate(ref, test):
    """ref, test: lists of (rate, quality). Returns the BD-rate as a fraction, or None."""
    r = _prepare([(math.log10(a), q) for a, q in ref], 1)
    t = _prepare([(math.log10(a), q) for a, q in test], 1)
    if len(r) < 2 or len(t) < 2:
        return None
    lo = max(r[0][1], t[0][1])
    hi = min(r[-1][1], t[-1][1])
    if hi <= lo:
        return None
    ir = pchip_integral([p[1] for p in r], [p[0] for p in r], lo, hi)
    it = pchip_integral([p[1] for p in t], [p[0] for p in t], lo, hi)
    return 10 ** ((it - ir) / (hi - lo)) - 1


def bd_psnr(ref, test):
    """ref, test: lists of (rate, quality). Returns the mean quality gain in dB, or None."""
    r = _prepare([(math.log10(a), q) for a, q in ref], 0)
    t = _prepare([(math.log10(a), q) for a, q in test], 0)
    if len(r) < 2 or len(t) < 2:
        return None
    lo = max(r[0][0], t[0][0])
    hi = min(r[-1][0], t[-1][0])
    if hi <= lo:
        return None
    ir = pchip_integral([p[0] for p in r], [p[1] for p in r], lo, hi)
    it = pchip_integral([p[0] for p in t], [p[1] for p in t], lo, hi)
    return (it - ir) / (hi - lo)


# JCTVC-E137 rate (kbit/s) / PSNR points and the BD-rates VMAF's bd_rate tests publish for them.
SELFTEST_VECTORS = [
    ([(108048.8736, 43.6471), (61279.976, 40.3953), (33905.6656, 37.247), (18883.6928, 34.2911)],
     [(108061.2784, 43.6768), (61299.9936, 40.4232), (33928.7472, 37.2761), (18910.912, 34.3147)],
     -0.00465215420752807),
    ([(40433.8848, 37.5761), (7622.7456, 35.3756), (2394.488, 33.8977), (1017.6184, 32.0603)],
     [(40370.12, 37.5982), (7587.0024, 35.4025), (2390.0944, 33.9194), (1017.0984, 32.0822)],
     -0.018779823450567612),
]


def selftest(tol=1e-6):
    ok = True
    for ref, test, want in SELFTEST_VECTORS:
        got = bd_rate(ref, test)
        good = got is not None and abs(got - want) <= tol
        ok &= good
        print(f"bd_rate {got!r:>24} want {want!r:>24}  |diff| {abs(got - want):.2e}  "
              f"{'ok' if good else 'FAIL'}")
    # Sanity: identical curves give 0; a test curve at half the rate everywhere gives -50%.
    ref = SELFTEST_VECTORS[0][0]
    for got, want in ((bd_rate(ref, ref), 0.0), (bd_rate(ref, [(a / 2, q) for a, q in ref]), -0.5),
                      (bd_psnr(ref, [(a, q + 1) for a, q in ref]), 1.0)):
        good = abs(got - want) <= 1e-12
        ok &= good
        print(f"sanity {got!r:>25} want {want!r:>6}  {'ok' if good else 'FAIL'}")
    return ok


if __name__ == "__main__":
    if sys.argv[1:] == ["--selftest"]:
        sys.exit(0 if selftest() else 1)
    print(__doc__.strip())
    sys.exit(2)
