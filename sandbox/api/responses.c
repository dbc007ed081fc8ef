/* responses.c — responses/list and the decisions on responses (response/update,
 * responses/update: all or nothing), with the isolation they apply to assets. */
#include "api/api.h"

#include <stdlib.h>
#include <string.h>

static const char *const response_fields[] = {
    "response_id", "type",        "details",       "parameters",  "asset_id", "status",
    "comment",     "description", "creation_time", "update_time", "was_read", NULL};

static void responses_list(sbx_request *req, sbx_reply *rep)
{
    json_object *fields = NULL;
    int64_t page, size;
    if (sbx_body_strings(req, rep, "fields", &fields) < 0 ||
        !fields_valid(fields, response_fields, rep) || api_paging(req, rep, &page, &size, 100) < 0)
        return;
    incident *inc = api_body_incident(req, rep);
    if (!inc)
        return;
    json_object *arr = json_object_new_array();
    for (size_t i = (size_t)((page - 1) * size);
         i < inc->response_count && i < (size_t)(page * size); i++) {
        json_object *o = response_json(req->ctx, &inc->responses[i]);
        project_fields(o, fields);
        json_object_array_add(arr, o);
    }
    sbx_reply_json(rep, 200, arr);
}

static response *find_response(sbx_request *req, const char *id, incident **owner)
{
    core_state *cs = core_of(req->ctx);
    for (size_t i = 0; id && i < cs->incident_n; i++) {
        incident *inc = cs->incidents[i];
        for (size_t k = 0; k < inc->response_count; k++)
            if (strcmp(inc->responses[k].id, id) == 0) {
                if (!api_incident_visible(req, inc))
                    return NULL;
                *owner = inc;
                return &inc->responses[k];
            }
    }
    return NULL;
}

/* Validates status/note and the caller's right to decide responses. */
static int decision_args(sbx_request *req, sbx_reply *rep, int *status, const char **note)
{
    const char *st = NULL;
    *note = "";
    if (sbx_body_string(req, rep, "status", &st) < 0 ||
        sbx_body_string(req, rep, "comment", note) < 0)
        return -1;
    if (req->conn && req->conn->rights == SBX_RIGHTS_OFFICER) {
        sbx_reply_error(rep, 403, "forbidden",
                        "this API connection has Incident access only and cannot decide responses");
        return -1;
    }
    *status = st && strcmp(st, "Confirmed") == 0 ? 1 : st && strcmp(st, "Declined") == 0 ? 2 : 0;
    if (!*status) {
        sbx_reply_error(rep, 400, "invalid_parameter", "status must be Confirmed or Declined");
        return -1;
    }
    return 0;
}

static int decide(sbx_request *req, sbx_reply *rep, const char *id, int status, const char *note,
                  int apply)
{
    incident *inc = NULL;
    response *r = find_response(req, id, &inc);
    if (!r) {
        sbx_reply_error(rep, 404, "not_found", "no response %s", id ? id : "");
        return -1;
    }
    if (r->status != 0) {
        sbx_reply_error(rep, 409, "already_decided", "response %s is already %s", r->id,
                        response_statuses[r->status]);
        return -1;
    }
    if (!apply)
        return 0;
    r->status = status;
    sbx_set_str(&r->comment, note);
    r->update_time = req->now_ms;
    inc->update_time = req->now_ms;
    if (status == 1 && strcmp(r->type, "isolate") == 0)
        core_of(req->ctx)->assets[r->asset].isolated = 1;
    if (status == 1 && strcmp(r->type, "disable_isolation") == 0)
        core_of(req->ctx)->assets[r->asset].isolated = 0;
    incident_add_history(inc, req->now_ms, api_caller_name(req), "update", "incident_response",
                         response_json(req->ctx, r));
    sbx_touch(req->ctx);
    return 0;
}

static void response_update(sbx_request *req, sbx_reply *rep)
{
    const char *id = NULL, *note;
    int status;
    if (sbx_body_string(req, rep, "response_id", &id) < 0 ||
        decision_args(req, rep, &status, &note) < 0)
        return;
    if (decide(req, rep, id, status, note, 1) == 0)
        sbx_reply_ok(rep);
}

static void responses_update(sbx_request *req, sbx_reply *rep)
{
    json_object *ids = NULL;
    const char *note;
    int status;
    if (sbx_body_strings(req, rep, "responses_ids", &ids) < 0 ||
        decision_args(req, rep, &status, &note) < 0)
        return;
    if (!api_nonempty(ids)) {
        sbx_reply_error(rep, 400, "invalid_parameter", "responses_ids must not be empty");
        return;
    }
    /* all or nothing: check every id first */
    size_t n = json_object_array_length(ids);
    for (size_t pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i++)
            if (decide(req, rep, json_object_get_string(json_object_array_get_idx(ids, i)), status,
                       note, (int)pass) != 0)
                return;
    sbx_reply_ok(rep);
}

void api_register_responses(sbx_router *r)
{
    api_routes(r, (const api_route[]){{"responses/list", responses_list, SBX_BODY_JSON},
                                      {"response/update", response_update, SBX_BODY_JSON},
                                      {"responses/update", responses_update, SBX_BODY_JSON},
                                      {NULL, NULL, SBX_BODY_JSON}});
}
