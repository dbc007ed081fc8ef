/* tokens.c — POST /api/v1/{client_id}/session/confirm: a refresh token spent for an access
 * token (1 h) and the next refresh token (7 days); the one live refresh token rotates. */
#include "api/api.h"
#include "core/conns.h"

#include <stdlib.h>

#define SESSION_REFRESH_MS (7LL * 24 * 3600 * 1000)
#define ACCESS_MS (3600LL * 1000)

static void session_confirm(sbx_request *req, sbx_reply *rep)
{
    const char *token = NULL;
    int has = sbx_body_string(req, rep, "refresh_token", &token);
    if (has < 0)
        return;
    if (has == 0 || !*token) {
        sbx_reply_error(rep, 401, "unauthorized", "refresh_token is missing");
        return;
    }
    json_object *claims = NULL;
    sbx_jwt_result r = sbx_jwt_verify(req->ctx, token, &claims);
    sbx_conn *c = sbx_conn_find(req->ctx, req->client_id);
    if (r == SBX_JWT_INVALID || !conn_claim_str_eq(claims, "typ", "refresh") || !c ||
        !conn_claim_str_eq(claims, "sub", c->client_id)) {
        json_object_put(claims);
        sbx_reply_error(rep, 401, "invalid_token", "the refresh token is not valid");
        return;
    }
    if (r == SBX_JWT_EXPIRED) {
        json_object_put(claims);
        sbx_reply_error(rep, 403, "token_expired", "the refresh token has expired");
        return;
    }
    int current = conn_claim_int(claims, "ep") == (int64_t)c->epoch &&
                  conn_claim_str_eq(claims, "jti", c->live_jti) && c->live_jti[0];
    json_object_put(claims);
    if (!current) {
        sbx_reply_error(rep, 401, "invalid_token",
                        "the refresh token was already used or has been revoked");
        return;
    }
    char *access = conn_make_token(req->ctx, c, "access", ACCESS_MS, NULL, NULL);
    char *refresh =
        conn_make_token(req->ctx, c, "refresh", SESSION_REFRESH_MS, c->live_jti, &c->live_exp_ms);
    c->live_from_console = 0;
    c->activated = 1;
    c->last_used_ms = req->now_ms;
    sbx_touch(req->ctx);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "access_token", json_object_new_string(access ? access : ""));
    json_object_object_add(o, "refresh_token", json_object_new_string(refresh ? refresh : ""));
    free(access);
    free(refresh);
    sbx_reply_json(rep, 200, o);
}

void api_register_tokens(sbx_router *r)
{
    sbx_route(r, "POST", "/api/v1/{client_id}/session/confirm", SBX_AUTH_NONE, SBX_BODY_JSON,
              session_confirm);
}
