/* The MDR cloud session: an access token (1 hour, reusable) obtained by exchanging a
 * single-use refresh token. The refresh happens once for all threads (an in-process lock)
 * and all processes (an exclusive store transaction), and the new refresh token is
 * committed before the access token is used. Persistence is the caller's, through
 * mdr_session_store (bound to SQLite by the module). See docs/cloud-client.md. */
#ifndef MDR_SESSION_H
#define MDR_SESSION_H

#include "cloud_error.h"
#include "http_client.h"

#include <stdint.h>

typedef struct mdr_session_state {
    char *access_token;        /* NULL = none */
    int64_t access_expires_ms; /* when the access token expires, by the local (host) clock */
    char *refresh_token;       /* plaintext here; the store encrypts it at rest */
    int sign_in_required;      /* 1: the refresh token was refused; the user must sign in */
    /* The local clock minus the service's, measured when the access token arrived (its iat
     * against the local clock; 0 when the token has no iat). Set by an exchange only. */
    int64_t clock_skew_ms;
} mdr_session_state;

/* Wipes the tokens and frees them (malloc'd strings); zeroes the state. */
void mdr_session_state_clear(mdr_session_state *state);

typedef struct mdr_session_store {
    void *ctx;
    /* Starts a transaction that excludes every other writer, thread or process (SQLite:
     * BEGIN EXCLUSIVE). 0 on success. */
    int (*begin_exclusive)(void *ctx);
    /* Reads the stored session inside the transaction into *out (zeroed on entry; strings
     * malloc'd, released by the session with mdr_session_state_clear). Nothing stored →
     * 0 with an empty state. */
    int (*load)(void *ctx, mdr_session_state *out);
    /* Writes the whole state (encrypting the refresh token) and commits. 0 only once
     * committed; on failure nothing may be visible and the session then calls rollback. */
    int (*save_and_commit)(void *ctx, const mdr_session_state *state);
    /* Ends the transaction without changes. */
    void (*rollback)(void *ctx);
} mdr_session_store;

/* Exchanges a refresh token for a new pair (both malloc'd on success). A token the service
 * refuses (spent, expired, revoked) → MDR_CLOUD_ERR_SIGN_IN_REQUIRED; anything else not OK
 * is a transient failure. */
typedef mdr_cloud_status (*mdr_session_exchange_fn)(void *ctx, const char *refresh_token,
                                                    char **access_token, char **refresh_token_out,
                                                    mdr_cloud_error *err);

typedef struct mdr_session_config {
    mdr_session_store store;
    mdr_session_exchange_fn exchange;
    void *exchange_ctx;
    int64_t (*now_ms)(void *ctx); /* the host clock; NULL = the system clock */
    void *clock_ctx;
    int64_t refresh_margin_ms; /* refresh this long before exp; 0 = 60 s */
} mdr_session_config;

typedef struct mdr_session mdr_session;

mdr_session *mdr_session_new(const mdr_session_config *cfg);
void mdr_session_free(mdr_session *s);

/* A valid access token (caller frees with mdr_session_token_free), refreshing when it is
 * missing or expires within the margin. MDR_CLOUD_ERR_SIGN_IN_REQUIRED when no usable
 * refresh token is left. */
mdr_cloud_status mdr_session_access_token(mdr_session *s, char **token, mdr_cloud_error *err);

/* The service refused `rejected` (401/403): a newer token if another thread or process
 * already got one, else one refresh. */
mdr_cloud_status mdr_session_refresh_after_reject(mdr_session *s, const char *rejected,
                                                  char **token, mdr_cloud_error *err);

/* After a sign-in: exchanges a fresh refresh token and stores the new session. */
mdr_cloud_status mdr_session_start(mdr_session *s, const char *refresh_token, mdr_cloud_error *err);

void mdr_session_token_free(char *token);

/* A JSON call with the session's access token (req->bearer_token is ignored). On 401/403
 * the token is refreshed once and the call repeated once. */
mdr_cloud_status mdr_session_call_json(mdr_session *s, mdr_http_client *client,
                                       const mdr_http_request *req, json_object **out,
                                       mdr_cloud_error *err);

/* The exchange over HTTPS: POST {base}/{client_id}/session/confirm {"refresh_token"} →
 * {"access_token", "refresh_token"}. Not idempotent (the token is single use), so never
 * retried. 400/401/403 → MDR_CLOUD_ERR_SIGN_IN_REQUIRED. ctx: mdr_http_exchange. */
typedef struct mdr_http_exchange {
    mdr_http_client *client;
    const char *client_id;
} mdr_http_exchange;

mdr_cloud_status mdr_session_exchange_http(void *ctx, const char *refresh_token,
                                           char **access_token, char **refresh_token_out,
                                           mdr_cloud_error *err);

#endif
