# MDR Health unit tests (included by tests/plugin/CMakeLists.txt): the lists, the CSV export,
# the summary and the sync against an in-memory asset source and device inventory.
add_library(health_fixture STATIC ${CMAKE_CURRENT_LIST_DIR}/health_fixture.c)
target_link_libraries(health_fixture PUBLIC mdr_core ksc_fake_host PkgConfig::CUNIT)
foreach(t lists sync)
  add_executable(test_health_${t} ${CMAKE_CURRENT_LIST_DIR}/test_health_${t}.c)
  target_link_libraries(test_health_${t} PRIVATE health_fixture)
  add_test(NAME plugin__health_${t} COMMAND test_health_${t})
endforeach()
