# Shared build settings: warning flags, sanitizer modes and the strandq_test() helper.

# Warnings are errors everywhere.
function(strandq_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
endfunction()

# strandq_test(<dir/name> LIBS <libs...> [LABELS <labels...>])
# Builds tests/<dir/name>.cc into one executable and registers each TEST with CTest.
function(strandq_test path)
  cmake_parse_arguments(ARG "" "" "LIBS;LABELS" ${ARGN})
  get_filename_component(name ${path} NAME)
  add_executable(${name} ${PROJECT_SOURCE_DIR}/tests/${path}.cc)
  strandq_warnings(${name})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main Threads::Threads)
  # A test's own code is compiled without optimization in every build (the last -O wins): it
  # drives the libraries, which stay as optimized as the build says, and an optimized test
  # file costs two to three times the compile time for nothing the test checks.
  target_compile_options(${name} PRIVATE -O0)
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
