"""Benchmark profiles: which clips, codecs and operating points `make bench-rd` / `bench-speed` run.

quick:    one tiny real clip, minutes on 2 CPU cores (what docs/benchmarks.md reports).
compress: the compression issue's measurement: three real clips of 120 frames at small sizes, 300 epochs,
          today's default stream (8-bit weights) against 4-bit weights with quantization-aware fine-tuning,
          with x264 / x265 / libaom on the same frames. CPU-days on 2 cores (every point is cached, so it
          finishes over several runs); minutes per point on a GPU.
full:  every real clip of ../shared/data at the papers' settings (300 epochs, 0.35M..3M); needs a GPU
       for the nerv part to finish in hours rather than weeks.
"""
import os

X26X = ["-preset", "veryslow", "-tune", "psnr"]
CRF_X26X = [14, 20, 26, 32, 38]
CRF_AOM = [16, 28, 40, 52, 63]


def classic_arms(crf_x26x, crf_aom):
    return [
        {"name": "x264", "kind": "classic", "codec": "libx264", "opts": X26X, "points": crf_x26x},
        {"name": "x264-noB", "kind": "classic", "codec": "libx264", "opts": X26X + ["-bf", "0"],
         "points": crf_x26x},
        {"name": "x265", "kind": "classic", "codec": "libx265",
         "opts": X26X + ["-x265-params", "log-level=error"], "points": crf_x26x},
        {"name": "x265-noB", "kind": "classic", "codec": "libx265",
         "opts": X26X + ["-x265-params", "log-level=error:bframes=0"], "points": crf_x26x},
        {"name": "aom", "kind": "classic", "codec": "libaom-av1", "opts": ["-cpu-used", "2"],
         "points": crf_aom},
    ]


def nerv_arms(epochs, sizes, extra=()):
    arms = [
        # The HNeRV pipeline as the paper codes it: 8-bit weights, 6-bit embeddings. Its size is
        # reported twice: our .nerv file (rANS + container) and, as the internal baseline
        # "hnerv-huffman", the reference's Huffman bit count of the same quantized symbols.
        {"name": "nerv-hnerv-q8e6", "kind": "nerv", "points": sizes,
         "opts": ["--arch", "hnerv", "--epochs", epochs, "--qbits", 8, "--qbits_embed", 6]},
        {"name": "nerv-hnerv-q6e6", "kind": "nerv", "points": sizes,
         "opts": ["--arch", "hnerv", "--epochs", epochs, "--qbits", 6, "--qbits_embed", 6]},
        # 4-bit weights after quantization-aware fine-tuning for 10% more epochs (HiNeRV's
        # 30 QAT epochs after 300).
        {"name": "nerv-hnerv-q4e6-qat", "kind": "nerv", "points": sizes,
         "opts": ["--arch", "hnerv", "--epochs", epochs, "--qbits", 4, "--qbits_embed", 6,
                  "--qat_epochs", max(1, epochs // 10)]},
    ]
    return arms + list(extra)


# Clip spec keys: name, frames (0 = all), crop (w, h) centre crop, scale (w, h) after the crop.
RD = {
    "quick": {
        "clips": [("clips/carphone_qcif.mp4", {"name": "carphone", "frames": 32})],
        "arms": classic_arms(CRF_X26X, CRF_AOM) + nerv_arms(40, ["60k", "120k", "300k"]),
    },
    "compress": {
        "clips": [
            ("clips/carphone_qcif.mp4", {"name": "carphone-120f", "frames": 120}),
            ("clips/foreman_cif.h264", {"name": "foreman-qcif-120f", "frames": 120, "scale": (176, 144)}),
            ("clips/bunny_1280x720_132f.mp4", {"name": "bunny-192x96-120f", "frames": 120, "crop": (1280, 640),
                                                "scale": (192, 96)}),
        ],
        "arms": classic_arms(CRF_X26X, CRF_AOM) + [
            a for a in nerv_arms(300, ["80k", "160k", "320k"]) if a["name"] != "nerv-hnerv-q6e6"],
    },
    "full": {
        "clips": [
            ("clips/bunny_1280x720_132f.mp4", {"name": "bunny", "frames": 132, "crop": (1280, 640)}),
            ("clips/dog_1280x720.mp4", {"name": "dog", "frames": 0}),
            ("clips/coffee_1280x720.mp4", {"name": "coffee", "frames": 0}),
            ("clips/garden_1280x720.h264", {"name": "garden", "frames": 0}),
            ("clips/foreman_cif.h264", {"name": "foreman", "frames": 0}),
            ("clips/mobile_cif.h264", {"name": "mobile", "frames": 0}),
            ("clips/carphone_qcif.mp4", {"name": "carphone", "frames": 0}),
        ],
        "arms": classic_arms([18, 22, 27, 32, 37], [20, 32, 43, 55, 63])
        + nerv_arms(300, ["0.35M", "0.75M", "1.5M", "3M"], extra=[
            {"name": "nerv-hnerv-q8e6-prune10", "kind": "nerv", "points": ["0.35M", "0.75M", "1.5M", "3M"],
             "opts": ["--arch", "hnerv", "--epochs", 300, "--qbits", 8, "--qbits_embed", 6, "--prune", 0.1]},
        ]),
    },
}

# bench-speed: models timed per profile (name, nerv arch options, reference script + its arguments).
SPEED = {
    "quick": {"clip": "clips/bunny_1280x720_132f.mp4", "frames": 8, "crop": (1280, 640), "epochs": 2,
              "decode_frames": 4, "target_psnr": 20.0},
    "full": {"clip": "clips/bunny_1280x720_132f.mp4", "frames": 132, "crop": (1280, 640), "epochs": 300,
             "decode_frames": 32, "target_psnr": 30.0},
}


def default_data_dir():
    here = os.path.dirname(os.path.abspath(__file__))
    for cand in (os.path.join(here, "..", "..", "shared", "data"), os.path.join(here, "..", "shared", "data")):
        if os.path.isdir(os.path.join(cand, "clips")):
            return os.path.normpath(cand)
    return ""


def clip_specs(profile, clips_arg, data_dir):
    """[(path, spec)]: the user's clips (whole, named by file stem) or the profile's clips that exist."""
    if clips_arg:
        out = []
        for p in filter(None, clips_arg.split(",")):
            name = os.path.basename(p).split(".")[0]
            out.append((p, {"name": name, "frames": profile["clips"][0][1]["frames"]}))
        return out
    data_dir = data_dir or default_data_dir()
    return [(os.path.join(data_dir, rel), dict(spec)) for rel, spec in profile["clips"]
            if data_dir and os.path.exists(os.path.join(data_dir, rel))]
