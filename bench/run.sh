#!/usr/bin/env bash
# bench/run.sh: the benchmark suite of issue 6, in one command.
#
# Installs what is missing (wrk, nghttp2-client, nginx-light, python3-molotov,
# hyperfine and the build deps), builds molotov (RelWithDebInfo, in build/ like
# scripts/test.sh) and bench/bare.c, then runs bench/suite.py: one nginx, and
# wrk, h2load, Molotov 2.1, the bare libcurl loop and molotov one after the other.
#
#   BENCH_SECONDS=10   duration of every throughput run (default 10)
#   BENCH_MARKDOWN=F   also write the table as Markdown to F
# Not a test: nothing here asserts a speed. Run nothing else heavy meanwhile.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

BENCH_PKGS=(wrk nghttp2-client nginx-light python3-molotov hyperfine)
missing=()
for p in "${BENCH_PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench: installing ${missing[*]}" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # hyperfine is optional (the suite falls back to a Python timer)
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    $SUDO apt-get install -y -qq --no-install-recommends \
      $(printf '%s\n' "${missing[@]}" | grep -v '^hyperfine$') >/dev/null
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 --target molotov >/dev/null
# shellcheck disable=SC2046
cc -O2 -o build/bench-bare bench/bare.c $(pkg-config --cflags --libs libcurl libuv)

# -w 10000 needs 10k sockets in one process (and nginx as many)
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

exec /usr/bin/python3 bench/suite.py --molotov build/molotov --bare build/bench-bare \
  --seconds "${BENCH_SECONDS:-10}" ${BENCH_MARKDOWN:+--markdown "$BENCH_MARKDOWN"}
