#!/usr/bin/env bash
# HTTP ingest throughput of `strandq serve` with and without one browser console open on it.
# Usage: bench/console.sh BINARY [RUNS] [SECONDS]
# Each run measures, on a fresh `serve --workers 0` (mem:) each time, 1,000-event NDJSON POSTs
# (bench/post_batch.lua, 8 connections) and single-event POSTs (bench/post_event.lua, 64
# connections) for SECONDS with wrk: once with no browser, once with headless Chromium showing
# the console at GET / (started before the measure, checked to be polling, stopped after), in
# alternating order. Prints one markdown table row per measure: the medians side by side, their
# ratio, the median of each run's own ratio (the pair measured back to back: less sensitive to
# what else the machine does meanwhile), and every run; then the server's CPU time per event
# (what a shared, loaded machine disturbs least), and the CPU the idle server spends answering
# the console with about a million events pending. Fails on any non-2xx answer or a console
# that does not poll.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$1 runs=${2:-5} secs=${3:-3}
batch=1000
for c in wrk chromium curl; do
  command -v "$c" > /dev/null || { echo "bench/console.sh: $c missing (make deps)" >&2; exit 1; }
done
tmp=$(mktemp -d)
pid= browser=
cleanup() {
  [ -n "$browser" ] && kill -TERM -- "-$browser" 2>/dev/null
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

source bench/serve_lib.sh  # median, start_server, stop_server

requests() { curl -sf "$url/v1/stats" | sed -E 's/.*"requests":([0-9]+).*/\1/'; }

# Opens the console in headless Chromium (its own process group, a fresh profile) and waits
# until it polls: /v1/stats counts the page's requests.
open_console() {
  setsid chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-dev-shm-usage --window-size=1280,1000 --remote-debugging-port=0 \
    --user-data-dir="$tmp/profile-$RANDOM" "$url/" > "$tmp/chromium.log" 2>&1 &
  browser=$!
  sleep 3  # its start-up is over before the measure begins
  local before
  before=$(requests)
  sleep 2.5
  if [ $(($(requests) - before)) -lt 6 ]; then
    echo "bench/console.sh: the console at $url/ does not poll:" >&2
    tail -20 "$tmp/chromium.log" >&2
    exit 1
  fi
}

close_console() {
  kill -TERM -- "-$browser" 2>/dev/null || true
  wait "$browser" 2>/dev/null || true
  browser=
}

# The server's CPU time so far, in clock ticks (user + system).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }

# measure CONSOLE(yes|no) CONNECTIONS SCRIPT: sets $result to the requests/s of wrk on a fresh
# server and $ticks to the server's CPU ticks meanwhile (not in a subshell, so that the EXIT
# trap stops what it started).
measure() {
  local out t0
  start_server --workers 0 --store mem:
  if [ "$1" = yes ]; then open_console; fi
  t0=$(cpu_ticks)
  out=$(BATCH=$batch wrk -t1 -c"$2" -d"${secs}s" -s "$3" "$url")
  ticks=$(($(cpu_ticks) - t0))
  if grep -q "Non-2xx" <<<"$out"; then
    echo "non-2xx answers from $url:" >&2
    echo "$out" >&2
    exit 1
  fi
  result=$(awk '/^Requests\/sec:/ {printf "%d\n", $2}' <<<"$out")
  if [ "$1" = yes ]; then close_console; fi
  stop_server
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", b / a}'; }

# row MEASURE UNIT SCALE CONNECTIONS SCRIPT: throughput, and the server's CPU microseconds per
# event (per request for single events: SCALE 1).
row() {
  local without=() with=() ratios=() cpu_without=() cpu_with=() order n cpu
  for i in $(seq "$runs"); do
    for order in $([ $((i % 2)) -eq 1 ] && echo "no yes" || echo "yes no"); do
      measure "$order" "$4" "$5"
      n=$((result * $3))
      cpu=$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" -v n="$n" -v s="$secs" \
        'BEGIN {printf "%.2f", t / hz * 1e6 / (n * s)}')
      if [ "$order" = yes ]; then with+=("$n") cpu_with+=("$cpu"); else without+=("$n") cpu_without+=("$cpu"); fi
    done
    ratios+=("$(ratio "${without[-1]}" "${with[-1]}")")
  done
  local a b
  a=$(printf '%s\n' "${without[@]}" | median)
  b=$(printf '%s\n' "${with[@]}" | median)
  echo "| $1 | **$a** $2 | **$b** $2 | $(ratio "$a" "$b") | $(printf '%s\n' "${ratios[@]}" | median) |" \
    "${without[*]} | ${with[*]} |"
  a=$(printf '%s\n' "${cpu_without[@]}" | median)
  b=$(printf '%s\n' "${cpu_with[@]}" | median)
  echo "| $1: server CPU | **$a** µs/event | **$b** µs/event | $(ratio "$a" "$b") | |" \
    "${cpu_without[*]} | ${cpu_with[*]} |"
}

# The console's own cost on a loaded store: the idle server's CPU over 10 s, without and then
# with the console open, after one batched run filled it (about a million events on 1,000
# accounts).
idle_cost() {
  local t0 without with
  start_server --workers 0 --store mem:
  BATCH=$batch wrk -t1 -c8 -d"${secs}s" -s bench/post_batch.lua "$url" > /dev/null
  sleep 1
  t0=$(cpu_ticks); sleep 10; without=$(($(cpu_ticks) - t0))
  open_console
  t0=$(cpu_ticks); sleep 10; with=$(($(cpu_ticks) - t0))
  close_console
  local pending
  pending=$(curl -sf "$url/v1/stats" | sed -E 's/.*"pending":([0-9]+).*/\1/')
  stop_server
  local hz
  hz=$(getconf CLK_TCK)
  echo "| idle server's CPU, $pending events pending | $(awk -v t="$without" -v hz="$hz" \
    'BEGIN {printf "%.1f", t * 100 / hz}') ms/s | $(awk -v t="$with" -v hz="$hz" \
    'BEGIN {printf "%.1f", t * 100 / hz}') ms/s | | | | |"
}

echo "| measure | no browser | console open | with / without (medians) | median of the runs' with / without | runs without | runs with |"
echo "|---|---|---|---|---|---|---|"
row "1,000-event NDJSON POST" "events/s" "$batch" 8 bench/post_batch.lua
row "single-event POST" "req/s" 1 64 bench/post_event.lua
idle_cost
