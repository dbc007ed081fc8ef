/* licenses.c — the Licenses tab: list, add (by activation code), remove, by tenant, and the
 * MDR configuration archive of a license. */
#include "console/console.h"
#include "console/mdrzip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void h_lic_list(sbx_request *req, sbx_reply *rep)
{
    int all;
    int a = svc_active_account(req, rep);
    if (a < 0 || svc_all_flag(req, rep, "all", &all))
        return;
    sbx_reply_json(
        rep, 200, org_licenses_list(svc_of(req->ctx)->world, svc_org_of(req, a), all, req->now_ms));
}

static void h_lic_add(sbx_request *req, sbx_reply *rep)
{
    const char *code = NULL;
    int a = svc_active_account(req, rep);
    if (a < 0 || sbx_body_string(req, rep, "activation_code", &code) < 0)
        return;
    org_err e = {0};
    org_license *l = NULL;
    if (org_license_add(svc_of(req->ctx)->world, svc_org_idx(req, a), code, req->now_ms, &l, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    sbx_touch(req->ctx);
    sbx_reply_json(rep, 200,
                   org_license_json(svc_of(req->ctx)->world, svc_org_of(req, a), l, req->now_ms));
}

static void h_lic_remove(sbx_request *req, sbx_reply *rep)
{
    const char *id = NULL;
    int a = svc_active_account(req, rep);
    if (a < 0 || sbx_body_string(req, rep, "license_id", &id) < 0)
        return;
    org_err e = {0};
    if (org_license_remove(svc_of(req->ctx)->world, svc_org_idx(req, a), id, req->now_ms, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    sbx_touch(req->ctx);
    sbx_reply_json(rep, 200,
                   org_license_json(svc_of(req->ctx)->world, svc_org_of(req, a),
                                    org_license_find(svc_org_of(req, a), id), req->now_ms));
}

static void h_lic_by_tenant(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    if (a < 0)
        return;
    sbx_reply_json(
        rep, 200, org_licenses_by_tenant(svc_of(req->ctx)->world, svc_org_of(req, a), req->now_ms));
}

static void h_lic_archive(sbx_request *req, sbx_reply *rep)
{
    const char *id = NULL, *variant = NULL;
    int a = svc_active_account(req, rep);
    if (a < 0 || sbx_body_string(req, rep, "license_id", &id) < 0 ||
        sbx_body_string(req, rep, "variant", &variant) < 0)
        return;
    const org_license *l = org_license_find(svc_org_of(req, a), id);
    if (!l) {
        sbx_reply_error(rep, 404, "license_not_found", "unknown license");
        return;
    }
    if (!org_license_current(l, req->now_ms)) {
        sbx_reply_error(rep, 409, "license_not_current", "the license is not current");
        return;
    }
    svc_reply_zip(req, rep, svc_org_idx(req, a), l, NULL, l->expiration_ms, variant, MDRZIP_BLOB);
}

void console_register_licenses(sbx_router *r)
{
    console_routes(r, (const console_route[]){{"/licenses/list", h_lic_list},
                                              {"/licenses/add", h_lic_add},
                                              {"/licenses/remove", h_lic_remove},
                                              {"/licenses/by-tenant", h_lic_by_tenant},
                                              {"/licenses/archive", h_lic_archive},
                                              {NULL, NULL}});
}
