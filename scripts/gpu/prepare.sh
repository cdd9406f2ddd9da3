#!/usr/bin/env bash
# Prepares what scripts/gpu/run.sh carries to a GPU machine that has no registry and 15 minutes:
# libnerv, the nerv CLI and the API tests built here against the GPU machine's LibTorch (torch
# 2.11.0 + CUDA 13, the PyPI wheel's LibTorch), the bunny clip and the reference HNeRV's model file.
#
#   scripts/gpu/prepare.sh [REF_HNERV_DIR]        (make gpu-prepare; REF_HNERV=DIR)
#
# Writes .gpu/ (git-ignored): build/{bin,lib}, data/bunny_1280x720_132f.mp4, ref/HNeRV/model_all.py.
# The build is scripts/build-torch-wheel.sh's (GPU_TORCH_SITE=DIR: a torch already unpacked).
# Then, with the device tool: run command "scripts/gpu/run.sh", carry [".gpu"].
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
WORK=$ROOT/build/gpu
DEST=$ROOT/.gpu
REF=${1:-${REF_HNERV:-}}
mkdir -p "$DEST"

scripts/build-torch-wheel.sh nerv_cli nerv_api_tests
rm -rf "$DEST/build" && mkdir -p "$DEST/build/bin" "$DEST/build/lib"
cp "$WORK/out/bin/nerv" "$WORK/out/bin/nerv_api_tests" "$DEST/build/bin/"
cp -P "$WORK"/out/lib/libnerv.so* "$DEST/build/lib/"
cp "$WORK/out/torch-version" "$DEST/build/"

mkdir -p "$DEST/data"
clip=$ROOT/../shared/data/clips/bunny_1280x720_132f.mp4
if [ -f "$clip" ]; then cp "$clip" "$DEST/data/"; else echo "prepare: no $clip (run.sh will need GPU_CLIP)" >&2; fi
if [ -n "$REF" ]; then
    [ -f "$REF/model_all.py" ] || { echo "prepare: no model_all.py in $REF" >&2; exit 1; }
    mkdir -p "$DEST/ref/HNeRV" && cp "$REF/model_all.py" "$DEST/ref/HNeRV/"
else
    echo "prepare: no REF_HNERV given: run.sh will leave out the reference's s/epoch" >&2
fi
du -sh "$DEST"
echo 'prepare: now run "scripts/gpu/run.sh" on the GPU machine with carry [".gpu"]'
