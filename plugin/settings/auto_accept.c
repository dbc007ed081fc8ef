/* auto_accept.c — auto-acceptance of responses (help: "Auto-accepting responses in
 * Kaspersky Security Center"; area Auto-accept settings):
 * - mdr.settings.auto_accept.get: the mode and the tenants the caller may access
 *   (core/tenant_access), or one switch for an organization without tenants;
 * - mdr.settings.auto_accept.set (MDR Administrator): the mode, "All tenants" (per-tenant
 *   mode: new tenants start on) and any tenants;
 * - mdr.settings.auto_accept.set_tenants (Senior Security Officer too): individual tenants,
 *   only in per-tenant mode and only tenants the caller may access.
 * The three actions' areas in rights/mdr-rights.xml are the role rules; the mode and the
 * per-tenant flags live in the cloud (settings/get, settings/update), which gives new tenants
 * their default. */
#include "core/actions.h"
#include "core/json_get.h"
#include "core/module.h"
#include "core/reply.h"
#include "core/request.h"
#include "core/store.h"
#include "core/tenant_access.h"
#include "view.h"

#include <stdio.h>
#include <string.h>

static const char *const MODES[] = {"off", "all", "per_tenant", NULL};

static json_object *cloud_tenants(json_object *settings)
{
    json_object *aa = NULL, *ts = NULL;
    if (json_object_object_get_ex(settings, "auto_accept", &aa) &&
        json_object_object_get_ex(aa, "tenants", &ts) && json_object_is_type(ts, json_type_array))
        return ts;
    return NULL;
}

static const char *cloud_mode(json_object *settings)
{
    json_object *aa = NULL;
    json_object_object_get_ex(settings, "auto_accept", &aa);
    return mdr_json_str(aa, "mode", "off");
}

/* The caller's view: the tenants they may access only; `hidden` counts the others. */
static ksc_status reply_view(ksc_module *m, const ksc_call *call, json_object *settings,
                             char **response)
{
    sqlite3 *db = mdr_store_conn(m->store);
    if (!db)
        return mdr_reply_store_error(m->services, call->lang, response);
    json_object *aa = NULL, *ts = cloud_tenants(settings), *rows = json_object_new_array();
    json_object_object_get_ex(settings, "auto_accept", &aa);
    size_t n = ts ? json_object_array_length(ts) : 0, hidden = 0;
    for (size_t i = 0; i < n; i++) {
        json_object *t = json_object_array_get_idx(ts, i);
        int visible =
            mdr_tenant_access_visible_id(db, call->user, mdr_json_str(t, "tenant_id", ""));
        if (visible < 0) {
            json_object_put(rows);
            return mdr_reply_store_error(m->services, call->lang, response);
        }
        if (!visible) {
            hidden++;
            continue;
        }
        json_object *row = json_object_new_object();
        json_object_object_add(row, "tenant_id",
                               json_object_new_string(mdr_json_str(t, "tenant_id", "")));
        json_object_object_add(row, "name", json_object_new_string(mdr_json_str(t, "name", "")));
        json_object_object_add(row, "enabled",
                               json_object_new_boolean(mdr_json_bool(t, "enabled", 0)));
        json_object_array_add(rows, row);
    }
    const char *mode = cloud_mode(settings);
    json_object *out = json_object_new_object();
    json_object_object_add(out, "mode", json_object_new_string(mode));
    json_object_object_add(out, "all_tenants",
                           json_object_new_boolean(mdr_json_bool(aa, "all_tenants", 0)));
    json_object_object_add(out, "new_tenants_enabled",
                           json_object_new_boolean(mdr_json_bool(aa, "all_tenants", 0)));
    /* Without tenants the organization has one switch: on (all) or off. */
    json_object_object_add(out, "uses_tenants", json_object_new_boolean(n > 0));
    json_object_object_add(out, "enabled", json_object_new_boolean(strcmp(mode, "all") == 0));
    json_object_object_add(out, "tenants", rows);
    json_object_object_add(out, "hidden", json_object_new_int64((int64_t)hidden));
    return mdr_reply_ok(m->services, out, response);
}

ksc_status mdr_settings_auto_accept_get(ksc_module *m, const ksc_call *call, char **response)
{
    ksc_status st = mdr_request_none(m->services, call, response);
    if (st != KSC_OK)
        return st;
    json_object *settings = NULL;
    mdr_cloud_error err;
    if (mdr_settings_fetch(m, &settings, &err) != MDR_CLOUD_OK)
        return mdr_cloud_fail_reply(m, call->lang, &err, MDR_SETTINGS_CODES, NULL, response);
    st = reply_view(m, call, settings, response);
    json_object_put(settings);
    return st;
}

/* Checks `wanted` ({tenant_id: bool}) against the organization's tenants the caller may
 * access; a tenant they cannot access is as unknown as one that does not exist. Fills the
 * error reply and returns its status, or KSC_OK. *changes counts the flags it would flip. */
static ksc_status check_tenants(ksc_module *m, const ksc_call *call, json_object *settings,
                                json_object *wanted, int *changes, char **response)
{
    sqlite3 *db = mdr_store_conn(m->store);
    if (!db)
        return mdr_reply_store_error(m->services, call->lang, response);
    json_object *ts = cloud_tenants(settings);
    *changes = 0;
    json_object_object_foreach(wanted, id, flag)
    {
        size_t len = strlen(id);
        int printable = len > 0 && len <= 64;
        for (size_t i = 0; printable && i < len; i++)
            printable = id[i] > 0x20 && id[i] < 0x7f;
        if (!printable) {
            json_object *d = mdr_details_field("tenants");
            return mdr_reply_error(m->services, call->lang, KSC_ERR_INVALID, "invalid_value", d,
                                   response);
        }
        if (!json_object_is_type(flag, json_type_boolean)) {
            char field[80];
            snprintf(field, sizeof field, "tenants.%s", id);
            json_object *d = mdr_details_field(field);
            json_object_object_add(d, "expected", json_object_new_string("boolean"));
            return mdr_reply_error(m->services, call->lang, KSC_ERR_INVALID, "wrong_type", d,
                                   response);
        }
        json_object *hit = NULL;
        for (size_t i = 0; ts && !hit && i < json_object_array_length(ts); i++)
            if (strcmp(mdr_json_str(json_object_array_get_idx(ts, i), "tenant_id", ""), id) == 0)
                hit = json_object_array_get_idx(ts, i);
        int visible = hit ? mdr_tenant_access_visible_id(db, call->user, id) : 0;
        if (visible < 0)
            return mdr_reply_store_error(m->services, call->lang, response);
        if (!visible) {
            json_object *d = mdr_details_field("tenants");
            json_object_object_add(d, "tenant_id", json_object_new_string(id));
            return mdr_reply_error(m->services, call->lang, KSC_ERR_NOT_FOUND, "tenant_not_found",
                                   d, response);
        }
        *changes += mdr_json_bool(hit, "enabled", 0) != json_object_get_boolean(flag);
    }
    return KSC_OK;
}

/* settings/update with {auto_accept: aa} (consumed), then the caller's view. */
static ksc_status push(ksc_module *m, const ksc_call *call, json_object *aa, char **response)
{
    json_object *body = json_object_new_object(), *settings = NULL;
    json_object_object_add(body, "auto_accept", aa);
    mdr_cloud_error err;
    mdr_cloud_status cs = mdr_settings_push(m, body, &settings, &err);
    json_object_put(body);
    if (cs != MDR_CLOUD_OK)
        return mdr_cloud_fail_reply(m, call->lang, &err, MDR_SETTINGS_CODES, NULL, response);
    ksc_status st = reply_view(m, call, settings, response);
    json_object_put(settings);
    return st;
}

static ksc_status refuse(ksc_module *m, const ksc_call *call, ksc_status status, const char *code,
                         const char *field, json_object *settings, json_object *req,
                         char **response)
{
    json_object_put(settings);
    json_object_put(req);
    return mdr_reply_error(m->services, call->lang, status, code,
                           field ? mdr_details_field(field) : NULL, response);
}

static const mdr_field SET_FIELDS[] = {
    {.name = "mode", .type = MDR_FIELD_ENUM, .required = 1, .choices = MODES},
    {.name = "all_tenants", .type = MDR_FIELD_BOOL},
    {.name = "tenants", .type = MDR_FIELD_OBJECT},
    {0}};

ksc_status mdr_settings_auto_accept_set(ksc_module *m, const ksc_call *call, char **response)
{
    json_object *req, *settings = NULL, *tenants = NULL, *all = NULL;
    ksc_status st = mdr_request_parse(m->services, call, SET_FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    mdr_cloud_error err;
    if (mdr_settings_fetch(m, &settings, &err) != MDR_CLOUD_OK) {
        json_object_put(req);
        return mdr_cloud_fail_reply(m, call->lang, &err, MDR_SETTINGS_CODES, NULL, response);
    }
    const char *mode = mdr_req_string(req, "mode", "off");
    int per_tenant = strcmp(mode, "per_tenant") == 0;
    json_object_object_get_ex(req, "tenants", &tenants);
    json_object_object_get_ex(req, "all_tenants", &all);
    json_object *ts = cloud_tenants(settings);
    size_t tenant_count = ts ? json_object_array_length(ts) : 0;
    if (per_tenant && tenant_count == 0)
        return refuse(m, call, KSC_ERR_CONFLICT, "auto_accept_no_tenants", "mode", settings, req,
                      response);
    if (!per_tenant && (tenants || all))
        return refuse(m, call, KSC_ERR_INVALID, "auto_accept_wrong_mode",
                      tenants ? "tenants" : "all_tenants", settings, req, response);
    int changes = 0;
    if (tenants) {
        st = check_tenants(m, call, settings, tenants, &changes, response);
        if (st != KSC_OK) {
            json_object_put(settings);
            json_object_put(req);
            return st;
        }
    }
    json_object *aa = json_object_new_object();
    json_object_object_add(aa, "mode", json_object_new_string(mode));
    if (all)
        json_object_object_add(aa, "all_tenants", json_object_get(all));
    if (tenants)
        json_object_object_add(aa, "tenants", json_object_get(tenants));
    json_object_put(settings);
    json_object_put(req);
    return push(m, call, aa, response); /* the cloud refuses no_changes */
}

static const mdr_field SET_TENANTS_FIELDS[] = {
    {.name = "tenants", .type = MDR_FIELD_OBJECT, .required = 1}, {0}};

ksc_status mdr_settings_auto_accept_set_tenants(ksc_module *m, const ksc_call *call,
                                                char **response)
{
    json_object *req, *settings = NULL, *tenants = NULL;
    ksc_status st = mdr_request_parse(m->services, call, SET_TENANTS_FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    mdr_cloud_error err;
    if (mdr_settings_fetch(m, &settings, &err) != MDR_CLOUD_OK) {
        json_object_put(req);
        return mdr_cloud_fail_reply(m, call->lang, &err, MDR_SETTINGS_CODES, NULL, response);
    }
    json_object_object_get_ex(req, "tenants", &tenants);
    if (strcmp(cloud_mode(settings), "per_tenant") != 0)
        return refuse(m, call, KSC_ERR_CONFLICT, "auto_accept_not_per_tenant", "tenants", settings,
                      req, response);
    if (json_object_object_length(tenants) == 0)
        return refuse(m, call, KSC_ERR_CONFLICT, "settings_no_changes", NULL, settings, req,
                      response);
    int changes = 0;
    st = check_tenants(m, call, settings, tenants, &changes, response);
    if (st == KSC_OK && changes == 0)
        return refuse(m, call, KSC_ERR_CONFLICT, "settings_no_changes", NULL, settings, req,
                      response);
    if (st != KSC_OK) {
        json_object_put(settings);
        json_object_put(req);
        return st;
    }
    json_object *aa = json_object_new_object();
    json_object_object_add(aa, "tenants", json_object_get(tenants));
    json_object_put(settings);
    json_object_put(req);
    return push(m, call, aa, response);
}
