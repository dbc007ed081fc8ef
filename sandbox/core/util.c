/* util.c — the clock, replies, JSON body helpers, the text buffer and the router. */
#include "core.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t sbx_now_ms(const sbx_ctx *ctx)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + ctx->clock_offset_ms;
}

void sbx_touch(sbx_ctx *ctx)
{
    ctx->generation++;
    if (ctx->core)
        core_of(ctx)->dirty = 1;
}

void sbx_set_str(char **slot, const char *value)
{
    char *copy = value ? strdup(value) : NULL;
    free(*slot);
    *slot = copy;
}

int sbx_tenant_find(const sbx_ctx *ctx, const char *name)
{
    for (int i = 0; i < ctx->tenant_name_count; i++)
        if (strcmp(ctx->tenant_names[i], name) == 0)
            return i;
    return -1;
}

int sbx_tenant_add(sbx_ctx *ctx, const char *name)
{
    char **grown = realloc(ctx->tenant_names, sizeof(char *) * (ctx->tenant_name_count + 1));
    if (!grown)
        return -1;
    ctx->tenant_names = grown;
    ctx->tenant_names[ctx->tenant_name_count] = strdup(name);
    sbx_touch(ctx);
    return ctx->tenant_name_count++;
}

int sbx_tenant_rename(sbx_ctx *ctx, int index, const char *name)
{
    if (index < 0 || index >= ctx->tenant_name_count)
        return -1;
    sbx_set_str(&ctx->tenant_names[index], name);
    sbx_touch(ctx);
    return 0;
}

int sbx_default_tenant_visible(sbx_ctx *ctx, const sbx_conn *conn, const char *tenant_name)
{
    (void)ctx;
    if (!conn || conn->tenant_count == 0)
        return 1;
    for (size_t i = 0; i < conn->tenant_count; i++)
        if (strcmp(conn->tenants[i], tenant_name) == 0)
            return 1;
    return 0;
}

/* ---- replies */

static void reply_reset(sbx_reply *rep)
{
    free(rep->body);
    free(rep->filename);
    rep->body = NULL;
    rep->filename = NULL;
    rep->len = 0;
}

void sbx_reply_json_text(sbx_reply *rep, int status, char *text, size_t len)
{
    reply_reset(rep);
    rep->status = status;
    rep->body = text;
    rep->len = len;
    snprintf(rep->content_type, sizeof rep->content_type, "application/json");
}

void sbx_reply_json(sbx_reply *rep, int status, json_object *obj)
{
    size_t len = 0;
    const char *text = json_object_to_json_string_length(
        obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
    char *copy = malloc(len + 1);
    if (copy)
        memcpy(copy, text, len + 1);
    json_object_put(obj);
    sbx_reply_json_text(rep, copy ? status : 500, copy, copy ? len : 0);
}

void sbx_reply_error(sbx_reply *rep, int status, const char *code, const char *fmt, ...)
{
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    json_object *err = json_object_new_object();
    json_object_object_add(err, "code", json_object_new_string(code));
    json_object_object_add(err, "message", json_object_new_string(message));
    json_object *top = json_object_new_object();
    json_object_object_add(top, "error", err);
    sbx_reply_json(rep, status, top);
}

void sbx_reply_bytes(sbx_reply *rep, int status, const char *content_type, const void *data,
                     size_t len, const char *filename)
{
    reply_reset(rep);
    rep->status = status;
    rep->body = malloc(len ? len : 1);
    if (len)
        memcpy(rep->body, data, len);
    rep->len = len;
    snprintf(rep->content_type, sizeof rep->content_type, "%s", content_type);
    rep->filename = filename ? strdup(filename) : NULL;
}

void sbx_reply_ok(sbx_reply *rep)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "status", json_object_new_string("ok"));
    sbx_reply_json(rep, 200, o);
}

const char *sbx_req_param(const sbx_request *req, const char *name)
{
    for (int i = 0; i < req->param_count; i++)
        if (strcmp(req->param_name[i], name) == 0)
            return req->param_value[i];
    return NULL;
}

/* ---- body helpers */

static json_object *body_get(const sbx_request *req, const char *key)
{
    json_object *v = NULL;
    if (!req->json || !json_object_object_get_ex(req->json, key, &v))
        return NULL;
    return v; /* a JSON null counts as absent */
}

int sbx_body_string(const sbx_request *req, sbx_reply *rep, const char *key, const char **out)
{
    json_object *v = body_get(req, key);
    if (!v)
        return 0;
    if (!json_object_is_type(v, json_type_string)) {
        sbx_reply_error(rep, 400, "invalid_parameter", "%s must be a string", key);
        return -1;
    }
    *out = json_object_get_string(v);
    return 1;
}

int sbx_body_int64(const sbx_request *req, sbx_reply *rep, const char *key, int64_t *out)
{
    json_object *v = body_get(req, key);
    if (!v)
        return 0;
    if (!json_object_is_type(v, json_type_int)) {
        sbx_reply_error(rep, 400, "invalid_parameter", "%s must be an integer", key);
        return -1;
    }
    *out = json_object_get_int64(v);
    return 1;
}

int sbx_body_bool(const sbx_request *req, sbx_reply *rep, const char *key, int *out)
{
    json_object *v = body_get(req, key);
    if (!v)
        return 0;
    if (!json_object_is_type(v, json_type_boolean)) {
        sbx_reply_error(rep, 400, "invalid_parameter", "%s must be true or false", key);
        return -1;
    }
    *out = json_object_get_boolean(v);
    return 1;
}

int sbx_body_strings(const sbx_request *req, sbx_reply *rep, const char *key, json_object **out)
{
    json_object *v = body_get(req, key);
    if (!v)
        return 0;
    if (!json_object_is_type(v, json_type_array)) {
        sbx_reply_error(rep, 400, "invalid_parameter", "%s must be an array of strings", key);
        return -1;
    }
    size_t n = json_object_array_length(v);
    for (size_t i = 0; i < n; i++)
        if (!json_object_is_type(json_object_array_get_idx(v, i), json_type_string)) {
            sbx_reply_error(rep, 400, "invalid_parameter", "%s must be an array of strings", key);
            return -1;
        }
    *out = v;
    return 1;
}

/* ---- text buffer */

void sb_reserve(sbuf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *grown = realloc(b->data, cap);
    if (!grown)
        abort(); /* out of memory: nothing sensible left to do */
    b->data = grown;
    b->cap = cap;
}

void sb_put(sbuf *b, const char *s, size_t n)
{
    sb_reserve(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void sb_puts(sbuf *b, const char *s)
{
    sb_put(b, s, strlen(s));
}

void sb_putc(sbuf *b, char c)
{
    sb_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

void sb_int(sbuf *b, int64_t v)
{
    char tmp[24];
    int n = snprintf(tmp, sizeof tmp, "%lld", (long long)v);
    sb_put(b, tmp, (size_t)n);
}

void sb_jstr(sbuf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = strlen(s);
    sb_reserve(b, n * 6 + 2);
    char *o = b->data + b->len;
    *o++ = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
        } else if (c < 0x20) {
            *o++ = '\\';
            *o++ = 'u';
            *o++ = '0';
            *o++ = '0';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        } else {
            *o++ = (char)c;
        }
    }
    *o++ = '"';
    b->len = (size_t)(o - b->data);
    b->data[b->len] = '\0';
}

void sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n > 0) {
        sb_reserve(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
    }
    va_end(ap2);
}

/* ---- router */

void sbx_route(sbx_router *r, const char *method, const char *pattern, sbx_auth auth,
               sbx_body_kind body, sbx_handler handler)
{
    if (r->route_count == r->route_cap) {
        size_t cap = r->route_cap ? r->route_cap * 2 : 64;
        sbx_route_entry *grown = realloc(r->routes, cap * sizeof *grown);
        if (!grown)
            abort();
        r->routes = grown;
        r->route_cap = cap;
    }
    sbx_route_entry *e = &r->routes[r->route_count++];
    snprintf(e->method, sizeof e->method, "%s", method);
    e->pattern = strdup(pattern);
    e->auth = auth;
    e->body = body;
    e->handler = handler;
}

void sbx_add_module(sbx_router *r, const sbx_module *m)
{
    if (r->module_count == r->module_cap) {
        size_t cap = r->module_cap ? r->module_cap * 2 : 16;
        const sbx_module **grown = realloc(r->modules, cap * sizeof *grown);
        if (!grown)
            abort();
        r->modules = grown;
        r->module_cap = cap;
    }
    r->modules[r->module_count++] = m;
}

void router_free(sbx_router *r)
{
    for (size_t i = 0; i < r->route_count; i++)
        free(r->routes[i].pattern);
    free(r->routes);
    free(r->modules);
}

/* Matches pattern segments against path segments; {name} captures one segment. The
 * captured values are written into scratch (NUL-separated). */
static int match_one(const char *pattern, const char *path, char *scratch, sbx_request *req)
{
    const char *p = pattern, *s = path;
    char *out = scratch;
    int count = 0;
    while (*p && *s) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            if (!close)
                return 0;
            const char *end = strchr(s, '/');
            size_t n = end ? (size_t)(end - s) : strlen(s);
            if (n == 0 || count >= SBX_MAX_PARAMS)
                return 0;
            memcpy(out, s, n);
            out[n] = '\0';
            /* the name lives in the pattern: copy it after the value */
            char *name = out + n + 1;
            size_t nl = (size_t)(close - p - 1);
            memcpy(name, p + 1, nl);
            name[nl] = '\0';
            req->param_value[count] = out;
            req->param_name[count] = name;
            count++;
            out = name + nl + 1;
            p = close + 1;
            s += n;
        } else if (*p == *s) {
            p++;
            s++;
        } else {
            return 0;
        }
    }
    if (*p || *s)
        return 0;
    req->param_count = count;
    req->client_id = NULL;
    for (int i = 0; i < count; i++)
        if (strcmp(req->param_name[i], "client_id") == 0)
            req->client_id = req->param_value[i];
    return 1;
}

const sbx_route_entry *router_match(const sbx_router *r, const char *method, const char *path,
                                    char *scratch, sbx_request *req, int *path_known)
{
    *path_known = 0;
    for (size_t i = 0; i < r->route_count; i++) {
        const sbx_route_entry *e = &r->routes[i];
        if (!match_one(e->pattern, path, scratch, req))
            continue;
        if (strcmp(e->method, method) == 0)
            return e;
        *path_known = 1;
    }
    req->param_count = 0;
    req->client_id = NULL;
    return NULL;
}
