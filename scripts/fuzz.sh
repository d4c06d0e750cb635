#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang (ASan + UBSan) and runs
# each for FUZZ_SECONDS (default 30), starting from the corpus kept in
# fuzz/corpus/TARGET. New inputs go to a scratch directory, not the repo:
# copy the interesting ones into fuzz/corpus by hand. A crash stops the run
# with libFuzzer's report and the input that caused it (crash-*).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh test

seconds="${FUZZ_SECONDS:-30}"
CC=clang cmake -S . -B build-fuzz -DMOLOTOV_FUZZ=ON -DMOLOTOV_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j2 >/dev/null

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
for target in threshold config json merge ws jar h1; do
  mkdir -p "$scratch/$target"
  echo "fuzz: $target for ${seconds} s"
  log="$scratch/$target.log"
  (cd "$scratch" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$OLDPWD/build-fuzz/fuzz_$target" -max_total_time="$seconds" -rss_limit_mb=2048 \
    -timeout=10 -print_final_stats=1 "$scratch/$target" "$OLDPWD/fuzz/corpus/$target" \
    >"$log" 2>&1 || true)
  grep -E "^stat::number_of_executed_units" "$log" || true
  # a sanitizer report fails the run even when the process went on
  if grep -qE "^SUMMARY: |ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:" "$log" ||
    ls "$scratch"/crash-* "$scratch"/leak-* "$scratch"/timeout-* >/dev/null 2>&1; then
    grep -E -A30 "runtime error:|ERROR: |^SUMMARY: " "$log" | head -60 >&2
    echo "fuzz: $target failed; inputs kept in fuzz-failures/" >&2
    mkdir -p fuzz-failures && cp "$scratch"/crash-* "$scratch"/leak-* "$scratch"/timeout-* fuzz-failures/ 2>/dev/null || true
    exit 1
  fi
done
echo "fuzz: no crash, leak or timeout"
