#!/usr/bin/env bash
# Latency of GET /v1/accounts?sort=backlog&limit=20 (the console's first call) with ACCOUNTS
# accounts pending, on mem:, sqlite: and redis://, measured with wrk --latency on loopback.
# Usage: bench/accounts_http.sh BINARY [ACCOUNTS] [RUNS] [SECONDS] [STORES]
# The workload: account i holds 1 event, 2 when i is a multiple of 7, 6 more when a multiple of
# 101 (backlogs to sort). mem: is filled through serve (generate --to http://), sqlite: and
# redis:// directly (generate --to URL), then served by `serve --workers 0`. For each store,
# RUNS wrk runs of SECONDS s over 1 connection (one request at a time: each request's own
# latency); prints one markdown row per store: median p50 and p99 of the runs, every run's p99,
# and requests/s. Fails on any non-2xx answer.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "$1") accounts=${2:-1000000} runs=${3:-5} secs=${4:-5} stores=${5:-"mem sqlite redis"}
# shellcheck source=bench/redis_lib.sh
source bench/redis_lib.sh
tmp=$BENCH_TMP pid=
# shellcheck source=bench/serve_lib.sh
source bench/serve_lib.sh
path='/v1/accounts?sort=backlog&limit=20'

csv=$BENCH_TMP/accounts.csv
awk -v n="$accounts" 'BEGIN {
  print "account,seq,payload"
  for (i = 1; i <= n; i++) {
    k = 1 + (i % 7 == 0) + 6 * (i % 101 == 0)
    for (s = 1; s <= k; s++) printf "acct-%07d,%d,p\n", i, s
  }
}' > "$csv"

# `serve --workers 0` on STORE_URL; the EXIT trap of redis_lib.sh stops it if the script fails.
serve_store() {  # STORE_URL
  start_server --workers 0 --store "$1"
  BENCH_PIDS+=("$pid")
}

ms() {  # wrk's "1.23ms" / "850.00us" / "1.02s" -> milliseconds
  awk '{v = $1 + 0; if ($1 ~ /us$/) v /= 1000; else if ($1 ~ /[0-9]s$/) v *= 1000; printf "%.2f\n", v}' <<<"$1"
}


measure() {  # STORE -> one markdown row
  local store=$1 p50s=() p99s=() rates=() out
  curl -fsS "$url$path" > /dev/null  # warm: the first answer fills caches
  for _ in $(seq "$runs"); do
    out=$(wrk -t1 -c1 -d"${secs}s" --latency "$url$path")
    if grep -q "Non-2xx" <<<"$out"; then
      echo "non-2xx answers from $url$path:" >&2
      echo "$out" >&2
      exit 1
    fi
    p50s+=("$(ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")")
    p99s+=("$(ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")")
    rates+=("$(awk '/^Requests\/sec:/ {printf "%d\n", $2}' <<<"$out")")
  done
  echo "| $store | $accounts | $(printf '%s\n' "${p50s[@]}" | median) ms |" \
    "**$(printf '%s\n' "${p99s[@]}" | median) ms** | ${p99s[*]} |" \
    "$(printf '%s\n' "${rates[@]}" | median) |"
}

echo "| store | accounts | p50 (median) | p99 (median) | p99 of each run (ms) | req/s |"
echo "|---|---|---|---|---|---|"
for store in $stores; do
  case $store in
    mem)
      serve_store mem:
      "$bin" generate --to "$url" --input "$csv" --batch-size 1000 > /dev/null
      ;;
    sqlite)
      "$bin" generate --to "sqlite:$BENCH_TMP/q.db" --input "$csv" > /dev/null
      serve_store "sqlite:$BENCH_TMP/q.db"
      ;;
    redis)
      redis_start
      "$bin" generate --to "$REDIS_URL" --input "$csv" > /dev/null
      serve_store "$REDIS_URL"
      ;;
    *) echo "unknown store $store (mem, sqlite, redis)" >&2; exit 2 ;;
  esac
  measure "$store"
  stop_server
done
