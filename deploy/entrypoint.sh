#!/bin/sh
# entrypoint.sh: the container's command. With TEST_REPO set, Molotov 1.0's
# moloslave in Docker: clone that repository (TEST_REF: a branch or tag),
# run its test TEST_NAME (default: test) with the arguments given as extra
# molotov options. Without it: molotov with the arguments.
set -eu
if [ -n "${TEST_REPO:-}" ]; then
  repo="$TEST_REPO"
  if [ -n "${TEST_REF:-}" ]; then repo="$repo#$TEST_REF"; fi
  if [ "$#" -gt 0 ] && [ "$1" != "--help" ]; then
    exec molotov slave "$repo" "${TEST_NAME:-test}" -- "$@"
  fi
  exec molotov slave "$repo" "${TEST_NAME:-test}"
fi
exec molotov "$@"
