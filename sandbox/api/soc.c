/* soc.c — the SOC's side of responses, for tests and the demo: admin responses/create adds
 * a response to an incident as an analyst would, with the parameters given. A response made
 * for a tenant whose organization auto-accepts responses is Confirmed at once (help:
 * "Auto-accepting responses in Kaspersky Security Center"), as the real service does. */
#include "api/api.h"

#include <openssl/rand.h>

#include <stdio.h>
#include <string.h>

static const char *const soc_types[] = {"get_file",
                                        "isolate",
                                        "disable_isolation",
                                        "delete_registry_key",
                                        "memory_dump",
                                        "terminate_process",
                                        "run_script",
                                        "quarantine",
                                        "restore_from_quarantine",
                                        NULL};

static const char *known_type(const char *t)
{
    for (int i = 0; t && soc_types[i]; i++)
        if (strcmp(soc_types[i], t) == 0)
            return soc_types[i]; /* static: response.type is not freed */
    return NULL;
}

/* The incident's affected host whose asset_id is `id` (NULL: the first one); -1 if none. */
static long incident_asset(core_state *cs, const incident *inc, const char *id)
{
    for (size_t h = 0; h < inc->host_count; h++)
        if (!id || strcmp(asset_str(cs, &cs->assets[inc->hosts[h]], AS_ID), id) == 0)
            return (long)inc->hosts[h];
    return -1;
}

static void admin_response_create(sbx_request *req, sbx_reply *rep)
{
    const char *inc_id = NULL, *type_s = NULL, *asset_id = NULL, *description = NULL;
    if (sbx_body_string(req, rep, "incident_id", &inc_id) < 0 ||
        sbx_body_string(req, rep, "type", &type_s) < 0 ||
        sbx_body_string(req, rep, "asset_id", &asset_id) < 0 ||
        sbx_body_string(req, rep, "description", &description) < 0)
        return;
    json_object *params = NULL;
    if (json_object_object_get_ex(req->json, "parameters", &params) &&
        !json_object_is_type(params, json_type_object)) {
        sbx_reply_error(rep, 400, "invalid_parameter", "parameters must be an object");
        return;
    }
    const char *type = known_type(type_s);
    if (!type) {
        sbx_reply_error(rep, 400, "invalid_parameter", "unknown response type");
        return;
    }
    core_state *cs = core_of(req->ctx);
    long i = incident_find(cs, inc_id);
    if (i < 0) {
        sbx_reply_error(rep, 404, "not_found", "no incident %s", inc_id ? inc_id : "");
        return;
    }
    incident *inc = cs->incidents[i];
    long host = incident_asset(cs, inc, asset_id);
    if (host < 0) {
        sbx_reply_error(rep, 400, "invalid_parameter", "asset_id is not an affected host");
        return;
    }
    unsigned char u[16];
    if (RAND_bytes(u, sizeof u) != 1) {
        sbx_reply_error(rep, 500, "internal", "no randomness");
        return;
    }
    GROW(inc->responses, inc->response_count, inc->response_cap);
    response *r = &inc->responses[inc->response_count++];
    memset(r, 0, sizeof *r);
    snprintf(r->id, sizeof r->id,
             "MDR_%02x%02x%02x%02x-%02x%02x-4%01x%02x-a%01x%02x-%02x%02x%02x%02x%02x%02x", u[0],
             u[1], u[2], u[3], u[4], u[5], u[6] & 15, u[7], u[8] & 15, u[9], u[10], u[11], u[12],
             u[13], u[14], u[15]);
    r->type = type;
    r->details = core_strdup("Recommended by the SOC analyst");
    r->description = core_strdup(description ? description : "Apply this response.");
    r->parameters = params ? json_object_get(params) : json_object_new_object();
    r->asset = (uint32_t)host;
    r->creation_time = r->update_time = req->now_ms;
    int automatic =
        req->ctx->response_auto_accept && req->ctx->response_auto_accept(req->ctx, inc->tenant);
    r->status = automatic ? 1 : 0;
    r->comment = core_strdup(automatic ? "Accepted automatically (auto-accept)" : "");
    if (automatic && strcmp(type, "isolate") == 0)
        cs->assets[host].isolated = 1;
    if (automatic && strcmp(type, "disable_isolation") == 0)
        cs->assets[host].isolated = 0;
    inc->update_time = req->now_ms;
    incident_add_history(inc, req->now_ms, "MDR SOC", "create", "incident_response",
                         response_json(req->ctx, r));
    if (automatic)
        incident_add_history(inc, req->now_ms, "Auto-accept", "update", "incident_response",
                             response_json(req->ctx, r));
    sbx_touch(req->ctx);
    sbx_reply_json(rep, 200, response_json(req->ctx, r));
}

void api_register_soc(sbx_router *r)
{
    sbx_route(r, "POST", "/admin/responses/create", SBX_AUTH_ADMIN, SBX_BODY_JSON,
              admin_response_create);
}
