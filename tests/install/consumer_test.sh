#!/usr/bin/env bash
# `cmake --install` into a temporary prefix gives a library other projects build against:
# - the public headers compile on their own, each the first include of its own translation unit,
#   with nothing but the installed include directory (so no header reaches into src/);
# - libstrandq.so has its SONAME, and the man pages are installed;
# - examples/ builds as a project of its own with find_package(strandq CONFIG REQUIRED) and runs;
# - tests/install/pkg_config_consumer.cc builds with `pkg-config --cflags --libs strandq` (shared),
#   and against libstrandq.a with the static flags, and both run.
# Usage: consumer_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=${1:?usage: consumer_test.sh BUILD_DIR SOURCE_DIR}
src=${2:?usage: consumer_test.sh BUILD_DIR SOURCE_DIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
fail() { echo "consumer_test: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" > "$tmp/install.log" || { cat "$tmp/install.log"; fail "cmake --install failed"; }
libdir=$(dirname "$(find "$prefix" -name libstrandq.so -print -quit)")
[ -d "$libdir" ] || fail "no libstrandq.so under $prefix"
for f in bin/strandq include/strandq/version.h include/strandq/worker_pool.h \
  share/man/man1/strandq.1.gz share/man/man1/strandq-serve.1.gz; do
  [ -e "$prefix/$f" ] || fail "cmake --install did not install $f"
done
for f in libstrandq.a pkgconfig/strandq.pc cmake/strandq/strandqConfig.cmake \
  cmake/strandq/strandqConfigVersion.cmake; do
  [ -e "$libdir/$f" ] || fail "cmake --install did not install ${libdir#"$prefix"/}/$f"
done
soname=$(objdump -p "$libdir/libstrandq.so" | awk '$1 == "SONAME" { print $2 }')
[[ "$soname" =~ ^libstrandq\.so\.[0-9]+\.[0-9]+$ ]] || fail "libstrandq.so's SONAME is '$soname'"
[ -e "$libdir/$soname" ] || fail "no $soname next to libstrandq.so"
"$prefix/bin/strandq" --version | grep -qx "strandq [0-9.]*" || fail "strandq --version"

# Every public header on its own (two at a time).
ls "$prefix"/include/strandq/*.h | xargs -P 2 -I{} sh -c \
  'printf "#include <strandq/%s>\n" "$(basename "$1")" | c++ -std=c++20 -Wall -Wextra -Werror \
     -fsyntax-only -I"$2/include" -x c++ - || { echo "$1 does not compile on its own" >&2; exit 255; }' \
  sh {} "$prefix" || fail "a public header does not compile on its own"

# examples/ against the installed CMake package (no optimization: this checks the linking).
cmake -S "$src/examples" -B "$tmp/examples" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
  > "$tmp/examples.log" 2>&1 || { cat "$tmp/examples.log"; fail "examples/ does not configure"; }
cmake --build "$tmp/examples" > "$tmp/examples-build.log" 2>&1 \
  || { cat "$tmp/examples-build.log"; fail "examples/ does not build"; }
ldd "$tmp/examples/embed_handler" | grep -q "$libdir/$soname" \
  || fail "embed_handler does not use the installed $soname"
"$tmp/examples/embed_handler" > "$tmp/embed.out" || { cat "$tmp/embed.out"; fail "embed_handler failed"; }

# pkg-config: the shared library, then the static one.
export PKG_CONFIG_PATH=$libdir/pkgconfig
c++ -std=c++20 -Wall -Wextra -Werror -c "$src/tests/install/pkg_config_consumer.cc" \
  -o "$tmp/consumer.o" $(pkg-config --cflags strandq)
c++ -o "$tmp/consumer" "$tmp/consumer.o" $(pkg-config --libs strandq)
LD_LIBRARY_PATH=$libdir "$tmp/consumer" "$tmp/shared.db" | grep -q "events stored" \
  || fail "the pkg-config consumer (shared) failed"
c++ -o "$tmp/consumer_static" "$tmp/consumer.o" -Wl,-Bstatic -lstrandq -Wl,-Bdynamic \
  $(pkg-config --static --libs strandq | sed 's/-lstrandq//')
ldd "$tmp/consumer_static" | grep -q libstrandq && fail "consumer_static uses libstrandq.so"
"$tmp/consumer_static" "$tmp/static.db" | grep -q "events stored" \
  || fail "the pkg-config consumer (static) failed"
echo "consumer_test: installed, built against (CMake, pkg-config shared and static) and ran"
