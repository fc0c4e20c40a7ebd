#!/usr/bin/env bash
# The run report at scale, printed as the markdown section of docs/BENCHMARKS.md that
# bench/run-all includes: `strandq report` on a log of EVENTS attempts (its time beside
# `strandq verify`'s on the same log, the page's size) and the time headless Chromium takes to
# open and draw the page (the page's own performance.now() when its script is done, and the
# wall time of `chromium --dump-dom` beside that of an empty page). Medians of RUNS runs.
# Usage: bash bench/report.sh [BUILD_DIR] [RUNS] [EVENTS]     (after `make build`; 5, 1000000)
# The log comes from `strandq run --work sleep:1ms --workers 1000 --fail-rate 0.01` over
# 10,000 accounts; everything lives in a temporary directory removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
runs=${2:-5}
events=${3:-1000000}
bin=$build/strandq
[ -x "$bin" ] || { echo "missing $bin (make build)" >&2; exit 1; }
chromium=$(command -v chromium || true)
[ -n "$chromium" ] || { echo "chromium is not installed (make deps)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b - a}'; }
# Runs a command quietly; prints "<wall seconds> <CPU seconds (user + sys)>".
timed() {
  /usr/bin/time -f "%e %U %S" -o "$tmp/time" "$@" > /dev/null
  awk '{printf "%.2f %.2f", $1, $2 + $3}' "$tmp/time"
}

# One page load in a fresh profile; prints "<wall seconds> <ready ms> <draw ms>".
chromium_load() {
  local page=$1 profile
  profile=$(mktemp -d -p "$tmp")
  local start end dom
  start=$(now)
  dom=$("$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --window-size=1280,2000 --dump-dom "file://$page" 2>/dev/null)
  end=$(now)
  local ready draw
  ready=$(sed -n 's/.*<span id="render-ms">\([0-9]*\)<.*/\1/p' <<<"$dom")
  draw=$(sed -n 's/.*<span id="draw-ms">\([0-9]*\)<.*/\1/p' <<<"$dom")
  echo "$(elapsed "$start" "$end") ${ready:--} ${draw:--}"
}

log=$tmp/run.jsonl page=$tmp/run.html
timeout 1200 "$bin" run --events "$events" --accounts 10000 --work sleep:1ms --workers 1000 \
  --fail-rate 0.01 --max-attempts 5 --retry-backoff 10ms --log "$log" > "$tmp/run.out" 2>&1 || true
grep -q "verification: OK" "$tmp/run.out" || { cat "$tmp/run.out" >&2; exit 1; }
lines=$(wc -l < "$log")
log_mb=$(du -m "$log" | cut -f1)

report_times=() report_cpus=() verify_times=() verify_cpus=() walls=() readies=() draws=()
blanks=()
echo '<!doctype html><title>empty</title>' > "$tmp/empty.html"
for _ in $(seq "$runs"); do
  read -r wall cpu <<<"$(timed "$bin" verify "$log")"
  verify_times+=("$wall") verify_cpus+=("$cpu")
  read -r wall cpu <<<"$(timed "$bin" report "$log" -o "$page")"
  report_times+=("$wall") report_cpus+=("$cpu")
  read -r wall ready draw <<<"$(chromium_load "$page")"
  walls+=("$wall") readies+=("$ready") draws+=("$draw")
  read -r wall _ _ <<<"$(chromium_load "$tmp/empty.html")"
  blanks+=("$wall")
done
page_kb=$(( $(stat -c %s "$page") / 1024 ))
med() { printf '%s\n' "$@" | median; }

echo "## Run report"
echo
echo "\`strandq report\` on a log of $lines attempts ($log_mb MB; \`strandq run --events $events"
echo "--accounts 10000 --work sleep:1ms --workers 1000 --fail-rate 0.01\`), and Debian's Chromium"
echo "($("$chromium" --version 2>/dev/null | head -1)) opening the page headless. Medians of $runs runs."
echo "Reproduce: \`bash bench/report.sh $build $runs $events\`. Load average at the end:"
echo "$(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (wall times grow with it; CPU times less so)."
echo
echo "| measure | median | runs |"
echo "|---|---|---|"
echo "| \`strandq report LOG -o run.html\`, wall (s) | **$(med "${report_times[@]}")** | ${report_times[*]} |"
echo "| ... CPU, user + sys (s) | $(med "${report_cpus[@]}") | ${report_cpus[*]} |"
echo "| \`strandq verify LOG\` on the same log, wall (s) | $(med "${verify_times[@]}") | ${verify_times[*]} |"
echo "| ... CPU, user + sys (s) | $(med "${verify_cpus[@]}") | ${verify_cpus[*]} |"
echo "| page size | **$page_kb KiB** | |"
echo "| page ready in Chromium, by its own clock (ms from navigation start) | **$(med "${readies[@]}")** | ${readies[*]} |"
echo "| ... of which the page's script (JSON.parse and drawing, ms) | $(med "${draws[@]}") | ${draws[*]} |"
echo "| \`chromium --headless --dump-dom\` of the page, wall (s) | $(med "${walls[@]}") | ${walls[*]} |"
echo "| the same for an empty page, wall (s) | $(med "${blanks[@]}") | ${blanks[*]} |"
