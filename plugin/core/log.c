#include "log.h"

#include "cloud/http_settings.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LINE_MAX_LEN 2048

static const char *const secret_keys[] = {"password", "passwd", "secret",       "token",
                                          "api_key",  "apikey", "authorization"};

typedef struct sink {
    char *out;
    size_t size, len;
} sink;

static void put(sink *s, const char *p, size_t n)
{
    for (size_t i = 0; i < n && s->len + 1 < s->size; i++)
        s->out[s->len++] = p[i];
    s->out[s->len] = '\0';
}

static int value_end(char c)
{
    return c == '\0' || c == '"' || c == '\'' || c == ' ' || c == '&' || c == ',' || c == '}' ||
           c == ';' || c == '\n' || c == '\t';
}

/* At `p`, "Bearer " then a token? Returns the length of the whole match. */
static size_t bearer_at(const char *p)
{
    if (strncasecmp(p, "bearer ", 7) != 0 || value_end(p[7]))
        return 0;
    size_t n = 7;
    while (!value_end(p[n]))
        n++;
    return n;
}

/* At `p`, a secret key followed by a separator (optional quote, ':' or '=')? Returns the
 * length up to the value, 0 otherwise. */
static size_t key_at(const char *p)
{
    for (size_t k = 0; k < sizeof secret_keys / sizeof *secret_keys; k++) {
        size_t n = strlen(secret_keys[k]);
        if (strncasecmp(p, secret_keys[k], n) != 0)
            continue;
        if (p[n] == '"' || p[n] == '\'')
            n++;
        while (p[n] == ' ')
            n++;
        if (p[n] != ':' && p[n] != '=')
            continue;
        n++;
        while (p[n] == ' ')
            n++;
        if (p[n] == '"' || p[n] == '\'')
            n++;
        return n;
    }
    return 0;
}

static int alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* At `p` (the start of the line or after a byte that is not a letter or digit), a proxy URL
 * with a password, by the proxy parser's own grammar (mdr_proxy_split)? Sets the span of
 * the password. Starting early (at "proxy=u:pw@h" rather than "u:pw@h") only widens the
 * span: it still ends at the last '@' of the same authority. */
static int url_password_at(const char *line, size_t line_len, const char *p, size_t *pass_start,
                           size_t *pass_len)
{
    if (p > line && alnum(p[-1]))
        return 0;
    mdr_proxy_spans sp;
    if (mdr_proxy_split(p, line_len - (size_t)(p - line), &sp) != 0 || !sp.has_password ||
        sp.password_len == 0)
        return 0;
    *pass_start = sp.password;
    *pass_len = sp.password_len;
    return 1;
}

size_t mdr_log_scrub(const char *in, char *out, size_t out_size)
{
    sink s = {out, out_size, 0};
    if (out_size == 0)
        return 0;
    out[0] = '\0';
    size_t masked = 0;
    size_t in_len = strlen(in);
    const char *next_at = strchr(in, '@'); /* no '@' ahead: no URL password ahead */
    for (const char *p = in; *p;) {
        size_t n, start, len;
        if (next_at && next_at < p)
            next_at = strchr(p, '@');
        if ((n = bearer_at(p)) > 0) {
            put(&s, p, 7);
            put(&s, "***", 3);
            p += n;
            masked++;
        } else if ((n = key_at(p)) > 0 && !value_end(p[n])) {
            put(&s, p, n);
            p += n;
            if ((n = bearer_at(p)) > 0)
                put(&s, p, 7);
            else
                while (!value_end(p[n]))
                    n++;
            put(&s, "***", 3);
            p += n;
            masked++;
        } else if (next_at && url_password_at(in, in_len, p, &start, &len)) {
            put(&s, p, start);
            put(&s, "***", 3);
            p += start + len;
            masked++;
        } else {
            put(&s, p, 1);
            p++;
        }
    }
    return masked;
}

void mdr_log(const ksc_host_services *services, ksc_log_level level, const char *fmt, ...)
{
    if (!services || !services->log)
        return;
    /* The whole message is scrubbed before the line is cut to its length: cut first, a
     * proxy URL could lose its '@' and keep the start of its password. */
    char stack_raw[LINE_MAX_LEN], clean[LINE_MAX_LEN + 8];
    char *raw = stack_raw;
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int need = vsnprintf(stack_raw, sizeof stack_raw, fmt, ap);
    va_end(ap);
    if (need >= (int)sizeof stack_raw) {
        raw = malloc((size_t)need + 1);
        if (raw)
            vsnprintf(raw, (size_t)need + 1, fmt, again);
    }
    va_end(again);
    memcpy(clean, "mdr: ", 5);
    if (need < 0 || !raw)
        snprintf(clean + 5, sizeof clean - 5, "(a log line that could not be formatted)");
    else
        mdr_log_scrub(raw, clean + 5, sizeof clean - 5);
    if (raw != stack_raw)
        free(raw);
    services->log(services->host, level, clean);
}
