# shellcheck shell=bash disable=SC2034  # REDIS_URL and friends are for the sourcing script
# Shared by the Redis benchmarks (source it): a private redis-server on a free 127.0.0.1 port,
# background processes that are always stopped (by pid) when the script ends, and a median.
#
#   redis_start           starts the server; sets REDIS_PORT, REDIS_PID, REDIS_URL
#                         ($REDIS_SERVER_ARGS: more redis-server arguments, for experiments)
#   bench_spawn OUT CMD   runs CMD in the background (stdout to OUT); its pid goes in BENCH_PID
#   median                median of the numbers on stdin, one per line
#
# Sourcing it installs an EXIT trap that stops every process started through it (workers
# first, then the server) and removes its temporary directory; INT and TERM exit through it.

BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/strandq-redis-bench.XXXXXX")
BENCH_PIDS=()
REDIS_PID=

bench_cleanup() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${BENCH_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  BENCH_PIDS=()
  if [ -n "$REDIS_PID" ]; then
    kill "$REDIS_PID" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$REDIS_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$REDIS_PID" 2>/dev/null || true
    wait "$REDIS_PID" 2>/dev/null || true
    REDIS_PID=
  fi
  rm -rf "$BENCH_TMP"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

# A port nobody answers on now (it may still be taken before the server binds: redis_start
# tries again then).
bench_free_port() {
  local port
  for _ in $(seq 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

redis_start() {
  local attempt
  for attempt in 1 2 3 4 5; do
    REDIS_PORT=$(bench_free_port)
    mkdir -p "$BENCH_TMP/redis"
    # shellcheck disable=SC2086  # REDIS_SERVER_ARGS is split into words on purpose
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$BENCH_TMP/redis" \
      --save '' --appendonly no --daemonize no --loglevel warning ${REDIS_SERVER_ARGS:-} \
      > "$BENCH_TMP/redis.log" 2>&1 &
    REDIS_PID=$!
    for _ in $(seq 100); do
      if [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; then
        REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
        return 0
      fi
      kill -0 "$REDIS_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$REDIS_PID" 2>/dev/null || true
    wait "$REDIS_PID" 2>/dev/null || true
    REDIS_PID=
    echo "redis-server did not come up on port $REDIS_PORT (attempt $attempt):" >&2
    cat "$BENCH_TMP/redis.log" >&2
  done
  return 1
}

rcli() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }

bench_spawn() {
  local out=$1
  shift
  "$@" > "$out" 2>&1 &
  BENCH_PID=$!
  BENCH_PIDS+=("$BENCH_PID")
}

# Waits for every spawned process; fails if one failed.
bench_wait_all() {
  local pid failed=0
  for pid in "${BENCH_PIDS[@]}"; do wait "$pid" || failed=1; done
  BENCH_PIDS=()
  return "$failed"
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

now_s() { date +%s.%N; }
