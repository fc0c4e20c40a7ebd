#!/usr/bin/env bash
# The durable embedded store's benchmarks (sqlite:), printed as the markdown section of
# docs/BENCHMARKS.md that bench/run-all includes. Every ratio is to something measured in the
# same run, runs alternating between the set-ups; every figure is a median of RUNS runs.
# Usage: bash bench/sqlite.sh [BUILD_DIR] [RUNS] [EVENTS]     (after `make build`; 3, 1000000)
# Measures, in this order:
#   - the disk's fsync rate (write + fdatasync on a file beside the databases): the physical
#     limit of sync=full, one fsync per group commit;
#   - HTTP ingest: `strandq serve --workers 0` with mem:, sqlite ?sync=full and ?sync=normal,
#     wrk posting 1,000-event NDJSON batches (bench/post_batch.lua, 8 connections, 3 s);
#   - no-op processing of EVENTS events over 10,000 accounts (`strandq run --work noop
#     --workers 1000`: enqueued first, then processed; events/s = EVENTS / makespan) on mem:,
#     sqlite (full, normal) and a Redis with --appendonly yes --appendfsync always;
#   - efficiency on the seed list at sleep:10ms, W = 100, mem: against sqlite (sync=full);
#   - reopening a store holding EVENTS pending events of 1 KiB, and the resident memory of the
#     process that filled it and of the one that reopened it.
# Loopback only. Its servers (strandq serve, redis-server) run on free 127.0.0.1 ports and are
# stopped by pid; its databases live in a temporary directory removed at the end, also on
# failure or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
runs=${2:-3}
events=${3:-1000000}
bin=$build/strandq
bench=$build/bench/sqlite_bench
csv=bench/workloads/seed-10000.csv
for f in "$bin" "$bench"; do [ -x "$f" ] || { echo "missing $f (make build)" >&2; exit 1; }; done
for c in wrk redis-server redis-cli; do
  command -v "$c" > /dev/null || { echo "$c is not installed (make deps)" >&2; exit 1; }
done
# shellcheck source=bench/redis_lib.sh
source bench/redis_lib.sh  # BENCH_TMP, redis_start, median; its EXIT trap stops redis-server
tmp=$BENCH_TMP pid=
# shellcheck source=bench/serve_lib.sh
source bench/serve_lib.sh  # start_server, stop_server (the server's pid in $pid)
trap 'if [ -n "$pid" ]; then stop_server; fi; bench_cleanup' EXIT
db=$BENCH_TMP/db
mkdir -p "$db"
load() { cut -d' ' -f1-3 /proc/loadavg; }
med() { printf '%s\n' "$@" | median; }
row() {  # LABEL BASE VALUES...: a table row with the median, the runs and median / BASE
  local label=$1 base=$2 m
  shift 2
  m=$(med "$@")
  echo "| $label | **$m** | $* | $(ratio "$m" "$base") |"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
# Seconds in a duration as `strandq run` prints it (1.5m, 13.9s, 250ms, 12us).
seconds() {
  awk -v d="$1" 'BEGIN {
    if (d ~ /ms$/) print substr(d, 1, length(d) - 2) / 1e3
    else if (d ~ /us$/) print substr(d, 1, length(d) - 2) / 1e6
    else if (d ~ /m$/) print substr(d, 1, length(d) - 1) * 60
    else if (d ~ /h$/) print substr(d, 1, length(d) - 1) * 3600
    else print substr(d, 1, length(d) - 1) }'
}
# Runs a command for at most 20 minutes (its stderr kept in $BENCH_TMP/last.err); a command
# that takes longer is killed and ends the script with its stderr.
bounded() {
  local rc=0
  timeout 1200 "$@" 2> "$BENCH_TMP/last.err" || rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "bench/sqlite.sh: '$*' failed (exit $rc; 124: timed out after 20 minutes):" >&2
    cat "$BENCH_TMP/last.err" >&2
    exit 1
  fi
}
fresh_db() { rm -f "$db"/*; echo "sqlite:$db/store.db$1"; }

echo "## Durable embedded store (sqlite:)"
echo
echo "Measured by \`bash bench/sqlite.sh $build $runs $events\` on $(date -u +%Y-%m-%d), commit"
echo "$(git rev-parse --short HEAD), $(nproc) cores shared with other jobs, SQLite $("$bench" version),"
echo "databases in a temporary directory on $(df --output=source "$db" | tail -1); load average"
echo "$(load) at the start. Medians of $runs runs; each ratio is to a set-up measured in the same"
echo "run, the set-ups alternating."
echo

# --- fsync rate -----------------------------------------------------------------------------
fsyncs=()
for _ in $(seq "$runs"); do fsyncs+=("$("$bench" fsync "$db" 1 | awk '{print $2}')"); done
fsync_rate=$(med "${fsyncs[@]}")
echo "### The disk's fsync rate"
echo
echo "\`$bench fsync DIR 1\`: 4 KiB write + fdatasync in a loop, on a file beside the databases:"
echo "**$fsync_rate** fsyncs/s (runs: ${fsyncs[*]}). With \`sync=full\` each group commit costs one"
echo "(the WAL's), so commits/s cannot exceed it; events/s beyond it come from events per commit."
echo

# --- HTTP ingest ----------------------------------------------------------------------------
ingest() {  # STORE_URL -> events/s
  local out
  start_server --workers 0 --store "$1"
  out=$(BATCH=1000 wrk -t1 -c8 -d3s -s bench/post_batch.lua "$url")
  stop_server
  if grep -q "Non-2xx" <<<"$out"; then echo "non-2xx answers:" >&2; echo "$out" >&2; exit 1; fi
  awk '/^Requests\/sec:/ {printf "%d\n", $2 * 1000}' <<<"$out"
}
http_mem=() http_full=() http_normal=()
for _ in $(seq "$runs"); do
  http_mem+=("$(ingest mem:)")
  http_full+=("$(ingest "$(fresh_db '?sync=full')")")
  http_normal+=("$(ingest "$(fresh_db '?sync=normal')")")
done
m_mem=$(med "${http_mem[@]}")
echo "### HTTP ingest (\`strandq serve --workers 0\`, 1,000-event NDJSON POSTs)"
echo
echo "wrk -t1 -c8 -d3s with bench/post_batch.lua (1,000 accounts), a fresh server (and database)"
echo "per measure. Goal: sync=full >= 300,000 events/s and >= 0.3 of mem:."
echo
echo "| store | median events/s | runs | / mem: |"
echo "|---|---|---|---|"
row "\`mem:\`" "$m_mem" "${http_mem[@]}"
row "\`sqlite:...?sync=full\`" "$m_mem" "${http_full[@]}"
row "\`sqlite:...?sync=normal\`" "$m_mem" "${http_normal[@]}"
echo

# --- no-op processing -------------------------------------------------------------------------
REDIS_SERVER_ARGS="--appendonly yes --appendfsync always" redis_start
drain() {  # STORE_URL -> events/s of the processing (enqueue excluded)
  local out
  out=$(bounded "$bin" run --store "$1" --events "$events" --accounts 10000 --work noop \
    --workers 1000)
  grep -q "verification: OK" <<<"$out" || { echo "verification failed:" >&2; echo "$out" >&2; exit 1; }
  awk -v n="$events" -v s="$(seconds "$(awk '/^makespan:/ {print $2}' <<<"$out")")" \
    'BEGIN {printf "%d\n", n / s}'
}
run_mem=() run_full=() run_normal=() run_redis=()
for _ in $(seq "$runs"); do
  run_mem+=("$(drain mem:)")
  run_full+=("$(drain "$(fresh_db '?sync=full')")")
  run_normal+=("$(drain "$(fresh_db '?sync=normal')")")
  rcli flushall > /dev/null
  run_redis+=("$(drain "$REDIS_URL")")
done
rm -f "$db"/*
d_redis=$(med "${run_redis[@]}")
echo "### No-op processing of $events durable events"
echo
echo "\`strandq run --store URL --events $events --accounts 10000 --work noop --workers 1000\`:"
echo "the events are enqueued first, then processed; events/s = events / makespan (the processing"
echo "alone). Redis: $(redis-server --version | sed 's/ sha=.*//'), started by the script on a free"
echo "loopback port with \`--appendonly yes --appendfsync always\` (its directory in the temporary"
echo "one), flushed before each run. Goal: sync=full >= 250,000 events/s and >= 4x the Redis."
echo
echo "| store | median events/s | runs | / Redis always |"
echo "|---|---|---|---|"
row "\`mem:\` (reference)" "$d_redis" "${run_mem[@]}"
row "\`sqlite:...?sync=full\`" "$d_redis" "${run_full[@]}"
row "\`sqlite:...?sync=normal\`" "$d_redis" "${run_normal[@]}"
row "\`redis://\` appendfsync always" "$d_redis" "${run_redis[@]}"
echo

# --- efficiency ----------------------------------------------------------------------------
efficiency() {  # STORE_URL
  local out
  out=$(bounded "$bin" run --input "$csv" --store "$1" --work sleep:10ms --workers 100)
  grep -q "verification: OK" <<<"$out" || { echo "verification failed:" >&2; echo "$out" >&2; exit 1; }
  awk '/^efficiency:/ {print $2}' <<<"$out"
}
eff_mem=() eff_full=()
for _ in $(seq "$runs"); do
  eff_mem+=("$(efficiency mem:)")
  eff_full+=("$(efficiency "$(fresh_db '?sync=full')")")
done
rm -f "$db"/*
e_mem=$(med "${eff_mem[@]}")
e_full=$(med "${eff_full[@]}")
echo "### Efficiency on the seed workload, sleep:10ms, W = 100"
echo
echo "\`strandq run --input $csv --store URL --work sleep:10ms --workers 100\` (LB = 1 s)."
echo "Goal: sqlite within 0.01 of mem:."
echo
echo "| store | median efficiency | runs |"
echo "|---|---|---|"
echo "| \`mem:\` | **$e_mem** | ${eff_mem[*]} |"
echo "| \`sqlite:...?sync=full\` | **$e_full** | ${eff_full[*]} |"
echo
echo "Difference: $(awk -v a="$e_full" -v b="$e_mem" 'BEGIN {printf "%.3f", a - b}')."
echo

# --- reopening and memory --------------------------------------------------------------------
fill_url=$(fresh_db '?sync=normal')
read -r fill_rate fill_rss < <(bounded "$bench" fill "$fill_url" "$events" 10000 1024 |
  awk '/^events_per_s/ {r = $2} /^rss_growth_mb/ {m = $2} END {print r, m}')
opens=() rss=() pending=
for _ in $(seq "$runs"); do
  out=$(bounded "$bench" reopen "${fill_url%%\?*}")
  opens+=("$(awk '/^open_s/ {print $2}' <<<"$out")")
  rss+=("$(awk '/^rss_mb/ {print $2}' <<<"$out")")
  pending=$(awk '/^pending/ {print $2}' <<<"$out")
done
db_mb=$(du -m "$db/store.db" | cut -f1)
rm -f "$db"/*
echo "### Reopening $events pending events of 1 KiB, and resident memory"
echo
echo "\`$bench fill URL $events 10000 1024\` (batches of 1,000, sync=normal: the fill itself"
echo "is not measured against a goal) enqueued them at $fill_rate events/s into a $db_mb MB file;"
echo "then \`$bench reopen URL\`, $runs times, each a new process: open (rebuild the state,"
echo "apply the restart rule, commit it) and read the stats. Goals: open <= 2 s; RSS <= 200 MB."
echo
echo "| measure | median | runs |"
echo "|---|---|---|"
echo "| reopen, s ($pending pending) | **$(med "${opens[@]}")** | ${opens[*]} |"
echo "| RSS after reopening, MB | **$(med "${rss[@]}")** | ${rss[*]} |"
echo "| RSS growth of the filling process, MB | **$fill_rss** | |"
echo
echo "Load average at the end: $(load)."
