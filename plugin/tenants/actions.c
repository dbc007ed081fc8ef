/* tenants/actions.c — the Tenants tab (Incident access + Tenant management): mdr.tenants.list,
 * .get, .create, .update, .add_config_file, .delete_config_file, .delete, .archive (ZIP),
 * and the per-user visibility (.grant, .grants; MDR Administrator). Rules: rules.c;
 * visibility: tenant_access.c; cloud calls: docs/cloud-api.md "Tenants". Reference:
 * docs/actions/tenants.md. */
#include "core/actions.h"
#include "core/audit.h"
#include "licenses/delivery.h"
#include "core/cloud_codes.h"
#include "core/i18n.h"
#include "licenses/view.h"
#include "licenses/sync.h"
#include "core/reply.h"
#include "core/log.h"
#include "core/request.h"
#include "core/tenant_access.h"
#include "core/test_point.h"
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const mdr_cloud_code_map TENANT_CODES[] = {
    {"invalid_name", KSC_ERR_INVALID, "tenant_name_invalid"},
    {"invalid_description", KSC_ERR_INVALID, "tenant_description_invalid"},
    {"tenant_limit", KSC_ERR_CONFLICT, "tenant_limit"},
    {"tenant_name_taken", KSC_ERR_CONFLICT, "tenant_name_taken"},
    {"expiration_after_license", KSC_ERR_INVALID, "tenant_expires_after_license"},
    {"invalid_expiration", KSC_ERR_INVALID, "tenant_expires_past"},
    {"license_not_current", KSC_ERR_CONFLICT, "tenant_license_not_current"},
    {"license_not_found", KSC_ERR_NOT_FOUND, "tenant_license_not_found"},
    {"config_file_required", KSC_ERR_INVALID, "tenant_config_file_required"},
    {"config_file_limit", KSC_ERR_CONFLICT, "tenant_config_file_limit"},
    {"last_config_file", KSC_ERR_CONFLICT, "tenant_last_config_file"},
    {"tenant_not_found", KSC_ERR_NOT_FOUND, "tenant_not_found"},
    {"tenant_expired", KSC_ERR_CONFLICT, "tenant_lifetime_ended"},
    {NULL, 0, NULL}};

/* For a caller who sees only some tenants, the cloud's "name taken" must not tell that a
 * tenant they cannot see exists: the same neutral refusal for every clash of names. */
static const mdr_cloud_code_map TENANT_CODES_RESTRICTED[] = {
    {"tenant_name_taken", KSC_ERR_CONFLICT, "tenant_name_unavailable"}, {NULL, 0, NULL}};

/* 1 when the caller sees only some tenants (a store error counts as restricted). */
static int caller_restricted(ksc_module *m, const ksc_call *call)
{
    sqlite3 *db = mdr_store_conn(m->store);
    return !db || mdr_tenant_access_restricted(db, call->user) != 0;
}

static ksc_status cloud_fail(ksc_module *m, const ksc_call *call, const mdr_cloud_error *err,
                             char **response)
{
    if (strcmp(err->service_code, "tenant_name_taken") == 0 && caller_restricted(m, call))
        return mdr_cloud_fail_reply(m, call->lang, err, TENANT_CODES_RESTRICTED, NULL, response);
    return mdr_cloud_fail_reply(m, call->lang, err, TENANT_CODES, NULL, response);
}

/* A clash of names for a restricted caller: the neutral refusal (see above), which names
 * neither the clashing tenant nor whether the caller could see it. */
static void neutral_name_clash(ksc_module *m, const ksc_call *call, mdr_rule_error *e)
{
    if (!e->code || strcmp(e->code, "tenant_name_taken") != 0 || !caller_restricted(m, call))
        return;
    mdr_rule_error_clear(e);
    mdr_rule_fail(e, KSC_ERR_CONFLICT, "tenant_name_unavailable", mdr_details_field("name"));
}

static ksc_status tenant_unknown(ksc_module *m, const ksc_call *call, const char *id,
                                 char **response)
{
    json_object *d = json_object_new_object();
    json_object_object_add(d, "tenant_id", json_object_new_string(id));
    return mdr_reply_error(m->services, call->lang, KSC_ERR_NOT_FOUND, "tenant_not_found", d,
                           response);
}

/* ---------------------------------------------------------------- crash safety
 *
 * Two stores, two commits: the cloud creates or deletes a tenant, then the module's store
 * records who sees it. A process that dies between the two (docs/module.md "Kill points")
 * leaves the cloud right and the grants behind; every tenant list settles them, the cloud's
 * list being the truth:
 * - a restricted user's create writes a tenant_intents row before tenants/create and turns
 *   it into the grant in one transaction after; a row whose tenant is in the list becomes
 *   that grant; a row whose tenant is not, once older than a create can take, is dropped;
 * - a grant of a tenant the list no longer holds (deleted) is dropped. */

static int tenant_in_list(json_object *tenants, const char *id, const char *name,
                          const char **id_out)
{
    for (size_t i = 0; i < json_object_array_length(tenants); i++) {
        json_object *t = json_object_array_get_idx(tenants, i);
        if (strcmp(mdr_json_str(t, "status", ""), "Deleted") == 0)
            continue;
        if ((id && strcmp(mdr_json_str(t, "tenant_id", ""), id) == 0) ||
            (name && strcasecmp(mdr_json_str(t, "name", ""), name) == 0)) {
            if (id_out)
                *id_out = mdr_json_str(t, "tenant_id", "");
            return 1;
        }
    }
    return 0;
}

typedef struct settle_ctx {
    ksc_module *m;
    json_object *tenants;
    int64_t now, stale_ms;
    int granted, dropped, forgotten;
} settle_ctx;

static int settle_tx(sqlite3 *db, void *p)
{
    settle_ctx *c = p;
    size_t n = json_object_array_length(c->tenants);
    for (size_t i = 0; i < n; i++) {
        json_object *t = json_object_array_get_idx(c->tenants, i);
        if (mdr_tenant_access_rename(db, mdr_json_str(t, "tenant_id", ""),
                                     mdr_json_str(t, "name", "")) != 0)
            return -1;
    }
    sqlite3_stmt *st = NULL, *del = NULL;
    if (sqlite3_prepare_v2(db, "SELECT id, user_name, tenant_name, created_ms FROM tenant_intents",
                           -1, &st, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "DELETE FROM tenant_intents WHERE id = ?1", -1, &del, NULL) !=
            SQLITE_OK) {
        sqlite3_finalize(st);
        sqlite3_finalize(del);
        return -1;
    }
    int rc = 0;
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
        const char *user = (const char *)sqlite3_column_text(st, 1);
        const char *name = (const char *)sqlite3_column_text(st, 2), *id = NULL;
        int found = tenant_in_list(c->tenants, NULL, name, &id);
        if (!found && c->now - sqlite3_column_int64(st, 3) < c->stale_ms)
            continue; /* perhaps still in flight in another process */
        if (found && mdr_tenant_access_add(db, user, id, name) != 0)
            rc = -1;
        sqlite3_reset(del);
        sqlite3_bind_int64(del, 1, sqlite3_column_int64(st, 0));
        if (rc == 0 && sqlite3_step(del) != SQLITE_DONE)
            rc = -1;
        found ? c->granted++ : c->dropped++;
    }
    sqlite3_finalize(st);
    sqlite3_finalize(del);
    if (rc != 0)
        return rc;
    json_object *grants = mdr_tenant_access_list(db);
    if (!grants)
        return -1;
    for (size_t u = 0; rc == 0 && u < json_object_array_length(grants); u++) {
        json_object *list = NULL;
        json_object_object_get_ex(json_object_array_get_idx(grants, u), "tenants", &list);
        for (size_t k = 0; rc == 0 && k < json_object_array_length(list); k++) {
            const char *id = mdr_json_str(json_object_array_get_idx(list, k), "id", "");
            if (tenant_in_list(c->tenants, id, NULL, NULL))
                continue;
            rc = mdr_tenant_access_forget(db, id);
            c->forgotten++;
        }
    }
    json_object_put(grants);
    return rc;
}

/* Every tenant of the organization (cloud objects, not deleted) and the grants brought up to
 * date: names, a create or delete a dead process left unrecorded. */
static mdr_cloud_status fetch_tenants(ksc_module *m, json_object **tenants, mdr_cloud_error *err)
{
    json_object *body = json_object_new_object();
    mdr_cloud_status st = mdr_cloud_console(m, "tenants/list", body, 1, tenants, err);
    json_object_put(body);
    if (st != MDR_CLOUD_OK)
        return st;
    if (!json_object_is_type(*tenants, json_type_array)) {
        json_object_put(*tenants);
        *tenants = NULL;
        return mdr_cloud_fail(err, MDR_CLOUD_ERR_BAD_RESPONSE, "tenants/list: not an array");
    }
    /* a create takes at most one call (never retried) */
    settle_ctx c = {m, *tenants, mdr_now(m), 2 * (int64_t)m->config->cloud_timeout_ms + 60000,
                    0, 0,        0};
    if (mdr_store_tx(m->store, settle_tx, &c) != 0)
        mdr_log(m->services, KSC_LOG_WARNING, "tenant grants could not be brought up to date");
    else if (c.granted || c.dropped || c.forgotten)
        mdr_log(m->services, KSC_LOG_WARNING,
                "tenant grants settled after an interrupted change: %d granted, %d dropped "
                "intents, %d grants of deleted tenants removed",
                c.granted, c.dropped, c.forgotten);
    return MDR_CLOUD_OK;
}

static int user_has_intents(sqlite3 *db, const char *user)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM tenant_intents WHERE user_name = ?1", -1, &st,
                           NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        return 0;
    }
    sqlite3_bind_text(st, 1, user ? user : "", -1, SQLITE_TRANSIENT);
    int has = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return has;
}

typedef struct intent_ctx {
    const char *user, *name, *id;
    int64_t now, row;
} intent_ctx;

static int intent_add_tx(sqlite3 *db, void *p)
{
    intent_ctx *c = p;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO tenant_intents (user_name, tenant_name, created_ms) "
                           "VALUES (?1, ?2, ?3)",
                           -1, &st, NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        return -1;
    }
    sqlite3_bind_text(st, 1, c->user, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, c->name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, c->now);
    int ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    c->row = ok ? sqlite3_last_insert_rowid(db) : 0;
    return ok ? 0 : -1;
}

/* The grant (when c->id) and the end of the intent, in one transaction. */
static int intent_done_tx(sqlite3 *db, void *p)
{
    intent_ctx *c = p;
    if (c->id && mdr_tenant_access_add(db, c->user, c->id, c->name) != 0)
        return -1;
    if (!c->row)
        return 0;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "DELETE FROM tenant_intents WHERE id = ?1", -1, &st, NULL) !=
        SQLITE_OK) {
        sqlite3_finalize(st);
        return -1;
    }
    sqlite3_bind_int64(st, 1, c->row);
    int ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    return ok ? 0 : -1;
}

/* tenants/get for a tenant the caller may see; otherwise tenant_not_found (the same answer
 * as for a tenant that does not exist: nothing leaks). */
static ksc_status get_visible(ksc_module *m, const ksc_call *call, const char *id,
                              json_object **tenant, char **response)
{
    *tenant = NULL;
    sqlite3 *db = mdr_store_conn(m->store);
    int visible = db ? mdr_tenant_access_visible_id(db, call->user, id) : -1;
    if (visible == 0 && user_has_intents(db, call->user)) {
        /* perhaps a create of theirs whose grant a dead process never wrote */
        json_object *tenants = NULL;
        mdr_cloud_error err;
        if (fetch_tenants(m, &tenants, &err) == MDR_CLOUD_OK)
            visible = mdr_tenant_access_visible_id(db, call->user, id);
        json_object_put(tenants);
    }
    if (visible < 0)
        return mdr_reply_store_error(m->services, call->lang, response);
    if (!visible)
        return tenant_unknown(m, call, id, response);
    json_object *body = json_object_new_object();
    json_object_object_add(body, "tenant_id", json_object_new_string(id));
    mdr_cloud_error err;
    mdr_cloud_status st = mdr_cloud_console(m, "tenants/get", body, 1, tenant, &err);
    json_object_put(body);
    if (st != MDR_CLOUD_OK)
        return cloud_fail(m, call, &err, response);
    if (strcmp(mdr_json_str(*tenant, "status", ""), "Deleted") == 0) {
        json_object_put(*tenant);
        *tenant = NULL;
        return tenant_unknown(m, call, id, response);
    }
    return KSC_OK;
}

static json_object *licenses_for_view(ksc_module *m, int64_t now, int force)
{
    json_object *list = NULL;
    int64_t refreshed;
    mdr_cloud_error err;
    if (mdr_licenses_get(m, now, force, &list, &refreshed, &err) != MDR_CLOUD_OK)
        return json_object_new_array(); /* names only: the tenant is shown without them */
    return list;
}

/* The answer for one tenant after a change: its view plus what the help promises. */
static ksc_status reply_tenant(ksc_module *m, const ksc_call *call, json_object *tenant,
                               int64_t old_revision, char **response)
{
    int64_t now = mdr_now(m);
    json_object *licenses = licenses_for_view(m, now, 0);
    json_object *out = mdr_tenant_view(tenant, licenses, now, call->lang);
    json_object_put(licenses);
    if (old_revision >= 0) {
        int regenerated = mdr_json_int(tenant, "revision", 0) != old_revision;
        json_object_object_add(out, "archive_regenerated", json_object_new_boolean(regenerated));
        if (regenerated)
            json_object_object_add(
                out, "message", json_object_new_string(mdr_tr(call->lang, "tenants.regenerated")));
    }
    json_object_put(tenant);
    return mdr_reply_ok(m->services, out, response);
}

/* ---------------------------------------------------------------- list, get */

ksc_status mdr_tenants_list(ksc_module *m, const ksc_call *call, char **response)
{
    ksc_status st = mdr_request_none(m->services, call, response);
    if (st != KSC_OK)
        return st;
    int64_t now = mdr_now(m);
    json_object *tenants = NULL;
    mdr_cloud_error err;
    if (fetch_tenants(m, &tenants, &err) != MDR_CLOUD_OK)
        return cloud_fail(m, call, &err, response);
    sqlite3 *db = mdr_store_conn(m->store);
    json_object *licenses = licenses_for_view(m, now, 0), *rows = json_object_new_array();
    size_t n = json_object_array_length(tenants);
    int64_t hidden = 0, total = 0;
    for (size_t i = 0; i < n; i++) {
        json_object *t = json_object_array_get_idx(tenants, i);
        if (strcmp(mdr_json_str(t, "status", ""), "Deleted") == 0)
            continue;
        total++;
        int visible =
            db ? mdr_tenant_access_visible_id(db, call->user, mdr_json_str(t, "tenant_id", ""))
               : -1;
        if (visible != 1) {
            hidden++;
            continue;
        }
        json_object_array_add(rows, mdr_tenant_view(t, licenses, now, call->lang));
    }
    json_object_put(tenants);
    json_object_put(licenses);
    if (!db) {
        json_object_put(rows);
        return mdr_reply_store_error(m->services, call->lang, response);
    }
    mdr_tenants_sort(rows);
    json_object *root = json_object_new_object();
    json_object_object_add(root, "name",
                           json_object_new_string(mdr_tr(call->lang, "tenants.root")));
    json_object_object_add(
        root, "visible",
        json_object_new_boolean(mdr_tenant_access_visible_id(db, call->user, "") == 1));
    json_object *out = json_object_new_object();
    json_object_object_add(out, "count",
                           json_object_new_int64((int64_t)json_object_array_length(rows)));
    json_object_object_add(out, "organization_tenants", json_object_new_int64(total));
    json_object_object_add(out, "max", json_object_new_int(MDR_TENANT_MAX));
    json_object_object_add(out, "hidden", json_object_new_int64(hidden));
    json_object_object_add(out, "root", root);
    json_object_object_add(out, "tenants", rows);
    return mdr_reply_ok(m->services, out, response);
}

static const mdr_field ID_FIELDS[] = {
    {.name = "id", .type = MDR_FIELD_STRING, .required = 1, .min_len = 1, .max_len = 64}, {0}};

ksc_status mdr_tenants_get(ksc_module *m, const ksc_call *call, char **response)
{
    json_object *req, *tenant;
    ksc_status st = mdr_request_parse(m->services, call, ID_FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    st = get_visible(m, call, mdr_req_string(req, "id", ""), &tenant, response);
    json_object_put(req);
    if (st != KSC_OK)
        return st;
    return reply_tenant(m, call, tenant, -1, response);
}

/* ---------------------------------------------------------------- create, update */

/* Generous transport limits: the rules below give the precise, localized refusal. */
static const mdr_field CREATE_FIELDS[] = {
    {.name = "name", .type = MDR_FIELD_STRING, .required = 1, .max_len = 4096},
    {.name = "description", .type = MDR_FIELD_STRING, .max_len = 65536},
    {.name = "active", .type = MDR_FIELD_BOOL},
    {.name = "config_files", .type = MDR_FIELD_ARRAY, .max_len = 1024},
    {0}};

static const mdr_field UPDATE_FIELDS[] = {
    {.name = "id", .type = MDR_FIELD_STRING, .required = 1, .min_len = 1, .max_len = 64},
    {.name = "name", .type = MDR_FIELD_STRING, .max_len = 4096},
    {.name = "description", .type = MDR_FIELD_STRING, .max_len = 65536},
    {.name = "active", .type = MDR_FIELD_BOOL},
    {.name = "config_files", .type = MDR_FIELD_ARRAY, .max_len = 1024},
    {0}};

/* Checks name, description and config_files of `req` and builds the cloud's body. */
static int build_body(ksc_module *m, json_object *req, json_object *tenants, const char *self_id,
                      int64_t now, json_object *body, mdr_rule_error *e)
{
    json_object *v;
    if (json_object_object_get_ex(req, "name", &v)) {
        const char *name = json_object_get_string(v);
        if (mdr_tenant_name_check(name, e) || mdr_tenant_name_free(tenants, name, self_id, e))
            return -1;
        json_object_object_add(body, "name", json_object_new_string(name));
    }
    if (json_object_object_get_ex(req, "description", &v)) {
        if (mdr_tenant_description_check(json_object_get_string(v), e))
            return -1;
        json_object_object_add(body, "description", json_object_get(v));
    }
    if (json_object_object_get_ex(req, "active", &v))
        json_object_object_add(body, "active", json_object_get(v));
    if (json_object_object_get_ex(req, "config_files", &v)) {
        json_object *licenses = NULL, *files = NULL;
        int64_t refreshed;
        mdr_cloud_error err;
        if (json_object_array_length(v) == 0)
            return mdr_rule_fail(e, self_id ? KSC_ERR_CONFLICT : KSC_ERR_INVALID,
                                 self_id ? "tenant_last_config_file"
                                         : "tenant_config_file_required",
                                 mdr_details_field("config_files"));
        /* the expiry rule needs each license's last day as it is now */
        if (mdr_licenses_get(m, now, 1, &licenses, &refreshed, &err) != MDR_CLOUD_OK) {
            json_object *d = json_object_new_object();
            json_object_object_add(d, "detail",
                                   json_object_new_string(mdr_cloud_status_key(err.status)));
            return mdr_rule_fail(e, KSC_ERR_FAILED, "tenant_licenses_unavailable", d);
        }
        int bad = mdr_tenant_config_files_build(v, licenses, now, &files, e);
        json_object_put(licenses);
        if (bad)
            return -1;
        json_object_object_add(body, "config_files", files);
    }
    return 0;
}

ksc_status mdr_tenants_create(ksc_module *m, const ksc_call *call, char **response)
{
    json_object *req;
    ksc_status st = mdr_request_parse(m->services, call, CREATE_FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    int64_t now = mdr_now(m);
    json_object *tenants = NULL;
    mdr_cloud_error err;
    if (fetch_tenants(m, &tenants, &err) != MDR_CLOUD_OK) {
        json_object_put(req);
        return cloud_fail(m, call, &err, response);
    }
    size_t existing = 0;
    for (size_t i = 0; i < json_object_array_length(tenants); i++)
        existing += strcmp(mdr_json_str(json_object_array_get_idx(tenants, i), "status", ""),
                           "Deleted") != 0;
    mdr_rule_error e = {0};
    json_object *body = json_object_new_object();
    int bad =
        mdr_tenant_count_check(existing, &e) || build_body(m, req, tenants, NULL, now, body, &e);
    json_object_put(tenants);
    json_object_put(req);
    if (bad) {
        json_object_put(body);
        neutral_name_clash(m, call, &e);
        return mdr_rule_reply(m->services, call->lang, &e, response);
    }
    /* a restricted user keeps seeing what they made: the intent is committed first, so a
     * death after the cloud's create still ends in the grant (fetch_tenants settles it) */
    sqlite3 *db = mdr_store_conn(m->store);
    int restricted = db ? mdr_tenant_access_restricted(db, call->user) : -1;
    intent_ctx intent = {call->user, mdr_json_str(body, "name", ""), NULL, now, 0};
    if (restricted < 0 ||
        (restricted == 1 && mdr_store_tx(m->store, intent_add_tx, &intent) != 0)) {
        json_object_put(body);
        return mdr_reply_store_error(m->services, call->lang, response);
    }
    json_object *tenant = NULL;
    mdr_cloud_status cs = mdr_cloud_console(m, "tenants/create", body, 0, &tenant, &err);
    if (cs != MDR_CLOUD_OK) {
        /* the service answered no: nothing was made; no answer: the next list settles it */
        if (cs == MDR_CLOUD_ERR_HTTP && intent.row)
            mdr_store_tx(m->store, intent_done_tx, &intent);
        json_object_put(body);
        return cloud_fail(m, call, &err, response);
    }
    mdr_test_point("tenants.after_cloud_create");
    intent.name = mdr_json_str(tenant, "name", "");
    intent.id = mdr_json_str(tenant, "tenant_id", "");
    int rc = restricted == 1 ? mdr_store_tx(m->store, intent_done_tx, &intent) : 0;
    json_object_put(body);
    if (rc != 0) {
        json_object_put(tenant);
        return mdr_reply_store_error(m->services, call->lang, response);
    }
    return reply_tenant(m, call, tenant, 0, response);
}

ksc_status mdr_tenants_update(ksc_module *m, const ksc_call *call, char **response)
{
    json_object *req, *tenant = NULL;
    ksc_status st = mdr_request_parse(m->services, call, UPDATE_FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    char id[65];
    snprintf(id, sizeof id, "%s", mdr_req_string(req, "id", ""));
    if (json_object_object_length(req) < 2) {
        json_object_put(req);
        return mdr_reply_error(m->services, call->lang, KSC_ERR_INVALID, "tenant_update_empty",
                               NULL, response);
    }
    if ((st = get_visible(m, call, id, &tenant, response)) != KSC_OK) {
        json_object_put(req);
        return st;
    }
    mdr_audit_before(tenant);
    int64_t now = mdr_now(m);
    mdr_rule_error e = {0};
    json_object *tenants = NULL, *v;
    mdr_cloud_error err;
    int renaming = json_object_object_get_ex(req, "name", &v);
    if (renaming && fetch_tenants(m, &tenants, &err) != MDR_CLOUD_OK) {
        json_object_put(req);
        json_object_put(tenant);
        return cloud_fail(m, call, &err, response);
    }
    json_object *body = json_object_new_object();
    json_object_object_add(body, "tenant_id", json_object_new_string(id));
    int bad = build_body(m, req, tenants, id, now, body, &e);
    /* switching on a tenant whose lifetime has ended needs a new configuration file */
    if (!bad && mdr_req_bool(req, "active", 0) &&
        !json_object_object_get_ex(req, "config_files", &v) &&
        mdr_tenant_lifetime_ended(tenant, now)) {
        json_object *d = json_object_new_object();
        json_object_object_add(d, "tenant",
                               json_object_new_string(mdr_json_str(tenant, "name", "")));
        bad = mdr_rule_fail(&e, KSC_ERR_CONFLICT, "tenant_lifetime_ended", d);
    }
    int64_t old_revision = mdr_json_int(tenant, "revision", 0);
    json_object_put(tenants);
    json_object_put(req);
    json_object_put(tenant);
    if (bad) {
        json_object_put(body);
        neutral_name_clash(m, call, &e);
        return mdr_rule_reply(m->services, call->lang, &e, response);
    }
    tenant = NULL;
    mdr_cloud_status cs = mdr_cloud_console(m, "tenants/update", body, 0, &tenant, &err);
    json_object_put(body);
    if (cs != MDR_CLOUD_OK)
        return cloud_fail(m, call, &err, response);
    sqlite3 *db = mdr_store_conn(m->store);
    if (renaming && db)
        mdr_tenant_access_rename(db, id, mdr_json_str(tenant, "name", ""));
    return reply_tenant(m, call, tenant, old_revision, response);
}

/* ---------------------------------------------------------------- configuration files */

static const mdr_field FILE_ADD_FIELDS[] = {
    {.name = "id", .type = MDR_FIELD_STRING, .required = 1, .min_len = 1, .max_len = 64},
    {.name = "license_id", .type = MDR_FIELD_STRING, .required = 1, .min_len = 1, .max_len = 64},
    {.name = "expires", .type = MDR_FIELD_STRING, .required = 1, .max_len = 10},
    {0}};

ksc_status mdr_tenants_add_config_file(ksc_module *m, const ksc_call *call, char **response)
{
    json_object *req, *tenant = NULL;
    ksc_status st = mdr_request_parse(m->services, call, FILE_ADD_FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    char id[65];
    snprintf(id, sizeof id, "%s", mdr_req_string(req, "id", ""));
    if ((st = get_visible(m, call, id, &tenant, response)) != KSC_OK) {
        json_object_put(req);
        return st;
    }
    int64_t now = mdr_now(m), expires = 0, refreshed,
            old_revision = mdr_json_int(tenant, "revision", 0);
    json_object_put(tenant);
    json_object *licenses = NULL, *v = NULL;
    mdr_rule_error e = {0};
    mdr_cloud_error err;
    if (mdr_licenses_get(m, now, 1, &licenses, &refreshed, &err) != MDR_CLOUD_OK) {
        json_object_put(req);
        return cloud_fail(m, call, &err, response);
    }
    json_object_object_get_ex(req, "expires", &v);
    int bad = mdr_tenant_expires_parse(v, "expires", &expires, &e) ||
              mdr_tenant_config_file_check(licenses, mdr_req_string(req, "license_id", ""), expires,
                                           now, "expires", &e);
    json_object_put(licenses);
    if (bad) {
        json_object_put(req);
        return mdr_rule_reply(m->services, call->lang, &e, response);
    }
    json_object *body = json_object_new_object();
    json_object_object_add(body, "tenant_id", json_object_new_string(id));
    json_object_object_add(body, "license_id",
                           json_object_new_string(mdr_req_string(req, "license_id", "")));
    json_object_object_add(body, "expiration_time", json_object_new_int64(expires));
    json_object_put(req);
    mdr_cloud_status cs = mdr_cloud_console(m, "tenants/config-files/add", body, 0, &tenant, &err);
    json_object_put(body);
    if (cs != MDR_CLOUD_OK)
        return cloud_fail(m, call, &err, response);
    return reply_tenant(m, call, tenant, old_revision, response);
}

static const mdr_field FILE_DELETE_FIELDS[] = {
    {.name = "id", .type = MDR_FIELD_STRING, .required = 1, .min_len = 1, .max_len = 64},
    {.name = "file_id", .type = MDR_FIELD_STRING, .required = 1, .min_len = 1, .max_len = 64},
    {0}};

ksc_status mdr_tenants_delete_config_file(ksc_module *m, const ksc_call *call, char **response)
{
    json_object *req, *tenant = NULL;
    ksc_status st = mdr_request_parse(m->services, call, FILE_DELETE_FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    char id[65], file_id[65];
    snprintf(id, sizeof id, "%s", mdr_req_string(req, "id", ""));
    snprintf(file_id, sizeof file_id, "%s", mdr_req_string(req, "file_id", ""));
    json_object_put(req);
    if ((st = get_visible(m, call, id, &tenant, response)) != KSC_OK)
        return st;
    mdr_rule_error e = {0};
    int64_t old_revision = mdr_json_int(tenant, "revision", 0);
    int bad = mdr_tenant_config_file_delete_check(tenant, file_id, &e);
    json_object_put(tenant);
    if (bad)
        return mdr_rule_reply(m->services, call->lang, &e, response);
    json_object *body = json_object_new_object();
    json_object_object_add(body, "tenant_id", json_object_new_string(id));
    json_object_object_add(body, "file_id", json_object_new_string(file_id));
    mdr_cloud_error err;
    tenant = NULL;
    mdr_cloud_status cs =
        mdr_cloud_console(m, "tenants/config-files/delete", body, 0, &tenant, &err);
    json_object_put(body);
    if (cs != MDR_CLOUD_OK)
        return cloud_fail(m, call, &err, response);
    return reply_tenant(m, call, tenant, old_revision, response);
}

/* ---------------------------------------------------------------- delete */

static const mdr_field DELETE_FIELDS[] = {
    {.name = "id", .type = MDR_FIELD_STRING, .required = 1, .min_len = 1, .max_len = 64},
    {.name = "confirm", .type = MDR_FIELD_BOOL},
    {0}};

ksc_status mdr_tenants_delete(ksc_module *m, const ksc_call *call, char **response)
{
    json_object *req, *tenant = NULL;
    ksc_status st = mdr_request_parse(m->services, call, DELETE_FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    char id[65];
    snprintf(id, sizeof id, "%s", mdr_req_string(req, "id", ""));
    int confirmed = mdr_req_bool(req, "confirm", 0);
    json_object_put(req);
    if ((st = get_visible(m, call, id, &tenant, response)) != KSC_OK)
        return st;
    mdr_audit_before(tenant);
    int64_t assets = mdr_json_int(tenant, "assets", 0);
    char name[128];
    snprintf(name, sizeof name, "%s", mdr_json_str(tenant, "name", ""));
    json_object_put(tenant);
    /* a deletion is always confirmed (help: "Deleting a tenant"), with or without assets;
     * with assets the question says what they lose */
    if (!confirmed) {
        json_object *d = json_object_new_object();
        json_object_object_add(d, "tenant", json_object_new_string(name));
        json_object_object_add(d, "tenant_id", json_object_new_string(id));
        json_object_object_add(d, "assets", json_object_new_int64(assets));
        return mdr_reply_error(m->services, call->lang, KSC_ERR_CONFLICT,
                               assets > 0 ? "tenant_has_assets" : "tenant_delete_unconfirmed", d,
                               response);
    }
    json_object *body = json_object_new_object(), *answer = NULL;
    json_object_object_add(body, "tenant_id", json_object_new_string(id));
    mdr_cloud_error err;
    mdr_cloud_status cs = mdr_cloud_console(m, "tenants/delete", body, 0, &answer, &err);
    json_object_put(body);
    if (cs != MDR_CLOUD_OK)
        return cloud_fail(m, call, &err, response);
    /* deleted in the cloud, the grants not yet dropped: fetch_tenants settles a death here */
    mdr_test_point("tenants.after_cloud_delete");
    sqlite3 *db = mdr_store_conn(m->store);
    if (db)
        mdr_tenant_access_forget(db, id);
    int64_t gone = mdr_json_int(answer, "disconnected_assets", assets);
    json_object_put(answer);
    char count[24];
    snprintf(count, sizeof count, "%lld", (long long)gone);
    const char *params[] = {"tenant", name, "assets", count, NULL};
    char *message = mdr_trf(call->lang, "tenants.deleted", params);
    json_object *out = json_object_new_object();
    json_object_object_add(out, "id", json_object_new_string(id));
    json_object_object_add(out, "name", json_object_new_string(name));
    json_object_object_add(out, "deleted", json_object_new_boolean(1));
    json_object_object_add(out, "disconnected_assets", json_object_new_int64(gone));
    json_object_object_add(out, "message", json_object_new_string(message ? message : ""));
    free(message);
    return mdr_reply_ok(m->services, out, response);
}

/* ---------------------------------------------------------------- archive */

static const mdr_field ARCHIVE_FIELDS[] = {
    {.name = "id", .type = MDR_FIELD_STRING, .required = 1, .min_len = 1, .max_len = 64},
    {.name = "kea", .type = MDR_FIELD_BOOL},
    {0}};

ksc_status mdr_tenants_archive(ksc_module *m, const ksc_call *call, char **response)
{
    json_object *req, *tenant = NULL;
    ksc_status st = mdr_request_parse(m->services, call, ARCHIVE_FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    char id[65];
    snprintf(id, sizeof id, "%s", mdr_req_string(req, "id", ""));
    int kea = mdr_req_bool(req, "kea", 0);
    json_object_put(req);
    if (!call->output || !call->output->begin || !call->output->write)
        return mdr_reply_error(m->services, call->lang, KSC_ERR_INVALID, "file_output_required",
                               NULL, response);
    if ((st = get_visible(m, call, id, &tenant, response)) != KSC_OK)
        return st;
    json_object *extra = json_object_new_object();
    json_object_object_add(extra, "tenant_id", json_object_new_string(id));
    json_object_object_add(extra, "tenant",
                           json_object_new_string(mdr_json_str(tenant, "name", "")));
    json_object_object_add(extra, "kea", json_object_new_boolean(kea));
    int ended = mdr_tenant_lifetime_ended(tenant, mdr_now(m));
    json_object_put(tenant);
    if (ended) {
        json_object_put(extra);
        return mdr_reply_error(m->services, call->lang, KSC_ERR_CONFLICT, "tenant_lifetime_ended",
                               NULL, response);
    }
    json_object *body = json_object_new_object();
    json_object_object_add(body, "tenant_id", json_object_new_string(id));
    json_object_object_add(body, "variant",
                           json_object_new_string(kea ? "with_kea" : "without_kea"));
    st = mdr_config_archive_deliver(m, call, "tenants/archive", body,
                                    kea ? MDR_ARCHIVE_WITH_KEA : MDR_ARCHIVE_WITHOUT_KEA,
                                    TENANT_CODES, extra, response);
    json_object_put(body);
    return st;
}

/* ---------------------------------------------------------------- visibility grants */

static const mdr_field GRANT_FIELDS[] = {
    {.name = "user", .type = MDR_FIELD_STRING, .required = 1, .min_len = 1, .max_len = 255},
    {.name = "tenants", .type = MDR_FIELD_ARRAY, .max_len = MDR_TENANT_MAX},
    {.name = "root", .type = MDR_FIELD_BOOL},
    {.name = "all", .type = MDR_FIELD_BOOL},
    {0}};

typedef struct grant_ctx {
    const char *user, *by;
    int root;
    json_object *tenants;
    int64_t now;
} grant_ctx;

static int grant_tx(sqlite3 *db, void *p)
{
    grant_ctx *g = p;
    if (!g->tenants)
        return mdr_tenant_access_clear(db, g->user);
    return mdr_tenant_access_set(db, g->user, g->root, g->tenants, g->by, g->now);
}

/* Resolves each entry (a tenant id or a name, any case) against the organization's list,
 * among the tenants `caller` sees: one they cannot see is as unknown as one that does not
 * exist (nobody grants what they cannot see). */
static int resolve(sqlite3 *db, const char *caller, json_object *wanted, json_object *tenants,
                   json_object **out, mdr_rule_error *e)
{
    *out = json_object_new_array();
    for (size_t i = 0; i < json_object_array_length(wanted); i++) {
        json_object *w = json_object_array_get_idx(wanted, i), *hit = NULL;
        const char *key =
            json_object_is_type(w, json_type_string) ? json_object_get_string(w) : NULL;
        for (size_t k = 0; key && !hit && k < json_object_array_length(tenants); k++) {
            json_object *t = json_object_array_get_idx(tenants, k);
            if (strcmp(mdr_json_str(t, "status", ""), "Deleted") != 0 &&
                (strcmp(mdr_json_str(t, "tenant_id", ""), key) == 0 ||
                 strcasecmp(mdr_json_str(t, "name", ""), key) == 0))
                hit = t;
        }
        if (hit &&
            mdr_tenant_access_visible_id(db, caller, mdr_json_str(hit, "tenant_id", "")) != 1)
            hit = NULL;
        if (!hit) {
            json_object_put(*out);
            *out = NULL;
            json_object *d = json_object_new_object();
            json_object_object_add(d, "tenant_id", json_object_new_string(key ? key : "?"));
            return mdr_rule_fail(e, KSC_ERR_NOT_FOUND, "tenant_not_found", d);
        }
        json_object *g = json_object_new_object();
        json_object_object_add(g, "tenant_id",
                               json_object_new_string(mdr_json_str(hit, "tenant_id", "")));
        json_object_object_add(g, "name", json_object_new_string(mdr_json_str(hit, "name", "")));
        json_object_array_add(*out, g);
    }
    return 0;
}

ksc_status mdr_tenants_grant(ksc_module *m, const ksc_call *call, char **response)
{
    json_object *req;
    ksc_status st = mdr_request_parse(m->services, call, GRANT_FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    char user[256], lang[16];
    snprintf(user, sizeof user, "%s", mdr_req_string(req, "user", ""));
    json_object *wanted = NULL;
    int has_tenants = json_object_object_get_ex(req, "tenants", &wanted);
    int all = mdr_req_bool(req, "all", 0), root = mdr_req_bool(req, "root", 0);
    if (m->services->user_language(m->services->host, user, lang, sizeof lang) != KSC_OK) {
        json_object_put(req);
        json_object *d = json_object_new_object();
        json_object_object_add(d, "user", json_object_new_string(user));
        return mdr_reply_error(m->services, call->lang, KSC_ERR_NOT_FOUND,
                               "tenant_grant_user_unknown", d, response);
    }
    if (all == has_tenants || (all && json_object_object_get_ex(req, "root", NULL))) {
        json_object_put(req);
        return mdr_reply_error(m->services, call->lang, KSC_ERR_INVALID, "tenant_grant_shape", NULL,
                               response);
    }
    /* A restricted caller grants within their own view only: never "all" (to anyone, to
     * themselves least of all), the root only when they see it; their tenants: resolve. */
    sqlite3 *db = mdr_store_conn(m->store);
    int restricted = db ? mdr_tenant_access_has_grant(db, call->user) : -1;
    int caller_root = restricted == 1 ? mdr_tenant_access_visible_id(db, call->user, "") : 1;
    if (restricted < 0 || caller_root < 0) {
        json_object_put(req);
        return mdr_reply_store_error(m->services, call->lang, response);
    }
    if (restricted && (all || (root && !caller_root))) {
        json_object_put(req);
        json_object *d = json_object_new_object();
        json_object_object_add(d, "user", json_object_new_string(user));
        return mdr_reply_error(m->services, call->lang, KSC_ERR_DENIED, "tenant_grant_beyond_own",
                               d, response);
    }
    grant_ctx g = {user, call->user, root, NULL, mdr_now(m)};
    if (!all) {
        json_object *tenants = NULL;
        mdr_cloud_error err;
        if (fetch_tenants(m, &tenants, &err) != MDR_CLOUD_OK) {
            json_object_put(req);
            return cloud_fail(m, call, &err, response);
        }
        mdr_rule_error e = {0};
        int bad = resolve(db, call->user, wanted, tenants, &g.tenants, &e);
        json_object_put(tenants);
        if (bad) {
            json_object_put(req);
            return mdr_rule_reply(m->services, call->lang, &e, response);
        }
    }
    json_object_put(req);
    int rc = mdr_store_tx(m->store, grant_tx, &g);
    json_object_put(g.tenants);
    if (rc != 0)
        return mdr_reply_store_error(m->services, call->lang, response);
    return mdr_tenants_grants(m, call, response);
}

ksc_status mdr_tenants_grants(ksc_module *m, const ksc_call *call, char **response)
{
    /* also the answer of mdr.tenants.grant, whose request this one does not parse */
    if (strcmp(call->action, "mdr.tenants.grants") == 0) {
        ksc_status st = mdr_request_none(m->services, call, response);
        if (st != KSC_OK)
            return st;
    }
    sqlite3 *db = mdr_store_conn(m->store);
    json_object *list = db ? mdr_tenant_access_list(db) : NULL;
    if (!list)
        return mdr_reply_store_error(m->services, call->lang, response);
    /* a restricted caller reads only the tenants they see in others' sets */
    int restricted = mdr_tenant_access_restricted(db, call->user);
    for (size_t i = 0; restricted != 0 && i < json_object_array_length(list); i++) {
        json_object *u = json_object_array_get_idx(list, i), *ts = NULL, *kept;
        json_object_object_get_ex(u, "tenants", &ts);
        kept = json_object_new_array();
        for (size_t k = 0; ts && k < json_object_array_length(ts); k++) {
            json_object *t = json_object_array_get_idx(ts, k);
            if (mdr_tenant_access_visible_id(db, call->user, mdr_json_str(t, "id", "")) == 1)
                json_object_array_add(kept, json_object_get(t));
        }
        json_object_object_add(u, "tenants", kept);
    }
    json_object *out = json_object_new_object();
    json_object_object_add(out, "rule",
                           json_object_new_string(mdr_tr(call->lang, "tenants.grant_rule")));
    json_object_object_add(out, "restricted_users", list);
    return mdr_reply_ok(m->services, out, response);
}
