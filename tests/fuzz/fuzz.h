/* fuzz.h — what every libFuzzer target of tests/fuzz/ shares. */
#ifndef MDR_FUZZ_H
#define MDR_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property of the parser that does not hold: a crash libFuzzer saves the input of. */
#define FUZZ_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond);            \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* The input as a C string (malloc'd): up to its first NUL byte. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* Whether `needle` occurs in data[0..size) (memmem is a GNU extension). */
static inline int fuzz_has(const uint8_t *data, size_t size, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= size; i++)
        if (memcmp(data + i, needle, n) == 0)
            return 1;
    return 0;
}

/* Host time the targets use, so seed files with expiry dates never age out: 2030-01-01. */
#define FUZZ_NOW_MS 1893456000000LL

#endif
