#!/usr/bin/env bash
# Efficiency (makespan / lower bound) of `strandq worker` processes sharing one Redis store.
# Usage: bench/redis_efficiency.sh BINARY WORKLOAD_CSV WORK RUNS [PROCESSES] [SLOTS] [POLICY]
#        (defaults: 4 processes of 25 slots = W 100, policy longest)
# Starts its own redis-server on a free 127.0.0.1 port (no persistence) and stops it at the end,
# also on failure. Each run enqueues the workload into a new namespace (`strandq generate --to
# redis://... --input CSV`), starts PROCESSES workers with --exit-when-drained and a log each,
# then merges and checks the logs with `strandq verify LOG... --input CSV --workers W --unit U`
# (U = the sleep of WORK). Prints one markdown table row: the median efficiency and every run's.
set -euo pipefail
bin=$1 csv=$2 work=$3 runs=$4 procs=${5:-4} slots=${6:-25} policy=${7:-longest}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/redis_lib.sh
source "$here/redis_lib.sh"
workers=$((procs * slots))
unit=${work#sleep:}
[ "$unit" != "$work" ] || { echo "WORK must be sleep:DURATION" >&2; exit 2; }

redis_start
values=()
for run in $(seq "$runs"); do
  url="$REDIS_URL?prefix=eff$run"
  timeout 120 "$bin" generate --to "$url" --input "$csv" --policy "$policy" \
    > "$BENCH_TMP/generate.out" 2>&1 || { cat "$BENCH_TMP/generate.out" >&2; exit 1; }
  logs=()
  for p in $(seq "$procs"); do
    logs+=("$BENCH_TMP/run$run-w$p.jsonl")
    bench_spawn "$BENCH_TMP/worker$p.out" timeout 600 "$bin" worker --store "$url" \
      --workers "$slots" --work "$work" --policy "$policy" --exit-when-drained \
      --id "eff$run-w$p" --log "${logs[-1]}"
  done
  bench_wait_all || { cat "$BENCH_TMP"/worker*.out >&2; exit 1; }
  out=$(timeout 120 "$bin" verify "${logs[@]}" --input "$csv" --workers "$workers" --unit "$unit") ||
    { echo "verification failed:" >&2; echo "$out" >&2; exit 1; }
  grep -q "verification: OK" <<<"$out" || { echo "$out" >&2; exit 1; }
  values+=("$(awk '/^efficiency:/ {print $2}' <<<"$out")")
  rm -f "${logs[@]}"
  rcli FLUSHALL > /dev/null
done
med=$(printf '%s\n' "${values[@]}" | median)
echo "| $work | $workers ($procs x $slots) | $policy | **$med** | ${values[*]} |"
