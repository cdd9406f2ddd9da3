#!/usr/bin/env bash
# Regenerate the FFmpeg patch series patches/ffmpeg-7.1.5/*.patch from its `series` file.
#
#   scripts/ffmpeg/make-patches.sh [--from-tree DIR] [--check] [--tarball FILE]
#
# Each patch holds its edits to existing FFmpeg files plus the new files copied from their
# canonical folders in this repository (libavcodec_nerv/, libavformat_nerv/, fate/, ...).
# The edits are taken from the committed patches themselves (default) or, with --from-tree,
# from a patched FFmpeg tree such as build/ffmpeg-src in which they were edited.
#
#   --check       generate into a temporary directory and fail if the committed series differs
#   --from-tree   take the edited FFmpeg files from DIR instead of the committed patches
#   --tarball     the FFmpeg 7.1.5 tarball (default: fetched and verified into the cache)
#
# The output is deterministic (no dates, fixed author), so --check can compare bytes.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SERIES_DIR=$ROOT/patches/ffmpeg-7.1.5
CACHE=${NERV_FFMPEG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nerv-ffmpeg}

die() { echo "make-patches: $*" >&2; exit 1; }

from_tree=""
check=0
tarball=""
while [ $# -gt 0 ]; do
    case "$1" in
    --from-tree) from_tree=$(cd "$2" && pwd); shift 2 ;;
    --from-tree=*) from_tree=$(cd "${1#*=}" && pwd); shift ;;
    --check) check=1; shift ;;
    --tarball) tarball=$2; shift 2 ;;
    --tarball=*) tarball=${1#*=}; shift ;;
    *) die "unknown argument '$1' (see the header of $0)" ;;
    esac
done
[ -n "$tarball" ] || tarball=$("$ROOT/scripts/ffmpeg/fetch.sh" "$CACHE")
[ -f "$tarball" ] || die "no tarball $tarball"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nerv-patches.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# A git that ignores the user's configuration, so that the diffs are the same everywhere.
# (An empty file of our own, not /dev/null: on some machines /dev/null is a regular file
# that other programs have written into, and git then rejects it as a bad config.)
: >"$tmp/empty.gitconfig"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL="$tmp/empty.gitconfig"
export GIT_AUTHOR_NAME=nerv-ffmpeg GIT_AUTHOR_EMAIL=nerv-ffmpeg@invalid
export GIT_COMMITTER_NAME=nerv-ffmpeg GIT_COMMITTER_EMAIL=nerv-ffmpeg@invalid
export GIT_AUTHOR_DATE='1970-01-01T00:00:00Z' GIT_COMMITTER_DATE='1970-01-01T00:00:00Z'
g() { git -c core.autocrlf=false -c core.abbrev=7 -c diff.algorithm=myers -c color.ui=never "$@"; }

# --- the series ---------------------------------------------------------------------------
. "$ROOT/scripts/ffmpeg/series.sh"
series_load "$ROOT"
names=("${series_names[@]}") subjects=("${series_subjects[@]}")
edits=("${series_edits[@]}") sources=("${series_sources[@]}")
n=${#names[@]}

# --- pristine files: the listing of the tarball, and the files the series edits -------------
tar -tf "$tarball" >"$tmp/members"
top=$(head -n 1 "$tmp/members")
top=${top%%/*}
sed -n "s#^$top/##p" "$tmp/members" | grep -v '/$' >"$tmp/list"
in_ffmpeg() { grep -qxF -- "$1" "$tmp/list"; }
P=$tmp/pristine
mkdir "$P"
for e in "${edits[@]}"; do for f in $e; do echo "$top/$f"; done; done | grep -xF -f - "$tmp/members" >"$tmp/extract" || true
[ ! -s "$tmp/extract" ] || tar -xf "$tarball" -C "$P" --strip-components=1 --files-from="$tmp/extract"

# new files of each entry as "SRC DEST" lines in $tmp/new.I
for ((i = 0; i < n; i++)); do
    series_new_files "$ROOT" "$i" >"$tmp/new.$i" || die "the series names a missing canonical source"
done

# --- target state of every touched file -----------------------------------------------------
T=$tmp/target
mkdir "$T"
declare -A owner=()
for ((i = 0; i < n; i++)); do
    for f in ${edits[$i]}; do
        [ -z "${owner[$f]:-}" ] || die "$f is listed by ${owner[$f]} and ${names[$i]}"
        in_ffmpeg "$f" || die "${names[$i]}: $f is not an FFmpeg 7.1.5 file (new files come from canonical folders)"
        owner[$f]=${names[$i]}
        mkdir -p "$T/$(dirname "$f")"
        if [ -n "$from_tree" ]; then
            [ -f "$from_tree/$f" ] || die "--from-tree: $from_tree/$f is missing"
            cp "$from_tree/$f" "$T/$f"
        else
            cp "$P/$f" "$T/$f"
        fi
    done
done
if [ -z "$from_tree" ]; then
    # The committed patches carry the edits; their new files are replaced below.
    for ((i = 0; i < n; i++)); do
        p=$SERIES_DIR/${names[$i]}.patch
        [ -f "$p" ] || continue
        for f in $(sed -n 's#^+++ b/##p' "$p"); do
            [ -n "${owner[$f]:-}" ] || ! in_ffmpeg "$f" ||
                die "${names[$i]}.patch edits $f, which the series does not list for it"
        done
        patch -p1 -s --batch --forward --fuzz=0 --no-backup-if-mismatch -d "$T" <"$p" >"$tmp/patch.log" 2>&1 ||
            { cat "$tmp/patch.log" >&2; die "${names[$i]}.patch does not apply to FFmpeg 7.1.5"; }
    done
    # drop the new files the committed patches created: the canonical folders provide them
    (cd "$T" && find . -type f -printf '%P\n') | while read -r f; do
        in_ffmpeg "$f" || rm -f "$T/$f"
    done
fi
declare -A made=()
for ((i = 0; i < n; i++)); do
    while read -r src dest; do
        [ -n "$src" ] || continue
        ! in_ffmpeg "$dest" || die "${names[$i]}: $dest exists in FFmpeg; edit it through the patch instead"
        [ -z "${made[$dest]:-}" ] || die "$dest comes from two canonical sources"
        made[$dest]=${names[$i]}
        mkdir -p "$T/$(dirname "$dest")"
        cp "$ROOT/$src" "$T/$dest"
        if [ -n "$from_tree" ] && [ -f "$from_tree/$dest" ] && ! cmp -s "$ROOT/$src" "$from_tree/$dest"; then
            echo "make-patches: warning: $from_tree/$dest differs from $src; $src is used" >&2
        fi
    done <"$tmp/new.$i"
done

# --- one patch per entry ----------------------------------------------------------------------
out=$SERIES_DIR
[ "$check" -eq 0 ] || out=$tmp/out
mkdir -p "$out"
for ((i = 0; i < n; i++)); do
    S=$tmp/stage$i
    mkdir "$S"
    g -C "$S" init -q
    files=(${edits[$i]})
    for f in "${files[@]}"; do
        mkdir -p "$S/$(dirname "$f")"
        cp "$P/$f" "$S/$f"
    done
    g -C "$S" add -A
    g -C "$S" commit -q --allow-empty -m pristine
    for f in "${files[@]}"; do cp "$T/$f" "$S/$f"; done
    while read -r src dest; do
        [ -n "$src" ] || continue
        mkdir -p "$S/$(dirname "$dest")"
        cp "$T/$dest" "$S/$dest"
    done <"$tmp/new.$i"
    g -C "$S" add -A
    if g -C "$S" diff --cached --quiet; then
        die "${names[$i]}: the patch would be empty"
    fi
    {
        echo "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001"
        echo "From: nerv-ffmpeg <nerv-ffmpeg@invalid>"
        echo "Subject: [PATCH $((i + 1))/$n] ${subjects[$i]}"
        echo
        if [ -n "${sources[$i]}" ]; then
            echo "New files are copies of this repository's canonical sources:"
            for spec in ${sources[$i]}; do echo "  ${spec%%:*} -> ${spec#*:}"; done
            echo "Edit them there and run 'make patches'."
            echo
        fi
        echo "Generated by scripts/ffmpeg/make-patches.sh. Apply to the unpacked"
        echo "FFmpeg 7.1.5 release tarball with 'patch -p1'."
        echo "---"
        g -C "$S" diff --cached --stat=72 --summary
        echo
        g -C "$S" diff --cached --no-renames --no-ext-diff
        echo "-- "
        echo "nerv-ffmpeg"
        echo
    } >"$out/${names[$i]}.patch"
done

# patches no longer in the series
for p in "$out"/*.patch "$SERIES_DIR"/*.patch; do
    [ -f "$p" ] || continue
    base=${p##*/}
    keep=0
    for ((i = 0; i < n; i++)); do [ "$base" = "${names[$i]}.patch" ] && keep=1; done
    if [ "$keep" -eq 0 ]; then
        if [ "$check" -eq 1 ]; then
            [ "$(dirname "$p")" != "$SERIES_DIR" ] || { echo "make-patches: $base is not in the series" >&2; stale=1; }
        else
            rm -f "$p"
        fi
    fi
done

if [ "$check" -eq 1 ]; then
    stale=${stale:-0}
    for ((i = 0; i < n; i++)); do
        p=${names[$i]}.patch
        if [ ! -f "$SERIES_DIR/$p" ]; then
            echo "make-patches: $p is missing" >&2
            stale=1
        elif ! cmp -s "$out/$p" "$SERIES_DIR/$p"; then
            echo "make-patches: $p is stale:" >&2
            diff -u "$SERIES_DIR/$p" "$out/$p" | head -n 40 >&2 || true
            stale=1
        fi
    done
    if [ "$stale" -ne 0 ]; then
        echo "make-patches: the committed patch series is out of date; run 'make patches' and commit it" >&2
        exit 1
    fi
    echo "make-patches: patches/ffmpeg-7.1.5 is up to date ($n patches)"
else
    echo "make-patches: wrote $n patches to ${out#"$ROOT"/}"
fi
