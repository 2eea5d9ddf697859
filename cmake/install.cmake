# SPDX-License-Identifier: Apache-2.0
# Install rules, man pages and Debian packages.
#
#   cmake --install build                  (DESTDIR=... for a staging root)
#   cpack --config build/CPackConfig.cmake -B build/packages
#                                          (remora-host and remora-enclave .deb)
#
# Two components, one per package: "host" (the parent instance) and
# "enclave" (the enclave image). The installed paths follow the prefix: the
# systemd unit is written with the prefix's sbin and sysconfdir, and
# remora-enclave looks for its rules in the prefix's datadir, both as
# configured (`cmake --install --prefix` moves the files, not these paths).
# Packages are built from a tree configured with CMAKE_INSTALL_PREFIX=/usr
# (build.sh). The host package's maintainer scripts are in cmake/debian/host.
# tests/pkg/test_package.sh checks all of it.

set(REMORA_SYSCONF "${CMAKE_INSTALL_FULL_SYSCONFDIR}/remora")

# --- host ---------------------------------------------------------------------
install(TARGETS remora-host RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR}
        COMPONENT host)
install(PROGRAMS scripts/remora-host-rules DESTINATION ${CMAKE_INSTALL_SBINDIR}
        COMPONENT host)
# the unit names the installed programs and settings file; written at
# configure time, so an edited unit must make the build configure again
# (else the packages would carry the old one)
set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY
             CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/systemd/remora-host.service)
file(READ ${PROJECT_SOURCE_DIR}/systemd/remora-host.service REMORA_UNIT)
string(REPLACE "/usr/sbin/" "${CMAKE_INSTALL_FULL_SBINDIR}/" REMORA_UNIT
       "${REMORA_UNIT}")
string(REPLACE "/etc/remora/" "${REMORA_SYSCONF}/" REMORA_UNIT "${REMORA_UNIT}")
string(REPLACE "/usr/share/doc/remora/"
       "${CMAKE_INSTALL_FULL_DATAROOTDIR}/doc/remora-host/" REMORA_UNIT
       "${REMORA_UNIT}")
file(WRITE ${PROJECT_BINARY_DIR}/remora-host.service "${REMORA_UNIT}")
install(FILES ${PROJECT_BINARY_DIR}/remora-host.service
        DESTINATION lib/systemd/system COMPONENT host)
install(FILES systemd/host.conf DESTINATION ${REMORA_SYSCONF} COMPONENT host)

# --- enclave --------------------------------------------------------------------
install(TARGETS remora-enclave RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR}
        COMPONENT enclave)
install(PROGRAMS scripts/remora-enclave-net
        DESTINATION ${CMAKE_INSTALL_SBINDIR} COMPONENT enclave)
install(FILES scripts/enclave.rules scripts/enclave6.rules
        DESTINATION ${CMAKE_INSTALL_DATADIR}/remora COMPONENT enclave)

# --- documentation, in each package's own directory -------------------------------
# the guides, and the images they show
file(GLOB REMORA_DOCS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/*.md
     ${PROJECT_SOURCE_DIR}/docs/*.png)
foreach(comp host enclave)
  install(FILES README.md LICENSE ${REMORA_DOCS}
          DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/remora-${comp}
          COMPONENT ${comp})
endforeach()
# the example enclave image, whole: docker build works from this folder
# once the package is copied in
set(REMORA_EXAMPLE ${CMAKE_INSTALL_DATAROOTDIR}/doc/remora-enclave/example-image)
install(FILES scripts/enclave/Dockerfile scripts/enclave/enclave.conf
              scripts/enclave/README.md scripts/enclave/resolv.conf
        DESTINATION ${REMORA_EXAMPLE} COMPONENT enclave)
install(DIRECTORY scripts/enclave/app DESTINATION ${REMORA_EXAMPLE}
        USE_SOURCE_PERMISSIONS COMPONENT enclave)
# the kernel fragment for NFQUEUE capture, and the script that builds it in
install(FILES scripts/enclave/kernel/remora.config
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/remora-enclave/kernel
        COMPONENT enclave)
install(PROGRAMS scripts/enclave/kernel/build-kernel.sh
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/remora-enclave/kernel
        COMPONENT enclave)

# --- man pages: generated from --help (one source), plus docs/man/*.h2m -----
find_program(HELP2MAN help2man)
if(HELP2MAN)
  foreach(prog remora-host remora-enclave)
    if(prog STREQUAL remora-host)
      set(what "give a Nitro Enclave the instance's network over vsock")
      set(comp host)
    else()
      set(what "a real IP interface inside a Nitro Enclave, over vsock")
      set(comp enclave)
    endif()
    add_custom_command(
      OUTPUT ${PROJECT_BINARY_DIR}/${prog}.8
      COMMAND ${HELP2MAN} --no-info --section 8 --name "${what}"
              --source "remora ${PROJECT_VERSION}"
              --include ${PROJECT_SOURCE_DIR}/docs/man/${prog}.h2m
              --output ${PROJECT_BINARY_DIR}/${prog}.8 $<TARGET_FILE:${prog}>
      DEPENDS ${prog} ${PROJECT_SOURCE_DIR}/docs/man/${prog}.h2m
      COMMENT "man page ${prog}(8) from ${prog} --help"
      VERBATIM)
    add_custom_target(man-${prog} ALL DEPENDS ${PROJECT_BINARY_DIR}/${prog}.8)
    install(FILES ${PROJECT_BINARY_DIR}/${prog}.8
            DESTINATION ${CMAKE_INSTALL_MANDIR}/man8 COMPONENT ${comp})
  endforeach()
else()
  message(WARNING "help2man not found: no man pages (apt-get install help2man)")
endif()

# --- Debian packages, and RPMs for Amazon Linux parents -----------------------
# RPMs too where rpmbuild is (Debian's rpm package has it): the same two
# packages, the same files
find_program(RPMBUILD rpmbuild)
if(RPMBUILD)
  set(CPACK_GENERATOR DEB RPM)
else()
  set(CPACK_GENERATOR DEB)
  message(STATUS "rpmbuild not found: Debian packages only (apt-get install rpm)")
endif()
set(CPACK_PACKAGE_NAME remora)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "remora developers")
set(CPACK_PACKAGE_CONTACT "remora developers <remora@localhost>")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "remora developers <remora@localhost>")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL host enclave)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends: the shared libraries the binaries link (dpkg-shlibdeps:
# libnetfilter-queue1, libmnl0, libev4, libseccomp2 for the daemons' seccomp
# filters, libc6), plus the programs the scripts run
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_HOST_PACKAGE_NAME remora-host)
set(CPACK_DEBIAN_ENCLAVE_PACKAGE_NAME remora-enclave)
set(CPACK_DEBIAN_HOST_PACKAGE_DEPENDS "iptables")
set(CPACK_DEBIAN_ENCLAVE_PACKAGE_DEPENDS "iptables, iproute2")
# first line: the summary; CPack indents the others by one space
set(CPACK_COMPONENT_HOST_DESCRIPTION
    "remora host daemon: IP network for a Nitro Enclave over vsock
remora-host runs on the parent instance as a systemd service. It sends the
enclave's packets as the instance's own and passes the packets for the
enclave's ports to it over vsock, so every unmodified program in the
enclave has a real IP interface. The service is installed but not
started: edit /etc/remora/host.conf, then systemctl enable --now
remora-host.")
set(CPACK_COMPONENT_ENCLAVE_DESCRIPTION
    "remora enclave daemon: a real IP interface inside a Nitro Enclave
remora-enclave runs as PID 2 of the enclave image. It brings the enclave's
network up, carries its packets to remora-host over vsock, checks every
packet the (untrusted) host sends back, and starts the application.")
# The settings file is the operator's: a conffile, so upgrades keep their
# edits (CPack marks nothing in /etc by itself). The maintainer scripts
# only tell systemd about the unit, and stop the service on removal; they
# never enable, start or restart it.
file(WRITE ${PROJECT_BINARY_DIR}/deb-host/conffiles "${REMORA_SYSCONF}/host.conf\n")
set(CPACK_DEBIAN_HOST_PACKAGE_CONTROL_EXTRA
    "${PROJECT_BINARY_DIR}/deb-host/conffiles")
foreach(script postinst prerm postrm)
  list(APPEND CPACK_DEBIAN_HOST_PACKAGE_CONTROL_EXTRA
       "${PROJECT_SOURCE_DIR}/cmake/debian/host/${script}")
endforeach()
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# RPM: the same components and descriptions; the libraries the binaries
# link are found by rpmbuild itself (AutoReq), the programs the scripts
# run are named by path, which every distribution's iptables (legacy or
# nft) and iproute provide
set(CPACK_RPM_COMPONENT_INSTALL ON)
set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_PACKAGE_LICENSE "Apache-2.0")
set(CPACK_RPM_PACKAGE_RELEASE 1)
set(CPACK_PACKAGE_RELOCATABLE OFF)
set(CPACK_RPM_PACKAGE_RELOCATABLE OFF)
# the same files as the Debian packages: no /usr/lib/.build-id links
set(CPACK_RPM_SPEC_MORE_DEFINE "%define _build_id_links none")
set(CPACK_RPM_HOST_PACKAGE_NAME remora-host)
set(CPACK_RPM_ENCLAVE_PACKAGE_NAME remora-enclave)
set(CPACK_RPM_HOST_PACKAGE_SUMMARY
    "remora host daemon: IP network for a Nitro Enclave over vsock")
set(CPACK_RPM_ENCLAVE_PACKAGE_SUMMARY
    "remora enclave daemon: a real IP interface inside a Nitro Enclave")
set(CPACK_RPM_HOST_PACKAGE_REQUIRES "/usr/sbin/iptables")
set(CPACK_RPM_ENCLAVE_PACKAGE_REQUIRES "/usr/sbin/iptables, /usr/sbin/ip")
# host.conf is the operator's: kept on upgrade and removal (.rpmsave)
set(CPACK_RPM_HOST_USER_FILELIST "%config(noreplace) ${REMORA_SYSCONF}/host.conf")
# the scriptlets do what the Debian maintainer scripts do
set(CPACK_RPM_HOST_POST_INSTALL_SCRIPT_FILE ${PROJECT_SOURCE_DIR}/cmake/rpm/host/post)
set(CPACK_RPM_HOST_PRE_UNINSTALL_SCRIPT_FILE ${PROJECT_SOURCE_DIR}/cmake/rpm/host/preun)
set(CPACK_RPM_HOST_POST_UNINSTALL_SCRIPT_FILE ${PROJECT_SOURCE_DIR}/cmake/rpm/host/postun)
# directories the system owns are not the packages' to own
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION
    /usr/sbin /usr/lib/systemd /usr/lib/systemd/system /usr/share/man
    /usr/share/man/man8)
include(CPack)
