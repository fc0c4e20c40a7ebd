# strandq — the two commands a new user needs: `make run` and `make test`.
# Everything is installed from Debian packages by scripts/install-deps.

BUILD      ?= build
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_GEN  := -G Ninja
RUN_ARGS   ?= --log $(BUILD)/run.jsonl

.PHONY: all deps build run test test-release test-asan test-tsan bench fuzz format format-check package clean

all: build

deps:
	@bash scripts/install-deps

# Optimized as RelWithDebInfo (-O2, NDEBUG), with -g1 instead of -g: function names and line
# tables (backtraces, perf) but no variables for gdb. GCC generates the same code either way;
# -g1 compiles ~25% faster. `make build BUILD_G=-g` for full debug info.
BUILD_G    ?= -g1
# Unity builds: each library compiles its sources in batches of 8 as one translation unit,
# which parses the heavy headers (Asio, Beast, CLI11) and emits their templates once per batch
# instead of once per file; about half the compile time of the libraries (docs/BENCHMARKS.md).
# `make build UNITY=OFF` compiles file by file (faster to rebuild after editing one file).
UNITY      ?= ON
CMAKE_UNITY := -DCMAKE_UNITY_BUILD=$(UNITY) -DCMAKE_UNITY_BUILD_BATCH_SIZE=8
build: deps
	@cmake -S . -B $(BUILD) $(CMAKE_GEN) $(CMAKE_UNITY) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 $(BUILD_G) -DNDEBUG" > $(BUILD).configure.log 2>&1 \
	  || (cat $(BUILD).configure.log; exit 1)
	@cmake --build $(BUILD) -j $(JOBS)

# The main job: the seed workload (10,000 events, 1,000 accounts, 1 s each), embedded.
run: build
	./$(BUILD)/strandq run $(RUN_ARGS)

# Every test: under AddressSanitizer + UBSan, the concurrency tests under ThreadSanitizer,
# then the whole suite on the optimized build (its ctest summary is the closing line).
test: deps format-check test-asan test-tsan test-release

test-release: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 300

# A clean `make test` is almost all cold compilation. The sanitizer trees therefore get -g1
# (function names and line tables: all a sanitizer report needs) instead of full debug info,
# and TSan -O1 instead of -O2 (about half the compile time of its heavy Asio/Beast units).
# ASan stays -O0 with asserts (-O1 measured twice as slow to compile), TSan keeps NDEBUG; the
# same tests run and check the same things.
test-asan: deps
	@cmake -S . -B build-asan $(CMAKE_GEN) $(CMAKE_UNITY) -DCMAKE_BUILD_TYPE=Debug -DSTRANDQ_SANITIZE=address \
	  -DCMAKE_CXX_FLAGS_DEBUG="-g1" \
	  -DSTRANDQ_BUILD_BENCH=OFF > build-asan.configure.log 2>&1 || (cat build-asan.configure.log; exit 1)
	@cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) --timeout 300

test-tsan: deps
	@cmake -S . -B build-tsan $(CMAKE_GEN) $(CMAKE_UNITY) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTRANDQ_SANITIZE=thread \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
	  -DSTRANDQ_BUILD_BENCH=OFF > build-tsan.configure.log 2>&1 || (cat build-tsan.configure.log; exit 1)
	@cmake --build build-tsan -j $(JOBS) --target concurrency_tests
	cd build-tsan && TSAN_OPTIONS=halt_on_error=1 ctest --output-on-failure -j $(JOBS) -L concurrency --timeout 300

# The Debian package (CPack): $(BUILD)/strandq_VERSION_ARCH.deb. README.md "Install".
package: build
	cd $(BUILD) && cpack -G DEB

bench: build
	bash bench/run-all

# Runs every fuzz target (fuzz/) for FUZZ_SECONDS each, one after the other on one core, with
# clang's libFuzzer + ASan + UBSan, in build-fuzz/. Starts from the committed corpus
# (fuzz/corpus/<name>, read only) and keeps what it finds in build-fuzz/corpus/<name>. Stops at
# the first crash, whose input is build-fuzz/artifacts/<name>-crash-*: minimize it
# (-minimize_crash=1), add it to fuzz/corpus/<name>/ and fix the bug (`make test` replays it).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := event_body csv workload_csv event_log redis_url duration
fuzz: deps
	@cmake -S . -B build-fuzz $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++-14 \
	  -DSTRANDQ_SANITIZE=fuzzer -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DSTRANDQ_BUILD_TESTS=OFF \
	  -DSTRANDQ_BUILD_BENCH=OFF > build-fuzz.configure.log 2>&1 || (cat build-fuzz.configure.log; exit 1)
	@cmake --build build-fuzz -j $(JOBS) --target fuzz_targets
	@mkdir -p build-fuzz/artifacts
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build-fuzz/corpus/$$t; \
	  echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	  ./build-fuzz/fuzz/$${t}_fuzz build-fuzz/corpus/$$t fuzz/corpus/$$t \
	    -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
	    -print_final_stats=1 -artifact_prefix=build-fuzz/artifacts/$$t- \
	    > build-fuzz/$$t.log 2>&1 || { tail -60 build-fuzz/$$t.log; exit 1; }; \
	  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" build-fuzz/$$t.log; \
	done

format:
	clang-format -i $$(git ls-files '*.h' '*.cc')

# Fails when a tracked C++ file is not formatted as .clang-format says (`make format` fixes).
format-check: deps
	@clang-format --dry-run --Werror $$(git ls-files '*.h' '*.cc')

clean:
	rm -rf build build-asan build-tsan build-fuzz build*.configure.log
