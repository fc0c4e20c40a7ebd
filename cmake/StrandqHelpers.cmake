# Shared build settings: warning flags, sanitizer modes and the strandq_test() helper.

# Warnings are errors everywhere.
function(strandq_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
endfunction()

# The precompiled header every test reuses: GoogleTest, the standard headers most tests
# include, and the heavy ones of the HTTP and e2e tests (Beast, nlohmann-json). Parsing them
# was most of a test's compile time, in each of the three trees `make test` builds. A test whose
# flags differ from the carrier's still compiles (GCC then parses the headers itself).
function(strandq_test_pch)
  add_library(strandq_test_pch OBJECT ${PROJECT_SOURCE_DIR}/tests/testutil/test_pch.cc)
  strandq_warnings(strandq_test_pch)
  target_link_libraries(strandq_test_pch PRIVATE GTest::gtest Threads::Threads Boost::boost
    nlohmann_json::nlohmann_json)
  target_compile_options(strandq_test_pch PRIVATE -O0)
  target_precompile_headers(strandq_test_pch PRIVATE
    <gtest/gtest.h> <algorithm> <atomic> <chrono> <functional> <map> <memory> <mutex>
    <optional> <set> <sstream> <string> <string_view> <thread> <vector>
    <boost/asio/io_context.hpp> <boost/asio/ip/tcp.hpp> <boost/beast/http/message.hpp>
    <boost/beast/http/string_body.hpp> <nlohmann/json.hpp>)
endfunction()

# strandq_test(<dir/name> LIBS <libs...> [LABELS <labels...>] [SOURCES <files under tests/...>]
#              [DEFINITIONS <NAME=value...>] [DEPENDS <targets...>])
# Builds tests/<dir/name>.cc (with SOURCES) into one executable and registers each TEST with
# CTest. Set a test's sources, definitions and dependencies only through these arguments.
function(strandq_test path)
  cmake_parse_arguments(ARG "" "" "LIBS;LABELS;SOURCES;DEFINITIONS;DEPENDS" ${ARGN})
  get_filename_component(name ${path} NAME)
  list(TRANSFORM ARG_SOURCES PREPEND ${PROJECT_SOURCE_DIR}/tests/)
  add_executable(${name} ${PROJECT_SOURCE_DIR}/tests/${path}.cc ${ARG_SOURCES})
  # An e2e test drives the real binary: it gets its path and the project's directories.
  if("e2e" IN_LIST ARG_LABELS)
    list(APPEND ARG_DEFINITIONS STRANDQ_BINARY="$<TARGET_FILE:strandq_cli>"
      STRANDQ_PROJECT_VERSION="${PROJECT_VERSION}"
      STRANDQ_EXAMPLES_DIR="${PROJECT_SOURCE_DIR}/examples"
      STRANDQ_WORKLOADS_DIR="${PROJECT_SOURCE_DIR}/bench/workloads")
    list(APPEND ARG_DEPENDS strandq_cli)
  endif()
  if(ARG_DEFINITIONS)
    target_compile_definitions(${name} PRIVATE ${ARG_DEFINITIONS})
  endif()
  if(ARG_DEPENDS)
    add_dependencies(${name} ${ARG_DEPENDS})
  endif()
  strandq_warnings(${name})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main Threads::Threads)
  # A test's own code is compiled without optimization in every build (the last -O wins): it
  # drives the libraries, which stay as optimized as the build says, and an optimized test
  # file costs two to three times the compile time for nothing the test checks.
  target_compile_options(${name} PRIVATE -O0)
  if(NOT TARGET strandq_test_pch)
    strandq_test_pch()
  endif()
  target_precompile_headers(${name} REUSE_FROM strandq_test_pch)
  gtest_discover_tests(${name}
    PROPERTIES LABELS "${ARG_LABELS}"
    DISCOVERY_TIMEOUT 60)
  # `concurrency_tests` builds just these, for the ThreadSanitizer run.
  if("concurrency" IN_LIST ARG_LABELS)
    if(NOT TARGET concurrency_tests)
      add_custom_target(concurrency_tests)
    endif()
    add_dependencies(concurrency_tests ${name})
  endif()
endfunction()
