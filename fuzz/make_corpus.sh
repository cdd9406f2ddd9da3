#!/usr/bin/env bash
# Regenerates the committed fuzz seed corpus (docs/testing.md, "Fuzzing"):
#   fuzz/corpus/{container,decoder,demuxer}/       tiny valid streams, one per architecture and
#                                                  per coding variant, from build/bin/nerv
#   fuzz/corpus/tensor_payload/                    encoder-made tensor payloads (write_tensor_seeds)
# Streams are 5-40 KB: 32x32 synthetic clips, 5k-30k-parameter models, one epoch. Every decoder
# seed must decode within fuzz_decoder's 1 MiB memory_limit and be at most max_seed bytes, which
# the script checks. Encodes are deterministic on one machine (fixed seed, one thread).
#
#   fuzz/make_corpus.sh [BUILD_DIR]
set -euo pipefail

build=${1:-build}
nerv="$build/bin/nerv"
fuzz=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$nerv" synth -o "$tmp/a.y4m" --width 32 --height 32 --frames 3 >/dev/null
"$nerv" synth -o "$tmp/b.y4m" --width 24 --height 16 --frames 4 >/dev/null
# A still clip (one picture 12 times): its embeddings repeat, so their codec is the predicted one.
"$nerv" synth -o "$tmp/one.y4m" --width 32 --height 32 --frames 1 >/dev/null
header_bytes=$(head -n 1 "$tmp/one.y4m" | wc -c)
head -c "$header_bytes" "$tmp/one.y4m" >"$tmp/still.y4m"
for _ in $(seq 12); do tail -c +"$((header_bytes + 1))" "$tmp/one.y4m" >>"$tmp/still.y4m"; done

max_seed=49152 # below run.sh's -max_len=65536, so that libFuzzer sees every seed whole

encode() { # NAME INPUT SETTINGS...
    local name=$1 input=$2
    shift 2
    if "$nerv" encode "$input" -o "$tmp/$name.nerv" --device cpu --threads 1 --epochs 1 --checkpoint '' -q "$@" \
        2>"$tmp/$name.log"; then
        if "$nerv" decode "$tmp/$name.nerv" -o "$tmp/$name.y4m" --device cpu --memory_limit 1 2>>"$tmp/$name.log"; then
            local bytes
            bytes=$(wc -c <"$tmp/$name.nerv")
            if [ "$bytes" -le $max_seed ]; then
                echo "  $name: $bytes bytes"
                return 0
            fi
            echo "  $name: skipped, $bytes bytes is more than $max_seed" >&2
        else
            echo "  $name: skipped, does not decode within 1 MiB" >&2
        fi
    else
        echo "  $name: skipped, $(tail -n1 "$tmp/$name.log")" >&2
    fi
    rm -f "$tmp/$name.nerv"
}

echo "streams:"
# HNeRV's encoder side counts towards a config's parameters: keep it small (enc_dim=8), and the
# decoder narrow (lower_width=4): ~9k parameters, so the float variant stays under max_seed.
small_hnerv=enc_dim=8:lower_width=4
encode hnerv "$tmp/a.y4m" --arch hnerv --size 10k --params $small_hnerv
encode hnerv-float "$tmp/a.y4m" --arch hnerv --size 10k --params $small_hnerv --qbits 0 --qbits_embed 0
encode hnerv-segments "$tmp/b.y4m" --arch hnerv --size 10k --params $small_hnerv --segment_frames 2 --qbits 4
encode hnerv-still "$tmp/still.y4m" --arch hnerv --size 10k --params $small_hnerv
encode hnerv-pruned "$tmp/a.y4m" --arch hnerv --size 10k --params $small_hnerv --prune 0.5 --prune_epochs 1
encode nerv "$tmp/a.y4m" --arch nerv --size 5k --params lower_width=4:stem=16_1
encode enerv "$tmp/a.y4m" --arch enerv \
    --params fc_dim=8:lower_width=4:block_dim=8:stem_dim=8:mlp_dim=8:mod_dim=8:dim_head=4:strides=2,2,2:fc_hw=4,4
# Architectures added later: their defaults at a small budget and 4-bit weights, when that
# decodes within the limit and fits max_seed (the script says which were skipped, and why).
for arch in $("$nerv" arch --list | awk '{print $1}'); do
    case $arch in nerv | hnerv | enerv) continue ;; esac
    encode "$arch" "$tmp/a.y4m" --arch "$arch" --size 30k --qbits 4 --qbits_embed 4 || true
done

for target in container decoder demuxer; do
    mkdir -p "$fuzz/corpus/$target"
    rm -f "$fuzz/corpus/$target"/*.nerv
    cp "$tmp"/*.nerv "$fuzz/corpus/$target/"
done
mkdir -p "$fuzz/corpus/tensor_payload"
rm -f "$fuzz/corpus/tensor_payload"/seed-*
"$build/fuzz/write_tensor_seeds" "$fuzz/corpus/tensor_payload"
