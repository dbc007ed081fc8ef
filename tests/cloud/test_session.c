/* The session: one refresh for all threads and processes, the new refresh token committed
 * before use, plain "sign-in required" when the service refuses the token, and no
 * half-state when the commit fails. A fake store (memory + a mutex standing for SQLite's
 * exclusive transaction) and a fake service that honours single use. */
#include "cloud/jwt.h"
#include "cloud/session.h"
#include "https_server.h"
#include "test_pki.h"

#include <CUnit/Basic.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FAR_EXP_S 4102444800LL /* 2100-01-01 */

static char *make_jwt(long long exp_s, const char *signature)
{
    char payload[64], b64[128];
    snprintf(payload, sizeof(payload), "{\"exp\":%lld,\"sub\":\"c\"}", exp_s);
    int n = EVP_EncodeBlock((unsigned char *)b64, (unsigned char *)payload, (int)strlen(payload));
    for (int i = 0; i < n; i++)
        b64[i] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' : b64[i];
    while (n > 0 && b64[n - 1] == '=')
        b64[--n] = '\0';
    char *jwt = malloc(256);
    snprintf(jwt, 256, "eyJhbGciOiJub25lIn0.%s.%s", b64, signature);
    return jwt;
}

/* ---- fake store ----------------------------------------------------------------------- */

typedef struct fake_store {
    pthread_mutex_t txn;
    mdr_session_state state;
    int fail_next_commit;
    int commits;
} fake_store;

static char *dup(const char *s)
{
    return s ? strdup(s) : NULL;
}

static int store_begin(void *ctx)
{
    fake_store *f = ctx;
    return pthread_mutex_lock(&f->txn);
}

static int store_load(void *ctx, mdr_session_state *out)
{
    fake_store *f = ctx;
    out->access_token = dup(f->state.access_token);
    out->access_expires_ms = f->state.access_expires_ms;
    out->refresh_token = dup(f->state.refresh_token);
    out->sign_in_required = f->state.sign_in_required;
    return 0;
}

static int store_save_and_commit(void *ctx, const mdr_session_state *st)
{
    fake_store *f = ctx;
    if (f->fail_next_commit) {
        f->fail_next_commit = 0;
        return -1; /* nothing written; the transaction stays open for rollback */
    }
    mdr_session_state_clear(&f->state);
    f->state.access_token = dup(st->access_token);
    f->state.access_expires_ms = st->access_expires_ms;
    f->state.refresh_token = dup(st->refresh_token);
    f->state.sign_in_required = st->sign_in_required;
    f->commits++;
    pthread_mutex_unlock(&f->txn);
    return 0;
}

static void store_rollback(void *ctx)
{
    fake_store *f = ctx;
    pthread_mutex_unlock(&f->txn);
}

static void store_init(fake_store *f, const char *access, int64_t access_exp_ms,
                       const char *refresh)
{
    memset(f, 0, sizeof(*f));
    pthread_mutex_init(&f->txn, NULL);
    f->state.access_token = dup(access);
    f->state.access_expires_ms = access_exp_ms;
    f->state.refresh_token = dup(refresh);
}

static void store_fini(fake_store *f)
{
    mdr_session_state_clear(&f->state);
    pthread_mutex_destroy(&f->txn);
}

/* ---- fake service: a refresh token works once ------------------------------------------ */

typedef struct fake_service {
    pthread_mutex_t lock;
    char valid_refresh[32];
    int calls;
    int next;
    int fail_transient;
    const char *signature; /* of the access tokens it issues; NULL = "a<n>" */
} fake_service;

static mdr_cloud_status fake_exchange(void *ctx, const char *refresh, char **access,
                                      char **refresh_out, mdr_cloud_error *err)
{
    fake_service *svc = ctx;
    struct timespec ts = {0, 50 * 1000000L}; /* long enough for every thread to pile up */
    nanosleep(&ts, NULL);
    pthread_mutex_lock(&svc->lock);
    svc->calls++;
    mdr_cloud_status st = MDR_CLOUD_OK;
    if (svc->fail_transient) {
        svc->fail_transient--;
        st = mdr_cloud_fail(err, MDR_CLOUD_ERR_NETWORK, "connection dropped");
    } else if (strcmp(refresh, svc->valid_refresh) != 0) {
        st = mdr_cloud_fail(err, MDR_CLOUD_ERR_SIGN_IN_REQUIRED, "token spent");
    } else {
        char sig[16];
        snprintf(sig, sizeof(sig), "a%d", ++svc->next);
        if (svc->signature)
            snprintf(sig, sizeof(sig), "%s", svc->signature);
        *access = make_jwt(FAR_EXP_S, sig);
        snprintf(svc->valid_refresh, sizeof(svc->valid_refresh), "r%d", svc->next + 1);
        *refresh_out = strdup(svc->valid_refresh);
    }
    pthread_mutex_unlock(&svc->lock);
    return st;
}

static void service_init(fake_service *svc, const char *valid)
{
    memset(svc, 0, sizeof(*svc));
    pthread_mutex_init(&svc->lock, NULL);
    snprintf(svc->valid_refresh, sizeof(svc->valid_refresh), "%s", valid);
}

static int64_t clock_ms(void *ctx)
{
    (void)ctx;
    return (int64_t)time(NULL) * 1000;
}

static mdr_session *session_for(fake_store *f, mdr_session_exchange_fn fn, void *ctx)
{
    mdr_session_config cfg = {{f, store_begin, store_load, store_save_and_commit, store_rollback},
                              fn,
                              ctx,
                              clock_ms,
                              NULL,
                              0};
    return mdr_session_new(&cfg);
}

/* ---- tests ----------------------------------------------------------------------------- */

typedef struct worker {
    mdr_session *session;
    char *token;
    mdr_cloud_status status;
} worker;

static void *get_token(void *arg)
{
    worker *w = arg;
    mdr_cloud_error err;
    w->status = mdr_session_access_token(w->session, &w->token, &err);
    return NULL;
}

static void session__concurrent_callers_refresh_once(void)
{
    fake_store store;
    fake_service svc;
    store_init(&store, "expired", 1000, "r1");
    service_init(&svc, "r1");
    /* Two sessions on one store stand for two processes on one SQLite file. */
    mdr_session *a = session_for(&store, fake_exchange, &svc);
    mdr_session *b = session_for(&store, fake_exchange, &svc);
    worker w[8];
    pthread_t t[8];
    for (int i = 0; i < 8; i++) {
        w[i] = (worker){i % 2 ? a : b, NULL, MDR_CLOUD_ERR_INTERNAL};
        pthread_create(&t[i], NULL, get_token, &w[i]);
    }
    for (int i = 0; i < 8; i++)
        pthread_join(t[i], NULL);
    CU_ASSERT_EQUAL(svc.calls, 1);
    CU_ASSERT_EQUAL(store.commits, 1);
    for (int i = 0; i < 8; i++) {
        CU_ASSERT_EQUAL(w[i].status, MDR_CLOUD_OK);
        CU_ASSERT(w[i].token && store.state.access_token &&
                  strcmp(w[i].token, store.state.access_token) == 0);
        mdr_session_token_free(w[i].token);
    }
    /* The new refresh token was committed with the access token. */
    CU_ASSERT_STRING_EQUAL(store.state.refresh_token, "r2");
    CU_ASSERT_EQUAL(store.state.access_expires_ms, FAR_EXP_S * 1000);
    CU_ASSERT_EQUAL(store.state.sign_in_required, 0);
    mdr_session_free(a);
    mdr_session_free(b);
    store_fini(&store);
}

static void session__stored_valid_token_needs_no_exchange(void)
{
    fake_store store;
    fake_service svc;
    char *jwt = make_jwt(FAR_EXP_S, "kept");
    store_init(&store, jwt, FAR_EXP_S * 1000, "r1");
    service_init(&svc, "r1");
    mdr_session *s = session_for(&store, fake_exchange, &svc);
    char *token = NULL;
    mdr_cloud_error err;
    CU_ASSERT_EQUAL(mdr_session_access_token(s, &token, &err), MDR_CLOUD_OK);
    CU_ASSERT_STRING_EQUAL(token, jwt);
    CU_ASSERT_EQUAL(svc.calls, 0);
    mdr_session_token_free(token);
    mdr_session_free(s);
    store_fini(&store);
    free(jwt);
}

static void session__refused_refresh_token_says_sign_in_required(void)
{
    fake_store store;
    fake_service svc;
    store_init(&store, NULL, 0, "spent");
    service_init(&svc, "r7");
    mdr_session *s = session_for(&store, fake_exchange, &svc);
    char *token = NULL;
    mdr_cloud_error err;
    CU_ASSERT_EQUAL(mdr_session_access_token(s, &token, &err), MDR_CLOUD_ERR_SIGN_IN_REQUIRED);
    CU_ASSERT_PTR_NULL(token);
    CU_ASSERT_EQUAL(store.state.sign_in_required, 1); /* said plainly in the store */
    CU_ASSERT_PTR_NULL(store.state.refresh_token);
    char text[256];
    mdr_cloud_error_format(&err, text, sizeof(text));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "Sign in again"));
    /* Later calls do not knock on the service's door again. */
    CU_ASSERT_EQUAL(mdr_session_access_token(s, &token, &err), MDR_CLOUD_ERR_SIGN_IN_REQUIRED);
    CU_ASSERT_EQUAL(svc.calls, 1);
    /* Signing in again starts a new session. */
    CU_ASSERT_EQUAL(mdr_session_start(s, "r7", &err), MDR_CLOUD_OK);
    CU_ASSERT_EQUAL(store.state.sign_in_required, 0);
    CU_ASSERT_EQUAL(mdr_session_access_token(s, &token, &err), MDR_CLOUD_OK);
    mdr_session_token_free(token);
    mdr_session_free(s);
    store_fini(&store);
}

static void session__failed_commit_leaves_no_half_state(void)
{
    fake_store store;
    fake_service svc;
    store_init(&store, "expired", 1000, "r1");
    service_init(&svc, "r1");
    mdr_session *s = session_for(&store, fake_exchange, &svc);
    store.fail_next_commit = 1;
    char *token = NULL;
    mdr_cloud_error err;
    CU_ASSERT_EQUAL(mdr_session_access_token(s, &token, &err), MDR_CLOUD_ERR_STORE);
    CU_ASSERT_PTR_NULL(token); /* the uncommitted access token is never used */
    CU_ASSERT_STRING_EQUAL(store.state.refresh_token, "r1");
    CU_ASSERT_STRING_EQUAL(store.state.access_token, "expired");
    CU_ASSERT_EQUAL(store.commits, 0);
    CU_ASSERT_EQUAL(pthread_mutex_trylock(&store.txn), 0); /* the transaction was ended */
    pthread_mutex_unlock(&store.txn);
    /* Like a crash between the answer and the commit: the stored token is spent, the
     * service refuses it, and the store then says plainly that sign-in is needed. */
    CU_ASSERT_EQUAL(mdr_session_access_token(s, &token, &err), MDR_CLOUD_ERR_SIGN_IN_REQUIRED);
    CU_ASSERT_EQUAL(store.state.sign_in_required, 1);
    mdr_session_free(s);
    store_fini(&store);
}

static void session__transient_failure_keeps_the_session(void)
{
    fake_store store;
    fake_service svc;
    store_init(&store, "expired", 1000, "r1");
    service_init(&svc, "r1");
    svc.fail_transient = 1;
    mdr_session *s = session_for(&store, fake_exchange, &svc);
    char *token = NULL;
    mdr_cloud_error err;
    CU_ASSERT_EQUAL(mdr_session_access_token(s, &token, &err), MDR_CLOUD_ERR_NETWORK);
    CU_ASSERT_STRING_EQUAL(store.state.refresh_token, "r1");
    CU_ASSERT_EQUAL(store.state.sign_in_required, 0);
    CU_ASSERT_EQUAL(mdr_session_access_token(s, &token, &err), MDR_CLOUD_OK);
    CU_ASSERT_STRING_EQUAL(store.state.refresh_token, "r2");
    mdr_session_token_free(token);
    mdr_session_free(s);
    store_fini(&store);
}

static void jwt__expiry_is_read_without_verification(void)
{
    char *jwt = make_jwt(1700000000LL, "whatever");
    int64_t exp = 0;
    CU_ASSERT_EQUAL(mdr_jwt_expiry_ms(jwt, &exp), 0);
    CU_ASSERT_EQUAL(exp, 1700000000000LL);
    free(jwt);
    CU_ASSERT_EQUAL(mdr_jwt_expiry_ms("not-a-jwt", &exp), -1);
    CU_ASSERT_EQUAL(mdr_jwt_expiry_ms("a.!!!.c", &exp), -1);
    CU_ASSERT_EQUAL(mdr_jwt_expiry_ms("eyJhbGciOiJub25lIn0.eyJzdWIiOiJjIn0.c2ln", &exp),
                    -1); /* no exp */
}

/* ---- over HTTPS: the real exchange, and refresh-once-then-retry on 403 -------------------- */

static void session__http_exchange_and_retry_after_403(void)
{
    test_cert ca = test_pki_make(TEST_CERT_CA, "Session CA", NULL, -3600, 86400);
    test_cert leaf = test_pki_make(TEST_CERT_SERVER, "127.0.0.1", &ca, -3600, 86400);
    char *cert = test_pki_cert_pem(leaf.cert), *key = test_pki_key_pem(leaf.key);
    char *ca_pem = test_pki_cert_pem(ca.cert);
    char *ca_path = test_write_tmp("session-ca.pem", ca_pem, strlen(ca_pem));
    test_server *server = test_server_start(cert, key);
    CU_ASSERT_PTR_NOT_NULL_FATAL(server);
    char base[64];
    snprintf(base, sizeof(base), "https://127.0.0.1:%d/api", test_server_port(server));
    mdr_http_config hc = {
        .base_url = base, .extra_ca_file = ca_path, .max_attempts = 2, .backoff_base_ms = 10};
    mdr_http_client *client = mdr_http_client_new(&hc, NULL);

    mdr_http_exchange x = {client, "0123456789abcdef0123456789abcdef"};
    char *access = NULL, *refresh = NULL;
    mdr_cloud_error err;
    CU_ASSERT_EQUAL(mdr_session_exchange_http(&x, "r1", &access, &refresh, &err), MDR_CLOUD_OK);
    CU_ASSERT_STRING_EQUAL(refresh, "r2");
    int64_t exp = 0;
    CU_ASSERT_EQUAL(mdr_jwt_expiry_ms(access, &exp), 0);
    CU_ASSERT_EQUAL(
        test_server_calls(server, "/api/0123456789abcdef0123456789abcdef/session/confirm"), 1);
    free(access);
    free(refresh);
    CU_ASSERT_EQUAL(mdr_session_exchange_http(&x, "spent", &access, &refresh, &err),
                    MDR_CLOUD_ERR_SIGN_IN_REQUIRED);
    CU_ASSERT_STRING_EQUAL(err.service_code, "token_spent");

    /* A stored token the service no longer accepts (403): refreshed once, call repeated. */
    fake_store store;
    fake_service svc;
    char *stale = make_jwt(FAR_EXP_S, "stale");
    store_init(&store, stale, FAR_EXP_S * 1000, "r1");
    service_init(&svc, "r1");
    svc.signature = "good"; /* the server accepts tokens ending in ".good" */
    mdr_session *s = session_for(&store, fake_exchange, &svc);
    mdr_http_request req = {"POST", "protected", "{}", NULL, 1};
    json_object *out = NULL;
    CU_ASSERT_EQUAL(mdr_session_call_json(s, client, &req, &out, &err), MDR_CLOUD_OK);
    json_object_put(out);
    CU_ASSERT_EQUAL(svc.calls, 1);
    CU_ASSERT_EQUAL(test_server_calls(server, "/api/protected"), 2);
    CU_ASSERT_STRING_EQUAL(store.state.refresh_token, "r2");
    mdr_session_free(s);
    store_fini(&store);

    /* When the fresh token is refused too, the call is repeated once only. */
    store_init(&store, stale, FAR_EXP_S * 1000, "r2");
    svc.signature = NULL;
    s = session_for(&store, fake_exchange, &svc);
    test_server_reset(server);
    CU_ASSERT_EQUAL(mdr_session_call_json(s, client, &req, &out, &err), MDR_CLOUD_ERR_HTTP);
    CU_ASSERT_EQUAL(err.http_status, 403);
    CU_ASSERT_EQUAL(svc.calls, 2);
    CU_ASSERT_EQUAL(test_server_calls(server, "/api/protected"), 2);
    mdr_session_free(s);
    store_fini(&store);
    free(stale);

    mdr_http_client_free(client);
    test_server_stop(server);
    test_pki_free(&leaf);
    test_pki_free(&ca);
    free(cert);
    free(key);
    free(ca_pem);
    free(ca_path);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("session", NULL, NULL);
#define ADD(t) CU_add_test(s, #t, t)
    ADD(session__concurrent_callers_refresh_once);
    ADD(session__stored_valid_token_needs_no_exchange);
    ADD(session__refused_refresh_token_says_sign_in_required);
    ADD(session__failed_commit_leaves_no_half_state);
    ADD(session__transient_failure_keeps_the_session);
    ADD(jwt__expiry_is_read_without_verification);
    ADD(session__http_exchange_and_retry_after_403);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    test_tmp_cleanup();
    return failed ? 1 : 0;
}
