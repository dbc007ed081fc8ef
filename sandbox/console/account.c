/* account.c — the console's account session: sign-in (and the plug-in's own API
 * connection made with it), sign-out, account info. */
#include "console/console.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_object *org_brief(const org_org *o)
{
    json_object *j = json_object_new_object();
    json_object_object_add(j, "id", json_object_new_string(o->id));
    json_object_object_add(j, "name", json_object_new_string(o->name));
    return j;
}

static void h_sign_in(sbx_request *req, sbx_reply *rep)
{
    svc_state *s = svc_of(req->ctx);
    const char *login = NULL, *password = NULL;
    if (sbx_body_string(req, rep, "login", &login) < 0 ||
        sbx_body_string(req, rep, "password", &password) < 0)
        return;
    if (!login || !password) {
        sbx_reply_error(rep, 400, "missing_parameter", "login and password are required");
        return;
    }
    int a = org_account_check(s->world, login, password);
    if (a < 0) {
        sbx_reply_error(rep, 401, "invalid_credentials", "wrong login or password");
        return;
    }
    org_account *acc = &s->world->accounts[a];
    json_object *claims = json_object_new_object();
    int64_t exp = req->now_ms / 1000 + SVC_ACCOUNT_TOKEN_S;
    json_object_object_add(claims, "typ", json_object_new_string("account"));
    json_object_object_add(claims, "sub", json_object_new_string(acc->login));
    json_object_object_add(claims, "ep", json_object_new_int64(acc->session_epoch));
    json_object_object_add(claims, "exp", json_object_new_int64(exp));
    char *token = sbx_jwt_make(req->ctx, claims);
    json_object_put(claims);
    if (!token) {
        sbx_reply_error(rep, 500, "internal", "cannot make the account token");
        return;
    }
    /* The plug-in's own API connection ("MDR Plug-in", full rights): one per account; a new
     * sign-in issues a fresh console refresh token (older tokens of it fail). */
    sbx_conn *conn = s->plugin_conn[a][0] ? sbx_conn_find(req->ctx, s->plugin_conn[a]) : NULL;
    char *refresh = NULL;
    if (conn)
        refresh = sbx_conn_issue_refresh(req->ctx, conn);
    else if ((conn = sbx_conn_create(req->ctx, "MDR Plug-in", SBX_RIGHTS_FULL, NULL, 0, acc->org,
                                     &refresh)))
        snprintf(s->plugin_conn[a], sizeof s->plugin_conn[a], "%s", conn->client_id);
    if (!refresh) {
        free(token);
        sbx_reply_error(rep, 500, "internal", "cannot make the plug-in connection");
        return;
    }
    sbx_touch(req->ctx);
    json_object *out = json_object_new_object();
    json_object_object_add(out, "account_token", json_object_new_string(token));
    json_object_object_add(out, "expires_time", json_object_new_int64(exp * 1000));
    json_object_object_add(out, "organization", org_brief(s->world->orgs[acc->org]));
    json_object_object_add(out, "client_id", json_object_new_string(conn->client_id));
    json_object_object_add(out, "refresh_token", json_object_new_string(refresh));
    free(refresh);
    free(token);
    sbx_reply_json(rep, 200, out);
}

static void h_sign_out(sbx_request *req, sbx_reply *rep)
{
    int a = svc_account(req, rep);
    if (a < 0)
        return;
    svc_of(req->ctx)->world->accounts[a].session_epoch++;
    sbx_conn *conn = sbx_conn_find(req->ctx, svc_of(req->ctx)->plugin_conn[a]);
    if (conn)
        sbx_conn_revoke(req->ctx, conn); /* the plug-in's session ends with the account's */
    sbx_touch(req->ctx);
    sbx_reply_ok(rep);
}

static void h_account_info(sbx_request *req, sbx_reply *rep)
{
    svc_state *s = svc_of(req->ctx);
    int a = svc_account(req, rep);
    if (a < 0)
        return;
    org_account *acc = &s->world->accounts[a];
    json_object *out = json_object_new_object();
    json_object_object_add(out, "login", json_object_new_string(acc->login));
    json_object_object_add(out, "organization", org_brief(s->world->orgs[acc->org]));
    json_object_object_add(out, "tied_elsewhere", json_object_new_boolean(acc->tied_elsewhere));
    sbx_reply_json(rep, 200, out);
}

void console_register_account(sbx_router *r)
{
    sbx_route(r, "POST", SVC_BASE "/account/sign-in", SBX_AUTH_NONE, SBX_BODY_JSON, h_sign_in);
    sbx_route(r, "POST", SVC_BASE "/account/sign-out", SBX_AUTH_ACCOUNT, SBX_BODY_JSON, h_sign_out);
    sbx_route(r, "POST", SVC_BASE "/account/info", SBX_AUTH_ACCOUNT, SBX_BODY_JSON, h_account_info);
}
