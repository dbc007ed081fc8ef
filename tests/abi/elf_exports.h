/* elf_exports.h — the symbols a shared object defines in its dynamic symbol table (what
 * dlsym can find), read straight from the ELF file. */
#ifndef ELF_EXPORTS_H
#define ELF_EXPORTS_H

#include <stddef.h>

/* Fills names[0..max) with the exported (defined, global or weak) dynamic symbols of the
 * ELF64 file at `path`; returns how many there are (may exceed max), or -1 when the file
 * cannot be read or is not ELF64. */
int elf_exported_symbols(const char *path, char names[][128], size_t max);

#endif
