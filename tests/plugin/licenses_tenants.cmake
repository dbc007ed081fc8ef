# Unit tests of the licenses and tenants area (plugin/license_*.c, tenant_*.c, csv_writer.c,
# config_archive.c), linked against mdr_core. Included from tests/plugin/CMakeLists.txt.
foreach(t licenses_view licenses_csv licenses_archive tenants_rules tenants_access)
  add_executable(test_plugin_${t} test_${t}.c)
  target_link_libraries(test_plugin_${t} PRIVATE mdr_core ksc_fake_host PkgConfig::CUNIT)
  add_test(NAME plugin__${t} COMMAND test_plugin_${t})
endforeach()
# The archive test signs KSN files with the throwaway PKI of the cloud tests (read-only use).
target_sources(test_plugin_licenses_archive PRIVATE ${PROJECT_SOURCE_DIR}/tests/cloud/test_pki.c)
target_include_directories(test_plugin_licenses_archive PRIVATE ${PROJECT_SOURCE_DIR}/tests/cloud)
