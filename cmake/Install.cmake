# What `cmake --install` puts where users expect it: bin/synack and
# share/man/man1/synack.1; and the Debian package CPack makes of the same
# files (cpack -G DEB in the build).
include(GNUInstallDirs)

install(TARGETS synack
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_BINARY_DIR}/cli/synack.1
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

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
