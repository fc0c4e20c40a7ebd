#!/usr/bin/env bash
# Push delivery (`--work http://...`) measured side by side with what it is compared to.
# Usage: bench/push.sh BUILD_DIR [RUNS]
# 1. No-op: build/bench/push_responder (Beast, one thread, answers 200 at once). Each run:
#    wrk (one thread, W connections, bench/post_push.lua: the POST a push makes), then
#    `strandq run --work http://...` with W slots over 200,000 events (events / makespan).
# 2. The same no-op logic in Python: examples/push_handler.py pushed to, against exec: of a
#    Python one-liner that reads its payload (one interpreter per event).
# 3. Efficiency on the seed list at 10 ms per event through examples/push_handler.py (threads)
#    and examples/push_handler_async.py (asyncio), each --work-ms 10 with one process per core,
#    W = 100: makespan / (100 x 10 ms), by `strandq verify --unit 10ms`; beside them
#    `--work sleep:10ms`, the same schedule in-process. Both services run throughout; each run
#    measures the three one after the other.
# Prints markdown tables: medians of RUNS runs, every run, and the ratios of the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
build=$1 runs=${2:-5}
bin=$build/strandq csv=bench/workloads/seed-10000.csv
W=64
tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
# The interpreter itself, not a version manager's shim script (exec: starts one per event).
py=$(python3 -c 'import sys; print(sys.executable)')

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

start() {  # COMMAND... : a server that prints "listening on URL"
  # Emptied here: the child truncates it only once it runs, and the last server's line must
  # not be taken for this one's.
  : > "$tmp/server.out"
  "$@" > "$tmp/server.out" 2> "$tmp/server.err" &
  pids+=($!)
  for _ in $(seq 3000); do
    grep -q '^listening on ' "$tmp/server.out" 2>/dev/null && break
    sleep 0.01
  done
  url=$(awk '/^listening on / {print $3; exit}' "$tmp/server.out")
  [ -n "$url" ] || { echo "bench/push.sh: $* did not start:" >&2; cat "$tmp/server.err" >&2; exit 1; }
}
stop() {  # every server started
  for p in "${pids[@]}"; do kill "$p"; wait "$p" 2>/dev/null || true; done
  pids=()
}

wrk_rate() {  # -> requests/s of W connections for 3 s
  local out
  out=$(wrk -t1 -c"$W" -d3s -s bench/post_push.lua "$url")
  grep -q "Non-2xx" <<<"$out" && { echo "non-2xx answers from $url" >&2; exit 1; }
  awk '/^Requests\/sec:/ {printf "%d\n", $2}' <<<"$out"
}

run_rate() {  # EVENTS WORK -> events/s of `strandq run` (events / makespan)
  local out
  out=$("$bin" run --events "$1" --accounts 10000 --workers "$W" --work "$2")
  grep -q "verification: OK" <<<"$out" || { echo "verification failed:" >&2; echo "$out" >&2; exit 1; }
  awk -v n="$1" '/^makespan:/ {
      v = $2; s = v + 0
      if (v ~ /ms$/) s /= 1e3; else if (v ~ /us$/) s /= 1e6; else if (v ~ /m$/) s *= 60
      printf "%d\n", n / s }' <<<"$out"
}

row() {  # LABEL UNIT VALUES... -> "| label | **median** unit | runs |", median in $med
  local label=$1 unit=$2
  shift 2
  med=$(printf '%s\n' "$@" | median)
  echo "| $label | **$med** $unit | $* |"
}

echo "### No-op: push against wrk on the same responder ($W connections)"
echo
echo "| measure | median | runs |"
echo "|---|---|---|"
start "$build/bench/push_responder"
wrk_runs=() push_runs=()
for _ in $(seq "$runs"); do
  wrk_runs+=("$(wrk_rate)")
  push_runs+=("$(run_rate 200000 "$url")")
done
stop
row "wrk, \`bench/post_push.lua\`" "req/s" "${wrk_runs[@]}"
wrk_med=$med
row "\`strandq run --workers $W --work http://...\`" "events/s" "${push_runs[@]}"
echo
echo "Push / wrk: **$(ratio "$med" "$wrk_med")** (goal >= 0.5)."
echo
echo "### The same no-op logic in Python: push against exec: ($W slots)"
echo
echo "| measure | median | runs |"
echo "|---|---|---|"
start "$py" examples/push_handler.py --port 0
py_push=() py_exec=()
for _ in $(seq "$runs"); do
  py_push+=("$(run_rate 20000 "$url")")
  py_exec+=("$(run_rate 300 "exec:$py -c 'import sys; sys.stdin.read()'")")
done
stop
row "\`--work http://...\` to \`examples/push_handler.py\`" "events/s" "${py_push[@]}"
push_med=$med
row "\`--work 'exec:python3 -c ...'\` (reads the payload)" "events/s" "${py_exec[@]}"
echo
echo "Push / exec: **$(ratio "$push_med" "$med")** (goal >= 100)."
echo
push_efficiency() {  # URL -> efficiency of the seed list pushed to URL, verified
  local out
  "$bin" run --input "$csv" --workers 100 --work "$1" --log "$tmp/eff.jsonl" > /dev/null
  out=$("$bin" verify "$tmp/eff.jsonl" --workers 100 --unit 10ms)
  grep -q "verification: OK" <<<"$out" || { echo "verification failed:" >&2; echo "$out" >&2; exit 1; }
  awk '/^efficiency:/ {print $2}' <<<"$out"
  rm -f "$tmp/eff.jsonl"
}

echo "### Efficiency on the seed list, 10 ms per event in the Python push services, W = 100"
echo
echo "| work | median efficiency | runs |"
echo "|---|---|---|"
procs=$(nproc)
start "$py" examples/push_handler.py --port 0 --work-ms 10 --processes "$procs"
threaded_url=$url
start "$py" examples/push_handler_async.py --port 0 --work-ms 10 --processes "$procs"
async_url=$url
eff=() eff_async=() eff_sleep=()
for _ in $(seq "$runs"); do
  eff+=("$(push_efficiency "$threaded_url")")
  eff_async+=("$(push_efficiency "$async_url")")
  out=$("$bin" run --input "$csv" --workers 100 --work sleep:10ms)
  eff_sleep+=("$(awk '/^efficiency:/ {print $2}' <<<"$out")")
done
stop
row "\`--work http://...\` (\`push_handler.py --work-ms 10 --processes $procs\`)" "" "${eff[@]}"
row "\`--work http://...\` (\`push_handler_async.py --work-ms 10 --processes $procs\`)" "" \
  "${eff_async[@]}"
row "\`--work sleep:10ms\` (in-process timer, same run)" "" "${eff_sleep[@]}"
echo
echo "Goal <= 1.05."
