# Packaging: `cpack --config build/CPackConfig.cmake` (or `cmake --build build --target package`)
# makes a .deb and a .tar.gz of the module, the reference host and the sandbox.
# Layout: /opt/ksc-mdr/{bin,plugins,share/ksc-mdr/{resources,rights,locales,docs}}.
include(GNUInstallDirs)
# A package never carries the test kill points (plugin/core/test_point.h): installing (cpack
# installs first) a build configured with them fails with the way out.
if(MDR_TEST_POINTS)
  install(CODE "message(FATAL_ERROR \"this build has the module's test kill points compiled in; \"
                \"configure packages with -DMDR_TEST_POINTS=OFF\")" COMPONENT runtime)
endif()
set(KSC_PREFIX_NOTE "installed under CMAKE_INSTALL_PREFIX, /opt/ksc-mdr for the packages")

if(TARGET mdr)
  install(TARGETS mdr LIBRARY DESTINATION plugins COMPONENT runtime)
endif()
foreach(program ksc-host mdr-sandbox)
  if(TARGET ${program})
    install(TARGETS ${program} RUNTIME DESTINATION bin COMPONENT runtime)
  endif()
endforeach()
install(FILES ${PROJECT_SOURCE_DIR}/include/ksc/plugin.h DESTINATION include/ksc COMPONENT runtime)
foreach(dir resources rights locales)
  if(EXISTS ${PROJECT_SOURCE_DIR}/${dir})
    install(DIRECTORY ${PROJECT_SOURCE_DIR}/${dir}/ DESTINATION share/ksc-mdr/${dir} COMPONENT runtime)
  endif()
endforeach()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION share/ksc-mdr/docs COMPONENT runtime)
install(PROGRAMS ${PROJECT_SOURCE_DIR}/scripts/sandbox-certs DESTINATION share/ksc-mdr/scripts
        COMPONENT runtime OPTIONAL)

set(CPACK_PACKAGE_NAME "ksc-mdr")
set(CPACK_PACKAGE_VENDOR "MDR plug-in team")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "MDR plug-in backend for the Security Center console")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_PACKAGING_INSTALL_PREFIX "/opt/ksc-mdr")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "MDR plug-in team <mdr-plugin@example.invalid>")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libxml2, libssl3, libcurl4, libjson-c5, libconfig9, libsqlite3-0, libmicrohttpd12, libzip4")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA "${PROJECT_SOURCE_DIR}/installer/postinst")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
include(CPack)
