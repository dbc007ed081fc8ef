/* seen.c — the responses a caller sees (seen.h): the incidents with their responses read
 * from the public REST API, the tenant map, the auto-accept settings, and a response's view. */
#include "seen.h"

#include "core/cloud_codes.h"
#include "core/i18n.h"
#include "core/json_get.h"
#include "core/module.h"
#include "core/reply.h"
#include "core/tenant_access.h"
#include "params.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 1000
#define MAX_PAGES 10 /* the public API's 10,000 cap */

void responses_seen_free(responses_seen *s)
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
mdr_cloud_status responses_fetch(ksc_module *m, json_object *filter, responses_seen *s,
                                 mdr_cloud_error *err)
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
static const char *tenant_id_of(const responses_seen *s, const char *name)
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
int responses_tenant_known(const responses_seen *s, const char *tenant_id)
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
static int auto_accepted(const responses_seen *s, const char *tenant_id)
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

json_object *responses_str(const char *s)
{
    return json_object_new_string(s ? s : "");
}

/* The catalog key of a status: "prefix.Words_of_it" (spaces are not kept in keys). */
void responses_status_key(char *key, size_t size, const char *prefix, const char *status)
{
    snprintf(key, size, "%s.%s", prefix, status);
    for (char *c = key; *c; c++)
        if (*c == ' ')
            *c = '_';
}

/* The response as the console shows it (new object). */
json_object *responses_view(const responses_seen *s, json_object *inc, json_object *r,
                            const char *tenant_id, const char *lang)
{
    json_object *o = json_object_new_object();
    const char *type = mdr_json_str(r, "type", ""), *status = mdr_json_str(r, "status", "");
    if (!strcmp(status, "New"))
        status = "Waiting for a decision"; /* the older name */
    char key[96];
    json_object_object_add(o, "response_id", responses_str(mdr_json_str(r, "response_id", "")));
    json_object_object_add(o, "type", responses_str(type));
    json_object_object_add(o, "status", responses_str(status));
    responses_status_key(key, sizeof key, "responses.status", status);
    json_object_object_add(o, "status_title", responses_str(mdr_tr(lang, key)));
    json_object_object_add(o, "description", responses_str(mdr_json_str(r, "description", "")));
    json_object_object_add(o, "details", responses_str(mdr_json_str(r, "details", "")));
    json_object_object_add(o, "comment", responses_str(mdr_json_str(r, "comment", "")));
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
    json_object_object_add(asset, "asset_id", responses_str(asset_id));
    json_object_object_add(asset, "host_name", responses_str(host_name_of(inc, asset_id)));
    json_object_object_add(o, "asset", asset);
    json_object *i = json_object_new_object();
    json_object_object_add(i, "incident_id", responses_str(mdr_json_str(inc, "incident_id", "")));
    json_object_object_add(i, "incident_number",
                           json_object_new_int64(mdr_json_int(inc, "incident_number", 0)));
    json_object_object_add(i, "summary", responses_str(mdr_json_str(inc, "summary", "")));
    json_object_object_add(i, "status", responses_str(mdr_json_str(inc, "status", "")));
    json_object_object_add(i, "priority", responses_str(mdr_json_str(inc, "priority", "")));
    json_object_object_add(i, "tenant_id", responses_str(tenant_id));
    json_object_object_add(i, "tenant_name",
                           responses_str(*tenant_id ? mdr_json_str(inc, "tenant_name", "")
                                                    : mdr_tr(lang, "tenants.root")));
    json_object_object_add(o, "incident", i);
    json_object *params = NULL;
    json_object_object_get_ex(r, "parameters", &params);
    json_object *pv = mdr_response_params_view(type, params, lang);
    json_object_object_foreach(pv, k, v) json_object_object_add(o, k, json_object_get(v));
    json_object_put(pv);
    return o;
}

int responses_visit(sqlite3 *db, const char *user, const responses_seen *s, responses_visit_fn fn,
                    void *ctx)
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

ksc_status responses_cloud_failed(ksc_module *m, const ksc_call *call, const mdr_cloud_error *err,
                                  char **response)
{
    return mdr_cloud_fail_reply(m, call->lang, err, NULL, NULL, response);
}

int responses_open_all(ksc_module *m, const ksc_call *call, sqlite3 **db, responses_seen *s,
                       ksc_status *st, char **response)
{
    memset(s, 0, sizeof *s);
    *db = mdr_store_conn(m->store);
    if (!*db) {
        *st = mdr_reply_store_error(m->services, call->lang, response);
        return -1;
    }
    mdr_cloud_error err;
    if (responses_fetch(m, NULL, s, &err) != MDR_CLOUD_OK) {
        responses_seen_free(s);
        *st = responses_cloud_failed(m, call, &err, response);
        return -1;
    }
    return 0;
}

int responses_find_one(void *p, json_object *inc, json_object *r, const char *tid)
{
    responses_find_ctx *f = p;
    if (strcmp(mdr_json_str(r, "response_id", ""), f->id))
        return 0;
    f->inc = inc;
    f->r = r;
    f->tenant_id = tid;
    return 1;
}

ksc_status responses_not_found(ksc_module *m, const ksc_call *call, const char *id, char **response)
{
    json_object *d = mdr_details_field("response_id");
    json_object_object_add(d, "response_id", json_object_new_string(id));
    return mdr_reply_error(m->services, call->lang, KSC_ERR_NOT_FOUND, "response_not_found", d,
                           response);
}
