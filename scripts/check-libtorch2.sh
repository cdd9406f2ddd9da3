#!/usr/bin/env bash
# Compile-check every LibTorch translation unit of libnerv against LibTorch 2.x headers
# (Debian trixie's libtorch-dev 2.6), without installing anything system-wide: the .deb is
# fetched with a private apt configuration and unpacked under build/. Syntax only: the
# 2.x libraries need a newer glibc than Debian 12 has, so nothing is linked or run.
#
#   scripts/check-libtorch2.sh            (make check-libtorch2)
set -euo pipefail

cd "$(dirname "$0")/.."
WORK=$(pwd)/build/libtorch2
APT=$WORK/apt
mkdir -p "$APT/lists/partial" "$APT/archives/partial" "$APT/parts" "$WORK/root"
cat >"$APT/sources.list" <<'EOF'
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main
EOF
APTO=(-o "Dir::Etc::SourceList=$APT/sources.list" -o "Dir::Etc::SourceParts=$APT/parts"
      -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache::Archives=$APT/archives" -o Debug::NoLocking=1)

if [ ! -f "$WORK/root/usr/include/torch/csrc/api/include/torch/torch.h" ]; then
    apt-get "${APTO[@]}" update >/dev/null
    # The installed 1.13 would win as "candidate": ask for trixie's 2.x explicitly.
    v=$(apt-cache "${APTO[@]}" madison libtorch-dev | awk '{print $3}' | grep '^2\.' | head -n1)
    [ -n "$v" ] || { echo "no libtorch-dev 2.x in trixie's package lists" >&2; exit 1; }
    (cd "$APT/archives" && apt-get "${APTO[@]}" download "libtorch-dev=$v")
    dpkg -x "$APT"/archives/libtorch-dev_*.deb "$WORK/root"
fi
INC=(-I"$WORK/root/usr/include" -I"$WORK/root/usr/include/torch/csrc/api/include")
vh="$WORK/root/usr/include/torch/csrc/api/include/torch/version.h"
version="$(sed -n 's/#define TORCH_VERSION_MAJOR //p' "$vh").$(sed -n 's/#define TORCH_VERSION_MINOR //p' "$vh")"
echo "checking against LibTorch headers $version"

# One precompiled header keeps this to a few seconds per file.
cp model/src/torch_pch.h "$WORK/pch.h"
g++ -std=c++17 -fPIC "${INC[@]}" -x c++-header "$WORK/pch.h" -o "$WORK/pch.h.gch" 2>/dev/null

failed=0
while IFS= read -r f; do
    if ! out=$(g++ -std=c++17 -fPIC -fsyntax-only -Wall -Wno-unused-parameter -Werror=deprecated-declarations \
                   "${INC[@]}" -Imodel/include -Imodel/src -include "$WORK/pch.h" "$f" 2>&1); then
        echo "FAIL $f"
        echo "$out" | grep -E "error" | head -n 5
        failed=$((failed + 1))
    fi
done < <(find model/src/arch model/src/train model/src/metrics model/src/codec -name '*.cpp' | sort)
if [ "$failed" -ne 0 ]; then
    echo "$failed file(s) do not compile against LibTorch $version"
    exit 1
fi
echo "all LibTorch translation units compile against LibTorch $version"
