# Install rules (`cmake --install`): the strandq binary, the public headers, libstrandq.a and
# libstrandq.so, the CMake package (find_package(strandq CONFIG): strandq::strandq, the shared
# library, and strandq::strandq_static) and strandq.pc. Both libraries are made of the
# components' objects (position-independent with STRANDQ_INSTALL): nothing is compiled twice.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# Imported in src/ (targets of a directory's find_package are that directory's).
find_package(SQLite3 REQUIRED)
find_package(OpenSSL REQUIRED)

get_property(components GLOBAL PROPERTY STRANDQ_COMPONENTS)
set(objects "")
foreach(component IN LISTS components)
  list(APPEND objects $<TARGET_OBJECTS:${component}>)
endforeach()

add_library(strandq_shared SHARED ${objects})
add_library(strandq_static STATIC ${objects})
set_target_properties(strandq_shared PROPERTIES OUTPUT_NAME strandq EXPORT_NAME strandq
  VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})
set_target_properties(strandq_static PROPERTIES OUTPUT_NAME strandq EXPORT_NAME strandq_static)
foreach(lib strandq_shared strandq_static)
  set_target_properties(${lib} PROPERTIES ARCHIVE_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/lib
    LIBRARY_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/lib)
  target_include_directories(${lib} INTERFACE
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/generated/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_compile_features(${lib} INTERFACE cxx_std_20)
  # strandq/handler.h uses Boost.Asio's io_context (headers only).
  target_link_libraries(${lib} PUBLIC Boost::boost Threads::Threads)
endforeach()
# The libraries the components use behind the public headers: linked into the shared library;
# a program that links the static one links them itself.
target_link_libraries(strandq_shared PRIVATE PkgConfig::HIREDIS SQLite::SQLite3 OpenSSL::Crypto
  fmt::fmt simdjson::simdjson)
set(STRANDQ_PRIVATE_LIBS hiredis sqlite3 crypto fmt simdjson)
target_link_libraries(strandq_static INTERFACE "$<INSTALL_INTERFACE:${STRANDQ_PRIVATE_LIBS}>"
  "$<BUILD_INTERFACE:PkgConfig::HIREDIS;SQLite::SQLite3;OpenSSL::Crypto;fmt::fmt;simdjson::simdjson>")

set(config_dir ${CMAKE_INSTALL_LIBDIR}/cmake/strandq)
install(TARGETS strandq_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS strandq_shared strandq_static EXPORT strandqTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/strandq
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
install(FILES ${PROJECT_BINARY_DIR}/generated/include/strandq/version.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/strandq)
install(EXPORT strandqTargets NAMESPACE strandq:: DESTINATION ${config_dir})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/strandqConfig.cmake.in
  ${PROJECT_BINARY_DIR}/generated/strandqConfig.cmake INSTALL_DESTINATION ${config_dir})
# 0.x: a new minor version may change the API, so only the same MAJOR.MINOR satisfies a request.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/generated/strandqConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/generated/strandqConfig.cmake
  ${PROJECT_BINARY_DIR}/generated/strandqConfigVersion.cmake DESTINATION ${config_dir})

# strandq.pc finds its prefix from its own place, so that an installed tree can be moved.
file(RELATIVE_PATH STRANDQ_PC_TO_PREFIX /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
list(TRANSFORM STRANDQ_PRIVATE_LIBS PREPEND -l OUTPUT_VARIABLE STRANDQ_PC_LIBS_PRIVATE)
list(JOIN STRANDQ_PC_LIBS_PRIVATE " " STRANDQ_PC_LIBS_PRIVATE)
configure_file(${PROJECT_SOURCE_DIR}/cmake/strandq.pc.in ${PROJECT_BINARY_DIR}/generated/strandq.pc
  @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/generated/strandq.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# An installed static library keeps no debug information when the install strips (the package
# does: CPACK_STRIP_FILES), as the shared one and the binary then keep none.
install(CODE "
  if(CMAKE_INSTALL_DO_STRIP)
    execute_process(COMMAND \"${CMAKE_STRIP}\" --strip-debug
      \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/libstrandq.a\"
      COMMAND_ERROR_IS_FATAL ANY)
  endif()")
