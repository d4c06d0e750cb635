#!/usr/bin/env bash
# The soak bench (bench/soak.py): builds molotov, runs it at a steady load for
# SOAK_SECONDS (default 600) and prints its RSS every 10 s and the drift.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 --target molotov >/dev/null
exec /usr/bin/python3 bench/soak.py --molotov build/molotov --seconds "${SOAK_SECONDS:-600}"
