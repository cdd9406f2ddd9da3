#!/usr/bin/env python3
"""Time the authors' reference HNeRV model (a checkout of haochen-rye/HNeRV) on the same clip and config.

Run by bench/speed.py with Debian's python3-torch; never copies the reference, only imports its
model_all.py. That module imports packages the model classes do not use (decord, pytorchvideo,
torchvision, matplotlib) and two helpers from timm; those are replaced by minimal stand-ins when
missing (timm's trunc_normal_ -> torch.nn.init.trunc_normal_, DropPath -> identity, which is what
HNeRV's drop_path_rate=0 makes it anyway).

The training loop is the reference recipe's (Adam 0.9/0.999, lr 1e-3, batch 2, L2 loss, frames
through the ConvNeXt encoder and the decoder); data loading is a tensor already in memory, the
same for both sides. Prints one JSON object.

    ref_hnerv.py --ref DIR --rgb FRAMES.rgb --width W --height H --frames N --config JSON
                 [--epochs E] [--decode-frames D] [--threads T] [--device cpu|cuda]
"""
import argparse
import json
import resource
import sys
import time
import types

import torch
import torch.nn as nn


def stub_missing_modules():
    def stub(name, **attrs):
        if name in sys.modules:
            return
        try:
            __import__(name)
            return
        except Exception:
            pass
        mod = types.ModuleType(name)
        for k, v in attrs.items():
            setattr(mod, k, v)
        sys.modules[name] = mod

    class _DropPath(nn.Identity):
        def __init__(self, *args, **kwargs):
            super().__init__()

    class _Anything:
        def __getattr__(self, name):
            return lambda *a, **k: None

    for name in ("timm", "timm.models"):
        stub(name)
    stub("timm.models.layers", trunc_normal_=nn.init.trunc_normal_, DropPath=_DropPath)
    for name in ("pytorchvideo", "pytorchvideo.data", "torchvision", "torchvision.transforms", "matplotlib"):
        stub(name)
    stub("pytorchvideo.data.encoded_video", EncodedVideo=None)
    stub("torchvision.transforms.functional", center_crop=None, resize=None)
    stub("torchvision.io", read_image=None)
    stub("matplotlib.path", Path=None)
    stub("decord", bridge=_Anything(), VideoReader=None)


def reference_args(cfg):
    """The reference's argparse namespace for an HNeRV configuration resolved by `nerv arch`."""
    return types.SimpleNamespace(
        embed="", ks="0_1_5", num_blks="1_1", enc_strds=cfg["strides"], dec_strds=cfg["strides"],
        enc_dim=f"64_{cfg['embed_dim']}", conv_type=["convnext", "pshuffel"], norm="none", act="gelu",
        fc_dim=cfg["fc_dim"], reduce=1.2, lower_width=12, out_bias="tanh", fc_hw="")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref", required=True)
    ap.add_argument("--rgb", required=True)
    ap.add_argument("--width", type=int, required=True)
    ap.add_argument("--height", type=int, required=True)
    ap.add_argument("--frames", type=int, required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--decode-frames", type=int, default=4)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--device", default="cpu")
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    stub_missing_modules()
    sys.path.insert(0, a.ref)
    import model_all  # the reference's module

    cfg = json.loads(a.config)
    dev = torch.device(a.device)
    torch.manual_seed(1)
    model = model_all.HNeRV(reference_args(cfg)).to(dev)
    dec_params = sum(p.numel() for n, p in model.named_parameters() if not n.startswith("encoder"))
    res = {"impl": "reference", "threads": torch.get_num_threads(), "torch": torch.__version__,
           "decoder_params": dec_params}

    w, h, n = a.width, a.height, a.frames
    if a.epochs > 0:
        with open(a.rgb, "rb") as f:
            raw = f.read(w * h * 3 * n)
        frames = torch.frombuffer(bytearray(raw), dtype=torch.uint8).view(n, h, w, 3)
        frames = frames.permute(0, 3, 1, 2).float().div(255).to(dev)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999))
        epoch_s, psnr = [], []
        for _ in range(a.epochs):
            t0 = time.time()
            se = 0.0
            for i in range(0, n, 2):
                x = frames[i:i + 2]
                out, _, _ = model(x)
                loss = nn.functional.mse_loss(out, x)
                opt.zero_grad()
                loss.backward()
                opt.step()
                se += loss.item() * x.shape[0]
            if dev.type == "cuda":
                torch.cuda.synchronize()
            epoch_s.append(time.time() - t0)
            mse = se / n
            psnr.append(-10 * torch.log10(torch.tensor(mse)).item())
        res.update(epoch_s=epoch_s, train_psnr=psnr)

    # Decode: the reference's HNeRVDecoder on per-frame embeddings, one frame at a time.
    dec = model_all.HNeRVDecoder(model).eval()
    eh, ew = h, w
    for s in cfg["strides"]:
        eh, ew = eh // s, ew // s
    emb = torch.randn(1, cfg["embed_dim"], eh, ew, device=dev)
    with torch.inference_mode():
        dec(emb)  # warm-up
        t0 = time.time()
        for _ in range(a.decode_frames):
            dec(emb)
        if dev.type == "cuda":
            torch.cuda.synchronize()
        res["decode_ms_per_frame"] = 1000 * (time.time() - t0) / a.decode_frames
    res["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if dev.type == "cuda":
        res["peak_gpu_mib"] = torch.cuda.max_memory_allocated() / 2 ** 20
    print(json.dumps(res))


if __name__ == "__main__":
    main()
