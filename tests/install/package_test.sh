#!/usr/bin/env bash
# The Debian package of `make package`, followed as far as a machine without a running systemd
# allows (README.md "Run as a service"):
# - cpack builds it; lintian finds no error; it holds the binary, library, headers, man pages,
#   units, environment files and maintainer scripts;
# - its units pass `systemd-analyze verify` (against the extracted tree);
# - extracted (dpkg-deb -x), its strandq runs; strandq-serve.service's ExecStart line, run by hand
#   with its environment file (paths moved into the extracted tree), answers /healthz, /v1/stats
#   and /metrics with the version and stops on SIGTERM (exit 130, which the unit counts as
#   success); strandq-worker@.service's ExecStart then drains the store serve left.
# Usage: package_test.sh BUILD_DIR
set -euo pipefail
build=${1:?usage: package_test.sh BUILD_DIR}
tmp=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -KILL "$pid" 2> /dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "package_test: $*" >&2; exit 1; }

cpack --config "$build/CPackConfig.cmake" -B "$tmp/out" > "$tmp/cpack.log" 2>&1 \
  || { cat "$tmp/cpack.log"; fail "cpack failed"; }
deb=$(ls "$tmp"/out/strandq_*.deb)
dpkg-deb -c "$deb" | awk '{ print $6 }' > "$tmp/contents"
for f in ./usr/bin/strandq ./usr/include/strandq/version.h ./usr/share/man/man1/strandq.1.gz \
  ./usr/share/man/man1/strandq-worker.1.gz ./lib/systemd/system/strandq-serve.service \
  ./lib/systemd/system/strandq-worker@.service ./etc/strandq/serve.env ./etc/strandq/worker.env \
  ./usr/share/doc/strandq/copyright; do
  grep -qxF "$f" "$tmp/contents" || fail "the package lacks $f"
done
grep -q '/libstrandq\.so\.[0-9.]*$' "$tmp/contents" || fail "the package lacks libstrandq.so"
dpkg-deb -e "$deb" "$tmp/control"
for f in postinst prerm postrm conffiles shlibs triggers; do
  [ -e "$tmp/control/$f" ] || fail "the package has no $f"
done
grep -q 'adduser --system' "$tmp/control/postinst" || fail "postinst creates no system user"
for f in postinst prerm postrm; do
  sh -n "$tmp/control/$f" || fail "$f is not a valid sh script"
done

lintian --fail-on error --suppress-tags-from-file /dev/null "$deb" > "$tmp/lintian.log" 2>&1 \
  || { cat "$tmp/lintian.log"; fail "lintian found errors"; }

root=$tmp/root
dpkg-deb -x "$deb" "$root"
"$root/usr/bin/strandq" --version | grep -qx "strandq [0-9.]*" || fail "the packaged strandq --version"
version=$("$root/usr/bin/strandq" --version | cut -d' ' -f2)

# systemd-analyze checks the units inside --root (ExecStart's binary is the extracted one),
# with this machine's own units beside them, the worker template as an instance. A directive
# it cannot parse is only a warning: any output fails. The Documentation= man pages are the
# package's (checked above), not this machine's.
units=$root/lib/systemd/system
cp -rn /lib/systemd/system/. "$units/"
cp "$units/strandq-worker@.service" "$units/strandq-worker@test.service"
systemd-analyze verify --man=no --root="$root" "$units/strandq-serve.service" \
  "$units/strandq-worker@test.service" > "$tmp/verify.log" 2>&1 \
  || { cat "$tmp/verify.log"; fail "systemd-analyze verify failed"; }
[ ! -s "$tmp/verify.log" ] || { cat "$tmp/verify.log"; fail "systemd-analyze verify warned"; }

# A unit's ExecStart line as systemd would run it: its environment file read, ${VAR} one word,
# $VAR split at spaces, %i/%H replaced; /usr/bin and /var/lib/strandq moved into the tree.
state=$root/var/lib/strandq
mkdir -p "$state"
exec_start() {  # UNIT_FILE ENV_FILE: prints the command line
  local line
  line=$(sed -n 's/^ExecStart=//p' "$1")
  line=${line//\/usr\/bin\/strandq/$root/usr/bin/strandq}
  line=${line//%i/test}
  line=${line//%H/$(uname -n)}
  printf '%s\n' "$line"
}
run_unit() {  # UNIT_FILE ENV_FILE [VAR=VALUE...]: starts its ExecStart in the background
  local unit=$1 env=$2
  shift 2
  (
    # As systemd reads an EnvironmentFile: KEY=VALUE lines, # comments, quotes around a value.
    while IFS= read -r kv; do
      [[ "$kv" =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || continue
      value=${kv#*=}
      [[ "$value" =~ ^\"(.*)\"$ ]] && value=${BASH_REMATCH[1]}
      export "${kv%%=*}=$value"
    done < "$env"
    for kv in "$@"; do export "${kv?}"; done
    export STRANDQ_STORE=${STRANDQ_STORE//\/var\/lib\/strandq/$state}
    cd "$state"
    eval "exec $(exec_start "$unit")"
  ) > "$tmp/out.log" 2> "$tmp/err.log" &
  pid=$!
}

grep -q '^STRANDQ_STORE=sqlite:/var/lib/strandq/strandq.db$' "$root/etc/strandq/serve.env" \
  || fail "serve.env does not keep the store in the state directory"
run_unit "$units/strandq-serve.service" "$root/etc/strandq/serve.env" STRANDQ_BIND=127.0.0.1:0
address=""
for _ in $(seq 1 500); do
  address=$(sed -n 's/^listening on //p' "$tmp/out.log")
  [ -n "$address" ] && break
  kill -0 "$pid" 2> /dev/null || { cat "$tmp/err.log"; fail "serve exited"; }
  sleep 0.02
done
[ -n "$address" ] || { cat "$tmp/err.log"; fail "serve did not listen"; }
curl -fsS "http://$address/healthz" > /dev/null || fail "/healthz did not answer"
curl -fsS "http://$address/v1/stats" | grep -q "\"version\":\"$version\"" || fail "/v1/stats: no version"
curl -fsS "http://$address/metrics" | grep -qxF "strandq_build_info{version=\"$version\"} 1" \
  || fail "/metrics: no strandq_build_info"
curl -fsS -X POST -H 'Content-Type: application/json' -d '[{"account":"a"},{"account":"b"}]' \
  "http://$address/v1/events" > /dev/null || fail "POST /v1/events failed"
kill -TERM "$pid"
code=0
wait "$pid" || code=$?
pid=""
success=$(sed -n 's/^SuccessExitStatus=//p' "$units/strandq-serve.service")
[ "$code" = 0 ] || [ "$code" = "$success" ] || { cat "$tmp/err.log"; fail "serve exited $code on SIGTERM"; }
[ -f "$state/strandq.db" ] || fail "serve kept no database in the state directory"

# The worker's line drains what serve accepted (its environment file names redis://; here the
# database serve left, which no process owns any more).
run_unit "$units/strandq-worker@.service" "$root/etc/strandq/worker.env" \
  STRANDQ_STORE=sqlite:/var/lib/strandq/strandq.db STRANDQ_WORK=noop \
  "STRANDQ_WORKER_ARGS=--exit-when-drained --log $tmp/worker.jsonl"
code=0
wait "$pid" || code=$?
pid=""
[ "$code" = 0 ] || { cat "$tmp/err.log"; fail "the worker exited $code"; }
[ "$(grep -c '"outcome":"ack"}$' "$tmp/worker.jsonl")" = 2 ] || { cat "$tmp/worker.jsonl"; fail "the worker did not ack both events"; }
echo "package_test: $(basename "$deb") passes lintian; its units verify and run by hand"
