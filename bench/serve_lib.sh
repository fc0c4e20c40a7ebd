# shellcheck shell=bash disable=SC2034  # url and pid are for the sourcing script
# Shared by the benchmarks of `strandq serve` over wrk (source it, with $bin and $tmp set):
#
#   median                  median of the numbers on stdin, one per line
#   start_server ARGS...    `$bin serve --bind 127.0.0.1:0 ARGS...`; sets pid and url (exits
#                           with serve's stderr if it does not start)
#   stop_server             SIGTERM, then waits for it
#
# The sourcing script's EXIT trap stops a server left running ($pid).

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

start_server() {
  local try
  for try in 1 2 3; do
    "$bin" serve --bind 127.0.0.1:0 "$@" > "$tmp/serve.out" 2> "$tmp/serve.err" &
    pid=$!
    for _ in $(seq 3000); do
      grep -q '^listening on ' "$tmp/serve.out" 2>/dev/null && break
      kill -0 "$pid" 2>/dev/null || { cat "$tmp/serve.err" >&2; exit 1; }
      sleep 0.01
    done
    if grep -q '^listening on ' "$tmp/serve.out"; then
      url="http://$(awk '/^listening on / {print $3; exit}' "$tmp/serve.out")"
      return
    fi
    echo "serve did not start in 30 s (try $try of 3); its output:" >&2
    cat "$tmp/serve.out" "$tmp/serve.err" >&2
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
  done
  exit 1
}

stop_server() {
  kill -TERM "$pid"
  wait "$pid" || true  # 1 when an ingest-only mem: server ends with events pending
  pid=
}
