/* sbuf.h — a growable text buffer (fast JSON writing). */
#ifndef KSC_SANDBOX_SBUF_H
#define KSC_SANDBOX_SBUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct sbuf {
    char *data;
    size_t len, cap;
} sbuf;
void sb_reserve(sbuf *b, size_t extra);
void sb_put(sbuf *b, const char *s, size_t n);
void sb_puts(sbuf *b, const char *s);
void sb_putc(sbuf *b, char c);
void sb_int(sbuf *b, int64_t v);
void sb_jstr(sbuf *b, const char *s); /* a JSON string literal, escaped */
void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
