#!/usr/bin/env bash
# install.sh: builds molotov and installs it, so that `molotov` is on the PATH.
#
#   ./scripts/install.sh [PREFIX]      # default /usr/local; e.g. ~/.local
#
# 1. installs the build dependencies (scripts/install-deps.sh build),
# 2. configures BUILD_DIR (default build/; RelWithDebInfo, without the tests
#    unless cmocka and node are there) when it has not been configured yet,
#    and builds the molotov target (molotov, moloslave, molotov-serve),
# 3. runs `cmake --install BUILD_DIR --prefix PREFIX`: PREFIX/bin/molotov,
#    PREFIX/bin/moloslave (a link to molotov) and PREFIX/bin/molotov-serve
#    (which `molotov serve` runs from beside molotov). DESTDIR, when set, is put
#    in front of PREFIX, as for `make install`. sudo is used for this step only
#    when the destination is not writable and we are not root,
# 4. says whether PREFIX/bin is on the PATH.
#
# Uninstall: remove those three files.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREFIX="${1:-/usr/local}"
BUILD_DIR="${BUILD_DIR:-build}"
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$ROOT/$BUILD_DIR" ;; esac
if [ $# -gt 1 ]; then
  echo "usage: install.sh [PREFIX]" >&2
  exit 2
fi
case "$PREFIX" in /*) ;; *) PREFIX="$(pwd)/$PREFIX" ;; esac

"$ROOT/scripts/install-deps.sh" build

if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  tests=OFF
  if pkg-config --exists cmocka && command -v node >/dev/null; then tests=ON; fi
  cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOLOTOV_TESTS="$tests" >/dev/null
fi
cmake --build "$BUILD_DIR" --target molotov -j "$(nproc 2>/dev/null || echo 2)" >/dev/null

# the deepest directory of the destination that exists decides whether we may write
dest="${DESTDIR:-}$PREFIX"
probe="$dest"
while [ ! -d "$probe" ]; do probe="$(dirname "$probe")"; done
SUDO=""
if [ ! -w "$probe" ] && [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO env ${DESTDIR:+DESTDIR="$DESTDIR"} cmake --install "$BUILD_DIR" --prefix "$PREFIX"

if [ -n "${DESTDIR:-}" ]; then
  echo "install: staged in $dest/bin (DESTDIR)"
  exit 0
fi
found="$(command -v molotov || true)"
if [ "$found" = "$PREFIX/bin/molotov" ]; then
  echo "install: molotov is on the PATH: $found"
elif [ -n "$found" ]; then
  echo "install: installed in $PREFIX/bin, but $found comes first on the PATH"
else
  echo "install: $PREFIX/bin is not on the PATH: add it (export PATH=\"$PREFIX/bin:\$PATH\")"
fi
