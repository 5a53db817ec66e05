# Installation layout, the man page, bash completion, the Debian package (CPack) and the
# packaging tests. Included once from the top-level CMakeLists.txt, after the targets exist.
#
#   cmake --install BUILD [--prefix /usr/local]     bin/netsim, bin/netsim-responder,
#                                                   share/netsim/topologies/*.yaml + schema.json,
#                                                   share/doc/netsim/{README.md,*.md},
#                                                   share/man/man1/netsim.1,
#                                                   share/bash-completion/completions/netsim
#   cpack --config BUILD/CPackConfig.cmake          netsim_<version>_<arch>.deb (prefix /usr)
# scripts/test-deb builds the .deb and tries it; docs/packaging.md describes all of it.
include(GNUInstallDirs)

set(NETSIM_SRC ${CMAKE_CURRENT_SOURCE_DIR})

# Topologies and their schema.
install(DIRECTORY ${NETSIM_SRC}/topologies/
        DESTINATION ${CMAKE_INSTALL_DATADIR}/netsim/topologies
        FILES_MATCHING PATTERN "*.yaml" PATTERN "*.json")

# Documentation: the README, docs/*.md and the Vagrant demo's README.
file(GLOB NETSIM_DOCS ${NETSIM_SRC}/docs/*.md)
install(FILES ${NETSIM_SRC}/README.md ${NETSIM_DOCS} DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${NETSIM_SRC}/vagrant/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR}
        RENAME vagrant.md)

# Bash completion (bash-completion loads it on demand from this directory).
install(FILES ${NETSIM_SRC}/completion/netsim.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME netsim)

# Man page, generated from `netsim --help` and every verb's --help by running the built binary.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  set(NETSIM_MAN ${CMAKE_BINARY_DIR}/man/netsim.1)
  add_custom_command(
    OUTPUT ${NETSIM_MAN}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
    COMMAND ${Python3_EXECUTABLE} ${NETSIM_SRC}/cmake/gen-manpage.py $<TARGET_FILE:netsim> ${NETSIM_MAN}
    DEPENDS netsim ${NETSIM_SRC}/cmake/gen-manpage.py
    COMMENT "Generating the netsim(1) man page from the help text"
    VERBATIM)
  add_custom_target(netsim-man ALL DEPENDS ${NETSIM_MAN})
  install(FILES ${NETSIM_MAN} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(WARNING "python3 not found: the netsim(1) man page is not generated")
endif()

# Tests of the conveniences (label unit: no root needed).
if(NETSIM_BUILD_TESTS)
  add_test(NAME completion
           COMMAND bash ${NETSIM_SRC}/tests/completion/completion_test.sh
                   ${NETSIM_SRC}/completion/netsim.bash $<TARGET_FILE:netsim>)
  set_tests_properties(completion PROPERTIES LABELS unit TIMEOUT 60)
  add_test(NAME help_examples
           COMMAND bash ${NETSIM_SRC}/tests/completion/help_test.sh $<TARGET_FILE:netsim>)
  set_tests_properties(help_examples PROPERTIES LABELS unit TIMEOUT 60)
  # `vagrant validate` on vagrant/Vagrantfile; skipped (exit 77) when vagrant is not installed.
  add_test(NAME vagrant_validate COMMAND bash ${NETSIM_SRC}/vagrant/validate.sh)
  set_tests_properties(vagrant_validate PROPERTIES LABELS unit SKIP_RETURN_CODE 77 TIMEOUT 120)
endif()

# The Debian package.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME netsim)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "netsim")
set(CPACK_PACKAGE_CONTACT "netsim maintainers <netsim@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "AWS VPC networking emulator on Linux network namespaces, with real packets")
set(CPACK_PACKAGE_DESCRIPTION
    "netsim reads a YAML topology (VPC, availability zones, public and private subnets, route\n"
    "tables, internet gateway, NAT gateways and instances, bastion, VPC endpoints, load\n"
    "balancers, auto scaling groups) and builds it with network namespaces on this machine.\n"
    "It predicts every path from the route tables and checks it with real probes and captures.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://example.invalid/netsim")
# Shared libraries (libnl, libpcap, libnftables, Boost.Program_options, yaml-cpp, libstdc++)
# come from dpkg-shlibdeps; the tools the lab drives are listed by hand.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "iproute2, nftables")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "bash-completion, iputils-ping, netcat-openbsd")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "graphviz, tcpdump, tshark")
include(CPack)
