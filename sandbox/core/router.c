/* router.c — the route table and the module list that sbx_register_all() fills, and the
 * matching of a request path against the route patterns. */
#include "core/router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
