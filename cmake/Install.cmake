# What `cmake --install` puts where users expect it: bin/synack,
# share/man/man1/synack.1 and the CMake package (find_package(synack):
# synack::synack and synack_add_tests, cmake/SynackTests.cmake); and the
# Debian package CPack makes of the same files (cpack -G DEB in the build).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS synack EXPORT synack-targets
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_BINARY_DIR}/cli/synack.1
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# The package is found from the build tree too (synack_DIR=BUILD), where
# the module is read from the source tree.
set(synack_package_dir ${CMAKE_INSTALL_DATADIR}/synack/cmake)
install(EXPORT synack-targets NAMESPACE synack::
  DESTINATION ${synack_package_dir} FILE synack-targets.cmake)
export(EXPORT synack-targets NAMESPACE synack::
  FILE ${PROJECT_BINARY_DIR}/synack-targets.cmake)
set(SYNACK_MODULE_DIR "\${CMAKE_CURRENT_LIST_DIR}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/synack-config.cmake.in
  ${PROJECT_BINARY_DIR}/install/synack-config.cmake @ONLY)
set(SYNACK_MODULE_DIR ${PROJECT_SOURCE_DIR}/cmake)
configure_file(${PROJECT_SOURCE_DIR}/cmake/synack-config.cmake.in
  ${PROJECT_BINARY_DIR}/synack-config.cmake @ONLY)
# 0.x: a minor version may change synack_add_tests' arguments.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/synack-config-version.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/install/synack-config.cmake
  ${PROJECT_BINARY_DIR}/synack-config-version.cmake
  ${PROJECT_SOURCE_DIR}/cmake/SynackTests.cmake
  DESTINATION ${synack_package_dir})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME synack)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "scripted conformance tester for TCP/IP stacks (packetdrill's language)")
set(CPACK_PACKAGE_CONTACT "synack developers <synack@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
# dpkg-shlibdeps (dpkg-dev) names the packages of the libraries synack
# links (libpcap0.8, libnet1, libre2-9 on Debian 12), with their versions.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
include(CPack)
