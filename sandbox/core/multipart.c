/* multipart.c — a multipart/form-data body (RFC 7578) split into its parts by
 * libmicrohttpd's post processor. The router needs the whole body before it dispatches, so
 * the body received earlier is fed in one go and each part is collected into its own
 * buffer. */
#include "core/multipart.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

typedef struct collector {
    sbx_part *parts;
    size_t count, cap;
    size_t *data_cap; /* allocated size of each part's data buffer */
    int failed;
} collector;

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static int start_part(collector *c, const char *key, const char *filename, const char *content_type)
{
    if (c->count == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 4;
        sbx_part *parts = realloc(c->parts, cap * sizeof *parts);
        if (!parts)
            return -1;
        c->parts = parts;
        size_t *caps = realloc(c->data_cap, cap * sizeof *caps);
        if (!caps)
            return -1;
        c->data_cap = caps;
        c->cap = cap;
    }
    sbx_part *p = &c->parts[c->count];
    memset(p, 0, sizeof *p);
    c->data_cap[c->count] = 0;
    c->count++;
    p->name = dup_or_null(key);
    p->filename = dup_or_null(filename);
    p->content_type = dup_or_null(content_type);
    return p->name ? 0 : -1;
}

static int append(collector *c, const char *data, size_t size)
{
    sbx_part *p = &c->parts[c->count - 1];
    size_t *cap = &c->data_cap[c->count - 1];
    if (p->len + size + 1 > *cap) {
        size_t want = (p->len + size + 1) * 2;
        unsigned char *grown = realloc((unsigned char *)p->data, want);
        if (!grown)
            return -1;
        p->data = grown;
        *cap = want;
    }
    memcpy((unsigned char *)p->data + p->len, data, size);
    p->len += size;
    ((unsigned char *)p->data)[p->len] = '\0';
    return 0;
}

static enum MHD_Result on_value(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *filename, const char *content_type,
                                const char *transfer_encoding, const char *data, uint64_t off,
                                size_t size)
{
    (void)kind;
    (void)transfer_encoding;
    collector *c = cls;
    /* A value starts at offset 0; later calls continue the last part. */
    if ((off == 0 && start_part(c, key, filename, content_type) != 0) ||
        (c->count > 0 && size > 0 && append(c, data, size) != 0)) {
        c->failed = 1;
        return MHD_NO;
    }
    return MHD_YES;
}

void multipart_free(sbx_part *parts, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free((char *)parts[i].name);
        free((char *)parts[i].filename);
        free((char *)parts[i].content_type);
        free((unsigned char *)parts[i].data);
    }
    free(parts);
}

int multipart_parse(struct MHD_Connection *con, const unsigned char *body, size_t len,
                    sbx_part **parts, size_t *count)
{
    collector c = {0};
    /* NULL when the Content-Type is not multipart/form-data (or urlencoded). */
    struct MHD_PostProcessor *pp = MHD_create_post_processor(con, 64 * 1024, on_value, &c);
    int ok = pp && MHD_post_process(pp, (const char *)body, len) == MHD_YES;
    if (pp && MHD_destroy_post_processor(pp) != MHD_YES)
        ok = 0; /* the body ended inside a part */
    free(c.data_cap);
    if (!ok || c.failed || c.count == 0) {
        multipart_free(c.parts, c.count);
        *parts = NULL;
        *count = 0;
        return -1;
    }
    /* Parts without data still get an empty, NUL-terminated buffer. */
    for (size_t i = 0; i < c.count; i++)
        if (!c.parts[i].data) {
            c.parts[i].data = calloc(1, 1);
            if (!c.parts[i].data) {
                multipart_free(c.parts, c.count);
                return -1;
            }
        }
    *parts = c.parts;
    *count = c.count;
    return 0;
}
