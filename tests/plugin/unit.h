/* unit.h — the CUnit main every unit test program shares: run_tests(suite, tests). */
#ifndef MDR_UNIT_H
#define MDR_UNIT_H

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct unit_test {
    const char *name; /* suite__case */
    void (*fn)(void);
} unit_test;

static inline int run_tests(const char *suite, const unit_test *tests)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite(suite, NULL, NULL);
    for (const unit_test *t = tests; t->name; t++)
        CU_add_test(s, t->name, t->fn);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failures ? 1 : 0;
}

/* A fresh temporary directory (static buffer per call site is the caller's). */
static inline void temp_dir(char *out, size_t size)
{
    snprintf(out, size, "/tmp/mdr-unit-XXXXXX");
    if (!mkdtemp(out))
        out[0] = '\0';
}

static inline void remove_tree(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

static inline void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

#endif
