/* cloud_link.c — the module's one door to the MDR cloud (see cloud_link.h): one HTTP client
 * built from mdr.conf and the console's .env, and one session whose state lives in the
 * store's cloud_session row (migration 002), tokens sealed with the module's key.
 *
 * A sign-in replaces the session object rather than mutating it, so a thread still using the
 * old one never sees half of each; replaced objects are kept until close (sign-ins are rare
 * and a thread may still hold one). */
#include "cloud_link.h"

#include "cloud/session.h"
#include "core/i18n.h"
#include "core/log.h"
#include "module.h"
#include "reply.h"
#include "core/secret.h"
#include "core/store.h"
#include "core/test_point.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SEAL_ACCESS "cloud.session.access"
#define SEAL_REFRESH "cloud.session.refresh"
#define CLIENT_ID_MAX 64
/* How long BEGIN EXCLUSIVE waits for another thread or process that holds the session
 * transaction during its own token exchange (one HTTPS call, bounded by the timeout). */
#define EXCLUSIVE_EXTRA_WAIT_MS 15000

typedef struct link_slot {
    struct cloud_link *link;
    mdr_session *session;
    pthread_mutex_t id_lock; /* guards client_id: load (under the session's lock) may change it */
    char client_id[CLIENT_ID_MAX + 1];
    struct link_slot *next_retired;
} link_slot;

typedef struct cloud_link {
    ksc_module *module;
    mdr_http_client *client;
    mdr_env_source env;
    pthread_mutex_t lock; /* guards current and retired */
    link_slot *current;
    link_slot *retired;
} cloud_link;

static cloud_link *link_of(ksc_module *m)
{
    return m->cloud;
}

static link_slot *current_slot(cloud_link *l)
{
    pthread_mutex_lock(&l->lock);
    link_slot *s = l->current;
    pthread_mutex_unlock(&l->lock);
    return s;
}

static void slot_client_id(link_slot *s, char *out, size_t out_size)
{
    pthread_mutex_lock(&s->id_lock);
    snprintf(out, out_size, "%s", s->client_id);
    pthread_mutex_unlock(&s->id_lock);
}

static void slot_set_client_id(link_slot *s, const char *client_id)
{
    pthread_mutex_lock(&s->id_lock);
    snprintf(s->client_id, sizeof s->client_id, "%s", client_id ? client_id : "");
    pthread_mutex_unlock(&s->id_lock);
}

/* ---- the .env through the host ------------------------------------------------------- */

static char *env_get(void *ctx, const char *key)
{
    ksc_module *m = ctx;
    return m->services->env_get ? m->services->env_get(m->services->host, key) : NULL;
}

static void env_free(void *ctx, char *value)
{
    ksc_module *m = ctx;
    m->services->free(value);
}

/* ---- the session's store: the cloud_session row -------------------------------------- */

static int64_t host_now(void *ctx)
{
    link_slot *s = ctx;
    const ksc_host_services *sv = s->link->module->services;
    return sv->now_ms(sv->host);
}

static int store_begin_exclusive(void *ctx)
{
    link_slot *s = ctx;
    sqlite3 *db = mdr_store_conn(s->link->module->store);
    if (!db)
        return -1;
    /* The busy timeout covers one wait; keep trying while another holder finishes its
     * exchange (at most one HTTPS call). */
    long budget = s->link->module->config->cloud_timeout_ms + EXCLUSIVE_EXTRA_WAIT_MS;
    struct timespec start, nowt;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        int rc = sqlite3_exec(db, "BEGIN EXCLUSIVE", NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            return 0;
        if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
            return -1;
        clock_gettime(CLOCK_MONOTONIC, &nowt);
        long waited =
            (nowt.tv_sec - start.tv_sec) * 1000 + (nowt.tv_nsec - start.tv_nsec) / 1000000;
        if (waited > budget)
            return -1;
    }
}

static void store_rollback(void *ctx)
{
    link_slot *s = ctx;
    sqlite3 *db = mdr_store_conn(s->link->module->store);
    if (db && !sqlite3_get_autocommit(db))
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

/* Opens a sealed column into a malloc'd C string (wiped copy); NULL column → *out NULL. */
static int open_sealed(const mdr_secret_key *key, const char *name, sqlite3_stmt *st, int col,
                       char **out)
{
    *out = NULL;
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        return 0;
    const unsigned char *blob = sqlite3_column_blob(st, col);
    int n = sqlite3_column_bytes(st, col);
    unsigned char *plain = NULL;
    size_t plain_len = 0;
    if (!blob || n <= 0 || mdr_secret_open(key, name, blob, (size_t)n, &plain, &plain_len) != 0)
        return -1;
    *out = strdup((const char *)plain);
    mdr_secret_free(plain, plain_len);
    return *out ? 0 : -1;
}

static int store_load(void *ctx, mdr_session_state *out)
{
    link_slot *s = ctx;
    ksc_module *m = s->link->module;
    sqlite3 *db = mdr_store_conn(m->store);
    sqlite3_stmt *st = NULL;
    if (!db ||
        sqlite3_prepare_v2(db,
                           "SELECT client_id, access_sealed, access_expires_ms, "
                           "refresh_sealed, sign_in_required FROM cloud_session WHERE id = 1",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    int rc = sqlite3_step(st), result = 0;
    if (rc == SQLITE_ROW) {
        /* Another process may have signed in with another connection meanwhile. */
        slot_set_client_id(s, (const char *)sqlite3_column_text(st, 0));
        out->access_expires_ms = sqlite3_column_int64(st, 2);
        out->sign_in_required = sqlite3_column_int(st, 4);
        if (open_sealed(&m->secret_key, SEAL_ACCESS, st, 1, &out->access_token) != 0 ||
            open_sealed(&m->secret_key, SEAL_REFRESH, st, 3, &out->refresh_token) != 0) {
            /* A sealed value that does not open (other key, tampering) is not a session. */
            mdr_log(m->services, KSC_LOG_WARNING,
                    "the stored cloud session cannot be opened; "
                    "sign-in is required");
            mdr_session_state_clear(out);
            out->sign_in_required = 1;
        }
    } else if (rc != SQLITE_DONE) {
        result = -1;
    }
    sqlite3_finalize(st);
    return result;
}

static int bind_sealed(sqlite3_stmt *st, int idx, const mdr_secret_key *key, const char *name,
                       const char *value)
{
    if (!value)
        return sqlite3_bind_null(st, idx) == SQLITE_OK ? 0 : -1;
    unsigned char *sealed = NULL;
    size_t n = 0;
    if (mdr_secret_seal(key, name, value, strlen(value), &sealed, &n) != 0)
        return -1;
    int rc = sqlite3_bind_blob(st, idx, sealed, (int)n, free);
    return rc == SQLITE_OK ? 0 : -1;
}

static int store_save_and_commit(void *ctx, const mdr_session_state *state)
{
    link_slot *s = ctx;
    ksc_module *m = s->link->module;
    sqlite3 *db = mdr_store_conn(m->store);
    if (!db)
        return -1;
    char client_id[CLIENT_ID_MAX + 1];
    slot_client_id(s, client_id, sizeof client_id);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO cloud_session (id, client_id, access_sealed, "
                           "access_expires_ms, refresh_sealed, sign_in_required, updated_ms, "
                           "clock_skew_ms) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT "
                           "(id) DO UPDATE SET client_id = ?1, access_sealed = ?2, "
                           "access_expires_ms = ?3, refresh_sealed = ?4, sign_in_required = ?5, "
                           "updated_ms = ?6, clock_skew_ms = CASE WHEN ?2 IS NULL THEN "
                           "clock_skew_ms ELSE ?7 END",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    int ok = sqlite3_bind_text(st, 1, client_id, -1, SQLITE_TRANSIENT) == SQLITE_OK &&
             bind_sealed(st, 2, &m->secret_key, SEAL_ACCESS, state->access_token) == 0 &&
             sqlite3_bind_int64(st, 3, state->access_token ? state->access_expires_ms : 0) ==
                 SQLITE_OK &&
             bind_sealed(st, 4, &m->secret_key, SEAL_REFRESH, state->refresh_token) == 0 &&
             sqlite3_bind_int(st, 5, state->sign_in_required ? 1 : 0) == SQLITE_OK &&
             sqlite3_bind_int64(st, 6, m->services->now_ms(m->services->host)) == SQLITE_OK &&
             sqlite3_bind_int64(st, 7, state->clock_skew_ms) == SQLITE_OK &&
             sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    if (!ok)
        return -1;
    /* The service has spent the old refresh token; the new one is not committed yet. */
    mdr_test_point("session.before_commit");
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        return -1;
    mdr_test_point("session.after_commit"); /* committed, not yet used */
    return 0;
}

/* session/confirm for the connection the slot holds now. */
static mdr_cloud_status slot_exchange(void *ctx, const char *refresh_token, char **access_token,
                                      char **refresh_token_out, mdr_cloud_error *err)
{
    link_slot *s = ctx;
    char client_id[CLIENT_ID_MAX + 1];
    slot_client_id(s, client_id, sizeof client_id);
    if (!client_id[0])
        return mdr_cloud_fail(err, MDR_CLOUD_ERR_SIGN_IN_REQUIRED, "no API connection is stored");
    mdr_http_exchange x = {s->link->client, client_id};
    return mdr_session_exchange_http(&x, refresh_token, access_token, refresh_token_out, err);
}

static link_slot *slot_new(cloud_link *l, const char *client_id)
{
    link_slot *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->link = l;
    pthread_mutex_init(&s->id_lock, NULL);
    snprintf(s->client_id, sizeof s->client_id, "%s", client_id ? client_id : "");
    mdr_session_config cfg = {
        .store = {s, store_begin_exclusive, store_load, store_save_and_commit, store_rollback},
        .exchange = slot_exchange,
        .exchange_ctx = s,
        .now_ms = host_now,
        .clock_ctx = s,
    };
    if (!(s->session = mdr_session_new(&cfg))) {
        pthread_mutex_destroy(&s->id_lock);
        free(s);
        return NULL;
    }
    return s;
}

static void slot_free(link_slot *s)
{
    if (!s)
        return;
    mdr_session_free(s->session);
    pthread_mutex_destroy(&s->id_lock);
    free(s);
}

/* Makes `fresh` current; the old one is kept until close. */
static void slot_replace(cloud_link *l, link_slot *fresh)
{
    pthread_mutex_lock(&l->lock);
    link_slot *old = l->current;
    l->current = fresh;
    if (old) {
        old->next_retired = l->retired;
        l->retired = old;
    }
    pthread_mutex_unlock(&l->lock);
}

/* ---- open / close -------------------------------------------------------------------- */

static const char *nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

int mdr_cloud_link_open(ksc_module *m, char *err, size_t err_size)
{
    cloud_link *l = calloc(1, sizeof *l);
    if (!l) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    l->module = m;
    pthread_mutex_init(&l->lock, NULL);
    const mdr_config *c = m->config;
    mdr_http_config hc = {
        .base_url = nonempty(c->cloud_base_url),
        .extra_ca_file = nonempty(c->cloud_extra_ca_file),
        .proxy = nonempty(c->cloud_proxy),
        .no_proxy = nonempty(c->cloud_no_proxy),
        .connect_timeout_ms = c->cloud_connect_timeout_ms,
        .total_timeout_ms = c->cloud_timeout_ms,
        .max_attempts = (int)c->cloud_max_retries + 1,
    };
    l->env = (mdr_env_source){env_get, env_free, m};
    l->client = mdr_http_client_new(&hc, &l->env);
    l->current = l->client ? slot_new(l, NULL) : NULL;
    if (!l->current) {
        mdr_http_client_free(l->client);
        pthread_mutex_destroy(&l->lock);
        free(l);
        snprintf(err, err_size, "out of memory (cloud client)");
        return -1;
    }
    m->cloud = l;
    return 0;
}

void mdr_cloud_link_close(ksc_module *m)
{
    cloud_link *l = m->cloud;
    if (!l)
        return;
    m->cloud = NULL;
    slot_free(l->current);
    while (l->retired) {
        link_slot *next = l->retired->next_retired;
        slot_free(l->retired);
        l->retired = next;
    }
    mdr_http_client_free(l->client);
    pthread_mutex_destroy(&l->lock);
    free(l);
}

/* ---- calls --------------------------------------------------------------------------- */

static char *body_text(json_object *request)
{
    const char *t =
        request ? json_object_to_json_string_ext(request, JSON_C_TO_STRING_PLAIN) : "{}";
    return strdup(t ? t : "{}");
}

static void wipe_free(char *s)
{
    if (s) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

static mdr_cloud_status not_open(mdr_cloud_error *err)
{
    return mdr_cloud_fail(err, MDR_CLOUD_ERR_INTERNAL, "the cloud link is not open");
}

static mdr_cloud_status session_call(ksc_module *m, const char *path, json_object *request,
                                     int idempotent, json_object **response, mdr_cloud_error *err)
{
    mdr_cloud_error_clear(err);
    *response = NULL;
    cloud_link *l = link_of(m);
    if (!l)
        return not_open(err);
    char *body = body_text(request);
    if (!body)
        return mdr_cloud_fail(err, MDR_CLOUD_ERR_INTERNAL, "out of memory");
    mdr_http_request req = {
        .method = "POST", .path = path, .json_body = body, .idempotent = idempotent};
    mdr_cloud_status st =
        mdr_session_call_json(current_slot(l)->session, l->client, &req, response, err);
    wipe_free(body);
    return st;
}

mdr_cloud_status mdr_cloud_console(ksc_module *m, const char *path, json_object *request,
                                   int idempotent, json_object **response, mdr_cloud_error *err)
{
    char full[256];
    snprintf(full, sizeof full, "console/%s", path);
    return session_call(m, full, request, idempotent, response, err);
}

static int api_path(ksc_module *m, const char *path, char *out, size_t out_size,
                    mdr_cloud_error *err)
{
    cloud_link *l = link_of(m);
    if (!l) {
        not_open(err);
        return -1;
    }
    char client_id[CLIENT_ID_MAX + 1];
    slot_client_id(current_slot(l), client_id, sizeof client_id);
    if (!client_id[0]) {
        /* Not yet known in this process: read it (and the token) from the store. */
        char *token = NULL;
        if (mdr_session_access_token(current_slot(l)->session, &token, err) != MDR_CLOUD_OK)
            return -1;
        mdr_session_token_free(token);
        slot_client_id(current_slot(l), client_id, sizeof client_id);
    }
    snprintf(out, out_size, "%s/%s", client_id, path);
    return 0;
}

mdr_cloud_status mdr_cloud_api(ksc_module *m, const char *path, json_object *request,
                               int idempotent, json_object **response, mdr_cloud_error *err)
{
    mdr_cloud_error_clear(err);
    *response = NULL;
    char full[512];
    if (api_path(m, path, full, sizeof full, err) != 0)
        return err->status;
    return session_call(m, full, request, idempotent, response, err);
}

mdr_cloud_status mdr_cloud_api_stream(ksc_module *m, const char *path, json_object *request,
                                      const mdr_http_sink *sink, mdr_cloud_error *err)
{
    mdr_cloud_error_clear(err);
    cloud_link *l = link_of(m);
    if (!l)
        return not_open(err);
    char full[512];
    if (api_path(m, path, full, sizeof full, err) != 0)
        return err->status;
    mdr_session *s = current_slot(l)->session;
    char *token = NULL;
    mdr_cloud_status st = mdr_session_access_token(s, &token, err);
    if (st != MDR_CLOUD_OK)
        return st;
    char *body = body_text(request);
    if (!body) {
        mdr_session_token_free(token);
        return mdr_cloud_fail(err, MDR_CLOUD_ERR_INTERNAL, "out of memory");
    }
    mdr_http_request req = {
        .method = "POST", .path = full, .json_body = body, .bearer_token = token, .idempotent = 1};
    st = mdr_http_call_stream(l->client, &req, sink, err);
    if (st == MDR_CLOUD_ERR_HTTP && (err->http_status == 401 || err->http_status == 403)) {
        /* Error answers are never streamed, so the sink got nothing: repeat once. */
        char *fresh = NULL;
        st = mdr_session_refresh_after_reject(s, token, &fresh, err);
        if (st == MDR_CLOUD_OK) {
            req.bearer_token = fresh;
            st = mdr_http_call_stream(l->client, &req, sink, err);
        }
        mdr_session_token_free(fresh);
    }
    mdr_session_token_free(token);
    wipe_free(body);
    return st;
}

mdr_cloud_status mdr_cloud_anonymous(ksc_module *m, const char *path, json_object *request,
                                     json_object **response, mdr_cloud_error *err)
{
    mdr_cloud_error_clear(err);
    *response = NULL;
    cloud_link *l = link_of(m);
    if (!l)
        return not_open(err);
    char full[256];
    snprintf(full, sizeof full, "console/%s", path);
    char *body = body_text(request);
    if (!body)
        return mdr_cloud_fail(err, MDR_CLOUD_ERR_INTERNAL, "out of memory");
    /* Not idempotent: a sign-in may create the plug-in's connection. */
    mdr_cloud_status st = mdr_http_post_json(l->client, full, body, NULL, 0, response, err);
    wipe_free(body);
    return st;
}

/* ---- session lifecycle --------------------------------------------------------------- */

static int client_id_valid(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    if (n == 0 || n > CLIENT_ID_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

mdr_cloud_status mdr_cloud_session_start(ksc_module *m, const char *client_id,
                                         const char *refresh_token, mdr_cloud_error *err)
{
    mdr_cloud_error_clear(err);
    cloud_link *l = link_of(m);
    if (!l)
        return not_open(err);
    if (!client_id_valid(client_id))
        return mdr_cloud_fail(err, MDR_CLOUD_ERR_BAD_RESPONSE,
                              "the sign-in answer holds no usable client_id");
    link_slot *fresh = slot_new(l, client_id);
    if (!fresh)
        return mdr_cloud_fail(err, MDR_CLOUD_ERR_INTERNAL, "out of memory");
    mdr_cloud_status st = mdr_session_start(fresh->session, refresh_token, err);
    if (st == MDR_CLOUD_OK || st == MDR_CLOUD_ERR_SIGN_IN_REQUIRED)
        slot_replace(l, fresh); /* the store now holds what this slot knows */
    else
        slot_free(fresh); /* rolled back: the previous session stays */
    return st;
}

static int forget_tx(sqlite3 *db, void *ctx)
{
    (void)ctx;
    return sqlite3_exec(db, "DELETE FROM cloud_session", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

int mdr_cloud_session_forget(ksc_module *m)
{
    cloud_link *l = link_of(m);
    if (!l || mdr_store_tx(m->store, forget_tx, NULL) != 0)
        return -1;
    link_slot *fresh = slot_new(l, NULL);
    if (fresh)
        slot_replace(l, fresh);
    return 0;
}

int mdr_cloud_session_usable(ksc_module *m)
{
    sqlite3 *db = mdr_store_conn(m->store);
    sqlite3_stmt *st = NULL;
    if (!db || sqlite3_prepare_v2(db,
                                  "SELECT 1 FROM cloud_session WHERE id = 1 AND sign_in_required "
                                  "= 0 AND refresh_sealed IS NOT NULL AND client_id <> ''",
                                  -1, &st, NULL) != SQLITE_OK)
        return 0;
    int usable = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return usable;
}

int mdr_cloud_session_describe(ksc_module *m, json_object **out)
{
    *out = NULL;
    sqlite3 *db = mdr_store_conn(m->store);
    sqlite3_stmt *st = NULL;
    if (!db ||
        sqlite3_prepare_v2(db,
                           "SELECT client_id, account_login, organization_id, "
                           "organization_name, sign_in_required, refresh_sealed IS NOT "
                           "NULL, signed_in_by, signed_in_ms, clock_skew_ms FROM cloud_session "
                           "WHERE id = 1",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    json_object *o = json_object_new_object();
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        int sir = sqlite3_column_int(st, 4) || !sqlite3_column_int(st, 5);
        json_object_object_add(o, "signed_in", json_object_new_boolean(!sir));
        json_object_object_add(o, "sign_in_required", json_object_new_boolean(sir));
        json_object_object_add(o, "client_id",
                               json_object_new_string((const char *)sqlite3_column_text(st, 0)));
        json_object_object_add(o, "account",
                               json_object_new_string((const char *)sqlite3_column_text(st, 1)));
        json_object *org = json_object_new_object();
        json_object_object_add(org, "id",
                               json_object_new_string((const char *)sqlite3_column_text(st, 2)));
        json_object_object_add(org, "name",
                               json_object_new_string((const char *)sqlite3_column_text(st, 3)));
        json_object_object_add(o, "organization", org);
        json_object_object_add(o, "signed_in_by",
                               json_object_new_string((const char *)sqlite3_column_text(st, 6)));
        json_object_object_add(o, "signed_in_time",
                               json_object_new_int64(sqlite3_column_int64(st, 7)));
        json_object_object_add(o, "clock_skew_ms",
                               json_object_new_int64(sqlite3_column_int64(st, 8)));
    } else if (rc == SQLITE_DONE) {
        json_object_object_add(o, "signed_in", json_object_new_boolean(0));
        json_object_object_add(o, "sign_in_required", json_object_new_boolean(1));
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        json_object_put(o);
        return -1;
    }
    *out = o;
    return 0;
}

int mdr_cloud_session_set_account(ksc_module *m, const char *login, const char *organization_id,
                                  const char *organization_name, const char *signed_in_by)
{
    sqlite3 *db = mdr_store_conn(m->store);
    sqlite3_stmt *st = NULL;
    if (!db || sqlite3_prepare_v2(db,
                                  "UPDATE cloud_session SET account_login = ?1, organization_id "
                                  "= ?2, organization_name = ?3, signed_in_by = ?4, signed_in_ms "
                                  "= ?5 WHERE id = 1",
                                  -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, login ? login : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, organization_id ? organization_id : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, organization_name ? organization_name : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, signed_in_by ? signed_in_by : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 5, m->services->now_ms(m->services->host));
    int ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    return ok ? 0 : -1;
}

mdr_http_client *mdr_cloud_link_client(ksc_module *m)
{
    cloud_link *l = link_of(m);
    return l ? l->client : NULL;
}

/* ---- errors -------------------------------------------------------------------------- */

char *mdr_cloud_error_message(const char *lang, const mdr_cloud_error *err)
{
    char text[1024];
    mdr_cloud_error_fill(mdr_tr(lang, mdr_cloud_status_key(err->status)), err, text, sizeof text);
    return strdup(text);
}

ksc_status mdr_cloud_reply_error(ksc_module *m, const char *lang, const mdr_cloud_error *err,
                                 char **response)
{
    const char *key = mdr_cloud_status_key(err->status); /* "cloud.error.tls_verify" */
    const char *suffix = strrchr(key, '.') ? strrchr(key, '.') + 1 : key;
    char code[64];
    snprintf(code, sizeof code, "cloud_%s", suffix);
    char *message = mdr_cloud_error_message(lang, err);
    if (err->detail[0]) {
        /* Only what the failure has: no "HTTP 0" for a proxy or TLS failure, no empty code. */
        char http[32] = "", service[96] = "";
        if (err->http_status > 0)
            snprintf(http, sizeof http, ", HTTP %ld", err->http_status);
        if (err->service_code[0])
            snprintf(service, sizeof service, ", %s", err->service_code);
        mdr_log(m->services, KSC_LOG_WARNING, "cloud call failed: %s (%s%s%s)", code, err->detail,
                http, service);
    }

    json_object *details = json_object_new_object();
    json_object_object_add(details, "status", json_object_new_string(suffix));
    json_object_object_add(details, "http_status", json_object_new_int64(err->http_status));
    json_object_object_add(details, "service_code", json_object_new_string(err->service_code));
    json_object_object_add(details, "setting", json_object_new_string(err->setting));
    json_object *inner = json_object_new_object();
    json_object_object_add(inner, "code", json_object_new_string(code));
    json_object_object_add(inner, "message", json_object_new_string(message ? message : key));
    json_object_object_add(inner, "details", details);
    free(message);
    json_object *outer = json_object_new_object();
    json_object_object_add(outer, "error", inner);
    ksc_status status =
        err->status == MDR_CLOUD_ERR_SIGN_IN_REQUIRED ? KSC_ERR_CONFLICT : KSC_ERR_FAILED;
    if (mdr_reply_ok(m->services, outer, response) != KSC_OK)
        return KSC_ERR_NO_MEMORY;
    return status;
}
