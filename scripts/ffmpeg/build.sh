#!/usr/bin/env bash
# Build FFmpeg 7.1.5 with the nerv codec, muxer and demuxer (`make ffmpeg`).
#
#   scripts/ffmpeg/build.sh [--source=TARBALL|TREE] [--tree=DIR] [--out=DIR] [--libnerv=LIBDIR] [--jobs=N]
#
#   --source   FFmpeg 7.1.5 tarball or unpacked tree [Debian's orig tarball, fetched and
#              sha256-verified into the cache]
#   --tree     where the patched tree is kept and built [build/ffmpeg-src]
#   --out      where ffmpeg, ffprobe and ffplay are installed [build/ffmpeg]
#   --libnerv  directory with libnerv.so and pkgconfig/libnerv.pc [build/lib]
#
# The tree is unpacked once per source. Every run then recomputes the patched state of the
# files the series touches (pristine + patches/ffmpeg-7.1.5/*.patch + the canonical sources,
# which win over a stale patch) and copies only what changed, so a re-run rebuilds only what
# an edit affects. Configure re-runs when its flags, configure itself or libnerv.pc change.
# A patch that does not apply exactly is fatal: nothing is ever built unpatched.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${NERV_FFMPEG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nerv-ffmpeg}
. "$ROOT/scripts/ffmpeg/series.sh"
PINNED_SHA256=de668509caf9e35e3cd162473441fdb29538c6d96ed080292b3cf9e6fc5d558f

source=""
tree=$ROOT/build/ffmpeg-src
out=$ROOT/build/ffmpeg
libnerv=$ROOT/build/lib
jobs=2
for arg in "$@"; do
    case "$arg" in
    --source=*) source=${arg#*=} ;;
    --tree=*) tree=${arg#*=} ;;
    --out=*) out=${arg#*=} ;;
    --libnerv=*) libnerv=${arg#*=} ;;
    --jobs=*) jobs=${arg#*=} ;;
    *) echo "build-ffmpeg: unknown argument '$arg'" >&2; exit 1 ;;
    esac
done

die() { echo "build-ffmpeg: $*" >&2; exit 1; }
log() { echo "build-ffmpeg: $*"; }
abspath() { (cd "$(dirname "$1")" && echo "$(pwd)/$(basename "$1")"); }
now() { date +%s; }
t0=$(now)

[ -f "$libnerv/pkgconfig/libnerv.pc" ] || die "$libnerv/pkgconfig/libnerv.pc not found: build libnerv first (make)"
libnerv=$(cd "$libnerv" && pwd)
mkdir -p "$(dirname "$tree")" "$out"
tree=$(abspath "$tree")
out=$(cd "$out" && pwd)

# --- the source --------------------------------------------------------------------------
tarball="" srcdir=""
if [ -z "$source" ]; then
    tarball=$("$ROOT/scripts/ffmpeg/fetch.sh" "$CACHE")
    identity="tarball $PINNED_SHA256"
elif [ -f "$source" ]; then
    tarball=$(abspath "$source")
    sha=$(sha256sum "$tarball" | cut -d' ' -f1)
    [ "$sha" = "$PINNED_SHA256" ] ||
        echo "build-ffmpeg: warning: $source is not the FFmpeg $FFMPEG_VERSION release tarball (sha256 $sha); the patches must still apply exactly" >&2
    identity="tarball $sha"
elif [ -d "$source" ]; then
    srcdir=$(cd "$source" && pwd)
    [ -f "$srcdir/configure" ] && [ -f "$srcdir/libavcodec/codec_id.h" ] || die "$source is not an FFmpeg source tree"
    [ "$(cat "$srcdir/RELEASE" 2>/dev/null)" = "$FFMPEG_VERSION" ] ||
        echo "build-ffmpeg: warning: $source is not FFmpeg $FFMPEG_VERSION (RELEASE: $(cat "$srcdir/RELEASE" 2>/dev/null || echo none))" >&2
    identity="tree $srcdir"
else
    die "--source=$source: no such file or directory"
fi
t_fetch=$(now)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nerv-ffmpeg.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# pristine copies of the given paths (those that exist in the source) into $1
extract_pristine() {
    local dest=$1
    shift
    [ $# -gt 0 ] || return 0
    mkdir -p "$dest"
    if [ -n "$tarball" ]; then
        local top
        [ -f "$tmp/tarball.list" ] || tar -tf "$tarball" >"$tmp/tarball.list"
        top=$(head -n 1 "$tmp/tarball.list")
        top=${top%%/*}
        # files the patches create are not in the tarball
        printf "$top/%s\n" "$@" | grep -Fx -f - "$tmp/tarball.list" >"$tmp/members" || true
        [ -s "$tmp/members" ] || return 0
        tar -xf "$tarball" -C "$dest" --strip-components=1 --files-from="$tmp/members"
    else
        local f
        for f in "$@"; do
            [ -f "$srcdir/$f" ] || continue
            mkdir -p "$dest/$(dirname "$f")"
            cp "$srcdir/$f" "$dest/$f"
        done
    fi
}

# --- the tree, unpacked once per source ---------------------------------------------------
if [ ! -f "$tree/.nerv-source" ] || [ "$(cat "$tree/.nerv-source")" != "$identity" ]; then
    log "unpacking FFmpeg ($identity) into ${tree#"$ROOT"/}"
    rm -rf "$tree" "$tree.tmp"
    mkdir -p "$tree.tmp"
    if [ -n "$tarball" ]; then
        tar -xf "$tarball" -C "$tree.tmp" --strip-components=1
    else
        tar -C "$srcdir" --exclude=.git -cf - . | tar -C "$tree.tmp" -xf -
    fi
    echo "$identity" >"$tree.tmp/.nerv-source"
    mv "$tree.tmp" "$tree"
fi

# --- the patched state of every touched file ----------------------------------------------
series_load "$ROOT"
patches=()
touched=()
for ((i = 0; i < ${#series_names[@]}; i++)); do
    p=$ROOT/$SERIES_DIR_REL/${series_names[$i]}.patch
    [ -f "$p" ] || die "$p is missing (run make patches)"
    patches+=("$p")
    while read -r f; do touched+=("$f"); done < <(sed -n 's#^+++ b/##p' "$p")
done
previous=()
[ -f "$tree/.nerv-files" ] && mapfile -t previous <"$tree/.nerv-files"
mapfile -t all < <(printf '%s\n' "${touched[@]}" "${previous[@]}" | sort -u)

extract_pristine "$tmp/pristine" "${all[@]}"
cp -a "$tmp/pristine" "$tmp/patched"
for p in "${patches[@]}"; do
    if ! patch -p1 -s --batch --forward --fuzz=0 --no-backup-if-mismatch -d "$tmp/patched" <"$p" >"$tmp/patch.log" 2>&1; then
        cat "$tmp/patch.log" >&2
        die "${p#"$ROOT"/} does not apply to this FFmpeg source; nothing was changed"
    fi
done
stale=0
for ((i = 0; i < ${#series_names[@]}; i++)); do
    series_new_files "$ROOT" "$i" >"$tmp/new.$i" || die "the series names a missing canonical source"
    while read -r src dest; do
        if ! cmp -s "$ROOT/$src" "$tmp/patched/$dest"; then
            [ "$stale" -eq 1 ] || echo "build-ffmpeg: note: the patches are older than the canonical sources (run make patches); building the sources" >&2
            stale=1
            mkdir -p "$tmp/patched/$(dirname "$dest")"
            cp "$ROOT/$src" "$tmp/patched/$dest"
        fi
    done <"$tmp/new.$i"
done
t_patch=$(now)

# --- sync into the tree: only changed files get a new mtime -------------------------------
changed=0
current=()
for f in "${all[@]}"; do
    if [ -f "$tmp/patched/$f" ]; then
        current+=("$f")
        if ! cmp -s "$tmp/patched/$f" "$tree/$f"; then
            mkdir -p "$tree/$(dirname "$f")"
            cp "$tmp/patched/$f" "$tree/$f"
            changed=$((changed + 1))
        fi
    elif [ -f "$tmp/pristine/$f" ]; then
        cmp -s "$tmp/pristine/$f" "$tree/$f" || { cp "$tmp/pristine/$f" "$tree/$f"; changed=$((changed + 1)); }
    elif [ -f "$tree/$f" ]; then
        rm -f "$tree/$f"
        changed=$((changed + 1))
    fi
done
printf '%s\n' "${current[@]}" >"$tree/.nerv-files"
log "patched tree: ${#patches[@]} patches, ${#current[@]} files, $changed updated"

# --- configure ---------------------------------------------------------------------------
mapfile -t flags < <(sed 's/#.*//' "$ROOT/scripts/ffmpeg/configure-flags.txt" | tr -s ' \t' '\n' | sed '/^$/d')
export PKG_CONFIG_PATH="$libnerv/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
stamp=$( { printf '%s\n' "${flags[@]}"; sha256sum "$tree/configure" "$libnerv/pkgconfig/libnerv.pc"; } | sha256sum | cut -d' ' -f1)
if [ ! -f "$tree/ffbuild/config.mak" ] || [ "$(cat "$tree/.nerv-configure" 2>/dev/null)" != "$stamp" ]; then
    log "configure"
    rm -f "$tree/.nerv-configure"
    if ! (cd "$tree" && ./configure "${flags[@]}" >"$tree/.nerv-configure.log" 2>&1); then
        tail -n 30 "$tree/.nerv-configure.log" >&2
        [ ! -f "$tree/ffbuild/config.log" ] || tail -n 30 "$tree/ffbuild/config.log" >&2
        die "FFmpeg configure failed (log: ${tree#"$ROOT"/}/.nerv-configure.log)"
    fi
    echo "$stamp" >"$tree/.nerv-configure"
fi
t_configure=$(now)

# --- build and install ---------------------------------------------------------------------
log "make -j$jobs"
if ! make -C "$tree" -j"$jobs" >"$tree/.nerv-make.log" 2>&1; then
    grep -E -B2 -A8 'error|Error' "$tree/.nerv-make.log" | tail -n 60 >&2
    die "FFmpeg build failed (log: ${tree#"$ROOT"/}/.nerv-make.log)"
fi
t_build=$(now)
for prog in ffmpeg ffprobe ffplay; do
    [ -x "$tree/$prog" ] || die "$prog was not built"
    cmp -s "$tree/$prog" "$out/$prog" || install -m 755 "$tree/$prog" "$out/$prog"
done
"$out/ffmpeg" -hide_banner -encoders 2>/dev/null | grep -q ' nerv_enc ' || die "ffmpeg was built without nerv_enc"
"$out/ffmpeg" -hide_banner -demuxers 2>/dev/null | grep -q ' nerv ' || die "ffmpeg was built without the nerv demuxer"

log "done: ${out#"$ROOT"/}/{ffmpeg,ffprobe,ffplay} (source $((t_fetch - t0))s, patch $((t_patch - t_fetch))s, configure $((t_configure - t_patch))s, build $((t_build - t_configure))s)"
