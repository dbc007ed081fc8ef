# The service side of mdr-sandbox (sandbox/console/: its rules in console/org/, the KSN
# signing, the MDR configuration archive, and the console routes): CUnit tests of the rules
# and the signing (tests/sandbox/console/), and HTTPS tests of the endpoints.
set(SVC_SANDBOX_DIR ${CMAKE_CURRENT_LIST_DIR}/../../sandbox)
file(GLOB SVC_ORG_SOURCES CONFIGURE_DEPENDS ${SVC_SANDBOX_DIR}/console/org/*.c)
add_library(svc_under_test STATIC ${SVC_ORG_SOURCES} ${SVC_SANDBOX_DIR}/console/ksnsign.c
            ${SVC_SANDBOX_DIR}/console/mdrzip.c)
target_include_directories(svc_under_test PUBLIC ${SVC_SANDBOX_DIR})
target_link_libraries(svc_under_test PUBLIC PkgConfig::JSONC PkgConfig::OPENSSL PkgConfig::LIBZIP)

# The ctest names keep their svc_unit_ prefix; the files follow the area they test.
foreach(t org ksn)
  add_executable(svc_unit_${t} ${CMAKE_CURRENT_LIST_DIR}/console/unit_${t}.c)
  target_link_libraries(svc_unit_${t} PRIVATE svc_under_test PkgConfig::CUNIT)
  add_test(NAME sandbox__svc_unit_${t} COMMAND svc_unit_${t})
endforeach()

# PYTHON3 comes from tests/sandbox/CMakeLists.txt, which includes this file.
add_test(NAME sandbox__svc_http
         COMMAND ${PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/svc_http_test.py $<TARGET_FILE:mdr-sandbox>)
set_tests_properties(sandbox__svc_http PROPERTIES TIMEOUT 600)
