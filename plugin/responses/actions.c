/* responses/actions.c — the SOC's responses waiting for a decision (Incident access + Response
 * management): mdr.responses.list, .get, .accept, .reject, .check_isolation_password.
 * Responses live in the incidents of the public REST API (incidents/list embeds them;
 * response/update decides one); the caller sees the incidents of the tenants core/tenant_access
 * lets them see. Parameters: params.c. Reference: docs/actions/responses.md. */
#include "core/actions.h"
#include "core/cloud_codes.h"
#include "core/i18n.h"
#include "core/json_get.h"
#include "core/module.h"
#include "core/reply.h"
#include "core/request.h"
#include "core/tenant_access.h"
#include "params.h"

#include <ctype.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 1000
#define MAX_PAGES 10 /* the public API's 10,000 cap */
#define MAX_DECISIONS 100
#define COMMENT_MAX 2000

static const char *const STATUSES[] = {"Waiting for a decision", "Confirmed", "Declined", NULL};
static const char *const TYPES[] = {"get_file",
                                    "isolate",
                                    "disable_isolation",
                                    "delete_registry_key",
                                    "memory_dump",
                                    "terminate_process",
                                    "run_script",
                                    "quarantine",
                                    "restore_from_quarantine",
                                    NULL};

/* What a call sees: the incidents (with their responses) and the tenant map. */
typedef struct seen {
    json_object *incidents; /* array of incidents/list objects */
    json_object *tenants;   /* console tenants/list */
    json_object *settings;  /* console settings/get, or NULL when unavailable */
} seen;

static void seen_free(seen *s)
{
    json_object_put(s->incidents);
    json_object_put(s->tenants);
    json_object_put(s->settings);
}

/* Only what a response's view needs of its incident: no comments or attachments. */
static json_object *incident_fields(void)
{
    static const char *const keep[] = {
        "incident_id", "incident_number",         "summary",   "status", "priority",
        "tenant_name", "affected_hosts_mappings", "responses", NULL};
    json_object *a = json_object_new_array();
    for (int i = 0; keep[i]; i++)
        json_object_array_add(a, json_object_new_string(keep[i]));
    return a;
}

/* Every incident the filter matches, page by page (the API caps a query at 10,000). */
static mdr_cloud_status fetch(ksc_module *m, json_object *filter, seen *s, mdr_cloud_error *err)
{
    memset(s, 0, sizeof *s);
    json_object *body = json_object_new_object();
    mdr_cloud_status st = mdr_cloud_console(m, "tenants/list", body, 1, &s->tenants, err);
    json_object_put(body);
    if (st != MDR_CLOUD_OK)
        return st;
    if (!json_object_is_type(s->tenants, json_type_array))
        return mdr_cloud_fail(err, MDR_CLOUD_ERR_BAD_RESPONSE, "tenants/list: not an array");
    s->incidents = json_object_new_array();
    for (int page = 1; page <= MAX_PAGES; page++) {
        json_object *req = filter ? json_object_get(filter) : json_object_new_object();
        json_object_object_add(req, "page", json_object_new_int(page));
        json_object_object_add(req, "page_size", json_object_new_int(PAGE));
        json_object_object_add(req, "sort", json_object_new_string("creation_time:desc"));
        json_object_object_add(req, "fields", incident_fields());
        json_object *arr = NULL;
        st = mdr_cloud_api(m, "incidents/list", req, 1, &arr, err);
        json_object_object_del(req, "page");
        json_object_object_del(req, "page_size");
        json_object_object_del(req, "sort");
        json_object_object_del(req, "fields");
        json_object_put(req);
        if (st != MDR_CLOUD_OK)
            return st;
        if (!json_object_is_type(arr, json_type_array)) {
            json_object_put(arr);
            return mdr_cloud_fail(err, MDR_CLOUD_ERR_BAD_RESPONSE, "incidents/list: not an array");
        }
        size_t n = json_object_array_length(arr);
        for (size_t i = 0; i < n; i++)
            json_object_array_add(s->incidents, json_object_get(json_object_array_get_idx(arr, i)));
        json_object_put(arr);
        if (n < PAGE)
            break;
    }
    body = json_object_new_object();
    mdr_cloud_error ignored;
    if (mdr_cloud_console(m, "settings/get", body, 1, &s->settings, &ignored) != MDR_CLOUD_OK)
        s->settings = NULL; /* the auto-accept flag is then not shown; the rest stands */
    json_object_put(body);
    return MDR_CLOUD_OK;
}

/* The tenant id of a tenant name ("" = root, NULL = unknown: a deleted tenant). */
static const char *tenant_id_of(const seen *s, const char *name)
{
    if (!name || !*name)
        return "";
    for (size_t i = 0; i < json_object_array_length(s->tenants); i++) {
        json_object *t = json_object_array_get_idx(s->tenants, i);
        if (strcmp(mdr_json_str(t, "status", ""), "Deleted") != 0 &&
            strcmp(mdr_json_str(t, "name", ""), name) == 0)
            return mdr_json_str(t, "tenant_id", NULL);
    }
    return NULL;
}

/* 1 when the organization has the tenant (not deleted). */
static int tenant_known(const seen *s, const char *tenant_id)
{
    for (size_t i = 0; i < json_object_array_length(s->tenants); i++) {
        json_object *t = json_object_array_get_idx(s->tenants, i);
        if (strcmp(mdr_json_str(t, "status", ""), "Deleted") != 0 &&
            strcmp(mdr_json_str(t, "tenant_id", ""), tenant_id) == 0)
            return 1;
    }
    return 0;
}

/* 1 when the tenant's responses are accepted automatically (Settings: auto-accept). */
static int auto_accepted(const seen *s, const char *tenant_id)
{
    json_object *aa = NULL, *ts = NULL;
    if (!s->settings || !json_object_object_get_ex(s->settings, "auto_accept", &aa))
        return 0;
    const char *mode = mdr_json_str(aa, "mode", "off");
    if (!strcmp(mode, "all"))
        return 1;
    if (strcmp(mode, "per_tenant") || !json_object_object_get_ex(aa, "tenants", &ts) ||
        !json_object_is_type(ts, json_type_array))
        return 0;
    for (size_t i = 0; i < json_object_array_length(ts); i++) {
        json_object *t = json_object_array_get_idx(ts, i);
        if (!strcmp(mdr_json_str(t, "tenant_id", ""), tenant_id))
            return mdr_json_bool(t, "enabled", 0);
    }
    return 0;
}

static const char *host_name_of(json_object *incident, const char *asset_id)
{
    json_object *maps = NULL;
    json_object_object_get_ex(incident, "affected_hosts_mappings", &maps);
    for (size_t i = 0; maps && i < json_object_array_length(maps); i++) {
        json_object *x = json_object_array_get_idx(maps, i);
        if (!strcmp(mdr_json_str(x, "host_id", ""), asset_id))
            return mdr_json_str(x, "host_name", "");
    }
    return "";
}

static json_object *str(const char *s)
{
    return json_object_new_string(s ? s : "");
}

/* The catalog key of a status: "prefix.Words_of_it" (spaces are not kept in keys). */
static void status_key(char *key, size_t size, const char *prefix, const char *status)
{
    snprintf(key, size, "%s.%s", prefix, status);
    for (char *c = key; *c; c++)
        if (*c == ' ')
            *c = '_';
}

/* The response as the console shows it (new object). */
static json_object *response_view(const seen *s, json_object *inc, json_object *r,
                                  const char *tenant_id, const char *lang)
{
    json_object *o = json_object_new_object();
    const char *type = mdr_json_str(r, "type", ""), *status = mdr_json_str(r, "status", "");
    if (!strcmp(status, "New"))
        status = "Waiting for a decision"; /* the older name */
    char key[96];
    json_object_object_add(o, "response_id", str(mdr_json_str(r, "response_id", "")));
    json_object_object_add(o, "type", str(type));
    json_object_object_add(o, "status", str(status));
    status_key(key, sizeof key, "responses.status", status);
    json_object_object_add(o, "status_title", str(mdr_tr(lang, key)));
    json_object_object_add(o, "description", str(mdr_json_str(r, "description", "")));
    json_object_object_add(o, "details", str(mdr_json_str(r, "details", "")));
    json_object_object_add(o, "comment", str(mdr_json_str(r, "comment", "")));
    int64_t created = mdr_json_int(r, "creation_time", 0),
            updated = mdr_json_int(r, "update_time", 0);
    json_object_object_add(o, "creation_time", json_object_new_int64(created));
    json_object_object_add(o, "update_time", json_object_new_int64(updated));
    int tenant_auto = auto_accepted(s, tenant_id);
    /* the service decides an auto-accepted response the moment it is created */
    json_object_object_add(o, "decided_automatically",
                           json_object_new_boolean(strcmp(status, "Waiting for a decision") &&
                                                   created == updated && tenant_auto));
    json_object_object_add(o, "tenant_auto_accept", json_object_new_boolean(tenant_auto));
    const char *asset_id = mdr_json_str(r, "asset_id", "");
    json_object *asset = json_object_new_object();
    json_object_object_add(asset, "asset_id", str(asset_id));
    json_object_object_add(asset, "host_name", str(host_name_of(inc, asset_id)));
    json_object_object_add(o, "asset", asset);
    json_object *i = json_object_new_object();
    json_object_object_add(i, "incident_id", str(mdr_json_str(inc, "incident_id", "")));
    json_object_object_add(i, "incident_number",
                           json_object_new_int64(mdr_json_int(inc, "incident_number", 0)));
    json_object_object_add(i, "summary", str(mdr_json_str(inc, "summary", "")));
    json_object_object_add(i, "status", str(mdr_json_str(inc, "status", "")));
    json_object_object_add(i, "priority", str(mdr_json_str(inc, "priority", "")));
    json_object_object_add(i, "tenant_id", str(tenant_id));
    json_object_object_add(
        i, "tenant_name",
        str(*tenant_id ? mdr_json_str(inc, "tenant_name", "") : mdr_tr(lang, "tenants.root")));
    json_object_object_add(o, "incident", i);
    json_object *params = NULL;
    json_object_object_get_ex(r, "parameters", &params);
    json_object *pv = mdr_response_params_view(type, params, lang);
    json_object_object_foreach(pv, k, v) json_object_object_add(o, k, json_object_get(v));
    json_object_put(pv);
    return o;
}

/* Walks the visible responses: fn(…) for each; stops when it returns non-zero. */
typedef int (*visit_fn)(void *ctx, json_object *inc, json_object *r, const char *tenant_id);

static int visit(sqlite3 *db, const char *user, const seen *s, visit_fn fn, void *ctx)
{
    for (size_t i = 0; i < json_object_array_length(s->incidents); i++) {
        json_object *inc = json_object_array_get_idx(s->incidents, i), *rs = NULL;
        const char *tid = tenant_id_of(s, mdr_json_str(inc, "tenant_name", ""));
        if (!tid || mdr_tenant_access_visible_id(db, user, tid) != 1)
            continue; /* another tenant's incident does not exist for this user */
        if (!json_object_object_get_ex(inc, "responses", &rs) ||
            !json_object_is_type(rs, json_type_array))
            continue;
        for (size_t k = 0; k < json_object_array_length(rs); k++)
            if (fn(ctx, inc, json_object_array_get_idx(rs, k), tid))
                return 1;
    }
    return 0;
}

static ksc_status cloud_failed(ksc_module *m, const ksc_call *call, const mdr_cloud_error *err,
                               char **response)
{
    return mdr_cloud_fail_reply(m, call->lang, err, NULL, NULL, response);
}

/* ---------------------------------------------------------------- mdr.responses.list */

typedef struct list_ctx {
    const seen *s;
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
    json_object_array_add(c->out, response_view(c->s, inc, r, tid, c->lang));
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
    {.name = "type", .type = MDR_FIELD_ENUM, .choices = TYPES},
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
    seen s;
    mdr_cloud_error err;
    mdr_cloud_status cs = fetch(m, filter, &s, &err);
    json_object_put(filter);
    if (cs != MDR_CLOUD_OK) {
        seen_free(&s);
        json_object_put(req);
        return cloud_failed(m, call, &err, response);
    }
    if (c.tenant && *c.tenant && !tenant_known(&s, c.tenant)) {
        json_object *d = mdr_details_field("tenant");
        json_object_object_add(d, "tenant_id", json_object_new_string(c.tenant));
        seen_free(&s);
        json_object_put(req);
        return mdr_reply_error(m->services, call->lang, KSC_ERR_NOT_FOUND, "tenant_not_found", d,
                               response);
    }
    c.s = &s;
    c.out = json_object_new_array();
    visit(db, call->user, &s, list_one, &c);
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
    seen_free(&s);
    json_object_put(req);
    return mdr_reply_ok(m->services, out, response);
}

/* ---------------------------------------------------------------- finding one response */

typedef struct find_ctx {
    const char *id;
    json_object *inc, *r;
    const char *tenant_id;
} find_ctx;

static int find_one(void *p, json_object *inc, json_object *r, const char *tid)
{
    find_ctx *f = p;
    if (strcmp(mdr_json_str(r, "response_id", ""), f->id))
        return 0;
    f->inc = inc;
    f->r = r;
    f->tenant_id = tid;
    return 1;
}

static ksc_status not_found(ksc_module *m, const ksc_call *call, const char *id, char **response)
{
    json_object *d = mdr_details_field("response_id");
    json_object_object_add(d, "response_id", json_object_new_string(id));
    return mdr_reply_error(m->services, call->lang, KSC_ERR_NOT_FOUND, "response_not_found", d,
                           response);
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
    sqlite3 *db = mdr_store_conn(m->store);
    if (!db) {
        json_object_put(req);
        return mdr_reply_store_error(m->services, call->lang, response);
    }
    seen s;
    mdr_cloud_error err;
    if (fetch(m, NULL, &s, &err) != MDR_CLOUD_OK) {
        seen_free(&s);
        json_object_put(req);
        return cloud_failed(m, call, &err, response);
    }
    find_ctx f = {mdr_req_string(req, "response_id", ""), NULL, NULL, NULL};
    if (!visit(db, call->user, &s, find_one, &f)) {
        st = not_found(m, call, f.id, response);
        seen_free(&s);
        json_object_put(req);
        return st;
    }
    json_object *out = response_view(&s, f.inc, f.r, f.tenant_id, call->lang);
    /* the asset in full: isolation, OS, last seen — what a decision weighs */
    json_object *areq = json_object_new_object(), *asset = NULL;
    json_object_object_add(areq, "asset_id", str(mdr_json_str(f.r, "asset_id", "")));
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
    seen_free(&s);
    json_object_put(req);
    return mdr_reply_ok(m->services, out, response);
}

/* ---------------------------------------------------------------- accept / reject */

static const mdr_field DECIDE_FIELDS[] = {
    {.name = "responses", .type = MDR_FIELD_ARRAY, .required = 1, .max_len = MAX_DECISIONS},
    {.name = "comment", .type = MDR_FIELD_STRING, .max_len = COMMENT_MAX},
    {0}};

static json_object *item_error(const char *lang, const char *id, const char *code,
                               json_object *details)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "response_id", str(id));
    json_object_object_add(o, "ok", json_object_new_boolean(0));
    json_object *e = mdr_error_object(lang, code, details);
    json_object *inner = NULL;
    json_object_object_get_ex(e, "error", &inner);
    json_object_object_add(o, "error", json_object_get(inner));
    json_object_put(e);
    return o;
}

/* The ids: strings of 1..64 characters, no repeats. 0 or -1 with the reply made. */
static int decision_ids(ksc_module *m, const ksc_call *call, json_object *ids, char **response,
                        ksc_status *st)
{
    size_t n = json_object_array_length(ids);
    const char *code = n == 0 ? "too_short" : NULL;
    json_object *d = mdr_details_field("responses");
    for (size_t i = 0; !code && i < n; i++) {
        json_object *x = json_object_array_get_idx(ids, i);
        if (!json_object_is_type(x, json_type_string) || !json_object_get_string_len(x) ||
            json_object_get_string_len(x) > 64)
            code = "invalid_value";
        for (size_t k = 0; !code && k < i; k++)
            if (!strcmp(json_object_get_string(x),
                        json_object_get_string(json_object_array_get_idx(ids, k))))
                code = "response_repeated";
    }
    if (!code) {
        json_object_put(d);
        return 0;
    }
    if (!strcmp(code, "too_short"))
        json_object_object_add(d, "min", json_object_new_int(1));
    *st = mdr_reply_error(m->services, call->lang, KSC_ERR_INVALID, code, d, response);
    return -1;
}

static ksc_status decide(ksc_module *m, const ksc_call *call, const char *status, char **response)
{
    json_object *req;
    ksc_status st = mdr_request_parse(m->services, call, DECIDE_FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    json_object *ids = NULL;
    json_object_object_get_ex(req, "responses", &ids);
    if (decision_ids(m, call, ids, response, &st) != 0) {
        json_object_put(req);
        return st;
    }
    sqlite3 *db = mdr_store_conn(m->store);
    if (!db) {
        json_object_put(req);
        return mdr_reply_store_error(m->services, call->lang, response);
    }
    seen s;
    mdr_cloud_error err;
    if (fetch(m, NULL, &s, &err) != MDR_CLOUD_OK) {
        seen_free(&s);
        json_object_put(req);
        return cloud_failed(m, call, &err, response);
    }
    const char *comment = mdr_req_string(req, "comment", "");
    size_t n = json_object_array_length(ids);
    json_object *results = json_object_new_array();
    int decided = 0;
    ksc_status why = KSC_ERR_FAILED; /* the status of the last refusal: a single one's answer */
    for (size_t i = 0; i < n; i++) {
        const char *id = json_object_get_string(json_object_array_get_idx(ids, i));
        find_ctx f = {id, NULL, NULL, NULL};
        if (!visit(db, call->user, &s, find_one, &f)) {
            json_object *d = json_object_new_object();
            json_object_object_add(d, "response_id", str(id));
            json_object_array_add(results, item_error(call->lang, id, "response_not_found", d));
            why = KSC_ERR_NOT_FOUND;
            continue;
        }
        const char *now = mdr_json_str(f.r, "status", "");
        if (strcmp(now, "Waiting for a decision") && strcmp(now, "New")) {
            char key[96];
            status_key(key, sizeof key, "responses.status", now);
            json_object *d = json_object_new_object();
            json_object_object_add(d, "response_id", str(id));
            json_object_object_add(d, "status", str(now));
            json_object_object_add(d, "status_title", str(mdr_tr(call->lang, key)));
            json_object_array_add(results,
                                  item_error(call->lang, id, "response_already_decided", d));
            why = KSC_ERR_CONFLICT;
            continue;
        }
        json_object *body = json_object_new_object(), *answer = NULL;
        json_object_object_add(body, "response_id", str(id));
        json_object_object_add(body, "status", str(status));
        json_object_object_add(body, "comment", str(comment));
        /* not retried: a decision is not idempotent (a second one is 409) */
        mdr_cloud_status cs = mdr_cloud_api(m, "response/update", body, 0, &answer, &err);
        json_object_put(body);
        json_object_put(answer);
        if (cs != MDR_CLOUD_OK) {
            char *fail = NULL;
            why = cloud_failed(m, call, &err, &fail);
            json_object *parsed = fail ? json_tokener_parse(fail) : NULL, *inner = NULL;
            m->services->free(fail);
            json_object *o = json_object_new_object();
            json_object_object_add(o, "response_id", str(id));
            json_object_object_add(o, "ok", json_object_new_boolean(0));
            json_object_object_get_ex(parsed, "error", &inner);
            json_object_object_add(o, "error", json_object_get(inner));
            json_object_put(parsed);
            json_object_array_add(results, o);
            continue;
        }
        json_object *o = json_object_new_object();
        json_object_object_add(o, "response_id", str(id));
        json_object_object_add(o, "ok", json_object_new_boolean(1));
        json_object_object_add(o, "status", str(status));
        json_object_array_add(results, o);
        decided++;
    }
    seen_free(&s);
    json_object_put(req);
    /* one response asked and refused: that refusal is the answer */
    if (n == 1 && !decided) {
        json_object *e = NULL, *item = json_object_array_get_idx(results, 0);
        json_object_object_get_ex(item, "error", &e);
        char *text = NULL;
        json_object *whole = json_object_new_object();
        json_object_object_add(whole, "error", json_object_get(e));
        text = mdr_host_strdup(m->services,
                               json_object_to_json_string_ext(
                                   whole, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(whole);
        json_object_put(results);
        *response = text;
        return text ? why : KSC_ERR_NO_MEMORY;
    }
    json_object *out = json_object_new_object();
    json_object_object_add(out, "status", str(status));
    json_object_object_add(out, "decided", json_object_new_int(decided));
    json_object_object_add(out, "failed", json_object_new_int((int)n - decided));
    json_object_object_add(out, "results", results);
    return mdr_reply_ok(m->services, out, response);
}

ksc_status mdr_responses_accept(ksc_module *m, const ksc_call *call, char **response)
{
    return decide(m, call, "Confirmed", response);
}

ksc_status mdr_responses_reject(ksc_module *m, const ksc_call *call, char **response)
{
    return decide(m, call, "Declined", response);
}

/* ---------------------------------------------------------------- isolation password */

static const mdr_field PASSWORD_FIELDS[] = {
    {.name = "response_id", .type = MDR_FIELD_STRING, .required = 1, .min_len = 1, .max_len = 64},
    {.name = "password", .type = MDR_FIELD_STRING, .required = 1, .min_len = 1, .max_len = 1024},
    {0}};

ksc_status mdr_responses_check_isolation_password(ksc_module *m, const ksc_call *call,
                                                  char **response)
{
    json_object *req;
    ksc_status st = mdr_request_parse(m->services, call, PASSWORD_FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    sqlite3 *db = mdr_store_conn(m->store);
    seen s;
    mdr_cloud_error err;
    if (!db) {
        json_object_put(req);
        return mdr_reply_store_error(m->services, call->lang, response);
    }
    if (fetch(m, NULL, &s, &err) != MDR_CLOUD_OK) {
        seen_free(&s);
        json_object_put(req);
        return cloud_failed(m, call, &err, response);
    }
    find_ctx f = {mdr_req_string(req, "response_id", ""), NULL, NULL, NULL};
    if (!visit(db, call->user, &s, find_one, &f)) {
        st = not_found(m, call, f.id, response);
    } else if (strcmp(mdr_json_str(f.r, "type", ""), "isolate")) {
        json_object *d = mdr_details_field("response_id");
        json_object_object_add(d, "type", str(mdr_json_str(f.r, "type", "")));
        st = mdr_reply_error(m->services, call->lang, KSC_ERR_CONFLICT, "response_not_isolation", d,
                             response);
    } else {
        json_object *params = NULL;
        json_object_object_get_ex(f.r, "parameters", &params);
        unsigned char *salt = NULL, key[32];
        size_t salt_len = 0;
        const char *problem = NULL;
        if (mdr_isolation_details(params, &salt, &salt_len, key, &problem) != 0) {
            char pk[96];
            snprintf(pk, sizeof pk, "responses.problem.%s", problem);
            const char *vals[] = {"field", "password_details", NULL};
            char *why = mdr_trf(call->lang, pk, vals);
            json_object *d = mdr_details_field("password_details");
            json_object_object_add(d, "problem", str(why));
            json_object_object_add(d, "problem_code", str(problem));
            free(why);
            st = mdr_reply_error(m->services, call->lang, KSC_ERR_CONFLICT,
                                 "isolation_details_invalid", d, response);
        } else {
            int match = mdr_isolation_password_matches(mdr_req_string(req, "password", ""), salt,
                                                       salt_len, key);
            OPENSSL_cleanse(key, sizeof key);
            if (match < 0)
                st = mdr_reply_internal(m->services, call->lang, response);
            else {
                json_object *out = json_object_new_object();
                json_object_object_add(out, "response_id", str(f.id));
                json_object_object_add(out, "task_id", str(mdr_json_str(params, "task_id", "")));
                json_object_object_add(out, "match", json_object_new_boolean(match));
                json_object_object_add(
                    out, "message",
                    str(mdr_tr(call->lang, match ? "responses.password.match"
                                                 : "responses.password.no_match")));
                st = mdr_reply_ok(m->services, out, response);
            }
        }
        free(salt);
    }
    /* the password lives in the request object only: wipe it before letting go */
    json_object *pw = NULL;
    if (json_object_object_get_ex(req, "password", &pw)) {
        char *p = (char *)json_object_get_string(pw);
        OPENSSL_cleanse(p, strlen(p));
    }
    seen_free(&s);
    json_object_put(req);
    return st;
}
