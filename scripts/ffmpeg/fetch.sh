#!/usr/bin/env bash
# Fetch the FFmpeg 7.1.5 release tarball (Debian's orig.tar.xz) and verify its sha256.
#
#   scripts/ffmpeg/fetch.sh CACHE_DIR
#
# Prints the path of the verified tarball. A tarball already in CACHE_DIR is reused when
# its checksum matches; a mismatching one is an error (never silently replaced or used).
# The download uses a private apt sources list and state directory, so the system's apt
# configuration is not touched (no root needed).
set -euo pipefail

FFMPEG_VERSION=7.1.5
DEB_VERSION=7:7.1.5-0+deb13u1
TARBALL=ffmpeg_${FFMPEG_VERSION}.orig.tar.xz
SHA256=de668509caf9e35e3cd162473441fdb29538c6d96ed080292b3cf9e6fc5d558f
MIRROR=${NERV_DEBIAN_MIRROR:-http://deb.debian.org/debian}

die() { echo "fetch-ffmpeg: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $0 CACHE_DIR"
cache=$1
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

verify() { # file -> 0 if the checksum matches
    echo "$SHA256  $1" | sha256sum --check --status
}

if [ -f "$cache/$TARBALL" ]; then
    verify "$cache/$TARBALL" || die "$cache/$TARBALL exists but its sha256 is not $SHA256; remove it to download again"
    echo "$cache/$TARBALL"
    exit 0
fi

command -v apt-get >/dev/null || die "apt-get not found; download $TARBALL yourself and pass it with ./configure --ffmpeg-source=PATH"

work=$(mktemp -d "$cache/apt.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/dl" "$work/parts"
: >"$work/status"   # empty files of our own: /dev/null is not always a device
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$keyring" ] || die "$keyring missing (package debian-archive-keyring)"
echo "deb-src [signed-by=$keyring] $MIRROR trixie main" >"$work/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=$work/parts"
          -o "Dir::State::Lists=$work/lists" -o "Dir::State::Status=$work/status" -o "Dir::Cache=$work/cache"
          -o Debug::NoLocking=1
          -o APT::Sandbox::User="$(id -un)")

echo "fetch-ffmpeg: downloading ffmpeg $DEB_VERSION source from $MIRROR (trixie)" >&2
apt-get "${apt_opts[@]}" -qq update >&2 || die "apt-get update of the private trixie deb-src list failed"
(cd "$work/dl" && apt-get "${apt_opts[@]}" -qq source --download-only "ffmpeg=$DEB_VERSION" >&2) ||
    die "apt-get source ffmpeg=$DEB_VERSION failed"
[ -f "$work/dl/$TARBALL" ] || die "apt-get source did not produce $TARBALL"
verify "$work/dl/$TARBALL" || die "sha256 of the downloaded $TARBALL is not $SHA256"
mv "$work/dl/$TARBALL" "$cache/$TARBALL"
echo "$cache/$TARBALL"
