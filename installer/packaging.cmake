# Packaging: three Debian packages made by CPack's DEB generator from the install rules below
# (docs/packaging.md says why CPack and not debhelper, and what each package holds):
#   ksc-mdr-plugin  the module, its rights, locales, wizards and resources, /etc/ksc-mdr/mdr.conf
#   ksc-host        the reference console host, its systemd unit, /etc/ksc-host/ksc-host.conf
#   mdr-sandbox     the MDR cloud stand-in (never started by the package)
# Build them from a Release tree without the test kill points:
#   cmake -S . -B build-pkg -DCMAKE_BUILD_TYPE=Release -DMDR_TEST_POINTS=OFF
#   cmake --build build-pkg -j2 --target mdr ksc-host mdr-sandbox
#   (cd build-pkg && cpack -G DEB)
# Every rule here is keyed on what exists (a target, a folder), so the same file packages an
# earlier commit of the project too (tests/packaging builds the "previous release" that way).
include(GNUInstallDirs)

set(KSC_PACKAGE_VERSION "${PROJECT_VERSION}" CACHE STRING
    "The Debian version of the packages (default: the project's version)")
set(KSC_PACKAGE_CHANGELOG_NOTE "" CACHE STRING
    "When set, a changelog entry for KSC_PACKAGE_VERSION with this text goes on top")

# A package never carries the test kill points (plugin/core/test_point.h): installing (cpack
# installs first) a build configured with them fails with the way out.
if(MDR_TEST_POINTS)
  install(CODE "message(FATAL_ERROR \"this build has the module's test kill points compiled in; \"
                \"configure packages with -DMDR_TEST_POINTS=OFF\")" COMPONENT plugin)
endif()

set(pkg_src ${PROJECT_SOURCE_DIR}/installer)
set(pkg_gen ${PROJECT_BINARY_DIR}/installer)
file(MAKE_DIRECTORY ${pkg_gen})

# ---- ksc-mdr-plugin -------------------------------------------------------------------
if(TARGET mdr)
  # The reference host loads modules from its plugins directory; a real console is pointed at
  # the same file.
  install(TARGETS mdr LIBRARY DESTINATION lib/ksc-host/plugins
          PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ COMPONENT plugin)
endif()
foreach(dir rights locales wizards)
  if(EXISTS ${PROJECT_SOURCE_DIR}/${dir})
    install(DIRECTORY ${PROJECT_SOURCE_DIR}/${dir}/ DESTINATION share/ksc-mdr/${dir}
            COMPONENT plugin)
  endif()
endforeach()
# resources/: the module's part (sql, the default mdr.conf, …) to ksc-mdr-plugin; host/ and
# web/ belong to the console host.
if(EXISTS ${PROJECT_SOURCE_DIR}/resources)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/resources/ DESTINATION share/ksc-mdr/resources
          COMPONENT plugin PATTERN host EXCLUDE PATTERN web EXCLUDE)
  # Shipped 0644 (no secret in it); the maintainer scripts give it to the ksc-host user, 0600.
  install(FILES ${PROJECT_SOURCE_DIR}/resources/mdr.conf DESTINATION /etc/ksc-mdr
          COMPONENT plugin)
endif()

# ---- ksc-host -------------------------------------------------------------------------
if(TARGET ksc-host)
  install(TARGETS ksc-host RUNTIME DESTINATION lib/ksc-host COMPONENT host)
  # The binary reads ksc-host.conf next to itself when --config is not given.
  file(CREATE_LINK /etc/ksc-host/ksc-host.conf ${pkg_gen}/ksc-host.conf SYMBOLIC)
  install(FILES ${pkg_gen}/ksc-host.conf DESTINATION lib/ksc-host COMPONENT host)
  install(PROGRAMS ${pkg_src}/deb/ksc-host/ksc-host.sh DESTINATION bin RENAME ksc-host
          COMPONENT host)
  install(FILES ${pkg_src}/deb/ksc-host/ksc-host.conf DESTINATION /etc/ksc-host COMPONENT host)
  install(FILES ${pkg_src}/deb/ksc-host/ksc-host.service DESTINATION /lib/systemd/system
          COMPONENT host)
  foreach(dir host web)
    if(EXISTS ${PROJECT_SOURCE_DIR}/resources/${dir})
      install(DIRECTORY ${PROJECT_SOURCE_DIR}/resources/${dir}/ DESTINATION share/ksc-host/${dir}
              COMPONENT host)
    endif()
  endforeach()
endif()

# ---- mdr-sandbox ----------------------------------------------------------------------
if(TARGET mdr-sandbox)
  install(TARGETS mdr-sandbox RUNTIME DESTINATION bin COMPONENT sandbox)
  install(PROGRAMS ${PROJECT_SOURCE_DIR}/scripts/sandbox-certs DESTINATION share/mdr-sandbox
          COMPONENT sandbox)
endif()

# ---- documentation every package carries ----------------------------------------------
# changelog (native package: changelog.gz) and copyright in /usr/share/doc/PACKAGE, the
# manual pages; gzip -9n so that the files do not depend on the build's time.
set(changelog ${pkg_gen}/changelog)
file(READ ${pkg_src}/changelog changelog_text)
if(KSC_PACKAGE_CHANGELOG_NOTE)
  string(TIMESTAMP now "%a, %d %b %Y %H:%M:%S +0000" UTC)
  set(changelog_text "ksc-mdr (${KSC_PACKAGE_VERSION}) unstable; urgency=medium\n\n * ${KSC_PACKAGE_CHANGELOG_NOTE}\n\n-- MDR plug-in team <mdr-plugin@example.invalid>  ${now}\n\n${changelog_text}")
endif()
file(WRITE ${changelog} "${changelog_text}")
execute_process(COMMAND gzip -9nf ${changelog} RESULT_VARIABLE gz)
foreach(page ksc-host.1 mdr-sandbox.1)
  configure_file(${pkg_src}/man/${page} ${pkg_gen}/${page} COPYONLY)
  execute_process(COMMAND gzip -9nf ${pkg_gen}/${page})
endforeach()
set(KSC_DEB_PACKAGES plugin ksc-mdr-plugin host ksc-host sandbox mdr-sandbox)
set(components "")
while(KSC_DEB_PACKAGES)
  list(POP_FRONT KSC_DEB_PACKAGES comp pkg)
  list(APPEND components ${comp})
  install(FILES ${changelog}.gz ${pkg_src}/copyright DESTINATION share/doc/${pkg} COMPONENT ${comp})
  if(EXISTS ${pkg_src}/deb/${pkg}/lintian-overrides)
    install(FILES ${pkg_src}/deb/${pkg}/lintian-overrides DESTINATION share/lintian/overrides
            RENAME ${pkg} COMPONENT ${comp})
  endif()
  string(TOUPPER ${comp} COMP)
  set(CPACK_DEBIAN_${COMP}_PACKAGE_NAME ${pkg})
  set(CPACK_DEBIAN_${COMP}_PACKAGE_SHLIBDEPS ON)
  set(extra "")
  foreach(script conffiles preinst postinst prerm postrm)
    if(EXISTS ${pkg_src}/deb/${pkg}/${script})
      list(APPEND extra ${pkg_src}/deb/${pkg}/${script})
    endif()
  endforeach()
  set(CPACK_DEBIAN_${COMP}_PACKAGE_CONTROL_EXTRA "${extra}")
endwhile()
install(FILES ${pkg_gen}/ksc-host.1.gz DESTINATION share/man/man1 COMPONENT host)
install(FILES ${pkg_gen}/mdr-sandbox.1.gz DESTINATION share/man/man1 COMPONENT sandbox)

# cpack installs before packaging; without this, that install first builds every target (tests,
# benches) instead of the three the packages hold.
if(NOT MDR_TEST_POINTS)
  set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
endif()

set(CPACK_GENERATOR "DEB")
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL ${components})
set(CPACK_PACKAGE_NAME "ksc-mdr")
set(CPACK_PACKAGE_VENDOR "MDR plug-in team")
set(CPACK_PACKAGE_VERSION ${KSC_PACKAGE_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_VERSION ${KSC_PACKAGE_VERSION})
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "MDR plug-in team <mdr-plugin@example.invalid>")
set(CPACK_DEBIAN_PACKAGE_SECTION "admin")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://mdr.example.invalid/plugin")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_COMPONENT_PLUGIN_DESCRIPTION
    "MDR plug-in for the Security Center console\nThe Managed Detection and Response module a Security Center console\nloads: activation, tenants, KSN configuration, licenses and Health.\nShips the module library, its rights, locales, wizards and resources,\nand its configuration /etc/ksc-mdr/mdr.conf.")
set(CPACK_COMPONENT_HOST_DESCRIPTION
    "reference Security Center console host for the MDR plug-in\nksc-host plays the console's part for plug-in modules: users, roles,\nservers, devices, KSN settings and licenses in its own store, and a\ncommand line. The package runs 'ksc-host serve' as the ksc-host system\nuser (systemd unit ksc-host.service) on the state in /var/lib/ksc-host;\nthe ksc-host command, run by root, uses the same state.")
set(CPACK_DEBIAN_HOST_PACKAGE_DEPENDS "adduser, openssl")  # openssl: postinst makes the web certificate
set(CPACK_COMPONENT_SANDBOX_DESCRIPTION
    "MDR cloud stand-in for evaluation and tests\nmdr-sandbox answers the MDR cloud's REST and KSN interfaces on a local\naddress, with its own state, so that a console and the MDR plug-in can\nbe tried without the real cloud. The package installs the program only:\nnothing starts it.")
include(CPack)
