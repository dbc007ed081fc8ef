/*
 * svc_console.c — the console's MDR tabs over the service API: licenses (with the MDR
 * configuration ZIP), tenants, usage, API connections, settings, notifications and report
 * schedules. Every rule lives in org.c; this file maps JSON requests onto it.
 * Paths and answers: docs/cloud-api.md.
 */
#include "mdrzip.h"
#include "svc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static org_org *org_of(sbx_request *req, int a)
{
    svc_state *s = svc_of(req->ctx);
    return s->world->orgs[s->world->accounts[a].org];
}

static int org_idx(sbx_request *req, int a)
{
    return svc_of(req->ctx)->world->accounts[a].org;
}

static int all_flag(sbx_request *req, sbx_reply *rep, const char *key, int *out)
{
    *out = 0;
    return sbx_body_bool(req, rep, key, out) < 0 ? -1 : 0;
}

/* ---------------------------------------------------------------- MDR configuration ZIP */

static void reply_zip(sbx_request *req, sbx_reply *rep, int org, const org_license *l,
                      const org_tenant *t, int64_t expires, const char *variant_name,
                      int default_variant)
{
    svc_state *s = svc_of(req->ctx);
    org_org *o = s->world->orgs[org];
    int variant = variant_name ? mdrzip_variant_parse(variant_name) : default_variant;
    if (variant < 0 || (t && variant != MDRZIP_WITH_KEA && variant != MDRZIP_WITHOUT_KEA) ||
        (!t && variant != MDRZIP_BLOB && variant != MDRZIP_BAT)) {
        sbx_reply_error(rep, 400, "invalid_variant",
                        t ? "variant is with_kea or without_kea" : "variant is blob or bat");
        return;
    }
    const svc_ksn_record *r;
    const char *ksn = svc_ksn_pem(req->ctx, org, &r);
    mdrzip_input in = {.ksn_pem = ksn,
                       .org_id = o->id,
                       .org_name = o->name,
                       .region = o->region[0] ? o->region : "other",
                       .license_id = l->id,
                       .tenant_id = t ? t->id : NULL,
                       .tenant_name = t ? t->name : NULL,
                       .expires_ms = expires,
                       .now_ms = req->now_ms,
                       .variant = (mdrzip_variant)variant};
    unsigned char *zip = NULL;
    size_t len = 0;
    char err[200] = "";
    if (!ksn || mdrzip_build(s->pki, &in, &zip, &len, err, sizeof err)) {
        sbx_reply_error(rep, 500, "internal", "cannot build the MDR configuration file");
        return;
    }
    char name[160], sha[65];
    mdrzip_file_name(&in, name, sizeof name);
    ksn_sha256_hex(zip, len, sha);
    char *b64 = svc_base64(zip, len);
    free(zip);
    if (!b64) {
        sbx_reply_error(rep, 500, "internal", "out of memory");
        return;
    }
    json_object *out = json_object_new_object();
    json_object_object_add(out, "file_name", json_object_new_string(name));
    json_object_object_add(out, "content_type", json_object_new_string("application/zip"));
    json_object_object_add(out, "size", json_object_new_int64((int64_t)len));
    json_object_object_add(out, "sha256", json_object_new_string(sha));
    json_object_object_add(out, "ksn_version", json_object_new_int64(r->version));
    json_object_object_add(out, "content_base64", json_object_new_string(b64));
    free(b64);
    sbx_reply_json(rep, 200, out);
}

/* ---------------------------------------------------------------- licenses */

static void h_lic_list(sbx_request *req, sbx_reply *rep)
{
    int all;
    int a = svc_active_account(req, rep);
    if (a < 0 || all_flag(req, rep, "all", &all))
        return;
    sbx_reply_json(rep, 200,
                   org_licenses_list(svc_of(req->ctx)->world, org_of(req, a), all, req->now_ms));
}

static void h_lic_add(sbx_request *req, sbx_reply *rep)
{
    const char *code = NULL;
    int a = svc_active_account(req, rep);
    if (a < 0 || sbx_body_string(req, rep, "activation_code", &code) < 0)
        return;
    org_err e = {0};
    org_license *l = NULL;
    if (org_license_add(svc_of(req->ctx)->world, org_idx(req, a), code, req->now_ms, &l, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    sbx_touch(req->ctx);
    sbx_reply_json(rep, 200,
                   org_license_json(svc_of(req->ctx)->world, org_of(req, a), l, req->now_ms));
}

static void h_lic_remove(sbx_request *req, sbx_reply *rep)
{
    const char *id = NULL;
    int a = svc_active_account(req, rep);
    if (a < 0 || sbx_body_string(req, rep, "license_id", &id) < 0)
        return;
    org_err e = {0};
    if (org_license_remove(svc_of(req->ctx)->world, org_idx(req, a), id, req->now_ms, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    sbx_touch(req->ctx);
    sbx_reply_json(rep, 200,
                   org_license_json(svc_of(req->ctx)->world, org_of(req, a),
                                    org_license_find(org_of(req, a), id), req->now_ms));
}

static void h_lic_by_tenant(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    if (a < 0)
        return;
    sbx_reply_json(rep, 200,
                   org_licenses_by_tenant(svc_of(req->ctx)->world, org_of(req, a), req->now_ms));
}

static void h_lic_archive(sbx_request *req, sbx_reply *rep)
{
    const char *id = NULL, *variant = NULL;
    int a = svc_active_account(req, rep);
    if (a < 0 || sbx_body_string(req, rep, "license_id", &id) < 0 ||
        sbx_body_string(req, rep, "variant", &variant) < 0)
        return;
    const org_license *l = org_license_find(org_of(req, a), id);
    if (!l) {
        sbx_reply_error(rep, 404, "license_not_found", "unknown license");
        return;
    }
    if (!org_license_current(l, req->now_ms)) {
        sbx_reply_error(rep, 409, "license_not_current", "the license is not current");
        return;
    }
    reply_zip(req, rep, org_idx(req, a), l, NULL, l->expiration_ms, variant, MDRZIP_BLOB);
}

/* ---------------------------------------------------------------- tenants */

static org_tenant *tenant_arg(sbx_request *req, sbx_reply *rep, int a)
{
    const char *id = NULL;
    if (sbx_body_string(req, rep, "tenant_id", &id) < 0)
        return NULL;
    org_tenant *t = org_tenant_find(org_of(req, a), id);
    if (!t)
        sbx_reply_error(rep, 404, "tenant_not_found", "unknown tenant");
    return t;
}

static void reply_tenant(sbx_request *req, sbx_reply *rep, int a, const org_tenant *t)
{
    sbx_reply_json(rep, 200,
                   org_tenant_json(svc_of(req->ctx)->world, org_of(req, a), t, req->now_ms));
}

static void h_ten_list(sbx_request *req, sbx_reply *rep)
{
    int del;
    int a = svc_active_account(req, rep);
    if (a < 0 || all_flag(req, rep, "include_deleted", &del))
        return;
    sbx_reply_json(rep, 200,
                   org_tenants_list(svc_of(req->ctx)->world, org_of(req, a), del, req->now_ms));
}

static void h_ten_get(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    org_tenant *t = a >= 0 ? tenant_arg(req, rep, a) : NULL;
    if (t)
        reply_tenant(req, rep, a, t);
}

/* The core knows tenants by name (assets' tenant_name): a new name must be free there too,
 * except for a deleted tenant of the same organization, whose slot is reused. */
static int core_name_free(sbx_request *req, int a, const char *name, const org_tenant *self,
                          int *reuse)
{
    *reuse = -1;
    int ci = sbx_tenant_find(req->ctx, name);
    if (ci < 0 || (self && self->core_index == ci))
        return 1;
    org_org *o = org_of(req, a);
    for (int i = 0; i < o->tenant_slots; i++)
        if (o->tenants[i]->core_index == ci && o->tenants[i]->deleted && !self) {
            int live = 0;
            for (int k = 0; k < o->tenant_slots; k++)
                live |= o->tenants[k]->core_index == ci && !o->tenants[k]->deleted;
            if (!live) {
                *reuse = ci;
                return 1;
            }
        }
    return 0;
}

static void h_ten_create(sbx_request *req, sbx_reply *rep)
{
    svc_state *s = svc_of(req->ctx);
    int a = svc_active_account(req, rep);
    if (a < 0)
        return;
    org_err e = {0};
    if (org_tenant_validate(s->world, org_idx(req, a), NULL, req->json, 1, req->now_ms, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    const char *name = json_object_get_string(json_object_object_get(req->json, "name"));
    int reuse;
    if (!core_name_free(req, a, name, NULL, &reuse)) {
        sbx_reply_error(rep, 409, "tenant_name_taken", "a tenant with this name exists");
        return;
    }
    int ci = reuse >= 0 ? reuse : sbx_tenant_add(req->ctx, name);
    org_tenant *t = org_tenant_create(s->world, org_idx(req, a), req->json, ci, req->now_ms, &e);
    if (!t) {
        svc_reply_err(rep, &e);
        return;
    }
    svc_tenants_changed(req->ctx);
    reply_tenant(req, rep, a, t);
}

static void h_ten_update(sbx_request *req, sbx_reply *rep)
{
    svc_state *s = svc_of(req->ctx);
    int a = svc_active_account(req, rep);
    org_tenant *t = a >= 0 ? tenant_arg(req, rep, a) : NULL;
    if (!t)
        return;
    json_object *nv = NULL;
    const char *name = json_object_object_get_ex(req->json, "name", &nv) &&
                               json_object_is_type(nv, json_type_string)
                           ? json_object_get_string(nv)
                           : NULL;
    int reuse;
    if (name && !core_name_free(req, a, name, t, &reuse)) {
        sbx_reply_error(rep, 409, "tenant_name_taken", "a tenant with this name exists");
        return;
    }
    org_err e = {0};
    if (org_tenant_update(s->world, org_idx(req, a), t, req->json, req->now_ms, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    if (name)
        sbx_tenant_rename(req->ctx, t->core_index, t->name);
    svc_tenants_changed(req->ctx);
    reply_tenant(req, rep, a, t);
}

static void set_active(sbx_request *req, sbx_reply *rep, int active)
{
    int a = svc_active_account(req, rep);
    org_tenant *t = a >= 0 ? tenant_arg(req, rep, a) : NULL;
    if (!t)
        return;
    org_err e = {0};
    if (org_tenant_set_active(svc_of(req->ctx)->world, org_idx(req, a), t, active, req->now_ms,
                              &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    sbx_touch(req->ctx);
    reply_tenant(req, rep, a, t);
}

static void h_ten_activate(sbx_request *req, sbx_reply *rep)
{
    set_active(req, rep, 1);
}

static void h_ten_deactivate(sbx_request *req, sbx_reply *rep)
{
    set_active(req, rep, 0);
}

static void h_ten_delete(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    org_tenant *t = a >= 0 ? tenant_arg(req, rep, a) : NULL;
    if (!t)
        return;
    size_t n = 0;
    org_err e = {0};
    org_org *o = org_of(req, a);
    if (org_tenant_delete(svc_of(req->ctx)->world, t, &n, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    /* its report schedules go with it */
    for (int i = o->schedule_count; i-- > 0;)
        if (!strcmp(o->schedules[i]->tenant_id, t->id))
            org_schedule_delete(o, o->schedules[i]->id, NULL);
    svc_tenants_changed(req->ctx);
    json_object *out = json_object_new_object();
    json_object_object_add(out, "tenant_id", json_object_new_string(t->id));
    json_object_object_add(out, "deleted", json_object_new_boolean(1));
    json_object_object_add(out, "disconnected_assets", json_object_new_int64((int64_t)n));
    sbx_reply_json(rep, 200, out);
}

static void h_ten_file_add(sbx_request *req, sbx_reply *rep)
{
    const char *lic = NULL;
    int64_t exp = 0;
    int a = svc_active_account(req, rep);
    org_tenant *t = a >= 0 ? tenant_arg(req, rep, a) : NULL;
    if (!t || sbx_body_string(req, rep, "license_id", &lic) < 0 ||
        sbx_body_int64(req, rep, "expiration_time", &exp) < 0)
        return;
    org_err e = {0};
    if (org_tenant_file_add(svc_of(req->ctx)->world, org_idx(req, a), t, lic, exp, req->now_ms,
                            &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    sbx_touch(req->ctx);
    reply_tenant(req, rep, a, t);
}

static void h_ten_file_delete(sbx_request *req, sbx_reply *rep)
{
    const char *fid = NULL;
    int a = svc_active_account(req, rep);
    org_tenant *t = a >= 0 ? tenant_arg(req, rep, a) : NULL;
    if (!t || sbx_body_string(req, rep, "file_id", &fid) < 0)
        return;
    org_err e = {0};
    if (org_tenant_file_delete(t, fid, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    sbx_touch(req->ctx);
    reply_tenant(req, rep, a, t);
}

static void h_ten_archive(sbx_request *req, sbx_reply *rep)
{
    const char *variant = NULL;
    int a = svc_active_account(req, rep);
    org_tenant *t = a >= 0 ? tenant_arg(req, rep, a) : NULL;
    if (!t || sbx_body_string(req, rep, "variant", &variant) < 0)
        return;
    const org_license *l = org_tenant_license(org_of(req, a), t, req->now_ms);
    if (!l) {
        sbx_reply_error(rep, 409, "tenant_expired",
                        "the tenant has no configuration file on a current license");
        return;
    }
    reply_zip(req, rep, org_idx(req, a), l, t, org_tenant_expiration_ms(t), variant,
              MDRZIP_WITHOUT_KEA);
}

/* ---------------------------------------------------------------- usage */

static void h_usage(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    if (a < 0)
        return;
    /* custom incidents are made through the public API, whose data is the seeded
     * organization's */
    size_t used =
        org_idx(req, a) == 0
            ? sbx_custom_incidents_between(req->ctx, org_week_start_ms(req->now_ms), req->now_ms)
            : 0;
    sbx_reply_json(rep, 200,
                   org_usage_json(svc_of(req->ctx)->world, org_of(req, a), used, req->now_ms));
}

/* ---------------------------------------------------------------- API connections */

static json_object *conn_json(sbx_request *req, const sbx_conn *c, int a)
{
    org_org *o = org_of(req, a);
    json_object *j = json_object_new_object();
    json_object_object_add(j, "client_id", json_object_new_string(c->client_id));
    json_object_object_add(j, "name", json_object_new_string(c->name));
    json_object_object_add(j, "rights", json_object_new_string(sbx_rights_name(c->rights)));
    json_object *ts = json_object_new_array();
    for (size_t i = 0; i < c->tenant_count; i++) {
        json_object *x = json_object_new_object();
        const char *id = NULL;
        for (int k = 0; k < o->tenant_slots && !id; k++)
            if (!o->tenants[k]->deleted && !strcmp(o->tenants[k]->name, c->tenants[i]))
                id = o->tenants[k]->id;
        if (id)
            json_object_object_add(x, "tenant_id", json_object_new_string(id));
        else
            json_object_object_add(x, "tenant_id", NULL);
        json_object_object_add(x, "name", json_object_new_string(c->tenants[i]));
        json_object_array_add(ts, x);
    }
    json_object_object_add(j, "tenants", ts);
    json_object_object_add(j, "status", json_object_new_string(sbx_conn_status(req->ctx, c)));
    json_object_object_add(j, "created_time", json_object_new_int64(c->created_ms));
    if (c->last_used_ms)
        json_object_object_add(j, "last_used_time", json_object_new_int64(c->last_used_ms));
    else
        json_object_object_add(j, "last_used_time", NULL);
    return j;
}

/* Tenant IDs of the request → their names (the core keys connections by name). */
static int conn_tenants(sbx_request *req, sbx_reply *rep, int a, json_object *ids,
                        const char **names, size_t *n)
{
    *n = 0;
    if (!ids)
        return 0;
    size_t len = json_object_array_length(ids);
    if (len > ORG_MAX_TENANTS) {
        sbx_reply_error(rep, 400, "invalid_parameter", "too many tenants");
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        org_tenant *t = org_tenant_find(org_of(req, a),
                                        json_object_get_string(json_object_array_get_idx(ids, i)));
        if (!t) {
            sbx_reply_error(rep, 404, "tenant_not_found", "unknown tenant: %s",
                            json_object_get_string(json_object_array_get_idx(ids, i)));
            return -1;
        }
        names[(*n)++] = t->name;
    }
    return 0;
}

static sbx_conn *conn_arg(sbx_request *req, sbx_reply *rep, int a)
{
    const char *id = NULL;
    if (sbx_body_string(req, rep, "client_id", &id) < 0)
        return NULL;
    sbx_conn *c = id ? sbx_conn_find(req->ctx, id) : NULL;
    if (!c || c->org != org_idx(req, a)) {
        sbx_reply_error(rep, 404, "connection_not_found", "unknown API connection");
        return NULL;
    }
    return c;
}

static void h_conn_create(sbx_request *req, sbx_reply *rep)
{
    const char *name = NULL, *rights = NULL;
    json_object *ids = NULL;
    int a = svc_active_account(req, rep);
    if (a < 0 || sbx_body_string(req, rep, "name", &name) < 0 ||
        sbx_body_string(req, rep, "rights", &rights) < 0 ||
        sbx_body_strings(req, rep, "tenants", &ids) < 0)
        return;
    sbx_rights r;
    if (!name || !org_text_valid(name, 100, 0, 0)) {
        sbx_reply_error(rep, 400, "invalid_name",
                        "a connection name is 1 to 100 Latin letters, digits and special "
                        "characters");
        return;
    }
    if (!rights || sbx_rights_parse(rights, &r)) {
        sbx_reply_error(rep, 400, "invalid_rights", "rights is full, senior or officer");
        return;
    }
    const char *names[ORG_MAX_TENANTS];
    size_t n;
    if (conn_tenants(req, rep, a, ids, names, &n))
        return;
    char *token = NULL;
    sbx_conn *c = sbx_conn_create(req->ctx, name, r, names, n, org_idx(req, a), &token);
    if (!c || !token) {
        free(token);
        sbx_reply_error(rep, 400, "invalid_parameter", "cannot create this API connection");
        return;
    }
    json_object *out = conn_json(req, c, a);
    json_object_object_add(out, "refresh_token", json_object_new_string(token));
    free(token);
    sbx_reply_json(rep, 200, out);
}

static void h_conn_list(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    if (a < 0)
        return;
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < sbx_conn_count(req->ctx); i++) {
        sbx_conn *c = sbx_conn_at(req->ctx, i);
        if (c && c->org == org_idx(req, a))
            json_object_array_add(arr, conn_json(req, c, a));
    }
    sbx_reply_json(rep, 200, arr);
}

static void h_conn_edit(sbx_request *req, sbx_reply *rep)
{
    const char *name = NULL, *rights = NULL;
    json_object *ids = NULL;
    int a = svc_active_account(req, rep);
    sbx_conn *c = a >= 0 ? conn_arg(req, rep, a) : NULL;
    if (!c || sbx_body_string(req, rep, "name", &name) < 0 ||
        sbx_body_string(req, rep, "rights", &rights) < 0 ||
        sbx_body_strings(req, rep, "tenants", &ids) < 0)
        return;
    sbx_rights r = c->rights;
    if (name && !org_text_valid(name, 100, 0, 0)) {
        sbx_reply_error(rep, 400, "invalid_name",
                        "a connection name is 1 to 100 Latin letters, digits and special "
                        "characters");
        return;
    }
    if (rights && sbx_rights_parse(rights, &r)) {
        sbx_reply_error(rep, 400, "invalid_rights", "rights is full, senior or officer");
        return;
    }
    const char *names[ORG_MAX_TENANTS];
    size_t n;
    if (conn_tenants(req, rep, a, ids, names, &n))
        return;
    if (sbx_conn_edit(req->ctx, c, name, rights != NULL, r, ids != NULL, names, n)) {
        sbx_reply_error(rep, 400, "invalid_parameter", "cannot change this API connection");
        return;
    }
    sbx_reply_json(rep, 200, conn_json(req, c, a));
}

static void h_conn_revoke(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    sbx_conn *c = a >= 0 ? conn_arg(req, rep, a) : NULL;
    if (!c)
        return;
    const char *st = sbx_conn_status(req->ctx, c);
    if (strcmp(st, "Active") && strcmp(st, "Idle")) {
        sbx_reply_error(rep, 409, "not_active",
                        "only a connection in the Active or Idle status can be revoked");
        return;
    }
    sbx_conn_revoke(req->ctx, c);
    sbx_reply_json(rep, 200, conn_json(req, c, a));
}

static void h_conn_refresh(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    sbx_conn *c = a >= 0 ? conn_arg(req, rep, a) : NULL;
    if (!c)
        return;
    char *token = sbx_conn_issue_refresh(req->ctx, c);
    if (!token) {
        sbx_reply_error(rep, 500, "internal", "cannot issue a refresh token");
        return;
    }
    json_object *out = conn_json(req, c, a);
    json_object_object_add(out, "refresh_token", json_object_new_string(token));
    free(token);
    sbx_reply_json(rep, 200, out);
}

static void h_conn_delete(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    sbx_conn *c = a >= 0 ? conn_arg(req, rep, a) : NULL;
    if (!c)
        return;
    char id[33];
    memcpy(id, c->client_id, sizeof id);
    sbx_conn_delete(req->ctx, id);
    sbx_reply_ok(rep);
}

/* ---------------------------------------------------------------- settings */

static void h_settings_get(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    if (a >= 0)
        sbx_reply_json(rep, 200, org_settings_json(org_of(req, a)));
}

static void h_settings_update(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    if (a < 0)
        return;
    org_err e = {0};
    if (org_settings_update(org_of(req, a), req->json, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    sbx_touch(req->ctx);
    sbx_reply_json(rep, 200, org_settings_json(org_of(req, a)));
}

/* ---------------------------------------------------------------- notifications */

static void reply_notif(sbx_request *req, sbx_reply *rep, int a)
{
    sbx_reply_json(rep, 200, org_notifications_json(org_of(req, a), req->now_ms));
}

static void h_notif_get(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    if (a >= 0)
        reply_notif(req, rep, a);
}

static void h_email_start(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    if (a < 0)
        return;
    org_err e = {0};
    if (org_email_start(org_of(req, a), req->json, req->now_ms, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    sbx_touch(req->ctx);
    reply_notif(req, rep, a);
}

static void h_email_verify(sbx_request *req, sbx_reply *rep)
{
    const char *code = NULL;
    int a = svc_active_account(req, rep);
    if (a < 0 || sbx_body_string(req, rep, "code", &code) < 0)
        return;
    org_err e = {0};
    int rc = org_email_verify(org_of(req, a), code, req->now_ms, &e);
    sbx_touch(req->ctx); /* a wrong try counts too */
    if (rc) {
        svc_reply_err(rep, &e);
        return;
    }
    reply_notif(req, rep, a);
}

static void h_email_resend(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    if (a < 0)
        return;
    org_err e = {0};
    if (org_email_resend(org_of(req, a), req->now_ms, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    sbx_touch(req->ctx);
    reply_notif(req, rep, a);
}

static void h_email_disable(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    if (a < 0)
        return;
    org_email_disable(org_of(req, a));
    sbx_touch(req->ctx);
    reply_notif(req, rep, a);
}

static void h_tg_link(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    if (a < 0)
        return;
    char token[33];
    org_err e = {0};
    if (org_telegram_link(org_of(req, a), req->json, token, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    sbx_touch(req->ctx);
    char link[96];
    snprintf(link, sizeof link, "https://t.me/MdrSandboxBot?start=%s", token);
    json_object *out = json_object_new_object();
    json_object_object_add(out, "link", json_object_new_string(link));
    json_object_object_add(out, "token", json_object_new_string(token));
    sbx_reply_json(rep, 200, out);
}

static void h_tg_unsubscribe(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    if (a < 0)
        return;
    org_telegram_unsubscribe(org_of(req, a));
    sbx_touch(req->ctx);
    reply_notif(req, rep, a);
}

/* ---------------------------------------------------------------- report schedules */

static void h_rep_list(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    if (a >= 0)
        sbx_reply_json(rep, 200, org_schedules_list(org_of(req, a)));
}

static void h_rep_create(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    if (a < 0)
        return;
    org_err e = {0};
    org_schedule *s = org_schedule_create(org_of(req, a), req->json, req->now_ms, &e);
    if (!s) {
        svc_reply_err(rep, &e);
        return;
    }
    sbx_touch(req->ctx);
    sbx_reply_json(rep, 200, org_schedule_json(org_of(req, a), s));
}

static void h_rep_update(sbx_request *req, sbx_reply *rep)
{
    const char *id = NULL;
    int a = svc_active_account(req, rep);
    if (a < 0 || sbx_body_string(req, rep, "schedule_id", &id) < 0)
        return;
    org_schedule *s = org_schedule_find(org_of(req, a), id);
    org_err e = {0};
    if (!s) {
        sbx_reply_error(rep, 404, "schedule_not_found", "unknown schedule");
        return;
    }
    if (org_schedule_update(org_of(req, a), s, req->json, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    sbx_touch(req->ctx);
    sbx_reply_json(rep, 200, org_schedule_json(org_of(req, a), s));
}

static void h_rep_delete(sbx_request *req, sbx_reply *rep)
{
    const char *id = NULL;
    int a = svc_active_account(req, rep);
    if (a < 0 || sbx_body_string(req, rep, "schedule_id", &id) < 0)
        return;
    org_err e = {0};
    if (org_schedule_delete(org_of(req, a), id, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    sbx_touch(req->ctx);
    sbx_reply_ok(rep);
}

void sbx_register_svc_console(sbx_router *r)
{
    static const struct {
        const char *path;
        sbx_handler h;
    } routes[] = {
        {"/licenses/list", h_lic_list},
        {"/licenses/add", h_lic_add},
        {"/licenses/remove", h_lic_remove},
        {"/licenses/by-tenant", h_lic_by_tenant},
        {"/licenses/archive", h_lic_archive},
        {"/tenants/list", h_ten_list},
        {"/tenants/get", h_ten_get},
        {"/tenants/create", h_ten_create},
        {"/tenants/update", h_ten_update},
        {"/tenants/activate", h_ten_activate},
        {"/tenants/deactivate", h_ten_deactivate},
        {"/tenants/delete", h_ten_delete},
        {"/tenants/config-files/add", h_ten_file_add},
        {"/tenants/config-files/delete", h_ten_file_delete},
        {"/tenants/archive", h_ten_archive},
        {"/usage/get", h_usage},
        {"/connections/create", h_conn_create},
        {"/connections/list", h_conn_list},
        {"/connections/edit", h_conn_edit},
        {"/connections/revoke", h_conn_revoke},
        {"/connections/refresh", h_conn_refresh},
        {"/connections/delete", h_conn_delete},
        {"/settings/get", h_settings_get},
        {"/settings/update", h_settings_update},
        {"/notifications/get", h_notif_get},
        {"/notifications/email/start", h_email_start},
        {"/notifications/email/verify", h_email_verify},
        {"/notifications/email/resend", h_email_resend},
        {"/notifications/email/disable", h_email_disable},
        {"/notifications/telegram/link", h_tg_link},
        {"/notifications/telegram/unsubscribe", h_tg_unsubscribe},
        {"/reports/list", h_rep_list},
        {"/reports/create", h_rep_create},
        {"/reports/update", h_rep_update},
        {"/reports/delete", h_rep_delete},
    };
    for (size_t i = 0; i < sizeof routes / sizeof *routes; i++) {
        char path[128];
        snprintf(path, sizeof path, SVC_BASE "%s", routes[i].path);
        sbx_route(r, "POST", path, SBX_AUTH_ACCOUNT, SBX_BODY_JSON, routes[i].h);
    }
}
