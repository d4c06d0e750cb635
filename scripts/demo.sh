#!/usr/bin/env bash
# demo.sh: from a fresh Debian checkout to a running load test, in one command.
#
#   ./scripts/demo.sh
#
# 1. installs the build dependencies only (scripts/install-deps.sh build: a
#    compiler, CMake, pkg-config and six -dev packages; uses sudo when not root,
#    does nothing when they are all there); test.sh installs the test tools,
# 2. configures and builds molotov in build/ (CMake, RelWithDebInfo: optimised,
#    as test.sh builds it; the molotov target builds molotov-serve too; the
#    tests are left out of the configuration unless cmocka and node are there),
# 3. starts the built-in target `molotov serve` (it execs build/molotov-serve) on a free loopback port,
# 4. runs scenarios/demo.lua against it: WORKERS workers for DURATION seconds,
# 5. stops the target and exits with molotov's exit code.
#
# Environment: WORKERS (default 10), DURATION (seconds, default 10),
# BUILD_DIR (default build).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORKERS="${WORKERS:-10}"
DURATION="${DURATION:-10}"
BUILD_DIR="${BUILD_DIR:-build}"
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$ROOT/$BUILD_DIR" ;; esac
MOLOTOV="$BUILD_DIR/molotov"
cd "$ROOT"

say() {
    if [ -t 2 ]; then printf '\033[1m==> %s\033[0m\n' "$*" >&2; else printf '==> %s\n' "$*" >&2; fi
}

say "Installing the build dependencies (scripts/install-deps.sh build)"
"$ROOT/scripts/install-deps.sh" build

# The tests' CMake needs cmocka and node, which the demo does not install.
tests=OFF
if pkg-config --exists cmocka && command -v node >/dev/null; then tests=ON; fi
say "Building molotov in ${BUILD_DIR#"$ROOT"/}/ (RelWithDebInfo)"
cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOLOTOV_TESTS="$tests" >/dev/null
cmake --build "$BUILD_DIR" --target molotov -j "$(nproc 2>/dev/null || echo 2)" >/dev/null

say "Starting the demo target: molotov serve --port 0"
# The server's stdout comes back through a coprocess pipe: its first line
# names the port it bound, so we wait for that line instead of sleeping.
# setsid keeps a Ctrl-C on the terminal away from the server: molotov then
# lets its requests in flight finish before it prints the summary.
coproc SERVE { exec setsid "$MOLOTOV" serve --port 0 2>&1; }
# bash forgets SERVE and SERVE_PID once the coprocess ends: keep copies.
server_pid=$SERVE_PID
exec {server_out}<&"${SERVE[0]}"
# shellcheck disable=SC2317  # called by the EXIT trap
stop_server() {
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
}
trap stop_server EXIT

line=""
if ! IFS= read -r -t 10 line <&"$server_out"; then
    echo "demo: molotov serve did not start: ${line:-no output within 10 s}" >&2
    exit 1
fi
case "$line" in
"molotov serve: listening on http://"*) ;;
*)
    echo "demo: molotov serve did not start: $line" >&2
    exit 1
    ;;
esac
TARGET="${line#molotov serve: listening on }"
echo "$line"

say "Running: molotov -w $WORKERS -d $DURATION scenarios/demo.lua (TARGET=$TARGET)"
rc=0
TARGET="$TARGET" "$MOLOTOV" -w "$WORKERS" -d "$DURATION" scenarios/demo.lua || rc=$?
exit "$rc"
