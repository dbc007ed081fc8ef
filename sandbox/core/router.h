/* router.h — the route table and module list behind sbx_route() and sbx_add_module(). */
#ifndef KSC_SANDBOX_ROUTER_H
#define KSC_SANDBOX_ROUTER_H

#include "core/sbx.h"

typedef struct sbx_route_entry {
    char method[8];
    char *pattern;
    sbx_auth auth;
    sbx_body_kind body;
    sbx_handler handler;
} sbx_route_entry;

struct sbx_router {
    sbx_route_entry *routes;
    size_t route_count, route_cap;
    const sbx_module **modules;
    size_t module_count, module_cap;
};

/* Finds the route for method+path; fills req params/client_id (pointing into `scratch`,
 * a copy of path of at least strlen(path)+1 bytes). NULL when none; *path_known set when
 * the path exists for another method. */
const sbx_route_entry *router_match(const sbx_router *r, const char *method, const char *path,
                                    char *scratch, sbx_request *req, int *path_known);
void router_free(sbx_router *r);

#endif
