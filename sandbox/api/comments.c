/* comments.c — comments/list, create and delete (own comments, within 10 minutes). */
#include "api/api.h"

#include <stdlib.h>
#include <string.h>

#define EDIT_WINDOW_MS (10LL * 60 * 1000)

static const char *const comment_fields[] = {"comment_id", "author_name", "text", "creation_time",
                                             "origin",     "was_read",    NULL};

static void comments_list(sbx_request *req, sbx_reply *rep)
{
    json_object *fields = NULL;
    int html = 0;
    if (sbx_body_strings(req, rep, "fields", &fields) < 0 ||
        sbx_body_bool(req, rep, "markdown_to_html", &html) < 0 ||
        !fields_valid(fields, comment_fields, rep))
        return;
    incident *inc = api_body_incident(req, rep);
    if (!inc)
        return;
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < inc->comment_count; i++) {
        json_object *o = comment_json(&inc->comments[i], html);
        project_fields(o, fields);
        json_object_array_add(arr, o);
    }
    sbx_reply_json(rep, 200, arr);
}

static void comments_create(sbx_request *req, sbx_reply *rep)
{
    const char *txt = NULL;
    int html = 0;
    if (sbx_body_string(req, rep, "text", &txt) < 0 ||
        sbx_body_bool(req, rep, "markdown_to_html", &html) < 0)
        return;
    if (!txt || !*txt || strlen(txt) > 20000) {
        sbx_reply_error(rep, 400, "invalid_parameter", "text is required (1-20000 characters)");
        return;
    }
    incident *inc = api_body_incident(req, rep);
    if (!inc)
        return;
    GROW(inc->comments, inc->comment_count, inc->comment_cap);
    comment *c = &inc->comments[inc->comment_count++];
    memset(c, 0, sizeof *c);
    make_id20(core_of(req->ctx), c->id);
    c->author_name = core_strdup(api_caller_name(req));
    c->text = core_strdup(txt);
    c->origin = core_strdup("Client");
    c->author_client = core_strdup(req->conn ? req->conn->client_id : "");
    c->creation_time = req->now_ms;
    c->was_read = 1;
    inc->update_time = req->now_ms;
    incident_add_history(inc, req->now_ms, api_caller_name(req), "create", "incident_comment",
                         comment_json(c, 0));
    sbx_touch(req->ctx);
    sbx_reply_json(rep, 200, comment_json(c, html));
}

static void comments_delete(sbx_request *req, sbx_reply *rep)
{
    const char *id = NULL;
    if (sbx_body_string(req, rep, "comment_id", &id) < 0)
        return;
    core_state *cs = core_of(req->ctx);
    for (size_t i = 0; id && i < cs->incident_n; i++) {
        incident *inc = cs->incidents[i];
        for (size_t k = 0; k < inc->comment_count; k++) {
            comment *c = &inc->comments[k];
            if (strcmp(c->id, id) != 0 || !api_incident_visible(req, inc))
                continue;
            if (!req->conn || strcmp(c->author_client, req->conn->client_id) != 0 ||
                req->now_ms - c->creation_time > EDIT_WINDOW_MS) {
                sbx_reply_error(rep, 403, "forbidden",
                                "only own comments can be deleted, within 10 minutes");
                return;
            }
            incident_add_history(inc, req->now_ms, api_caller_name(req), "update",
                                 "incident_comment", comment_json(c, 0));
            free(c->author_name);
            free(c->text);
            free(c->origin);
            free(c->author_client);
            memmove(c, c + 1, (inc->comment_count - k - 1) * sizeof *c);
            inc->comment_count--;
            inc->update_time = req->now_ms;
            sbx_touch(req->ctx);
            sbx_reply_ok(rep);
            return;
        }
    }
    sbx_reply_error(rep, 404, "not_found", "no comment %s", id ? id : "");
}

void api_register_comments(sbx_router *r)
{
    api_routes(r, (const api_route[]){{"comments/list", comments_list, SBX_BODY_JSON},
                                      {"comments/create", comments_create, SBX_BODY_JSON},
                                      {"comments/delete", comments_delete, SBX_BODY_JSON},
                                      {NULL, NULL, SBX_BODY_JSON}});
}
