/* The log scrubber (mdr_log_scrub, plugin/core/log.c). The first input byte picks how a proxy
 * URL is embedded in a log line, the rest is the URL. Asserts: the output is NUL-terminated
 * within its size; whenever mdr_proxy_parse accepts the URL with a password, that password
 * (raw, as in the URL) does not survive in the scrubbed line. Any other input is scrubbed as
 * a whole line without crashing. */
#include "cloud/http_settings.h"
#include "core/log.h"
#include "fuzz.h"

static const char *const WRAP[][2] = {
    {"proxy ", " failed"},    {"\"", "\""}, {"proxy='", "'"},
    {"{\"proxy\":\"", "\"}"}, {"", ""},     {"cloud.proxy=", ";"},
    {"(via ", ")"},           {"<", ">"},   {"HTTPS_PROXY=", "\n"},
    {"a:b@c ", " d:e@f"},     {"x/", "/y"}, {"token=t ", " password=p"},
};
#define WRAPS (sizeof WRAP / sizeof *WRAP)

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4096)
        return 0;
    char *all = fuzz_cstr(data, size);
    size_t cap = 3 * size + 256;
    char *out = malloc(cap);
    FUZZ_ASSERT(out);
    /* any line */
    mdr_log_scrub(all, out, cap);
    FUZZ_ASSERT(strlen(out) < cap);
    char tiny[8];
    mdr_log_scrub(all, tiny, sizeof tiny);
    FUZZ_ASSERT(strlen(tiny) < sizeof tiny);

    const char *url = all + 1;
    const char *const *w = WRAP[(unsigned char)data[0] % WRAPS];
    mdr_proxy p;
    mdr_cloud_error err;
    if (mdr_proxy_parse(url, "fuzz", &p, &err) == MDR_CLOUD_OK) {
        mdr_proxy_spans sp;
        FUZZ_ASSERT(mdr_proxy_split(url, strlen(url), &sp) == 0);
        size_t n = strlen(w[0]) + strlen(url) + strlen(w[1]) + 1;
        char *line = malloc(n);
        char *raw = strndup(url + sp.password, sp.password_len);
        FUZZ_ASSERT(line && raw);
        snprintf(line, n, "%s%s%s", w[0], url, w[1]);
        mdr_log_scrub(line, out, cap);
        /* a password left out only if it is there once and cannot be a piece of "***" */
        if (sp.password_len > 0 && !strchr(raw, '*') && count(line, raw) == 1 && strstr(out, raw)) {
            fprintf(stderr, "password survived: line [%s] -> [%s]\n", line, out);
            abort();
        }
        free(raw);
        free(line);
        mdr_proxy_clear(&p);
    }
    free(out);
    free(all);
    return 0;
}
