#!/usr/bin/env bash
# Installs every Debian package that building, testing and the demo need.
# A no-op (no apt-get call) when they are all present.
set -euo pipefail

PKGS=(
  build-essential cmake pkg-config
  libcurl4-openssl-dev libuv1-dev liblua5.4-dev libcjson-dev libcmocka-dev libssl-dev libwslay-dev
  lua5.4 nginx-light python3-httpbin gunicorn curl
  iproute2 python3-yaml python3-websockets python3-pyte git make openssl binutils valgrind clang nodejs
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
