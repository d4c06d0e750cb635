#!/usr/bin/env bash
# run.sh: one load test on Kubernetes, run by run (README, "Running on many
# machines"). Every run has its own RUN_ID: its Jobs are named and labelled
# by it (molotov-run=RUN_ID) and its reports go to /reports/RUN_ID on the
# volume, so runs never mix and a new run needs no cleaning first.
#
#   run.sh start [RUN_ID]    applies the test and the volume, then the load Job;
#                            prints RUN_ID=... (default: the UTC time,
#                            20260101-120000): eval "$(run.sh start)"
#   run.sh wait RUN_ID       until every pod has ended, succeeded or failed;
#                            prints each pod's exit code
#   run.sh merge RUN_ID      the merge Job: its log, and its exit code (99: a
#                            threshold failed on the whole)
#   run.sh fetch RUN_ID [DIR]  copies merged.html and merged.json off the volume
#                            into DIR (default: molotov-RUN_ID)
#   run.sh clean RUN_ID      deletes the run's Jobs and pods (its reports stay)
#   run.sh render job|merge|fetch RUN_ID   prints the manifest, filled in
#
# Settings (environment): TEST (default big, a test of configmap.yaml's
# molotov.json), TARGET (the scenario's; default
# http://my-service.staging.svc.cluster.local:8080), PODS (default 3),
# START_IN (seconds from now to the start, default 120: time to schedule the
# pods and pull the image), TIMEOUT (of a wait, default 30m), KUBECTL
# (default kubectl; add --context or -n there). Needs bash, envsubst
# (gettext-base) and kubectl; the cluster Kubernetes 1.29 or later
# (backoffLimitPerIndex).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
KUBECTL="${KUBECTL:-kubectl}"
TIMEOUT="${TIMEOUT:-30m}"
export TEST="${TEST:-big}" PODS="${PODS:-3}"
export TARGET="${TARGET:-http://my-service.staging.svc.cluster.local:8080}"

usage() {
  sed -n 's/^#   run.sh/run.sh/p' "$0" >&2
  exit 2
}

run_id() {
  [[ "${1:-}" =~ ^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$ ]] || {
    echo "run.sh: RUN_ID '${1:-}': lowercase letters, digits and '-', 1 to 40" >&2
    exit 2
  }
  export RUN_ID="$1"
}

# render FILE: the manifest with the run's values (only these variables:
# the pods' own "$out", "$rc"... stay)
render() {
  # shellcheck disable=SC2016 # the variables' names, for envsubst
  START_AT="${START_AT:-$(($(date +%s) + ${START_IN:-120}))}" \
    envsubst '$RUN_ID $START_AT $PODS $TEST $TARGET' <"$HERE/$1"
}

# until job/NAME is Complete or Failed: two waits, the first to end wins
wait_job() {
  local a b rc=0
  $KUBECTL wait --for=condition=complete "job/$1" --timeout="$TIMEOUT" >/dev/null &
  a=$!
  $KUBECTL wait --for=condition=failed "job/$1" --timeout="$TIMEOUT" >/dev/null &
  b=$!
  wait -n "$a" "$b" || rc=$?
  kill "$a" "$b" 2>/dev/null || true
  wait "$a" "$b" 2>/dev/null || true
  if [ "$rc" -ne 0 ]; then
    echo "run.sh: job/$1 neither complete nor failed after $TIMEOUT" >&2
    exit 1
  fi
  $KUBECTL get "job/$1" -o \
    jsonpath='{range .status.conditions[?(@.status=="True")]}{.type}{" "}{end}{"\n"}'
}

cmd="${1:-}"
[ $# -ge 1 ] && shift
case "$cmd" in
start)
  run_id "${1:-$(date -u +%Y%m%d-%H%M%S)}"
  { # stdout is only RUN_ID=... (for eval)
    $KUBECTL apply -f "$HERE/configmap.yaml" -f "$HERE/pvc.yaml"
    render job.yaml | $KUBECTL apply -f -
  } >&2
  echo "RUN_ID=$RUN_ID"
  ;;
wait)
  run_id "${1:-}"
  echo "job/molotov-load-$RUN_ID: $(wait_job "molotov-load-$RUN_ID")"
  $KUBECTL get pods -l "molotov-run=$RUN_ID,job-name=molotov-load-$RUN_ID" -o \
    jsonpath='{range .items[*]}pod {.metadata.annotations.batch\.kubernetes\.io/job-completion-index}: exit {.status.containerStatuses[0].state.terminated.exitCode}{"\n"}{end}'
  ;;
merge)
  run_id "${1:-}"
  render merge-job.yaml | $KUBECTL apply -f -
  wait_job "molotov-merge-$RUN_ID" >/dev/null
  $KUBECTL logs "job/molotov-merge-$RUN_ID"
  exit "$($KUBECTL get pods -l "job-name=molotov-merge-$RUN_ID" -o \
    jsonpath='{.items[0].status.containerStatuses[0].state.terminated.exitCode}')"
  ;;
fetch)
  run_id "${1:-}"
  dir="${2:-molotov-$RUN_ID}"
  mkdir -p "$dir"
  render fetch-pod.yaml | $KUBECTL apply -f -
  trap '$KUBECTL delete pod "molotov-fetch-$RUN_ID" --wait=false >/dev/null' EXIT
  $KUBECTL wait --for=condition=Ready "pod/molotov-fetch-$RUN_ID" --timeout=5m >/dev/null
  for f in merged.html merged.json; do
    $KUBECTL cp "molotov-fetch-$RUN_ID:/reports/$RUN_ID/$f" "$dir/$f" >/dev/null
  done
  echo "$dir/merged.html"
  ;;
clean)
  run_id "${1:-}"
  $KUBECTL delete job,pod -l "molotov-run=$RUN_ID" --ignore-not-found
  ;;
render)
  case "${1:-}" in
  job) file=job.yaml ;;
  merge) file=merge-job.yaml ;;
  fetch) file=fetch-pod.yaml ;;
  *) usage ;;
  esac
  run_id "${2:-}"
  render "$file"
  ;;
*) usage ;;
esac
