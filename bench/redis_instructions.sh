#!/usr/bin/env bash
# Instructions the Redis server executes per event, counted by valgrind's callgrind: unlike a
# time, the count does not depend on the machine's load (runs repeat within ~0.3 %), so it
# compares two versions of the Lua steps on a shared machine. For each BINARY: a redis-server
# under callgrind, `strandq generate` filling a namespace (seeded), one `strandq worker --work
# noop --workers 32` draining it; instructions / events (enqueue, claim and complete together).
# Usage: bench/redis_instructions.sh BINARY [BINARY...]   (EVENTS=20000 ACCOUNTS=2000)
set -euo pipefail
events=${EVENTS:-20000} accounts=${ACCOUNTS:-2000}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/redis_lib.sh
source "$here/redis_lib.sh"

echo "| binary | server instructions per event |"
echo "|---|---|"
for bin in "$@"; do
  port=$(bench_free_port)
  valgrind --tool=callgrind --callgrind-out-file="$BENCH_TMP/callgrind.%p" \
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$BENCH_TMP" \
    > "$BENCH_TMP/valgrind.log" 2>&1 &
  REDIS_PID=$!
  for _ in $(seq 200); do
    [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] && break
    sleep 0.1
  done
  url="redis://127.0.0.1:$port?prefix=instructions"
  "$bin" generate --to "$url" --events "$events" --accounts "$accounts" --seed 7 > /dev/null 2>&1
  "$bin" worker --store "$url" --work noop --workers 32 --exit-when-drained > "$BENCH_TMP/worker.log" 2>&1 ||
    { echo "strandq worker failed:" >&2; cat "$BENCH_TMP/worker.log" >&2; exit 1; }
  redis-cli -p "$port" shutdown nosave > /dev/null 2>&1 || true
  wait "$REDIS_PID" || true
  REDIS_PID=
  total=$(awk '/Collected :/ {print $NF}' "$BENCH_TMP/valgrind.log" | tail -1)
  echo "| \`$bin\` | $(awk -v t="$total" -v n="$events" 'BEGIN {printf "%.0f", t / n}') |"
done
