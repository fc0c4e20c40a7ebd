#!/usr/bin/env bash
# Where a Redis server's time goes while `strandq worker`s drain a backlog: an instruction
# profile of redis-server under valgrind --tool=callgrind (instructions, not seconds, so the
# machine's load does not change it). Counters are zeroed after the backlog is enqueued, so the
# profile holds the workers' calls only: complete-and-claim-next calls (FCALL on Redis 7, EVALSHA
# on 6.2), one per event or fewer (a worker completes several leases per call when it can).
# Usage: bench/redis_profile.sh BINARY [EVENTS] [ACCOUNTS] [PROCESSES] [SLOTS]
#        (defaults: 20000 events, 2000 accounts, 4 processes of 32 slots; ~2-4 minutes)
# $WORKER_ARGS: more `strandq worker` flags (say --store-threads 2).
# Prints instructions per call and per event, and the inclusive share of the parts that matter.
set -euo pipefail
bin=$1 events=${2:-20000} accounts=${3:-2000} procs=${4:-4} slots=${5:-32}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/redis_lib.sh
source "$here/redis_lib.sh"
command -v valgrind > /dev/null || { echo "valgrind is not installed" >&2; exit 1; }

REDIS_PORT=$(bench_free_port)
mkdir -p "$BENCH_TMP/redis"
valgrind --tool=callgrind --callgrind-out-file="$BENCH_TMP/cg.out" \
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$BENCH_TMP/redis" --save '' \
  --appendonly no --daemonize no --loglevel warning > "$BENCH_TMP/valgrind.log" 2>&1 &
REDIS_PID=$!
for _ in $(seq 300); do
  [ "$(rcli ping 2>/dev/null)" = PONG ] && break
  sleep 0.2
done
url="redis://127.0.0.1:$REDIS_PORT?prefix=profile"
timeout 600 "$bin" generate --to "$url" --events "$events" --accounts "$accounts" > /dev/null 2>&1
rcli CONFIG RESETSTAT > /dev/null
callgrind_control -z "$REDIS_PID" > /dev/null 2>&1
for p in $(seq "$procs"); do
  bench_spawn "$BENCH_TMP/worker$p.out" timeout 900 "$bin" worker --store "$url" \
    --workers "$slots" --work noop --exit-when-drained ${WORKER_ARGS:-}
done
bench_wait_all || { cat "$BENCH_TMP"/worker*.out >&2; exit 1; }
rcli INFO commandstats | tr -d '\r' > "$BENCH_TMP/commandstats"
calls=$(cat "$BENCH_TMP/commandstats" |
  sed -n 's/^cmdstat_\(evalsha\|fcall\):calls=\([0-9]*\),.*/\2/p' | awk '{s += $1} END {print s}')
rcli SHUTDOWN NOSAVE > /dev/null 2>&1 || true
wait "$REDIS_PID" 2>/dev/null || true
REDIS_PID=

callgrind_annotate --inclusive=yes "$BENCH_TMP"/cg.out* 2>/dev/null |
  awk -v calls="$calls" -v events="$events" '
    function ir(s) { gsub(",", "", s); return s + 0 }
    /PROGRAM TOTALS/ { total = ir($1) }
    / \?\?\?:[a-zA-Z_]+ \[/ || /printf_fp.c:__printf_fp |strtod.c:strtod / {
      name = $0; sub(/.*:/, "", name); sub(/ .*/, "", name)
      if (!(name in seen)) { seen[name] = 1; v[name] = ir($1) }
    }
    END {
      printf "%d script/function calls for %d events, %.0f instructions per call, %.0f per event in redis-server\n\n", calls, events, total / calls, total / events
      printf "| part | share of redis-server instructions |\n|---|---|\n"
      n = split("evalGenericCommand|the script calls (EVALSHA)|fcallCommand|the function calls (FCALL)|lua_pcall|running the scripts (Lua VM + redis.call)|scriptCall|inside redis.call (the commands and their argument/reply conversion)|zaddCommand|ZADD|zzlInsert|of which sorted insert into a listpack zset (zzlInsert)|zremCommand|ZREM|hsetCommand|HSET|hgetCommand|HGET|hincrbyCommand|HINCRBY|zpopminCommand|ZPOPMIN|zrangeGenericCommand|ZRANGE/ZRANGEBYSCORE|lpFind|listpack lookups (lpFind: small hashes/zsets scanned linearly)|__printf_fp|doubles to text (printf %.17g)|strtod|text to doubles (strtod)|lua_gc|Lua garbage collector", f, "|")
      for (i = 1; i < n; i += 2) if (f[i] in v) printf "| %s | %.1f%% |\n", f[i + 1], 100 * v[f[i]] / total
    }'
echo
echo "Server commands per event (INFO commandstats, the scripts' own commands included):"
echo
awk -F'[:,=]' -v events="$events" '/^cmdstat_/ {
  sub(/^cmdstat_/, "", $1); printf "%s %.2f\n", $1, $3 / events }' "$BENCH_TMP/commandstats" |
  sort -k2 -nr | awk '$2 >= 0.01 {printf "%s%s %s", sep, $1, $2; sep = ", "} END {print ""}'
[ -z "${PROFILE_OUT:-}" ] || cat "$BENCH_TMP"/cg.out* > "$PROFILE_OUT"
