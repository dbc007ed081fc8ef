/* multipart.c — splits a multipart/form-data body (RFC 7578) into its parts, in place. */
#define _GNU_SOURCE /* strcasestr */
#include "core.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const unsigned char *find(const unsigned char *hay, size_t n, const char *needle, size_t m)
{
    if (m == 0 || n < m)
        return NULL;
    for (size_t i = 0; i + m <= n; i++)
        if (hay[i] == (unsigned char)needle[0] && memcmp(hay + i, needle, m) == 0)
            return hay + i;
    return NULL;
}

/* Finds the value of attr="…" (or attr=token) in a header line without changing it. */
static char *header_attr(char *line, const char *attr, size_t *vlen)
{
    size_t al = strlen(attr);
    for (char *p = line; (p = strcasestr(p, attr)) != NULL; p += al) {
        if (p != line && p[-1] != ' ' && p[-1] != ';')
            continue;
        if (p[al] != '=')
            continue;
        char *v = p + al + 1;
        if (*v == '"') {
            char *end = strchr(v + 1, '"');
            if (!end)
                return NULL;
            *vlen = (size_t)(end - v - 1);
            return v + 1;
        }
        *vlen = strcspn(v, "; \t");
        return v;
    }
    return NULL;
}

int multipart_parse(const char *content_type, const unsigned char *body, size_t len,
                    sbx_part **parts, size_t *count);
int multipart_parse(const char *content_type, const unsigned char *body, size_t len,
                    sbx_part **parts, size_t *count)
{
    *parts = NULL;
    *count = 0;
    if (!content_type || strncasecmp(content_type, "multipart/form-data", 19) != 0)
        return -1;
    const char *b = strcasestr(content_type, "boundary=");
    if (!b)
        return -1;
    char delim[256];
    b += 9;
    size_t bl = b[0] == '"' ? strcspn(b + 1, "\"") : strcspn(b, "; \t");
    if (bl == 0 || bl > 200)
        return -1;
    snprintf(delim, sizeof delim, "--%.*s", (int)bl, b[0] == '"' ? b + 1 : b);
    size_t dl = strlen(delim);
    unsigned char *buf = (unsigned char *)body; /* the server's own copy; edited in place */
    const unsigned char *pos = find(buf, len, delim, dl);
    size_t cap = 0;
    while (pos) {
        const unsigned char *after = pos + dl;
        size_t left = len - (size_t)(after - buf);
        if (left >= 2 && after[0] == '-' && after[1] == '-')
            return 0; /* closing delimiter */
        if (left < 2 || after[0] != '\r' || after[1] != '\n')
            break;
        unsigned char *hdr = (unsigned char *)after + 2;
        const unsigned char *hend = find(hdr, len - (size_t)(hdr - buf), "\r\n\r\n", 4);
        if (!hend)
            break;
        unsigned char *data = (unsigned char *)hend + 4;
        char crlf_delim[260];
        snprintf(crlf_delim, sizeof crlf_delim, "\r\n%s", delim);
        const unsigned char *next = find(data, len - (size_t)(data - buf), crlf_delim, dl + 2);
        if (!next)
            break;
        ((unsigned char *)hend)[0] = '\0'; /* headers become one C string */
        sbx_part part = {0};
        for (char *line = (char *)hdr; line && *line;) {
            char *eol = strstr(line, "\r\n");
            if (eol)
                *eol = '\0';
            if (strncasecmp(line, "Content-Disposition:", 20) == 0) {
                size_t nl = 0, fl = 0;
                char *name = header_attr(line + 20, "name", &nl);
                char *file = header_attr(line + 20, "filename", &fl);
                if (name)
                    name[nl] = '\0'; /* terminate only after both were found */
                if (file)
                    file[fl] = '\0';
                part.name = name;
                part.filename = file;
            } else if (strncasecmp(line, "Content-Type:", 13) == 0) {
                char *v = line + 13;
                while (*v == ' ')
                    v++;
                part.content_type = v;
            }
            line = eol ? eol + 2 : NULL;
        }
        part.data = data;
        part.len = (size_t)(next - data);
        if (!part.name)
            break;
        if (*count == cap) {
            cap = cap ? cap * 2 : 4;
            sbx_part *grown = realloc(*parts, cap * sizeof *grown);
            if (!grown)
                break;
            *parts = grown;
        }
        (*parts)[(*count)++] = part;
        pos = next + 2;
    }
    free(*parts);
    *parts = NULL;
    *count = 0;
    return -1;
}
