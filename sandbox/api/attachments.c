/* attachments.c — attachments/list, download and upload (multipart: file + meta). */
#include "api/api.h"

#include <stdlib.h>
#include <string.h>

#define MAX_ATTACHMENT (10u * 1024 * 1024)

static const char *const attachment_fields[] = {
    "attachment_id", "author_name", "caption", "creation_time", "file_size",
    "full_name",     "link",        "origin",  "was_read",      NULL};

static void attachments_list(sbx_request *req, sbx_reply *rep)
{
    json_object *fields = NULL;
    int html = 0;
    if (sbx_body_strings(req, rep, "fields", &fields) < 0 ||
        sbx_body_bool(req, rep, "markdown_to_html", &html) < 0 ||
        !fields_valid(fields, attachment_fields, rep))
        return;
    incident *inc = api_body_incident(req, rep);
    if (!inc)
        return;
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < inc->attachment_count; i++) {
        json_object *o = attachment_json(&inc->attachments[i], html);
        project_fields(o, fields);
        json_object_array_add(arr, o);
    }
    sbx_reply_json(rep, 200, arr);
}

static void attachments_download(sbx_request *req, sbx_reply *rep)
{
    const char *id = NULL;
    if (sbx_body_string(req, rep, "attachment_id", &id) < 0)
        return;
    core_state *cs = core_of(req->ctx);
    for (size_t i = 0; id && i < cs->incident_n; i++)
        for (size_t k = 0; k < cs->incidents[i]->attachment_count; k++) {
            attachment *a = &cs->incidents[i]->attachments[k];
            if (strcmp(a->id, id) == 0 && api_incident_visible(req, cs->incidents[i])) {
                sbx_reply_bytes(rep, 200, "application/octet-stream", a->data, a->size,
                                a->full_name);
                return;
            }
        }
    sbx_reply_error(rep, 404, "not_found", "no attachment %s", id ? id : "");
}

static void attachments_upload(sbx_request *req, sbx_reply *rep)
{
    const sbx_part *file = NULL, *meta = NULL;
    for (size_t i = 0; i < req->part_count; i++) {
        if (strcmp(req->parts[i].name, "file") == 0)
            file = &req->parts[i];
        else if (strcmp(req->parts[i].name, "meta") == 0)
            meta = &req->parts[i];
    }
    if (!file || !meta) {
        sbx_reply_error(rep, 400, "invalid_parameter", "the parts file and meta are required");
        return;
    }
    if (file->len > MAX_ATTACHMENT) {
        sbx_reply_error(rep, 413, "too_large", "attachments are at most 10 MB");
        return;
    }
    char *mtext = strndup((const char *)meta->data, meta->len);
    json_object *m = json_tokener_parse(mtext);
    free(mtext);
    if (!m || !json_object_is_type(m, json_type_object)) {
        json_object_put(m);
        sbx_reply_error(rep, 400, "invalid_parameter", "meta must be a JSON object");
        return;
    }
    json_object *saved = req->json;
    req->json = m; /* reuse the body helpers on meta */
    const char *caption = "";
    incident *inc =
        sbx_body_string(req, rep, "caption", &caption) < 0 ? NULL : api_body_incident(req, rep);
    if (inc) {
        GROW(inc->attachments, inc->attachment_count, inc->attachment_cap);
        attachment *a = &inc->attachments[inc->attachment_count++];
        memset(a, 0, sizeof *a);
        make_id20(core_of(req->ctx), a->id);
        a->author_name = core_strdup(api_caller_name(req));
        a->caption = core_strdup(caption);
        a->full_name = core_strdup(file->filename ? file->filename : "file");
        a->origin = core_strdup("Client");
        a->data = malloc(file->len ? file->len : 1);
        memcpy(a->data, file->data, file->len);
        a->size = file->len;
        a->creation_time = req->now_ms;
        a->was_read = 1;
        inc->update_time = req->now_ms;
        incident_add_history(inc, req->now_ms, api_caller_name(req), "create",
                             "incident_attachment", attachment_json(a, 0));
        sbx_touch(req->ctx);
        sbx_reply_ok(rep);
    }
    req->json = saved;
    json_object_put(m);
}

void api_register_attachments(sbx_router *r)
{
    api_routes(r,
               (const api_route[]){{"attachments/list", attachments_list, SBX_BODY_JSON},
                                   {"attachments/download", attachments_download, SBX_BODY_JSON},
                                   {"attachments/upload", attachments_upload, SBX_BODY_MULTIPART},
                                   {NULL, NULL, SBX_BODY_JSON}});
}
