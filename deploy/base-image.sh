#!/bin/sh
# base-image.sh: makes the Containerfile's base image (its FROM, e.g.
# debian:bookworm-slim) in podman's storage without a registry:
# `debootstrap --variant=minbase` of that suite from the Debian mirror this
# machine uses, then `podman import`, tagged with the FROM name. Nothing is
# done when podman already has the image; the root filesystem's tarball is
# kept in $XDG_CACHE_HOME/molotov (default ~/.cache/molotov), one per FROM
# name, so a later run after `podman rmi` imports it again in seconds.
#
#   deploy/base-image.sh [CONTAINERFILE]      (default: Containerfile)
#   podman build --isolation=chroot -t molotov -f Containerfile .
#
# Needs root (debootstrap), podman and debootstrap. Prints what it did.
set -eu
file="${1:-Containerfile}"
from=$(sed -n 's/^FROM \([^ ]*\).*/\1/p' "$file" | sort -u)
[ "$(printf '%s\n' "$from" | wc -l)" = 1 ] || {
  echo "base-image: $file: expected one base image, found: $from" >&2
  exit 2
}
case "$from" in
debian:*) suite=${from#debian:} suite=${suite%-slim} ;;
*) echo "base-image: $from: only debian:SUITE[-slim] can be made here" >&2; exit 2 ;;
esac
ref="docker.io/library/$from" # what podman resolves the short name to
if podman image exists "$ref"; then
  echo "base-image: $ref is in podman's storage"
  exit 0
fi
cache="${XDG_CACHE_HOME:-$HOME/.cache}/molotov"
tarball="$cache/base-$(printf '%s' "$from" | tr ':/' '__').tar"
if [ ! -s "$tarball" ]; then
  # the mirror apt uses here (deb822 or one-line sources), else Debian's
  mirror=$(sed -n 's/^URIs: *\(http[^ ]*\/debian\)\/*$/\1/p; s/^deb \(http[^ ]*\/debian\)\/* .*/\1/p' \
    /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | head -n 1)
  mirror="${mirror:-http://deb.debian.org/debian}"
  mkdir -p "$cache"
  root=$(mktemp -d "$cache/rootfs.XXXXXX")
  trap 'rm -rf "$root"' EXIT
  echo "base-image: debootstrap --variant=minbase $suite from $mirror"
  debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$root.log" 2>&1 || {
    tail -n 20 "$root.log" >&2
    rm -f "$root.log"
    exit 1
  }
  rm -f "$root.log"
  # as Debian's own images: no package cache, no package lists
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin \
    "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . >"$tarball.part"
  mv "$tarball.part" "$tarball"
fi
echo "base-image: podman import $tarball as $ref"
podman import --quiet "$tarball" "$ref" >/dev/null
