#!/usr/bin/env python3
"""Time the authors' reference NeRV model (a checkout of haochen-rye/NeRV) on the same clip and config.

Imports the reference's model_nerv.py (Generator) and utils.py (PositionalEncoding) and drives them
with the reference recipe's optimizer (Adam, betas 0.5/0.999, lr 5e-4, batch 1). The loss is L2 on
both sides of the comparison (the recipe's Fusion6 needs pytorch_msssim, which Debian lacks; the
loss is a small share of an iteration). PIL, which model_nerv.py imports for its dataset, is
replaced by a stand-in when missing, as is pytorch_msssim (utils.py imports it for its metrics). Prints one JSON object.

    ref_nerv.py --ref DIR --rgb FRAMES.rgb --width W --height H --frames N --config JSON
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


def main():
    ap = argparse.ArgumentParser()
    for k in ("--ref", "--rgb", "--config"):
        ap.add_argument(k, required=True)
    for k in ("--width", "--height", "--frames"):
        ap.add_argument(k, type=int, required=True)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--decode-frames", type=int, default=4)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--device", default="cpu")
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    for name in ("PIL", "PIL.Image", "pytorch_msssim"):
        if name not in sys.modules:
            try:
                __import__(name)
            except ImportError:
                sys.modules[name] = types.ModuleType(name)
    sys.modules["PIL"].Image = sys.modules["PIL.Image"]
    for fn in ("ms_ssim", "ssim"):  # used by utils.py's metrics only, not by the model
        if not hasattr(sys.modules["pytorch_msssim"], fn):
            setattr(sys.modules["pytorch_msssim"], fn, None)
    sys.path.insert(0, a.ref)
    import model_nerv  # the reference's modules
    import utils

    cfg = json.loads(a.config)
    dev = torch.device(a.device)
    torch.manual_seed(1)
    pe = utils.PositionalEncoding(cfg["pe"])
    model = model_nerv.Generator(
        embed_length=pe.embed_length, stem_dim_num=cfg["stem"], fc_hw_dim=f"{cfg['fc_h']}_{cfg['fc_w']}_{cfg['fc_dim']}",
        expansion=1, num_blocks=1, norm="none", act="swish", bias=True, reduction=2, conv_type="conv",
        stride_list=cfg["strides"], sin_res=True, lower_width=96, sigmoid=False).to(dev)
    res = {"impl": "reference", "threads": torch.get_num_threads(), "torch": torch.__version__,
           "decoder_params": sum(p.numel() for p in model.parameters())}
    n, w, h = a.frames, a.width, a.height
    if a.epochs > 0:
        with open(a.rgb, "rb") as f:
            raw = f.read(w * h * 3 * n)
        frames = torch.frombuffer(bytearray(raw), dtype=torch.uint8).view(n, h, w, 3)
        frames = frames.permute(0, 3, 1, 2).float().div(255).to(dev)
        opt = torch.optim.Adam(model.parameters(), lr=5e-4, betas=(0.5, 0.999))
        epoch_s, psnr = [], []
        for _ in range(a.epochs):
            t0 = time.time()
            se = 0.0
            for i in range(n):
                x = frames[i:i + 1]
                out = model(pe(torch.tensor([i / n], device=dev)))[-1]
                out = out[..., (out.shape[-2] - h) // 2:(out.shape[-2] - h) // 2 + h,
                          (out.shape[-1] - w) // 2:(out.shape[-1] - w) // 2 + w]
                loss = nn.functional.mse_loss(out, x)
                opt.zero_grad()
                loss.backward()
                opt.step()
                se += loss.item()
            epoch_s.append(time.time() - t0)
            psnr.append(-10 * torch.log10(torch.tensor(se / n)).item())
        res.update(epoch_s=epoch_s, train_psnr=psnr)
    model.eval()
    with torch.inference_mode():
        model(pe(torch.tensor([0.0], device=dev)))
        t0 = time.time()
        for i in range(a.decode_frames):
            model(pe(torch.tensor([i / max(1, a.decode_frames)], device=dev)))
        if dev.type == "cuda":
            torch.cuda.synchronize()
        res["decode_ms_per_frame"] = 1000 * (time.time() - t0) / a.decode_frames
    res["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(res))


if __name__ == "__main__":
    main()
