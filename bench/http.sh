#!/usr/bin/env bash
# HTTP ingest throughput of `strandq serve` on loopback, measured with wrk.
# Usage: bench/http.sh BINARY [RUNS] [SECONDS]
# For each server set-up (ingest only: --workers 0; and built-in noop workers) it measures, RUNS
# times each, GET /healthz requests/s (the baseline: the same server doing no store work),
# single-event POSTs/s with keep-alive (bench/post_event.lua) and events/s in 1,000-event
# NDJSON POSTs (bench/post_batch.lua), and prints one markdown table row per measure: the
# median, every run, and the median's ratio to the baseline's. Fails on any non-2xx answer.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$1 runs=${2:-5} secs=${3:-3}
batch=1000
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

source bench/serve_lib.sh  # median, start_server, stop_server

# wrk CONNECTIONS [SCRIPT] -> requests/s
rate() {
  local conns=$1 script=${2:-} out
  if [ -n "$script" ]; then
    out=$(BATCH=$batch wrk -t1 -c"$conns" -d"${secs}s" -s "$script" "$url")
  else
    out=$(wrk -t1 -c"$conns" -d"${secs}s" "$url/healthz")
  fi
  if grep -q "Non-2xx" <<<"$out"; then
    echo "non-2xx answers from $url:" >&2
    echo "$out" >&2
    exit 1
  fi
  awk '/^Requests\/sec:/ {printf "%d\n", $2}' <<<"$out"
}

row() {  # SETUP MEASURE UNIT VALUES... (the baseline median is in $base)
  local setup=$1 measure=$2 unit=$3
  shift 3
  local med
  med=$(printf '%s\n' "$@" | median)
  echo "| $setup | $measure | **$med** $unit | $* | $(awk -v a="$med" -v b="$base" 'BEGIN {printf "%.2f", a / b}') |"
}

echo "| server | measure | median | runs | / healthz req/s |"
echo "|---|---|---|---|---|"
for setup in "--workers 0" "--workers 1000 --work noop"; do
  # shellcheck disable=SC2086
  start_server $setup
  health=() single=() batched=()
  for _ in $(seq "$runs"); do
    health+=("$(rate 64)")
    single+=("$(rate 64 bench/post_event.lua)")
    batched+=("$(( $(rate 8 bench/post_batch.lua) * batch ))")
  done
  stop_server
  base=$(printf '%s\n' "${health[@]}" | median)
  row "\`serve $setup\`" "GET /healthz (baseline)" "req/s" "${health[@]}"
  row "\`serve $setup\`" "single-event POST" "req/s" "${single[@]}"
  row "\`serve $setup\`" "1,000-event NDJSON POST" "events/s" "${batched[@]}"
done
