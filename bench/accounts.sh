#!/usr/bin/env bash
# The operator's listing of a large store (Store::ListAccounts, limit 20) on mem:, sqlite: and
# redis://, printed as the markdown table of docs/BENCHMARKS.md ("Accounts listing").
# Usage: bash bench/accounts.sh [BUILD_DIR] [ACCOUNTS]     (after `make build`; default 1000000)
# The Redis server is private (a free 127.0.0.1 port, no persistence) and stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
accounts=${2:-1000000}
bench=$build/bench/accounts_bench
[ -x "$bench" ] || { echo "missing $bench" >&2; exit 1; }
# shellcheck source=bench/redis_lib.sh
source bench/redis_lib.sh
redis_start

echo "| store | events | fill events/s | first listing ms | backlog p50 / p99 ms | age p50 / p99 ms | paused p50 / p99 ms | stats p99 ms |"
echo "|---|---|---|---|---|---|---|---|"
for url in mem: "sqlite:$BENCH_TMP/accounts.db" "$REDIS_URL?prefix=accounts"; do
  out=$("$bench" "$url" "$accounts" --runs 5 --queries 200)
  value() { awk -F'\t' -v k="$1" '$1 == k { print $2 }' <<< "$out"; }
  median() { awk -F'\t' -v k="$1" -v c="$2" '$1 == k && $2 == "median" { print $c }' <<< "$out"; }
  name=${url%%\?*}
  case $name in sqlite:*) name=sqlite: ;; redis:*) name=redis:// ;; esac
  echo "| \`$name\` | $(value pending) | $(value fill_events_per_s) | $(value first_list_ms) |" \
    "$(median list_backlog_20 3) / **$(median list_backlog_20 4)** |" \
    "$(median list_age_20 3) / $(median list_age_20 4) |" \
    "$(median list_paused_20 3) / $(median list_paused_20 4) | $(median stats 4) |"
done
