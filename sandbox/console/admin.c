/* admin.c — the service side's admin calls tests use: expire a license, create codes and
 * accounts, read an e-mail code, use a Telegram link. */
#include "console/console.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void h_admin_license_expire(sbx_request *req, sbx_reply *rep)
{
    const char *id = NULL;
    if (sbx_body_string(req, rep, "id", &id) < 0)
        return;
    org_err e = {0};
    if (!id) {
        sbx_reply_error(rep, 400, "missing_parameter", "id is required");
        return;
    }
    if (org_license_expire(svc_of(req->ctx)->world, id, req->now_ms, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    sbx_touch(req->ctx);
    sbx_reply_ok(rep);
}

static void h_admin_codes_create(sbx_request *req, sbx_reply *rep)
{
    svc_state *s = svc_of(req->ctx);
    const char *tier = NULL, *region = NULL, *type = NULL;
    int64_t limit = 1000, term = 365;
    if (sbx_body_string(req, rep, "tier", &tier) < 0 ||
        sbx_body_string(req, rep, "region", &region) < 0 ||
        sbx_body_string(req, rep, "type", &type) < 0 ||
        sbx_body_int64(req, rep, "assets_limit", &limit) < 0 ||
        sbx_body_int64(req, rep, "term_days", &term) < 0)
        return;
    int t = type ? org_type_parse(type) : 1;
    if (!org_tier_valid(tier ? tier : "expert") ||
        (region && *region && !org_region_valid(region)) || t < 0 || limit < 1 ||
        limit > 10000000 || term < 1 || term > 3650) {
        sbx_reply_error(rep, 400, "invalid_parameter",
                        "tier (expert|optimum|basic|advanced|prime), region, type "
                        "(trial|commercial|subscription), assets_limit 1.., term_days 1..3650");
        return;
    }
    char code[21];
    if (org_code_add(s->world, tier ? tier : "expert", region ? region : "", t, (int)limit,
                     (int)term, 0, code) < 0) {
        sbx_reply_error(rep, 409, "code_limit", "too many activation codes");
        return;
    }
    sbx_touch(req->ctx);
    json_object *out = json_object_new_object();
    json_object_object_add(out, "activation_code", json_object_new_string(code));
    sbx_reply_json(rep, 200, out);
}

static void h_admin_accounts(sbx_request *req, sbx_reply *rep)
{
    svc_state *s = svc_of(req->ctx);
    const char *create = NULL;
    if (sbx_body_string(req, rep, "create", &create) < 0)
        return;
    if (create) { /* a fresh organization with one account and no license */
        char name[160];
        snprintf(name, sizeof name, "Organization of %s", create);
        int o = org_org_add(s->world, name);
        if (o < 0 || org_account_add(s->world, create, NULL, o, "fresh") < 0) {
            sbx_reply_error(rep, 409, "account_exists", "cannot create this account");
            return;
        }
        sbx_touch(req->ctx);
    }
    json_object *arr = json_object_new_array();
    for (int i = 0; i < s->world->account_count; i++) {
        const org_account *a = &s->world->accounts[i];
        json_object *j = json_object_new_object();
        json_object_object_add(j, "login", json_object_new_string(a->login));
        json_object_object_add(j, "password", json_object_new_string(a->password));
        json_object_object_add(j, "kind", json_object_new_string(a->kind));
        json_object_object_add(j, "organization_id",
                               json_object_new_string(s->world->orgs[a->org]->id));
        json_object_object_add(j, "tied_elsewhere", json_object_new_boolean(a->tied_elsewhere));
        json_object_array_add(arr, j);
    }
    json_object *out = json_object_new_object();
    json_object_object_add(out, "accounts", arr);
    sbx_reply_json(rep, 200, out);
}

static int org_of_login(sbx_request *req, sbx_reply *rep)
{
    const char *login = NULL;
    if (sbx_body_string(req, rep, "login", &login) < 0)
        return -1;
    int a = org_account_find(svc_of(req->ctx)->world, login);
    if (a < 0) {
        sbx_reply_error(rep, 404, "account_not_found", "unknown login");
        return -1;
    }
    return svc_of(req->ctx)->world->accounts[a].org;
}

static void h_admin_email_code(sbx_request *req, sbx_reply *rep)
{
    int o = org_of_login(req, rep);
    if (o < 0)
        return;
    const char *recipient = NULL;
    if (sbx_body_string(req, rep, "recipient", &recipient) < 0)
        return;
    const org_notify *n = org_notify_of(svc_of(req->ctx)->world->orgs[o], recipient, 0, NULL);
    if (!n || !n->email_code[0]) {
        sbx_reply_error(rep, 404, "no_code", "no verification code outstanding");
        return;
    }
    json_object *out = json_object_new_object();
    json_object_object_add(out, "code", json_object_new_string(n->email_code));
    json_object_object_add(out, "address", json_object_new_string(n->email_pending_address));
    sbx_reply_json(rep, 200, out);
}

static void h_admin_telegram_use(sbx_request *req, sbx_reply *rep)
{
    const char *token = NULL;
    if (sbx_body_string(req, rep, "token", &token) < 0)
        return;
    org_err e = {0};
    if (org_telegram_use_link(svc_of(req->ctx)->world, token, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    sbx_touch(req->ctx);
    sbx_reply_ok(rep);
}

void console_register_admin(sbx_router *r)
{
    sbx_route(r, "POST", "/admin/licenses/expire", SBX_AUTH_ADMIN, SBX_BODY_JSON,
              h_admin_license_expire);
    sbx_route(r, "POST", "/admin/codes/create", SBX_AUTH_ADMIN, SBX_BODY_JSON,
              h_admin_codes_create);
    sbx_route(r, "POST", "/admin/accounts", SBX_AUTH_ADMIN, SBX_BODY_JSON, h_admin_accounts);
    sbx_route(r, "POST", "/admin/notifications/email-code", SBX_AUTH_ADMIN, SBX_BODY_JSON,
              h_admin_email_code);
    sbx_route(r, "POST", "/admin/notifications/telegram-use", SBX_AUTH_ADMIN, SBX_BODY_JSON,
              h_admin_telegram_use);
}
