/* conns.h — what the core's connection store (core/conns.c) offers beyond sbx.h: the token
 * checks the server and session/confirm (api/tokens.c) make. */
#ifndef KSC_SANDBOX_CONNS_H
#define KSC_SANDBOX_CONNS_H

#include "core/state.h"

/* A token of the connection: typ "access" or "refresh", life_ms from now. jti_out (33) and
 * exp_ms get its id and expiry when not NULL. Returns the malloc'd JWT. */
char *conn_make_token(sbx_ctx *ctx, sbx_conn *c, const char *typ, int64_t life_ms, char jti_out[33],
                      int64_t *exp_ms);
/* Claim checks: a string claim equal to want; an integer claim (-1 when absent). */
int conn_claim_str_eq(json_object *claims, const char *key, const char *want);
int64_t conn_claim_int(json_object *claims, const char *key);
/* Checks an access token for the connection of client_id: 0 ok (conn set), else the HTTP
 * status to answer (401 invalid, 403 expired) with rep filled. */
int conn_check_access(sbx_ctx *ctx, const char *token, const char *client_id, sbx_conn **out,
                      sbx_reply *rep);
void conns_free_all(sbx_ctx *ctx);

#endif
