#!/usr/bin/env bash
# Efficiency (makespan / lower bound) of `strandq run` on a workload CSV (the seed list is
# bench/workloads/seed-10000.csv).
# Usage: bench/efficiency.sh BINARY WORKLOAD_CSV WORK RUNS "W1 W2 ..." "POLICY1 POLICY2 ..."
# Prints one markdown table row per (W, policy): the median of RUNS runs and every run.
set -euo pipefail
bin=$1 csv=$2 work=$3 runs=$4 workers_list=$5 policies=$6

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for w in $workers_list; do
  for policy in $policies; do
    values=()
    for _ in $(seq "$runs"); do
      out=$("$bin" run --input "$csv" --work "$work" --workers "$w" --policy "$policy")
      grep -q "verification: OK" <<<"$out" || { echo "verification failed:" >&2; echo "$out" >&2; exit 1; }
      values+=("$(awk '/^efficiency:/ {print $2}' <<<"$out")")
    done
    med=$(printf '%s\n' "${values[@]}" | median)
    echo "| $work | $w | $policy | **$med** | ${values[*]} |"
  done
done
