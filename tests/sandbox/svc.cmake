# The service side of mdr-sandbox (sandbox/org.c, ksnsign.c, mdrzip.c and the svc_* routes):
# CUnit tests of the rules and the signing, and HTTPS tests of the endpoints.
set(SVC_SANDBOX_DIR ${CMAKE_CURRENT_LIST_DIR}/../../sandbox)
add_library(svc_under_test STATIC ${SVC_SANDBOX_DIR}/org.c ${SVC_SANDBOX_DIR}/ksnsign.c
            ${SVC_SANDBOX_DIR}/mdrzip.c)
target_include_directories(svc_under_test PUBLIC ${SVC_SANDBOX_DIR})
target_link_libraries(svc_under_test PUBLIC PkgConfig::JSONC PkgConfig::OPENSSL PkgConfig::LIBZIP)

foreach(t svc_unit_org svc_unit_ksn)
  add_executable(${t} ${CMAKE_CURRENT_LIST_DIR}/${t}.c)
  target_link_libraries(${t} PRIVATE svc_under_test PkgConfig::CUNIT)
  add_test(NAME sandbox__${t} COMMAND ${t})
endforeach()

# PYTHON3 comes from tests/sandbox/CMakeLists.txt, which includes this file.
add_test(NAME sandbox__svc_http
         COMMAND ${PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/svc_http_test.py $<TARGET_FILE:mdr-sandbox>)
set_tests_properties(sandbox__svc_http PROPERTIES TIMEOUT 600)
