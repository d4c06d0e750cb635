#!/usr/bin/env bash
# Installs every Debian package that building, testing and the demo need,
# then the browser tests' playwright-core (pinned) from npm into
# tests/browser/node_modules. A no-op (no apt-get or npm call) when they are
# all present.
set -euo pipefail

PKGS=(
  build-essential cmake pkg-config
  libcurl4-openssl-dev libuv1-dev liblua5.4-dev libcjson-dev libcmocka-dev libssl-dev libwslay-dev
  libhttp-parser-dev
  lua5.4 nginx-light python3-httpbin gunicorn curl
  iproute2 python3-yaml python3-websockets git make openssl binutils valgrind clang nodejs
  chromium
)
PLAYWRIGHT=playwright-core@1.49.1
BROWSER_DIR="$(cd "$(dirname "$0")/.." && pwd)/tests/browser"

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
command -v npm >/dev/null || missing+=(npm) # nodesource's nodejs has its own

# the browser tests' Playwright, driving Debian's chromium (never its own download)
install_playwright() {
  if [ -f "$BROWSER_DIR/node_modules/playwright-core/package.json" ]; then return 0; fi
  echo "install-deps: installing $PLAYWRIGHT into tests/browser/node_modules" >&2
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix "$BROWSER_DIR" --no-save \
    --no-package-lock --no-audit --no-fund "$PLAYWRIGHT" >/dev/null
}

if [ ${#missing[@]} -eq 0 ]; then
  install_playwright
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
install_playwright
