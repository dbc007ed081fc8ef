/* tenants.c — the Tenants tab: list, get, create, update, activate, deactivate, delete,
 * their configuration files, and the MDR configuration archive of a tenant. */
#include "console/console.h"
#include "console/mdrzip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static org_tenant *tenant_arg(sbx_request *req, sbx_reply *rep, int a)
{
    const char *id = NULL;
    if (sbx_body_string(req, rep, "tenant_id", &id) < 0)
        return NULL;
    org_tenant *t = org_tenant_find(svc_org_of(req, a), id);
    if (!t)
        sbx_reply_error(rep, 404, "tenant_not_found", "unknown tenant");
    return t;
}

static void reply_tenant(sbx_request *req, sbx_reply *rep, int a, const org_tenant *t)
{
    sbx_reply_json(rep, 200,
                   org_tenant_json(svc_of(req->ctx)->world, svc_org_of(req, a), t, req->now_ms));
}

static void h_ten_list(sbx_request *req, sbx_reply *rep)
{
    int del;
    int a = svc_active_account(req, rep);
    if (a < 0 || svc_all_flag(req, rep, "include_deleted", &del))
        return;
    sbx_reply_json(rep, 200,
                   org_tenants_list(svc_of(req->ctx)->world, svc_org_of(req, a), del, req->now_ms));
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
    org_org *o = svc_org_of(req, a);
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
    if (org_tenant_validate(s->world, svc_org_idx(req, a), NULL, req->json, 1, req->now_ms, &e)) {
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
    org_tenant *t =
        org_tenant_create(s->world, svc_org_idx(req, a), req->json, ci, req->now_ms, &e);
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
    if (org_tenant_update(s->world, svc_org_idx(req, a), t, req->json, req->now_ms, &e)) {
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
    if (org_tenant_set_active(svc_of(req->ctx)->world, svc_org_idx(req, a), t, active, req->now_ms,
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
    org_org *o = svc_org_of(req, a);
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
    if (org_tenant_file_add(svc_of(req->ctx)->world, svc_org_idx(req, a), t, lic, exp, req->now_ms,
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
    const org_license *l = org_tenant_license(svc_org_of(req, a), t, req->now_ms);
    if (!l) {
        sbx_reply_error(rep, 409, "tenant_expired",
                        "the tenant has no configuration file on a current license");
        return;
    }
    svc_reply_zip(req, rep, svc_org_idx(req, a), l, t, org_tenant_expiration_ms(t), variant,
                  MDRZIP_WITHOUT_KEA);
}

void console_register_tenants(sbx_router *r)
{
    console_routes(r, (const console_route[]){{"/tenants/list", h_ten_list},
                                              {"/tenants/get", h_ten_get},
                                              {"/tenants/create", h_ten_create},
                                              {"/tenants/update", h_ten_update},
                                              {"/tenants/activate", h_ten_activate},
                                              {"/tenants/deactivate", h_ten_deactivate},
                                              {"/tenants/delete", h_ten_delete},
                                              {"/tenants/config-files/add", h_ten_file_add},
                                              {"/tenants/config-files/delete", h_ten_file_delete},
                                              {"/tenants/archive", h_ten_archive},
                                              {NULL, NULL}});
}
