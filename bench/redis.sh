#!/usr/bin/env bash
# The Redis store's benchmarks (claim latency, no-op throughput, efficiency), printed as the
# markdown section of docs/BENCHMARKS.md that bench/run-all includes. Takes ~10 minutes
# (the last part runs redis-server under valgrind).
# Usage: bash bench/redis.sh [BUILD_DIR]     (after `make build`)
# Every script starts its own redis-server on a free 127.0.0.1 port and stops it (and every
# worker it started) when it ends, also on failure or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
bin=$build/strandq
csv=bench/workloads/seed-10000.csv
[ -f "$csv" ] || { echo "missing $csv" >&2; exit 1; }
[ -x "$build/bench/redis_latency_bench" ] || { echo "missing $build/bench/redis_latency_bench" >&2; exit 1; }
command -v redis-server > /dev/null || { echo "redis-server is not installed" >&2; exit 1; }
command -v redis-benchmark > /dev/null || { echo "redis-benchmark (redis-tools) is not installed" >&2; exit 1; }

echo "## Redis store (redis://)"
echo
echo "Measured by \`bash bench/redis.sh\` on $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD),"
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at the start (2 shared cores: every figure moves with it)."
echo "$(redis-server --version | sed 's/ sha=.*//'), on 127.0.0.1, no persistence (\`--save '' --appendonly no\`),"
echo "started by each benchmark on a free port and stopped at its end. Reproduce the whole"
echo "section: \`bash bench/redis.sh $build\`."
echo
echo "### Claim latency (enqueue → lease in an idle claimer)"
echo
echo "One event every 2 ms, each to a new account; 1 or 4 claimers blocked in \`Store::Claim\`"
echo "(as a worker process's claimer is); the time from just before \`Enqueue\` to \`Claim\`"
echo "returning the lease, same process, steady clock. \`mem:\` is measured in the same run,"
echo "runs alternating between the stores. Goal: p99 ≤ 2 ms on loopback."
echo "Reproduce: \`$build/bench/redis_latency_bench --samples 3000 --repeat 5 --claimers 1,4\`."
echo
"$build/bench/redis_latency_bench" --samples 3000 --repeat 5 --claimers 1,4
echo
echo "An event's path is sequential: the producer's \`Enqueue\` (the enqueue step),"
echo "the wake-up of every claimer blocked in BLMOVE on the namespace's wake list, then a claim"
echo "step per woken claimer (only one of them gets the lease). Step calls (FCALL, or EVALSHA on"
echo "Redis 6.2) and BLMOVE per event are counted by the server (\`INFO commandstats\`)."
echo
echo "### No-op throughput (4 \`strandq worker\` processes)"
echo
echo "200,000 events over 10,000 accounts enqueued first (\`strandq generate --to redis://...\`),"
echo "then drained by 4 \`strandq worker --work noop --workers 32 --exit-when-drained\` processes"
echo "(no log); events/s = events / time from their start until the namespace counts all acked"
echo "(polled every 0.1 s; the workers exit up to 1 s later). Ceiling, on the same server right"
echo "after: \`redis-benchmark -c 8 -P 1 -n 200000 EVALSHA <sha of 'return 1'> 0\`, the rate of"
echo "the cheapest script call. An event needs at most one complete-and-claim-next call (an"
echo "FCALL on Redis 7), fewer when a worker settles several events in one call (script calls per"
echo "event below), so the ceiling at one call per event is that rate, and events/s ÷ ceiling is"
echo "the fraction of it reached. Server µs per call from \`INFO commandstats\`."
echo "Goal: ≥ 40,000 events/s and ≥ half the ceiling."
echo "Reproduce: \`bench/redis_throughput.sh $bin 5\`."
echo
bench/redis_throughput.sh "$bin" 5
echo
echo "### Efficiency on the seed workload, W = 100 over 4 processes"
echo
echo "\`$csv\` enqueued into Redis, then 4 \`strandq worker --workers 25 --work sleep:10ms"
echo "--exit-when-drained --log ...\` processes; their 4 logs merged and checked by"
echo "\`strandq verify LOG1..LOG4 --input $csv --workers 100 --unit 10ms\`. LB = 100 x 10 ms = 1 s."
echo "Goal ≤ 1.05. Reproduce: \`bench/redis_efficiency.sh $bin $csv sleep:10ms 5 4 25\`."
echo
echo "| work | W | policy | median efficiency | runs |"
echo "|---|---|---|---|---|"
bench/redis_efficiency.sh "$bin" "$csv" sleep:10ms 5 4 25
echo
echo "### Where the time goes"
echo
echo "Instruction profile of redis-server (\`valgrind --tool=callgrind\`; instructions, not"
echo "seconds, so the machine's load does not change it) while 4 no-op workers of 32 slots drain"
echo "20,000 events over 2,000 accounts; counters zeroed after the enqueue, so it holds the"
echo "workers' complete-and-claim-next calls. Reproduce: \`bench/redis_profile.sh $bin\`."
echo
bench/redis_profile.sh "$bin"
echo
echo "Reading it: the no-op throughput is bound by the server's one core (\`server-bound"
echo "events/s\` in the throughput table = 1e6 / server µs per event), not by the workers or the"
echo "network. \"Running the scripts\" minus \"inside redis.call\" is the Lua side: arguments and"
echo "replies turned into Lua values, struct packing, tables. docs/redis-protocol.md (\"Cost\")"
echo "lists the instructions per event of each version of the steps."
