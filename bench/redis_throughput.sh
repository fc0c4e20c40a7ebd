#!/usr/bin/env bash
# No-op throughput of `strandq worker` processes sharing one Redis store, against the ceiling of
# that server measured in the same run.
# Usage: bench/redis_throughput.sh BINARY [RUNS] [EVENTS] [ACCOUNTS] [PROCESSES] [SLOTS]
#        (defaults: 5 runs, 200000 events, 10000 accounts, 4 processes of 32 slots)
# Starts its own redis-server on a free 127.0.0.1 port (no persistence) and stops it at the
# end. Each run: `strandq generate --to redis://...` fills a new namespace, then PROCESSES
# workers (--work noop --exit-when-drained, no log) drain it; events/s = EVENTS / time from
# the workers' start to the moment the namespace counts every event acked. Then, on the same server, redis-benchmark
# runs EVALSHA of `return 1` with 8 connections: the ceiling of one script call per event.
# INFO commandstats gives the step calls (FCALL, or EVALSHA on Redis 6.2) per event and the
# server's µs per call. Prints a markdown table: every run, then the medians; "server-bound
# events/s" is 1e6 / the server's µs per event (µs per call x calls per event), what one Redis
# core could do if clients and network cost nothing.
# A last line measures the store's real claim script alone (one grant per call).
# BENCH_LOG=1: each worker also writes its event log (--log), to measure what logging costs.
set -euo pipefail
bin=$1 runs=${2:-5} events=${3:-200000} accounts=${4:-10000} procs=${5:-4} slots=${6:-32}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/redis_lib.sh
source "$here/redis_lib.sh"
latency_bench=${LATENCY_BENCH:-$(dirname "$bin")/bench/redis_latency_bench}
clients=8

redis_start
trivial_sha=$(rcli SCRIPT LOAD "return 1")

# Requests/s of `redis-benchmark ... ARGS` (quiet mode's "N requests per second").
bench_rps() {
  timeout 120 redis-benchmark -h 127.0.0.1 -p "$REDIS_PORT" -c "$clients" -P 1 -q "$@" |
    tr '\r' '\n' | awk '/requests per second/ {for (i = 1; i < NF; i++) if ($(i+1) == "requests") v = $i} END {print v}' |
    sed 's/.*: //'
}

# field=value of one cmdstat line of INFO commandstats (0 if the command was not called).
cmdstat() {
  rcli INFO commandstats | tr -d '\r' | awk -F'[:,=]' -v cmd="cmdstat_$1" -v f="$2" \
    '$1 == cmd {for (i = 2; i < NF; i += 2) if ($i == f) v = $(i+1)} END {print v + 0}'
}

rows=()
ev_s=() ceil=() ratio=() per_event=() usec=() bound=()
for run in $(seq "$runs"); do
  url="$REDIS_URL?prefix=tp$run"
  timeout 300 "$bin" generate --to "$url" --events "$events" --accounts "$accounts" \
    > "$BENCH_TMP/generate.out" 2>&1 || { cat "$BENCH_TMP/generate.out" >&2; exit 1; }
  rcli CONFIG RESETSTAT > /dev/null
  start=$(now_s)
  for p in $(seq "$procs"); do
    log_args=()
    [ "${BENCH_LOG:-0}" = 1 ] && log_args=(--log "$BENCH_TMP/worker$p.jsonl")
    bench_spawn "$BENCH_TMP/worker$p.out" timeout 300 "$bin" worker --store "$url" \
      --workers "$slots" --work noop --exit-when-drained --id "tp$run-w$p" "${log_args[@]}"
  done
  # Drained = every event acked ({P}:stats, docs/redis-protocol.md), polled every 0.1 s: a
  # worker notices the drain only when its claim wait (1 s) runs out, so its exit comes later.
  end=
  for _ in $(seq 3000); do
    [ "$(rcli HGET "{tp$run}:stats" acked)" = "$events" ] && { end=$(now_s); break; }
    sleep 0.1
  done
  bench_wait_all || { cat "$BENCH_TMP"/worker*.out >&2; exit 1; }
  exited=$(now_s)
  [ -n "$end" ] || { echo "run $run: not drained" >&2; exit 1; }
  acked=$(cat "$BENCH_TMP"/worker*.out | sed -n 's/.*: acked \([0-9]*\),.*/\1/p' | awk '{s += $1} END {print s}')
  [ "$acked" = "$events" ] || { echo "acked $acked of $events" >&2; cat "$BENCH_TMP"/worker*.out >&2; exit 1; }
  # The store's steps are FCALLs on Redis 7 and EVALSHAs on 6.2: count both.
  calls=$(( $(cmdstat evalsha calls) + $(cmdstat fcall calls) + 0 ))
  us=$(awk -v u="$(( $(cmdstat evalsha usec) + $(cmdstat fcall usec) + 0 ))" -v c="$calls" \
    'BEGIN {printf "%.2f", u / c}')
  rps=$(bench_rps -n 200000 EVALSHA "$trivial_sha" 0)
  rcli FLUSHALL > /dev/null  # SCRIPT LOAD survives FLUSHALL
  e=$(awk -v n="$events" -v a="$start" -v b="$end" 'BEGIN {printf "%.0f", n / (b - a)}')
  r=$(awk -v e="$e" -v c="$rps" 'BEGIN {printf "%.2f", e / c}')
  pe=$(awk -v c="$calls" -v n="$events" 'BEGIN {printf "%.2f", c / n}')
  wall=$(awk -v a="$start" -v b="$end" -v c="$exited" 'BEGIN {printf "%.2f | %.2f", b - a, c - a}')
  sb=$(awk -v u="$us" -v p="$pe" 'BEGIN {printf "%.0f", 1e6 / (u * p)}')
  ev_s+=("$e") ceil+=("$(printf '%.0f' "$rps")") ratio+=("$r") per_event+=("$pe") usec+=("$us")
  bound+=("$sb")
  rows+=("| $run | $e | ${ceil[-1]} | $r | $pe | $us | $sb | $wall |")
done

m() { printf '%s\n' "$@" | median; }
echo "| run | events/s | ceiling: EVALSHA \`return 1\` calls/s | events/s ÷ ceiling | script calls per event | server µs per script call | server-bound events/s | s to drained | s to last exit |"
echo "|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo "| **median** | **$(m "${ev_s[@]}")** | **$(m "${ceil[@]}")** | **$(m "${ratio[@]}")** | $(m "${per_event[@]}") | $(m "${usec[@]}") | $(m "${bound[@]}") | | |"

# The real claim script, every call granting one lease: a namespace of single-event accounts.
if [ -x "$latency_bench" ]; then
  url="$REDIS_URL?prefix=ceiling"
  n=$((events / 4))
  timeout 300 "$bin" generate --to "$url" --events "$((2 * n))" --accounts "$((40 * n))" \
    --batch 1-1 > /dev/null 2>&1
  ready=$(rcli ZCARD "{ceiling}:ready")
  [ "$ready" -ge "$n" ] || { echo "only $ready accounts ready for $n claims" >&2; exit 1; }
  claim_sha=$(rcli SCRIPT LOAD "$("$latency_bench" --print-script claim)")
  rcli CONFIG RESETSTAT > /dev/null
  rps=$(bench_rps -n "$n" EVALSHA "$claim_sha" 1 "{ceiling}" longest 30000000 5 skip 1)
  echo
  echo "The store's real claim script alone (\`redis-benchmark -c $clients -n $n EVALSHA <claim> ...\`," \
    "every call granting one lease of $ready ready accounts): $(printf '%.0f' "$rps") calls/s," \
    "server $(cmdstat evalsha usec_per_call) µs per call."
fi
