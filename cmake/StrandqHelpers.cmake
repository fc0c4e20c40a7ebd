# Shared build settings: warning flags, sanitizer modes and the strandq_test() helper.

# Warnings are errors everywhere.
function(strandq_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
endfunction()

# The precompiled header every test reuses: GoogleTest, the standard headers most tests
# include, and the heavy ones of the HTTP and e2e tests (Beast, nlohmann-json). Parsing them
# was most of a test's compile time, in each of the three trees `make test` builds. A test whose
# flags differ from the carrier's still compiles (GCC then parses the headers itself).
function(strandq_test_pch carrier)
  add_library(${carrier} OBJECT ${PROJECT_SOURCE_DIR}/tests/testutil/test_pch.cc)
  strandq_warnings(${carrier})
  target_link_libraries(${carrier} PRIVATE GTest::gtest Threads::Threads Boost::boost
    nlohmann_json::nlohmann_json)
  target_compile_options(${carrier} PRIVATE -O0 ${ARGN})
  target_precompile_headers(${carrier} PRIVATE
    <gtest/gtest.h> <algorithm> <atomic> <chrono> <functional> <map> <memory> <mutex>
    <optional> <set> <sstream> <string> <string_view> <thread> <vector>
    <boost/asio/io_context.hpp> <boost/asio/ip/tcp.hpp> <boost/beast/http/message.hpp>
    <boost/beast/http/string_body.hpp> <nlohmann/json.hpp>)
endfunction()

# strandq_test(<dir/name> LIBS <libs...> [LABELS <labels...>] [SOURCES <files under tests/...>]
#              [DEFINITIONS <NAME=value...>] [DEPENDS <targets...>])
# Adds tests/<dir/name>.cc (with SOURCES) to the test executable of its group and registers
# each of its TESTs with CTest (so `ctest -R` and the labels work per test as before). A group is
# the component directory plus the labels: tests/unit/runtime/*_test.cc labelled concurrency
# build into runtime_concurrency_tests, the e2e tests into e2e_tests. One executable per group
# instead of one per file: a sanitizer build spent a third of its time linking ~65 test
# executables, and a unity batch of test files emits the shared templates once. So suite and
# test names are unique across the repository, and a test file's file-local helpers live in an
# anonymous namespace under names no other test file uses. Set a test's sources, definitions and
# dependencies only through these arguments: they apply to its whole group.
function(strandq_test path)
  cmake_parse_arguments(ARG "" "" "LIBS;LABELS;SOURCES;DEFINITIONS;DEPENDS" ${ARGN})
  list(TRANSFORM ARG_SOURCES PREPEND ${PROJECT_SOURCE_DIR}/tests/)
  string(REPLACE "/" ";" parts ${path})
  list(GET parts 1 group)
  if("e2e" IN_LIST ARG_LABELS)
    set(group e2e)
    # An e2e test drives the real binary: it gets its path and the project's directories.
    list(APPEND ARG_DEFINITIONS STRANDQ_BINARY="$<TARGET_FILE:strandq_cli>"
      STRANDQ_PROJECT_VERSION="${PROJECT_VERSION}"
      STRANDQ_EXAMPLES_DIR="${PROJECT_SOURCE_DIR}/examples"
      STRANDQ_WORKLOADS_DIR="${PROJECT_SOURCE_DIR}/bench/workloads")
    # 1 when the binary runs under a sanitizer (the driver itself is not instrumented).
    if(STRANDQ_SANITIZE STREQUAL "")
      list(APPEND ARG_DEFINITIONS STRANDQ_BINARY_SANITIZED=0)
    else()
      list(APPEND ARG_DEFINITIONS STRANDQ_BINARY_SANITIZED=1)
    endif()
    list(APPEND ARG_DEPENDS strandq_cli)
  elseif("concurrency" IN_LIST ARG_LABELS)
    set(group ${group}_concurrency)
  endif()
  set(target ${group}_tests)
  get_property(groups GLOBAL PROPERTY STRANDQ_TEST_GROUPS)
  if(NOT target IN_LIST groups)
    set_property(GLOBAL APPEND PROPERTY STRANDQ_TEST_GROUPS ${target})
    set_property(GLOBAL PROPERTY STRANDQ_TEST_${target}_LABELS "${ARG_LABELS}")
  endif()
  get_property(labels GLOBAL PROPERTY STRANDQ_TEST_${target}_LABELS)
  if(NOT "${labels}" STREQUAL "${ARG_LABELS}")
    message(FATAL_ERROR "${path}: labels '${ARG_LABELS}' differ from its group's '${labels}'")
  endif()
  foreach(kind SOURCES LIBS DEFINITIONS DEPENDS)
    set_property(GLOBAL APPEND PROPERTY STRANDQ_TEST_${target}_${kind} ${ARG_${kind}})
  endforeach()
  set_property(GLOBAL APPEND PROPERTY STRANDQ_TEST_${target}_SOURCES
    ${PROJECT_SOURCE_DIR}/tests/${path}.cc)
  # The executables are made once every test of the directory is known.
  get_property(deferred GLOBAL PROPERTY STRANDQ_TEST_DEFERRED)
  if(NOT deferred)
    set_property(GLOBAL PROPERTY STRANDQ_TEST_DEFERRED TRUE)
    cmake_language(DEFER CALL strandq_test_groups)
  endif()
endfunction()

# Makes one executable per group of strandq_test().
function(strandq_test_groups)
  get_property(groups GLOBAL PROPERTY STRANDQ_TEST_GROUPS)
  foreach(target IN LISTS groups)
    foreach(kind SOURCES LIBS DEFINITIONS DEPENDS LABELS)
      get_property(${kind} GLOBAL PROPERTY STRANDQ_TEST_${target}_${kind})
      list(REMOVE_DUPLICATES ${kind})
    endforeach()
    strandq_test_executable(${target} "${SOURCES}" "${LIBS}" "${DEFINITIONS}" "${DEPENDS}"
      "${LABELS}")
  endforeach()
endfunction()

function(strandq_test_executable name sources libs definitions depends labels)
  add_executable(${name} ${sources})
  if(definitions)
    target_compile_definitions(${name} PRIVATE ${definitions})
  endif()
  if(depends)
    add_dependencies(${name} ${depends})
  endif()
  strandq_warnings(${name})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${name} PRIVATE ${libs} GTest::gtest GTest::gtest_main Threads::Threads)
  # A test's own code is compiled without optimization in every build (the last -O wins): it
  # drives the libraries, which stay as optimized as the build says, and an optimized test
  # file costs two to three times the compile time for nothing the test checks.
  target_compile_options(${name} PRIVATE -O0)
  # An e2e test only drives the real binary, which is what a sanitizer build checks: the
  # driver itself is not instrumented (it still links the sanitizer runtime its libraries need).
  set(carrier strandq_test_pch)
  if("e2e" IN_LIST labels AND NOT STRANDQ_SANITIZE STREQUAL "")
    target_compile_options(${name} PRIVATE -fno-sanitize=all)
    set(carrier strandq_test_pch_plain)
    set(plain -fno-sanitize=all)
  endif()
  if(NOT TARGET ${carrier})
    strandq_test_pch(${carrier} ${plain})
  endif()
  target_precompile_headers(${name} REUSE_FROM ${carrier})
  gtest_discover_tests(${name}
    PROPERTIES LABELS "${labels}"
    DISCOVERY_TIMEOUT 60)
  # `concurrency_tests` builds just these, for the ThreadSanitizer run.
  if("concurrency" IN_LIST labels)
    if(NOT TARGET concurrency_tests)
      add_custom_target(concurrency_tests)
    endif()
    add_dependencies(concurrency_tests ${name})
  endif()
endfunction()
