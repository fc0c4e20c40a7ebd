# Man pages (generated from the binary's --help at build time, installed with it) and the Debian
# package of `make package` (CPack): the binary, libraries, headers and man pages of
# StrandqInstall.cmake, plus what only a package installs (component "deb"): the systemd
# units, their environment files in /etc/strandq, and /usr/share/doc/strandq.
find_program(HELP2MAN help2man REQUIRED)
find_program(GZIP gzip REQUIRED)

# NAME|SUMMARY: one page per command, strandq.1 first. The summaries are the commands' own
# descriptions, shortened to a man page's one-line NAME.
set(man_pages
  "strandq|process events of many accounts in parallel, each account's in order"
  "run|process a workload in one process and verify it"
  "verify|check event logs against the ordering and delivery guarantees"
  "generate|write a workload as CSV or send it to a store or server"
  "worker|process the events of a store that outlives it"
  "stats|show the counters of a store"
  "dlq|list, replay or purge dead-lettered events"
  "serve|HTTP ingest and pull API, with built-in workers"
  "drop|delete a store namespace or database")
set(man_dir ${PROJECT_BINARY_DIR}/man)
set(man_outputs "")
foreach(entry IN LISTS man_pages)
  string(REPLACE "|" ";" entry "${entry}")
  list(GET entry 0 command)
  list(GET entry 1 summary)
  if(command STREQUAL "strandq")
    set(page strandq)
    set(program $<TARGET_FILE:strandq_cli>)
  else()
    # help2man runs PROGRAM --help: a script that is `strandq COMMAND`.
    set(page strandq-${command})
    set(program ${PROJECT_BINARY_DIR}/generated/man-bin/${page})
    file(GENERATE OUTPUT ${program}
      CONTENT "#!/bin/sh\nexec '$<TARGET_FILE:strandq_cli>' ${command} \"$@\"\n"
      FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE)
  endif()
  add_custom_command(OUTPUT ${man_dir}/${page}.1.gz
    COMMAND ${HELP2MAN} --no-info --section=1 --version-string=${PROJECT_VERSION}
      --name=${summary} --output=${man_dir}/${page}.1 ${program}
    COMMAND ${GZIP} -9nf ${man_dir}/${page}.1
    DEPENDS strandq_cli
    COMMENT "Man page ${page}(1)"
    VERBATIM)
  list(APPEND man_outputs ${man_dir}/${page}.1.gz)
endforeach()

set(CPACK_PACKAGE_CONTACT "strandq maintainers <maintainers@strandq.example.org>")
string(TIMESTAMP STRANDQ_CHANGELOG_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
configure_file(${PROJECT_SOURCE_DIR}/packaging/debian/changelog.in ${PROJECT_BINARY_DIR}/deb/changelog
  @ONLY)
add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/deb/changelog.gz
  COMMAND ${GZIP} -9nkf ${PROJECT_BINARY_DIR}/deb/changelog
  DEPENDS ${PROJECT_BINARY_DIR}/deb/changelog
  VERBATIM)
add_custom_target(strandq_man ALL DEPENDS ${man_outputs} ${PROJECT_BINARY_DIR}/deb/changelog.gz)

install(FILES ${man_outputs} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

set(packaging ${PROJECT_SOURCE_DIR}/packaging)
install(FILES ${packaging}/systemd/strandq-serve.service ${packaging}/systemd/strandq-worker@.service
  DESTINATION /lib/systemd/system COMPONENT deb EXCLUDE_FROM_ALL)
install(FILES ${packaging}/serve.env ${packaging}/worker.env
  DESTINATION /etc/strandq COMPONENT deb EXCLUDE_FROM_ALL)
install(FILES ${packaging}/debian/copyright ${PROJECT_BINARY_DIR}/deb/changelog.gz
  DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT deb EXCLUDE_FROM_ALL)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME strandq)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "events of many accounts in parallel, each account's in order")
# The extended description, in lines of at most 80 characters (lintian).
string(JOIN "\n" CPACK_PACKAGE_DESCRIPTION
  "strandq accepts events over HTTP and hands them to workers so that the events"
  "of one account are processed one at a time, in order, while different accounts"
  "run in parallel. It keeps accepted events in a durable store (SQLite or Redis)"
  "until a handler acknowledges them."
  ""
  "This package holds the strandq command, its systemd units (strandq-serve,"
  "strandq-worker@), and the C++ library with its headers, CMake package and"
  "pkg-config file.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS adduser)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${packaging}/debian/postinst ${packaging}/debian/prerm
  ${packaging}/debian/postrm ${packaging}/debian/conffiles ${packaging}/debian/triggers)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)
set(CPACK_COMPONENTS_ALL Unspecified deb)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ
  GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
include(CPack)
