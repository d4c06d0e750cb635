#!/usr/bin/env bash
# Installs the build and test dependencies (scripts/install-deps.sh test:
# the test servers, cmocka, node, valgrind, clang...), builds molotov and runs
# the whole test suite under CTest: unit tests and
# end-to-end tests against real servers, then the same suite again in an
# AddressSanitizer + UndefinedBehaviorSanitizer build, then each libFuzzer
# target for FUZZ_SECONDS (default 30; scripts/fuzz.sh).
# MOLOTOV_SKIP_ASAN=1 skips the sanitizer pass and MOLOTOV_SKIP_FUZZ=1 the
# fuzzing (quicker local runs).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh test

# MOLOTOV_TESTS=ON: demo.sh may have configured build/ without the tests
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOLOTOV_TESTS=ON >/dev/null
cmake --build build -j2
(cd build && ctest --output-on-failure -j2)

if [ "${MOLOTOV_SKIP_ASAN:-0}" != 1 ]; then
  cmake -S . -B build-asan -DMOLOTOV_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
  cmake --build build-asan -j2
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
     UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j2)
fi

if [ "${MOLOTOV_SKIP_FUZZ:-0}" != 1 ]; then
  bash scripts/fuzz.sh
fi
