#!/usr/bin/env bash
# Pull workers over `strandq serve` (README "Workers in any language (pull)"), two measures:
#   bench/pull.sh throughput BUILD_DIR [RUNS] [EVENTS]
#     No-op pull: bench/pull_bench (C++, 4 clients, 100-event batches, each request settling the
#     previous batch) against `serve --workers 0` on mem:, filled with EVENTS events over 10,000
#     accounts by `strandq generate --to http://`; beside it, in the same run and server, the
#     events/s of that ingest and of the same clients with separate lease and settle requests.
#     One markdown row per measure: median, every run, ratio to the ingest's median.
#   bench/pull.sh efficiency BUILD_DIR CSV [RUNS] [PROCS] [CONCURRENCY] [ASYNC_PROCS]
#     The seed workload at 10 ms per event through PROCS Python pull workers
#     (examples/pull_worker.py --sleep-ms 10) of CONCURRENCY leases each (W = PROCS x
#     CONCURRENCY), and through examples/pull_worker_async.py --processes ASYNC_PROCS (default
#     2) holding W leases in all, each checked and measured by `strandq verify LOG --input CSV
#     --workers W --unit 10ms`; beside them, the built-in pool on the same workload (`strandq
#     run --workers W --work sleep:10ms`). One markdown row each: median efficiency, every run,
#     ratio to the pool's.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=$1 build=$2
bin=$build/strandq
tmp=$(mktemp -d)
pid=
workers=()
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; for w in "${workers[@]}"; do kill "$w" 2>/dev/null; done; rm -rf "$tmp"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

start_server() {
  : > "$tmp/serve.out"  # the child truncates it only once it runs: not the last server's line
  "$bin" serve --bind 127.0.0.1:0 --workers 0 "$@" > "$tmp/serve.out" 2> "$tmp/serve.err" &
  pid=$!
  for _ in $(seq 500); do
    grep -q '^listening on ' "$tmp/serve.out" 2>/dev/null && break
    sleep 0.01
  done
  address=$(awk '/^listening on / {print $3; exit}' "$tmp/serve.out")
}

stop_server() {
  kill -TERM "$pid"
  wait "$pid" || { cat "$tmp/serve.out" "$tmp/serve.err" >&2; exit 1; }
  pid=
}

throughput() {
  local runs=${1:-5} events=${2:-300000}
  local ingest=() combined=() separate=()
  start_server
  for _ in $(seq "$runs"); do
    for variant in combined separate; do
      out=$("$bin" generate --to "http://$address" --events "$events" --accounts 10000 --seed 3)
      ingest+=("$(awk '/^accepted:/ {gsub(/[(]/, "", $(NF-1)); print int($(NF-1))}' <<<"$out")")
      flag=()
      [ "$variant" = separate ] && flag=(--separate)
      out=$("$build/bench/pull_bench" "${address%:*}" "${address##*:}" 4 100 "${flag[@]}")
      grep -q "^settled: $events\$" <<<"$out" || { echo "$out" >&2; exit 1; }
      rate=$(awk '/^events\/s:/ {print $2}' <<<"$out")
      if [ "$variant" = combined ]; then combined+=("$rate"); else separate+=("$rate"); fi
    done
  done
  stop_server
  local base
  base=$(printf '%s\n' "${ingest[@]}" | median)
  echo "| measure | median events/s | runs | / ingest |"
  echo "|---|---|---|---|"
  echo "| ingest: \`generate --to http://\` (4 connections, 100-event NDJSON) | **$base** | ${ingest[*]} | 1.00 |"
  for variant in combined separate; do
    local -n values=$variant
    local med label
    med=$(printf '%s\n' "${values[@]}" | median)
    label="pull, 4 clients x 100: lease + settle in one request"
    [ "$variant" = separate ] && label="pull, 4 clients x 100: lease, then settle (two requests)"
    echo "| $label | **$med** | ${values[*]} | $(ratio "$med" "$base") |"
  done
}

# One run of the seed workload through pull workers: starts a server with the workload, runs
# the command given (once per process p: "{p}" in it is replaced), verifies the server's log.
# Sets `eff` to the efficiency (in this shell, not a subshell: the EXIT trap stops the server).
pulled_run() {
  local csv=$1 w=$2 procs=$3 log=$tmp/pull-$RANDOM.jsonl
  shift 3
  start_server --log "$log"
  "$bin" generate --to "http://$address" --input "$csv" > /dev/null
  workers=()
  for p in $(seq "$procs"); do
    "${@//\{p\}/$p}" --url "http://$address" > "$tmp/worker$p.out" 2>&1 &
    workers+=($!)
  done
  for w_pid in "${workers[@]}"; do wait "$w_pid" || { cat "$tmp"/worker*.out >&2; exit 1; }; done
  workers=()
  stop_server
  out=$("$bin" verify "$log" --input "$csv" --workers "$w" --unit 10ms) || { echo "$out" >&2; exit 1; }
  rm -f "$log"
  eff=$(awk '/^efficiency:/ {print $2}' <<<"$out")
}

efficiency() {
  local csv=$1 runs=${2:-5} procs=${3:-4} conc=${4:-25} aprocs=${5:-2}
  local w=$((procs * conc)) pulled=() asynced=() pooled=()
  local aconc=$((w / aprocs))
  local idle=(--sleep-ms 10 --wait-ms 100 --exit-when-idle-ms 300)
  for run in $(seq "$runs"); do
    out=$("$bin" run --input "$csv" --work sleep:10ms --workers "$w")
    grep -q "verification: OK" <<<"$out" || { echo "$out" >&2; exit 1; }
    pooled+=("$(awk '/^efficiency:/ {print $2}' <<<"$out")")
    pulled_run "$csv" "$w" "$procs" python3 examples/pull_worker.py --name "w{p}" \
      --concurrency "$conc" "${idle[@]}"
    pulled+=("$eff")
    pulled_run "$csv" "$w" 1 python3 examples/pull_worker_async.py --name a \
      --processes "$aprocs" --concurrency "$aconc" "${idle[@]}"
    asynced+=("$eff")
  done
  local pool_med pull_med async_med
  pool_med=$(printf '%s\n' "${pooled[@]}" | median)
  pull_med=$(printf '%s\n' "${pulled[@]}" | median)
  async_med=$(printf '%s\n' "${asynced[@]}" | median)
  echo "| workers (W = $w) | median efficiency | runs | / built-in pool |"
  echo "|---|---|---|---|"
  echo "| built-in pool: \`strandq run --workers $w --work sleep:10ms\` | **$pool_med** | ${pooled[*]} | 1.00 |"
  echo "| $procs Python pull workers x $conc leases (examples/pull_worker.py, threads) | **$pull_med** | ${pulled[*]} | $(ratio "$pull_med" "$pool_med") |"
  echo "| $aprocs asyncio process(es) x $aconc leases (examples/pull_worker_async.py) | **$async_med** | ${asynced[*]} | $(ratio "$async_med" "$pool_med") |"
}

case $mode in
  throughput) throughput "${@:3}" ;;
  efficiency) efficiency "${@:3}" ;;
  *) echo "usage: bench/pull.sh throughput|efficiency BUILD_DIR ..." >&2; exit 2 ;;
esac
