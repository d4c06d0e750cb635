#!/usr/bin/env bash
# Installs every Debian package that building, testing and the demo need.
# A no-op (no apt-get call) when they are all present.
set -euo pipefail

PKGS=(
  build-essential cmake pkg-config
  libcurl4-openssl-dev libuv1-dev liblua5.4-dev libcjson-dev libcmocka-dev libssl-dev libwslay-dev
  lua5.4 nginx-light python3-httpbin gunicorn curl
  iproute2 python3-yaml python3-websockets git make openssl binutils valgrind clang nodejs npm chromium
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# The browser tests' driver (tests/browser/package.json pins it), into the
# folder the tests own, never globally; after apt-get so npm is there.
browser_deps() {
  local dir
  dir="$(cd "$(dirname "$0")/.." && pwd)/tests/browser"
  if [ ! -d "$dir/node_modules/playwright-core" ]; then
    npm install --prefix "$dir" --no-audit --no-fund --silent
  fi
}

if [ ${#missing[@]} -eq 0 ]; then
  browser_deps
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
browser_deps
