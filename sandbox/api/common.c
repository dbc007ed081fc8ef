/* common.c — what the incident resources share: the caller's view of an incident, the
 * body's incident_id, paging, and the fields projection. */
#include "api/api.h"

#include <stdio.h>
#include <string.h>

void project_fields(json_object *obj, json_object *fields)
{
    if (!fields)
        return;
    json_object *keep = json_object_new_object();
    for (size_t i = 0; i < json_object_array_length(fields); i++) {
        const char *f = json_object_get_string(json_object_array_get_idx(fields, i));
        json_object *v = NULL;
        if (json_object_object_get_ex(obj, f, &v))
            json_object_object_add(keep, f, json_object_get(v));
    }
    /* replace obj's members with the kept ones, in the order asked */
    json_object_object_foreach(obj, k, v)
    {
        (void)v;
        json_object_object_del(obj, k);
    }
    json_object_object_foreach(keep, k2, v2) json_object_object_add(obj, k2, json_object_get(v2));
    json_object_put(keep);
}

int fields_valid(json_object *fields, const char *const *known, sbx_reply *rep)
{
    for (size_t i = 0; fields && i < json_object_array_length(fields); i++) {
        const char *f = json_object_get_string(json_object_array_get_idx(fields, i));
        int ok = 0;
        for (int k = 0; known[k]; k++)
            ok |= strcmp(known[k], f) == 0;
        if (!ok) {
            sbx_reply_error(rep, 400, "invalid_parameter", "unknown field \"%s\"", f);
            return 0;
        }
    }
    return 1;
}

int api_incident_visible(sbx_request *req, const incident *inc)
{
    return req->ctx->tenant_visible(req->ctx, req->conn, incident_tenant_name(req->ctx, inc));
}

/* Finds incident_id of the body among the caller's incidents; answers 400/404 itself. */
incident *api_body_incident(sbx_request *req, sbx_reply *rep)
{
    const char *id = NULL;
    if (sbx_body_string(req, rep, "incident_id", &id) < 0)
        return NULL;
    if (!id || !*id) {
        sbx_reply_error(rep, 400, "invalid_parameter", "incident_id is required");
        return NULL;
    }
    core_state *cs = core_of(req->ctx);
    long i = incident_find(cs, id);
    if (i < 0 || !api_incident_visible(req, cs->incidents[i])) {
        sbx_reply_error(rep, 404, "not_found", "no incident %s", id);
        return NULL;
    }
    return cs->incidents[i];
}

int api_paging(sbx_request *req, sbx_reply *rep, int64_t *page, int64_t *size, int64_t def)
{
    *page = 1;
    *size = def;
    if (sbx_body_int64(req, rep, "page", page) < 0 ||
        sbx_body_int64(req, rep, "page_size", size) < 0)
        return -1;
    if (*page < 1 || *size < 1 || *size > RESULT_CAP) {
        sbx_reply_error(rep, 400, "invalid_parameter",
                        "page must be >= 1 and page_size between 1 and %d", RESULT_CAP);
        return -1;
    }
    return 0;
}

int api_nonempty(json_object *a)
{
    return a && json_object_array_length(a) > 0;
}

const char *api_caller_name(sbx_request *req)
{
    return req->conn ? req->conn->name : "API";
}

void api_routes(sbx_router *r, const api_route *routes)
{
    for (size_t i = 0; routes[i].path; i++) {
        char pattern[128];
        snprintf(pattern, sizeof pattern, "/api/v1/{client_id}/%s", routes[i].path);
        sbx_route(r, "POST", pattern, SBX_AUTH_ACCESS, routes[i].body, routes[i].handler);
    }
}
