/* conns.c — API connections and their tokens: made, refreshed, revoked, checked. The
 * session/confirm endpoint that spends a refresh token is api/tokens.c. */
#include "core/conns.h"

#include <stdlib.h>
#include <string.h>

#define CONSOLE_REFRESH_MS (24LL * 3600 * 1000)

const char *sbx_rights_name(sbx_rights rights)
{
    switch (rights) {
    case SBX_RIGHTS_FULL:
        return "full";
    case SBX_RIGHTS_SENIOR:
        return "senior";
    default:
        return "officer";
    }
}

int sbx_rights_parse(const char *name, sbx_rights *out)
{
    if (strcmp(name, "full") == 0)
        *out = SBX_RIGHTS_FULL;
    else if (strcmp(name, "senior") == 0)
        *out = SBX_RIGHTS_SENIOR;
    else if (strcmp(name, "officer") == 0)
        *out = SBX_RIGHTS_OFFICER;
    else
        return -1;
    return 0;
}

char *conn_make_token(sbx_ctx *ctx, sbx_conn *c, const char *typ, int64_t life_ms, char jti_out[33],
                      int64_t *exp_ms)
{
    char jti[33];
    random_token(jti, 32);
    int64_t now = sbx_now_ms(ctx);
    /* exp is in whole seconds (JWT); round down so exp*1000 never exceeds the life */
    int64_t exp = (now + life_ms) / 1000;
    json_object *cl = json_object_new_object();
    json_object_object_add(cl, "typ", json_object_new_string(typ));
    json_object_object_add(cl, "sub", json_object_new_string(c->client_id));
    json_object_object_add(cl, "ep", json_object_new_int64((int64_t)c->epoch));
    json_object_object_add(cl, "jti", json_object_new_string(jti));
    json_object_object_add(cl, "iat", json_object_new_int64(now / 1000));
    json_object_object_add(cl, "exp", json_object_new_int64(exp));
    char *tok = sbx_jwt_make(ctx, cl);
    json_object_put(cl);
    if (jti_out)
        memcpy(jti_out, jti, 33);
    if (exp_ms)
        *exp_ms = exp * 1000;
    return tok;
}

static int set_tenants(sbx_conn *c, const char *const *tenants, size_t n)
{
    char **copy = n ? calloc(n, sizeof(char *)) : NULL;
    if (n && !copy)
        return -1;
    for (size_t i = 0; i < n; i++)
        copy[i] = strdup(tenants[i]);
    for (size_t i = 0; i < c->tenant_count; i++)
        free(c->tenants[i]);
    free(c->tenants);
    c->tenants = copy;
    c->tenant_count = n;
    return 0;
}

static int name_valid(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    return n >= 1 && n <= 100;
}

sbx_conn *sbx_conn_create(sbx_ctx *ctx, const char *name, sbx_rights rights,
                          const char *const *tenants, size_t tenant_count, int org,
                          char **refresh_token)
{
    core_state *cs = core_of(ctx);
    if (!name_valid(name))
        return NULL;
    if (cs->conn_n == cs->conn_cap) {
        size_t cap = cs->conn_cap ? cs->conn_cap * 2 : 16;
        sbx_conn **grown = realloc(cs->conns, cap * sizeof *grown);
        if (!grown)
            return NULL;
        cs->conns = grown;
        cs->conn_cap = cap;
    }
    sbx_conn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    random_token(c->client_id, 32);
    c->name = strdup(name);
    c->rights = rights;
    c->org = org;
    c->created_ms = sbx_now_ms(ctx);
    set_tenants(c, tenants, tenant_count);
    cs->conns[cs->conn_n++] = c;
    char *tok = sbx_conn_issue_refresh(ctx, c);
    if (refresh_token)
        *refresh_token = tok;
    else
        free(tok);
    return c;
}

sbx_conn *sbx_conn_find(sbx_ctx *ctx, const char *client_id)
{
    core_state *cs = core_of(ctx);
    for (size_t i = 0; client_id && i < cs->conn_n; i++)
        if (strcmp(cs->conns[i]->client_id, client_id) == 0)
            return cs->conns[i];
    return NULL;
}

size_t sbx_conn_count(const sbx_ctx *ctx)
{
    return ((const core_state *)ctx->core)->conn_n;
}

sbx_conn *sbx_conn_at(sbx_ctx *ctx, size_t i)
{
    return i < core_of(ctx)->conn_n ? core_of(ctx)->conns[i] : NULL;
}

char *sbx_conn_issue_refresh(sbx_ctx *ctx, sbx_conn *conn)
{
    conn->epoch++;
    conn->activated = 0;
    conn->live_from_console = 1;
    sbx_touch(ctx);
    return conn_make_token(ctx, conn, "refresh", CONSOLE_REFRESH_MS, conn->live_jti,
                           &conn->live_exp_ms);
}

void sbx_conn_revoke(sbx_ctx *ctx, sbx_conn *conn)
{
    conn->epoch++;
    conn->activated = 0;
    conn->live_jti[0] = '\0';
    conn->live_exp_ms = 0;
    sbx_touch(ctx);
}

int sbx_conn_edit(sbx_ctx *ctx, sbx_conn *conn, const char *name, int set_rights, sbx_rights rights,
                  int set_tenants_flag, const char *const *tenants, size_t tenant_count)
{
    if (name && !name_valid(name))
        return -1;
    if (name)
        sbx_set_str(&conn->name, name);
    if (set_rights)
        conn->rights = rights;
    if (set_tenants_flag && set_tenants(conn, tenants, tenant_count) != 0)
        return -1;
    sbx_touch(ctx);
    return 0;
}

static void conn_free(sbx_conn *c)
{
    set_tenants(c, NULL, 0);
    free(c->name);
    free(c);
}

int sbx_conn_delete(sbx_ctx *ctx, const char *client_id)
{
    core_state *cs = core_of(ctx);
    for (size_t i = 0; i < cs->conn_n; i++)
        if (strcmp(cs->conns[i]->client_id, client_id) == 0) {
            conn_free(cs->conns[i]);
            memmove(&cs->conns[i], &cs->conns[i + 1], (cs->conn_n - i - 1) * sizeof(sbx_conn *));
            cs->conn_n--;
            sbx_touch(ctx);
            return 0;
        }
    return -1;
}

void conns_free_all(sbx_ctx *ctx)
{
    core_state *cs = core_of(ctx);
    for (size_t i = 0; i < cs->conn_n; i++)
        conn_free(cs->conns[i]);
    free(cs->conns);
    cs->conns = NULL;
    cs->conn_n = cs->conn_cap = 0;
}

const char *sbx_conn_status(const sbx_ctx *ctx, const sbx_conn *conn)
{
    if (!conn->activated)
        return "Pending activation";
    if (conn->live_jti[0] && conn->live_exp_ms > sbx_now_ms(ctx))
        return "Active";
    return "Idle";
}

/* ---- checking tokens */

int conn_claim_str_eq(json_object *claims, const char *key, const char *want)
{
    json_object *v = NULL;
    return json_object_object_get_ex(claims, key, &v) && json_object_is_type(v, json_type_string) &&
           strcmp(json_object_get_string(v), want) == 0;
}

int64_t conn_claim_int(json_object *claims, const char *key)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(claims, key, &v) || !json_object_is_type(v, json_type_int))
        return -1;
    return json_object_get_int64(v);
}

int conn_check_access(sbx_ctx *ctx, const char *token, const char *client_id, sbx_conn **out,
                      sbx_reply *rep)
{
    if (!token) {
        sbx_reply_error(rep, 401, "unauthorized", "the Authorization header is missing");
        return 401;
    }
    json_object *claims = NULL;
    sbx_jwt_result r = sbx_jwt_verify(ctx, token, &claims);
    sbx_conn *c = sbx_conn_find(ctx, client_id);
    if (r == SBX_JWT_INVALID || !conn_claim_str_eq(claims, "typ", "access") || !c ||
        !conn_claim_str_eq(claims, "sub", c->client_id) ||
        conn_claim_int(claims, "ep") != (int64_t)c->epoch) {
        json_object_put(claims);
        sbx_reply_error(rep, 401, "invalid_token", "the access token is not valid");
        return 401;
    }
    json_object_put(claims);
    if (r == SBX_JWT_EXPIRED) {
        sbx_reply_error(rep, 403, "token_expired", "the access token has expired");
        return 403;
    }
    c->last_used_ms = sbx_now_ms(ctx);
    *out = c;
    return 0;
}
