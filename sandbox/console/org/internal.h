/*
 * internal.h — what the rule files of console/org/ share and nothing else includes: small
 * helpers (errors, randomness, fixed-size copies, JSON reading and writing) and the few
 * rules one area borrows from another. The public side is org.h.
 */
#ifndef SBX_ORG_INTERNAL_H
#define SBX_ORG_INTERNAL_H

#include "console/org/org.h"

#include <openssl/rand.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline int fail(org_err *e, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static inline int fail(org_err *e, int status, const char *code, const char *fmt, ...)
{
    if (e) {
        e->status = status;
        snprintf(e->code, sizeof e->code, "%s", code);
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->message, sizeof e->message, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static inline void random_hex(char *out, size_t nbytes)
{
    unsigned char buf[32];
    if (nbytes > sizeof buf)
        nbytes = sizeof buf;
    if (RAND_bytes(buf, (int)nbytes) != 1)
        abort(); /* no randomness: nothing safe to do */
    for (size_t i = 0; i < nbytes; i++)
        snprintf(out + 2 * i, 3, "%02x", buf[i]);
}

static inline void random_uuid(char out[37])
{
    char h[33];
    random_hex(h, 16);
    h[12] = '4';
    h[16] = "89ab"[h[16] % 4];
    snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

static inline char *dup_str(const char *s)
{
    return s ? strdup(s) : NULL;
}

static inline void copy(char *dst, size_t size, const char *src)
{
    /* truncating copy: every field has a fixed size and inputs were checked before */
    size_t n = src ? strlen(src) : 0;
    if (n >= size)
        n = size - 1;
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

static inline const char *jstr(json_object *o, const char *key)
{
    json_object *v;
    if (o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string))
        return json_object_get_string(v);
    return NULL;
}

static inline int64_t jint(json_object *o, const char *key, int64_t dflt)
{
    json_object *v;
    if (o && json_object_object_get_ex(o, key, &v) &&
        (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_boolean)))
        return json_object_get_int64(v);
    return dflt;
}

static inline int jhas(json_object *o, const char *key, json_object **v)
{
    return o && json_object_object_get_ex(o, key, v) && *v &&
           !json_object_is_type(*v, json_type_null);
}

static inline void add_str(json_object *o, const char *k, const char *v)
{
    json_object_object_add(o, k, json_object_new_string(v ? v : ""));
}
static inline void add_int(json_object *o, const char *k, int64_t v)
{
    json_object_object_add(o, k, json_object_new_int64(v));
}
static inline void add_bool(json_object *o, const char *k, int v)
{
    json_object_object_add(o, k, json_object_new_boolean(v ? 1 : 0));
}

/* ---- rules one area borrows from another */
/* rules.c */
const char *org_agreement_title(const char *id);
const char *org_type_name(int type);
/* world.c */
void org_schedule_free(org_schedule *s);
org_code *org_code_find(org_world *w, const char *normalized);
org_license *org_license_new(org_org *o, const org_code *c);
void org_license_activate(org_license *l, const char *region, int64_t now_ms);
org_tenant *org_tenant_slot(org_org *o);
const org_license *org_first_current(const org_org *o, int64_t now_ms);
int org_index(const org_world *w, const org_org *o);
size_t org_license_assets(const org_world *w, org_org *o, const org_license *l, int64_t now_ms);
/* activation.c */
int org_usable_code(org_world *w, int org, const char *code, const char *region, org_code **out,
                    org_err *e);

#endif
