/* ksc_utf8.h — strict UTF-8 (RFC 3629: shortest form only, no UTF-16 surrogates, nothing
 * above U+10FFFF), header-only so the module and the host share it without a link
 * dependency. json-c's JSON_TOKENER_VALIDATE_UTF8 lets overlong forms (C0 AA) and encoded
 * surrogates (ED A0 80) through, and they would come back out in error messages. */
#ifndef KSC_UTF8_H
#define KSC_UTF8_H

#include <stddef.h>

/* The length of the valid UTF-8 sequence at s (at most len bytes), 0 when it is not one. */
static inline size_t ksc_utf8_seq(const unsigned char *s, size_t len)
{
    if (len == 0)
        return 0;
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF; /* the range of the second byte */
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0; /* overlong below U+0800 */
        else if (c == 0xED)
            hi = 0x9F; /* U+D800..U+DFFF */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90; /* overlong below U+10000 */
        else if (c == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else
        return 0; /* a continuation byte, C0/C1 (always overlong), F5..FF */
    if (len < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

/* The offset of the first byte of s that is not strict UTF-8; len when all are. */
static inline size_t ksc_utf8_invalid_at(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        size_t n = ksc_utf8_seq(p + i, len - i);
        if (!n)
            return i;
        i += n;
    }
    return len;
}

/* 1 when the len bytes at s are strict UTF-8. */
static inline int ksc_utf8_valid(const char *s, size_t len)
{
    return ksc_utf8_invalid_at(s, len) == len;
}

/* Copies the NUL-terminated src into dst (dst_size > 3) for showing it to a person: invalid
 * bytes and control characters become '?', and the text is cut (at a character boundary,
 * ending in "...") after max_chars characters or when dst is full. Returns dst. */
static inline char *ksc_utf8_printable(char *dst, size_t dst_size, const char *src,
                                       size_t max_chars)
{
    const unsigned char *p = (const unsigned char *)(src ? src : "");
    size_t len = 0, used = 0, chars = 0;
    while (p[len])
        len++;
    for (size_t i = 0; i < len;) {
        size_t n = ksc_utf8_seq(p + i, len - i);
        if (chars == max_chars || used + (n ? n : 1) + 4 > dst_size) {
            dst[used++] = '.', dst[used++] = '.', dst[used++] = '.';
            break;
        }
        if (!n || p[i] < 0x20 || p[i] == 0x7F) {
            dst[used++] = '?';
            i += n ? n : 1;
        } else {
            for (size_t k = 0; k < n; k++)
                dst[used++] = (char)p[i + k];
            i += n;
        }
        chars++;
    }
    dst[used] = '\0';
    return dst;
}

#endif
