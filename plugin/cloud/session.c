#include "session.h"
#include "jwt.h"

#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct mdr_session {
    mdr_session_config cfg;
    pthread_mutex_t lock; /* one refresh at a time in this process */
    char *access_token;   /* cached: the last token known good */
    int64_t access_expires_ms;
};

static void wipe_free(char *s)
{
    if (s) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

void mdr_session_token_free(char *token)
{
    wipe_free(token);
}

void mdr_session_state_clear(mdr_session_state *state)
{
    if (!state)
        return;
    wipe_free(state->access_token);
    wipe_free(state->refresh_token);
    memset(state, 0, sizeof(*state));
}

mdr_session *mdr_session_new(const mdr_session_config *cfg)
{
    if (!cfg || !cfg->exchange || !cfg->store.begin_exclusive || !cfg->store.load ||
        !cfg->store.save_and_commit || !cfg->store.rollback)
        return NULL;
    mdr_session *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->cfg = *cfg;
    if (s->cfg.refresh_margin_ms <= 0)
        s->cfg.refresh_margin_ms = 60000;
    pthread_mutex_init(&s->lock, NULL);
    return s;
}

void mdr_session_free(mdr_session *s)
{
    if (!s)
        return;
    wipe_free(s->access_token);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static int64_t now_ms(const mdr_session *s)
{
    if (s->cfg.now_ms)
        return s->cfg.now_ms(s->cfg.clock_ctx);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int usable(const mdr_session *s, const char *token, int64_t expires_ms, const char *rejected)
{
    return token && expires_ms - s->cfg.refresh_margin_ms > now_ms(s) &&
           (!rejected || strcmp(token, rejected) != 0);
}

/* Caches a copy of `token` and hands another copy to the caller. Caller holds lock. */
static mdr_cloud_status hand_out(mdr_session *s, const char *token, int64_t expires_ms, char **out,
                                 mdr_cloud_error *err)
{
    char *cached = strdup(token);
    char *copy = strdup(token);
    if (!cached || !copy) {
        free(cached);
        free(copy);
        return mdr_cloud_fail(err, MDR_CLOUD_ERR_INTERNAL, "out of memory");
    }
    wipe_free(s->access_token);
    s->access_token = cached;
    s->access_expires_ms = expires_ms;
    *out = copy;
    return MDR_CLOUD_OK;
}

static mdr_cloud_status sign_in_required(mdr_cloud_error *err)
{
    return mdr_cloud_fail(err, MDR_CLOUD_ERR_SIGN_IN_REQUIRED, "no usable refresh token is stored");
}

/* Exchanges `refresh` and commits the outcome within the open transaction, which this
 * function always ends. On success *out is the new access token, already committed. */
static mdr_cloud_status exchange_and_commit(mdr_session *s, const char *refresh, char **out,
                                            mdr_cloud_error *err)
{
    const mdr_session_store *store = &s->cfg.store;
    mdr_session_state next = {0};
    mdr_cloud_status st =
        s->cfg.exchange(s->cfg.exchange_ctx, refresh, &next.access_token, &next.refresh_token, err);
    if (st == MDR_CLOUD_ERR_SIGN_IN_REQUIRED) {
        /* The service refused the token: say so plainly in the store. */
        mdr_session_state_clear(&next);
        next.sign_in_required = 1;
        if (store->save_and_commit(store->ctx, &next) != 0)
            store->rollback(store->ctx);
        wipe_free(s->access_token);
        s->access_token = NULL;
        return st;
    }
    if (st != MDR_CLOUD_OK) {
        store->rollback(store->ctx);
        mdr_session_state_clear(&next);
        return st;
    }
    mdr_cloud_status token_st = MDR_CLOUD_OK;
    int64_t iat_ms = 0;
    if (mdr_jwt_expiry_ms(next.access_token, &next.access_expires_ms) != 0) {
        /* Keep the new refresh token (the old one is spent) but not this access token. */
        wipe_free(next.access_token);
        next.access_token = NULL;
        next.access_expires_ms = 0;
        token_st = mdr_cloud_fail(err, MDR_CLOUD_ERR_BAD_RESPONSE,
                                  "the access token has no readable expiry (exp)");
    } else if (mdr_jwt_issued_ms(next.access_token, &iat_ms) == 0) {
        /* The token's life by the service's own clock (exp - iat), counted by the local
         * clock: a local clock an hour ahead of the service's would otherwise find every new
         * token already expired and refresh on every call. now - iat is the skew plus the
         * exchange's time (and iat's rounding down to the second), so the expiry is late by
         * at most that, well inside the refresh margin; a 401 refreshes anyway. */
        next.clock_skew_ms = now_ms(s) - iat_ms;
        next.access_expires_ms += next.clock_skew_ms;
    }
    if (store->save_and_commit(store->ctx, &next) != 0) {
        store->rollback(store->ctx);
        mdr_session_state_clear(&next);
        return mdr_cloud_fail(err, MDR_CLOUD_ERR_STORE,
                              "the new session could not be committed to the store");
    }
    if (token_st == MDR_CLOUD_OK)
        token_st = hand_out(s, next.access_token, next.access_expires_ms, out, err);
    mdr_session_state_clear(&next);
    return token_st;
}

/* The refresh protocol. Caller holds s->lock. */
static mdr_cloud_status refresh_locked(mdr_session *s, const char *rejected, char **out,
                                       mdr_cloud_error *err)
{
    const mdr_session_store *store = &s->cfg.store;
    if (store->begin_exclusive(store->ctx) != 0)
        return mdr_cloud_fail(err, MDR_CLOUD_ERR_STORE, "the session store is not available");
    mdr_session_state cur = {0};
    if (store->load(store->ctx, &cur) != 0) {
        store->rollback(store->ctx);
        mdr_session_state_clear(&cur);
        return mdr_cloud_fail(err, MDR_CLOUD_ERR_STORE, "the session could not be read");
    }
    mdr_cloud_status st;
    if (usable(s, cur.access_token, cur.access_expires_ms, rejected)) {
        /* Another thread or process refreshed while we waited for the transaction. */
        store->rollback(store->ctx);
        st = hand_out(s, cur.access_token, cur.access_expires_ms, out, err);
    } else if (cur.sign_in_required || !cur.refresh_token) {
        store->rollback(store->ctx);
        st = sign_in_required(err);
    } else {
        st = exchange_and_commit(s, cur.refresh_token, out, err);
    }
    mdr_session_state_clear(&cur);
    return st;
}

mdr_cloud_status mdr_session_access_token(mdr_session *s, char **token, mdr_cloud_error *err)
{
    *token = NULL;
    pthread_mutex_lock(&s->lock);
    mdr_cloud_status st;
    if (usable(s, s->access_token, s->access_expires_ms, NULL))
        st = hand_out(s, s->access_token, s->access_expires_ms, token, err);
    else
        st = refresh_locked(s, NULL, token, err);
    pthread_mutex_unlock(&s->lock);
    return st;
}

mdr_cloud_status mdr_session_refresh_after_reject(mdr_session *s, const char *rejected,
                                                  char **token, mdr_cloud_error *err)
{
    *token = NULL;
    pthread_mutex_lock(&s->lock);
    mdr_cloud_status st;
    if (usable(s, s->access_token, s->access_expires_ms, rejected))
        st = hand_out(s, s->access_token, s->access_expires_ms, token, err);
    else
        st = refresh_locked(s, rejected, token, err);
    pthread_mutex_unlock(&s->lock);
    return st;
}

mdr_cloud_status mdr_session_start(mdr_session *s, const char *refresh_token, mdr_cloud_error *err)
{
    if (!refresh_token || !refresh_token[0])
        return sign_in_required(err);
    const mdr_session_store *store = &s->cfg.store;
    pthread_mutex_lock(&s->lock);
    mdr_cloud_status st;
    char *token = NULL;
    if (store->begin_exclusive(store->ctx) != 0)
        st = mdr_cloud_fail(err, MDR_CLOUD_ERR_STORE, "the session store is not available");
    else
        st = exchange_and_commit(s, refresh_token, &token, err);
    wipe_free(token);
    pthread_mutex_unlock(&s->lock);
    return st;
}

mdr_cloud_status mdr_session_call_json(mdr_session *s, mdr_http_client *client,
                                       const mdr_http_request *req, json_object **out,
                                       mdr_cloud_error *err)
{
    char *token = NULL;
    mdr_cloud_status st = mdr_session_access_token(s, &token, err);
    if (st != MDR_CLOUD_OK)
        return st;
    mdr_http_request with_token = *req;
    with_token.bearer_token = token;
    st = mdr_http_call_json(client, &with_token, out, err);
    if (st == MDR_CLOUD_ERR_HTTP && err && (err->http_status == 401 || err->http_status == 403)) {
        char *fresh = NULL;
        st = mdr_session_refresh_after_reject(s, token, &fresh, err);
        if (st == MDR_CLOUD_OK) {
            with_token.bearer_token = fresh;
            st = mdr_http_call_json(client, &with_token, out, err);
        }
        wipe_free(fresh);
    }
    wipe_free(token);
    return st;
}

static char *take_string(json_object *obj, const char *key)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string) ||
        json_object_get_string_len(v) == 0)
        return NULL;
    return strdup(json_object_get_string(v));
}

mdr_cloud_status mdr_session_exchange_http(void *ctx, const char *refresh_token,
                                           char **access_token, char **refresh_token_out,
                                           mdr_cloud_error *err)
{
    mdr_http_exchange *x = ctx;
    *access_token = *refresh_token_out = NULL;
    json_object *body = json_object_new_object();
    if (!body ||
        json_object_object_add(body, "refresh_token", json_object_new_string(refresh_token)) != 0) {
        json_object_put(body);
        return mdr_cloud_fail(err, MDR_CLOUD_ERR_INTERNAL, "out of memory");
    }
    char path[160];
    snprintf(path, sizeof(path), "%.128s/session/confirm", x->client_id);
    char *text = strdup(json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN));
    json_object_put(body);
    if (!text)
        return mdr_cloud_fail(err, MDR_CLOUD_ERR_INTERNAL, "out of memory");
    json_object *answer = NULL;
    mdr_cloud_status st = mdr_http_post_json(x->client, path, text, NULL, 0, &answer, err);
    wipe_free(text);
    if (st == MDR_CLOUD_ERR_HTTP && err &&
        (err->http_status == 400 || err->http_status == 401 || err->http_status == 403)) {
        err->status = MDR_CLOUD_ERR_SIGN_IN_REQUIRED;
        return MDR_CLOUD_ERR_SIGN_IN_REQUIRED;
    }
    if (st != MDR_CLOUD_OK)
        return st;
    *access_token = take_string(answer, "access_token");
    *refresh_token_out = take_string(answer, "refresh_token");
    json_object_put(answer);
    if (!*access_token || !*refresh_token_out) {
        wipe_free(*access_token);
        wipe_free(*refresh_token_out);
        *access_token = *refresh_token_out = NULL;
        return mdr_cloud_fail(err, MDR_CLOUD_ERR_BAD_RESPONSE,
                              "session/confirm did not return both tokens");
    }
    return MDR_CLOUD_OK;
}
