/* Hand-written on purpose: Debian's libcsv writer quotes every field and has no formula
 * guard, and the quoting rule here is a few lines (see csv_writer.h). */
#include "csv_writer.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static void flush(mdr_csv *c)
{
    if (c->status == KSC_OK && c->len > 0)
        c->status = c->out->write(c->out->ctx, c->buf, c->len);
    c->len = 0;
}

static void put(mdr_csv *c, const char *data, size_t n)
{
    while (c->status == KSC_OK && n > 0) {
        size_t room = sizeof c->buf - c->len;
        size_t k = n < room ? n : room;
        memcpy(c->buf + c->len, data, k);
        c->len += k;
        data += k;
        n -= k;
        if (c->len == sizeof c->buf)
            flush(c);
    }
}

ksc_status mdr_csv_begin(mdr_csv *c, ksc_output *out, const char *file_name)
{
    c->out = out;
    c->len = 0;
    c->row_started = 0;
    c->status = out->begin(out->ctx, "text/csv; charset=utf-8", file_name);
    return c->status;
}

static int needs_guard(const char *s)
{
    return s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r';
}

size_t mdr_csv_encode_cell(const char *s, char *out, size_t size)
{
    if (!s)
        s = "";
    int guard = needs_guard(s);
    int quote = strpbrk(s, ",\"\r\n") != NULL;
    size_t n = 0;
#define EMIT(ch)                                                                                   \
    do {                                                                                           \
        if (n + 1 < size)                                                                          \
            out[n] = (ch);                                                                         \
        n++;                                                                                       \
    } while (0)
    if (quote)
        EMIT('"');
    if (guard)
        EMIT('\'');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            EMIT('"');
        EMIT(*p);
    }
    if (quote)
        EMIT('"');
#undef EMIT
    if (size)
        out[n < size ? n : size - 1] = '\0';
    return n;
}

static void separator(mdr_csv *c)
{
    if (c->row_started)
        put(c, ",", 1);
    c->row_started = 1;
}

void mdr_csv_text(mdr_csv *c, const char *text)
{
    if (c->status != KSC_OK)
        return;
    separator(c);
    if (!text)
        return;
    char small[512];
    size_t need = mdr_csv_encode_cell(text, small, sizeof small);
    if (need < sizeof small) {
        put(c, small, need);
        return;
    }
    /* a long cell: quote it piece by piece without a second buffer */
    int quote = strpbrk(text, ",\"\r\n") != NULL;
    if (quote)
        put(c, "\"", 1);
    if (needs_guard(text))
        put(c, "'", 1);
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            put(c, "\"", 1);
        put(c, p, 1);
    }
    if (quote)
        put(c, "\"", 1);
}

void mdr_csv_int(mdr_csv *c, int64_t value)
{
    if (c->status != KSC_OK)
        return;
    separator(c);
    char text[24];
    int n = snprintf(text, sizeof text, "%" PRId64, value);
    put(c, text, (size_t)n);
}

void mdr_csv_end_row(mdr_csv *c)
{
    put(c, "\r\n", 2);
    c->row_started = 0;
}

ksc_status mdr_csv_finish(mdr_csv *c)
{
    flush(c);
    return c->status;
}
