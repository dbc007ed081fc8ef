/* responses/actions.c — the SOC's responses (Incident access + Response management): the list
 * across the incidents the caller sees, and one response in full (mdr.responses.list, .get).
 * Decisions: decide.c; the isolation password: password.c; what is seen: seen.c; each type's
 * parameters: params.c. Reference: docs/actions/responses.md. */
#include "core/actions.h"
#include "core/cloud_codes.h"
#include "core/i18n.h"
#include "core/json_get.h"
#include "core/module.h"
#include "core/reply.h"
#include "core/request.h"
#include "core/tenant_access.h"
#include "params.h"
#include "seen.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const STATUSES[] = {"Waiting for a decision", "Confirmed", "Declined", NULL};

/* What a call sees: the incidents (with their responses) and the tenant map. */

/* ---------------------------------------------------------------- mdr.responses.list */

typedef struct list_ctx {
    const responses_seen *s;
    const char *type, *status, *tenant, *asset, *lang;
    json_object *out;
} list_ctx;

static int list_one(void *p, json_object *inc, json_object *r, const char *tid)
{
    list_ctx *c = p;
    const char *st = mdr_json_str(r, "status", "");
    if (!strcmp(st, "New"))
        st = "Waiting for a decision";
    if ((c->type && strcmp(mdr_json_str(r, "type", ""), c->type)) || strcmp(st, c->status) ||
        (c->tenant && strcmp(tid, c->tenant)) ||
        (c->asset && strcmp(mdr_json_str(r, "asset_id", ""), c->asset)))
        return 0;
    json_object_array_add(c->out, responses_view(c->s, inc, r, tid, c->lang));
    return 0;
}

static int newest_first(const void *a, const void *b)
{
    int64_t x = mdr_json_int(*(json_object *const *)a, "creation_time", 0);
    int64_t y = mdr_json_int(*(json_object *const *)b, "creation_time", 0);
    return x < y ? 1 : x > y ? -1 : 0;
}

/* An asset id as the API writes it: "0x" and hexadecimal digits. */
static int asset_id_ok(const char *id)
{
    if (strncmp(id, "0x", 2) || !id[2])
        return 0;
    for (const char *c = id + 2; *c; c++)
        if (!isxdigit((unsigned char)*c))
            return 0;
    return 1;
}

static const mdr_field LIST_FIELDS[] = {
    {.name = "type", .type = MDR_FIELD_ENUM, .choices = MDR_RESPONSE_TYPES},
    {.name = "status", .type = MDR_FIELD_ENUM, .choices = STATUSES},
    {.name = "tenant", .type = MDR_FIELD_STRING, .max_len = 64},
    {.name = "asset", .type = MDR_FIELD_STRING, .min_len = 1, .max_len = 50},
    {.name = "page", .type = MDR_FIELD_INT, .min = 1, .max = 10000},
    {.name = "page_size", .type = MDR_FIELD_INT, .min = 1, .max = 500},
    {0}};

ksc_status mdr_responses_list(ksc_module *m, const ksc_call *call, char **response)
{
    json_object *req;
    ksc_status st = mdr_request_parse(m->services, call, LIST_FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    sqlite3 *db = mdr_store_conn(m->store);
    list_ctx c = {NULL,
                  mdr_req_string(req, "type", NULL),
                  mdr_req_string(req, "status", STATUSES[0]),
                  mdr_req_string(req, "tenant", NULL),
                  mdr_req_string(req, "asset", NULL),
                  call->lang,
                  NULL};
    if (!db) {
        json_object_put(req);
        return mdr_reply_store_error(m->services, call->lang, response);
    }
    if (c.asset && !asset_id_ok(c.asset)) {
        json_object_put(req);
        return mdr_reply_error(m->services, call->lang, KSC_ERR_INVALID, "invalid_value",
                               mdr_details_field("asset"), response);
    }
    if (c.tenant && mdr_tenant_access_visible_id(db, call->user, c.tenant) != 1) {
        json_object *d = mdr_details_field("tenant");
        json_object_object_add(d, "tenant_id", json_object_new_string(c.tenant));
        json_object_put(req);
        return mdr_reply_error(m->services, call->lang, KSC_ERR_NOT_FOUND, "tenant_not_found", d,
                               response);
    }
    /* the service narrows by status, type and asset; the tenant is checked here by id */
    json_object *filter = json_object_new_object();
    json_object *sts = json_object_new_array();
    json_object_array_add(sts, json_object_new_string(c.status));
    json_object_object_add(filter, "response_statuses", sts);
    if (c.type) {
        json_object *ty = json_object_new_array();
        json_object_array_add(ty, json_object_new_string(c.type));
        json_object_object_add(filter, "response_types", ty);
    }
    if (c.asset) {
        json_object *as = json_object_new_array();
        json_object_array_add(as, json_object_new_string(c.asset));
        json_object_object_add(filter, "asset_ids", as);
    }
    responses_seen s;
    mdr_cloud_error err;
    mdr_cloud_status cs = responses_fetch(m, filter, &s, &err);
    json_object_put(filter);
    if (cs != MDR_CLOUD_OK) {
        responses_seen_free(&s);
        json_object_put(req);
        return responses_cloud_failed(m, call, &err, response);
    }
    if (c.tenant && *c.tenant && !responses_tenant_known(&s, c.tenant)) {
        json_object *d = mdr_details_field("tenant");
        json_object_object_add(d, "tenant_id", json_object_new_string(c.tenant));
        responses_seen_free(&s);
        json_object_put(req);
        return mdr_reply_error(m->services, call->lang, KSC_ERR_NOT_FOUND, "tenant_not_found", d,
                               response);
    }
    c.s = &s;
    c.out = json_object_new_array();
    responses_visit(db, call->user, &s, list_one, &c);
    json_object_array_sort(c.out, newest_first);
    int64_t page = mdr_req_int(req, "page", 1), size = mdr_req_int(req, "page_size", 100);
    size_t total = json_object_array_length(c.out);
    json_object *rows = json_object_new_array();
    for (size_t i = (size_t)((page - 1) * size); i < total && i < (size_t)(page * size); i++)
        json_object_array_add(rows, json_object_get(json_object_array_get_idx(c.out, i)));
    json_object *out = json_object_new_object();
    json_object_object_add(out, "responses", rows);
    json_object_object_add(out, "total", json_object_new_int64((int64_t)total));
    json_object_object_add(out, "page", json_object_new_int64(page));
    json_object_object_add(out, "page_size", json_object_new_int64(size));
    json_object_put(c.out);
    responses_seen_free(&s);
    json_object_put(req);
    return mdr_reply_ok(m->services, out, response);
}

static const mdr_field ONE_FIELDS[] = {
    {.name = "response_id", .type = MDR_FIELD_STRING, .required = 1, .min_len = 1, .max_len = 64},
    {0}};

ksc_status mdr_responses_get(ksc_module *m, const ksc_call *call, char **response)
{
    json_object *req;
    ksc_status st = mdr_request_parse(m->services, call, ONE_FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    sqlite3 *db;
    responses_seen s;
    if (responses_open_all(m, call, &db, &s, &st, response) != 0) {
        json_object_put(req);
        return st;
    }
    responses_find_ctx f = {mdr_req_string(req, "response_id", ""), NULL, NULL, NULL};
    if (!responses_visit(db, call->user, &s, responses_find_one, &f)) {
        st = responses_not_found(m, call, f.id, response);
        responses_seen_free(&s);
        json_object_put(req);
        return st;
    }
    json_object *out = responses_view(&s, f.inc, f.r, f.tenant_id, call->lang);
    /* the asset in full: isolation, OS, last responses_seen — what a decision weighs */
    json_object *areq = json_object_new_object(), *asset = NULL;
    mdr_cloud_error err;
    json_object_object_add(areq, "asset_id", responses_str(mdr_json_str(f.r, "asset_id", "")));
    if (mdr_cloud_api(m, "assets/details", areq, 1, &asset, &err) == MDR_CLOUD_OK &&
        json_object_is_type(asset, json_type_object)) {
        json_object *a = NULL;
        json_object_object_get_ex(out, "asset", &a);
        static const char *const keep[] = {"domain",      "os_version", "status",
                                           "isolation",   "last_seen",  "installed_product_info",
                                           "ksc_host_id", NULL};
        for (int i = 0; keep[i]; i++) {
            json_object *v = NULL;
            if (json_object_object_get_ex(asset, keep[i], &v))
                json_object_object_add(a, keep[i], json_object_get(v));
        }
    }
    json_object_put(asset);
    json_object_put(areq);
    responses_seen_free(&s);
    json_object_put(req);
    return mdr_reply_ok(m->services, out, response);
}
