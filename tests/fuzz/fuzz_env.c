/* The console's .env (host/env.c): the input is the file. Asserts: reading any key does not
 * crash; setting a key (value from the input, without line breaks) and reading it back gives
 * the value exactly, and every other key keeps its value. */
#include "env.h"
#include "fuzz.h"

#include <stdarg.h>
#include <unistd.h>

/* The host's logger, which env.c reports malformed lines to. */
void host_log(host_ctx *ctx, const char *who, ksc_log_level level, const char *fmt, ...)
{
    (void)ctx, (void)who, (void)level, (void)fmt;
}

static char dir[64], path[96];

static char *value_of(const char *key)
{
    return env_get_value(NULL, path, key);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/mdr-fuzz-env-XXXXXX");
        FUZZ_ASSERT(mkdtemp(dir));
        snprintf(path, sizeof path, "%s/.env", dir);
    }
    if (size > 16384)
        return 0;
    FILE *f = fopen(path, "wb");
    FUZZ_ASSERT(f);
    FUZZ_ASSERT(size == 0 || fwrite(data, 1, size, f) == size);
    fclose(f);
    static const char *const keys[] = {"HTTPS_PROXY", "NODE_EXTRA_CA_CERTS", "A", "export", NULL};
    char *before[4];
    for (int k = 0; keys[k]; k++)
        before[k] = value_of(keys[k]);

    /* the value: the input's last line, without CR/LF */
    size_t start = size;
    while (start > 0 && data[start - 1] != '\n')
        start--;
    char *value = fuzz_cstr(data + start, size - start);
    value[strcspn(value, "\r\n")] = '\0';
    char err[256];
    if (env_set_value(path, "FUZZ_KEY", value, err, sizeof err) == 0) {
        char *got = value_of("FUZZ_KEY");
        FUZZ_ASSERT(got && strcmp(got, value) == 0);
        free(got);
        for (int k = 0; keys[k]; k++) {
            char *now = value_of(keys[k]);
            FUZZ_ASSERT((now == NULL) == (before[k] == NULL));
            FUZZ_ASSERT(!now || strcmp(now, before[k]) == 0);
            free(now);
        }
    }
    for (int k = 0; keys[k]; k++)
        free(before[k]);
    free(value);
    return 0;
}
