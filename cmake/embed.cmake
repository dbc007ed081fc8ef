# ksc_embed_files(OUT_C SYMBOL_PREFIX FILE...): generates a C file defining, for the files
# given, `const ksc_embedded_file SYMBOL_PREFIX[]` (name, bytes, length) terminated by a
# zeroed entry, so a program can carry its XML and catalogs without depending on an install
# path. The bytes are NUL-terminated for parsers that want C strings.
function(ksc_embed_files out_c prefix)
  set(deps ${ARGN})
  add_custom_command(
    OUTPUT ${out_c}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out_c} -DPREFIX=${prefix} "-DFILES=${deps}"
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_run.cmake
    DEPENDS ${deps} ${PROJECT_SOURCE_DIR}/cmake/embed_run.cmake
    COMMENT "Embedding ${prefix}"
    VERBATIM)
endfunction()
