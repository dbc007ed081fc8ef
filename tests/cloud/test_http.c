/* The cloud client against scripted HTTPS servers on loopback (certificates from throwaway
 * CAs made here) and a real tinyproxy with Basic credentials. */
#include "cloud/http_client.h"
#include "https_server.h"
#include "test_pki.h"
#include "tinyproxy_runner.h"

#include <CUnit/Basic.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DAY_S (24L * 3600)

/* "system" = the CA in $SSL_CERT_FILE; "extra" = the CA only the extra CA file names;
 * "stranger" = trusted by neither. */
static test_cert system_ca, extra_ca, stranger_ca;
static test_server *system_server, *extra_server, *stranger_server;
static char *extra_ca_path, *stranger_ca_path, *system_bundle_path;

/* The console's .env, as the host's getter would serve it. */
static struct {
    pthread_mutex_t lock;
    char *keys[8];
    char *values[8];
} dotenv = {PTHREAD_MUTEX_INITIALIZER, {0}, {0}};

static void dotenv_set(const char *key, const char *value)
{
    pthread_mutex_lock(&dotenv.lock);
    int i;
    for (i = 0; i < 8 && dotenv.keys[i]; i++)
        if (strcmp(dotenv.keys[i], key) == 0)
            break;
    if (i < 8) {
        if (!dotenv.keys[i])
            dotenv.keys[i] = strdup(key);
        free(dotenv.values[i]);
        dotenv.values[i] = value ? strdup(value) : NULL;
    }
    pthread_mutex_unlock(&dotenv.lock);
}

static void dotenv_clear(void)
{
    pthread_mutex_lock(&dotenv.lock);
    for (int i = 0; i < 8; i++) {
        free(dotenv.keys[i]);
        free(dotenv.values[i]);
        dotenv.keys[i] = dotenv.values[i] = NULL;
    }
    pthread_mutex_unlock(&dotenv.lock);
}

static int dotenv_reads;

static char *dotenv_get(void *ctx, const char *key)
{
    (void)ctx;
    pthread_mutex_lock(&dotenv.lock);
    __atomic_add_fetch(&dotenv_reads, 1, __ATOMIC_SEQ_CST);
    char *v = NULL;
    for (int i = 0; i < 8 && dotenv.keys[i]; i++)
        if (strcmp(dotenv.keys[i], key) == 0 && dotenv.values[i])
            v = strdup(dotenv.values[i]);
    pthread_mutex_unlock(&dotenv.lock);
    return v;
}

static const mdr_env_source dotenv_source = {dotenv_get, NULL, NULL};

static char base_url[64];

static mdr_http_client *client_for(const test_server *server, mdr_http_config cfg)
{
    snprintf(base_url, sizeof(base_url), "https://127.0.0.1:%d/api", test_server_port(server));
    cfg.base_url = base_url;
    if (!cfg.max_attempts)
        cfg.max_attempts = 3;
    if (!cfg.backoff_base_ms)
        cfg.backoff_base_ms = 10;
    if (!cfg.backoff_max_ms)
        cfg.backoff_max_ms = 2000;
    if (!cfg.total_timeout_ms)
        cfg.total_timeout_ms = 10000;
    return mdr_http_client_new(&cfg, &dotenv_source);
}

static int64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static char *ca_file(const char *name, const test_cert *ca)
{
    char *pem = test_pki_cert_pem(ca->cert);
    char *path = test_write_tmp(name, pem, strlen(pem));
    free(pem);
    return path;
}

static test_server *server_signed_by(const test_cert *ca)
{
    test_cert leaf = test_pki_make(TEST_CERT_SERVER, "127.0.0.1", ca, -DAY_S, 30 * DAY_S);
    char *cert = test_pki_cert_pem(leaf.cert);
    char *key = test_pki_key_pem(leaf.key);
    test_server *s = test_server_start(cert, key);
    free(cert);
    free(key);
    test_pki_free(&leaf);
    return s;
}

static int suite_init(void)
{
    system_ca = test_pki_make(TEST_CERT_CA, "System CA", NULL, -DAY_S, 365 * DAY_S);
    extra_ca = test_pki_make(TEST_CERT_CA, "Extra CA (TLS inspection)", NULL, -DAY_S, 365 * DAY_S);
    stranger_ca = test_pki_make(TEST_CERT_CA, "Stranger CA", NULL, -DAY_S, 365 * DAY_S);
    system_bundle_path = ca_file("system-bundle.pem", &system_ca);
    extra_ca_path = ca_file("extra-ca.pem", &extra_ca);
    stranger_ca_path = ca_file("stranger-ca.pem", &stranger_ca);
    /* OpenSSL's override of the system bundle: the tests' stand-in for the system store. */
    setenv("SSL_CERT_FILE", system_bundle_path, 1);
    unsetenv("HTTPS_PROXY");
    unsetenv("https_proxy");
    unsetenv("HTTP_PROXY");
    unsetenv("http_proxy");
    unsetenv("NO_PROXY");
    unsetenv("no_proxy");
    unsetenv("NODE_EXTRA_CA_CERTS");
    system_server = server_signed_by(&system_ca);
    extra_server = server_signed_by(&extra_ca);
    stranger_server = server_signed_by(&stranger_ca);
    return system_server && extra_server && stranger_server ? 0 : 1;
}

static int suite_cleanup(void)
{
    test_server_stop(system_server);
    test_server_stop(extra_server);
    test_server_stop(stranger_server);
    test_pki_free(&system_ca);
    test_pki_free(&extra_ca);
    test_pki_free(&stranger_ca);
    free(system_bundle_path);
    free(extra_ca_path);
    free(stranger_ca_path);
    dotenv_clear();
    test_tmp_cleanup();
    return 0;
}

/* Each test starts from: the extra CA named in the .env, nothing else, fresh counters. */
static void reset(void)
{
    dotenv_clear();
    dotenv_set("NODE_EXTRA_CA_CERTS", extra_ca_path);
    test_server_reset(extra_server);
}

static mdr_cloud_status post(mdr_http_client *c, const char *path, int idempotent,
                             mdr_cloud_error *err)
{
    json_object *out = NULL;
    mdr_cloud_status st = mdr_http_post_json(c, path, "{\"a\": 1}", NULL, idempotent, &out, err);
    json_object_put(out);
    return st;
}

static void http__success_reuses_the_connection(void)
{
    reset();
    mdr_http_client *c = client_for(extra_server, (mdr_http_config){0});
    json_object *out = NULL;
    mdr_cloud_error err;
    CU_ASSERT_EQUAL_FATAL(mdr_http_post_json(c, "ok", "{}", "tok", 1, &out, &err), MDR_CLOUD_OK);
    json_object *ok = NULL;
    CU_ASSERT(json_object_object_get_ex(out, "ok", &ok) && json_object_get_boolean(ok));
    json_object_put(out);
    CU_ASSERT_EQUAL(post(c, "ok", 1, &err), MDR_CLOUD_OK);
    CU_ASSERT_EQUAL(post(c, "ok", 0, &err), MDR_CLOUD_OK);
    mdr_http_stats stats;
    mdr_http_client_stats(c, &stats);
    CU_ASSERT_EQUAL(stats.requests, 3);
    CU_ASSERT_EQUAL(stats.connections, 1);
    CU_ASSERT_EQUAL(test_server_calls(extra_server, "/api/ok"), 3);
    mdr_http_client_free(c);
}

typedef struct parallel_ctx {
    mdr_http_client *client;
    int failures;
} parallel_ctx;

static void *parallel_calls(void *arg)
{
    parallel_ctx *p = arg;
    for (int i = 0; i < 10; i++) {
        mdr_cloud_error err;
        if (post(p->client, "ok", 1, &err) != MDR_CLOUD_OK)
            __atomic_add_fetch(&p->failures, 1, __ATOMIC_SEQ_CST);
    }
    return NULL;
}

static void http__one_client_serves_many_threads(void)
{
    reset();
    parallel_ctx p = {client_for(extra_server, (mdr_http_config){0}), 0};
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, parallel_calls, &p);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    CU_ASSERT_EQUAL(p.failures, 0);
    CU_ASSERT_EQUAL(test_server_calls(extra_server, "/api/ok"), 40);
    mdr_http_stats stats;
    mdr_http_client_stats(p.client, &stats);
    CU_ASSERT(stats.connections <= 4); /* connections are shared, not one per call */
    mdr_http_client_free(p.client);
}

static void http__idempotent_call_retries_5xx(void)
{
    reset();
    mdr_http_client *c = client_for(extra_server, (mdr_http_config){0});
    mdr_cloud_error err;
    CU_ASSERT_EQUAL(post(c, "flaky", 1, &err), MDR_CLOUD_OK);
    CU_ASSERT_EQUAL(test_server_calls(extra_server, "/api/flaky"), 3);
    CU_ASSERT_EQUAL(err.attempts, 3);
    /* Always failing: stops at the attempt cap with the service's own error. */
    CU_ASSERT_EQUAL(post(c, "down", 1, &err), MDR_CLOUD_ERR_HTTP);
    CU_ASSERT_EQUAL(test_server_calls(extra_server, "/api/down"), 3);
    CU_ASSERT_EQUAL(err.http_status, 503);
    CU_ASSERT_STRING_EQUAL(err.service_code, "unavailable");
    mdr_http_client_free(c);
}

static void http__call_not_marked_idempotent_is_never_retried(void)
{
    reset();
    mdr_http_client *c = client_for(extra_server, (mdr_http_config){0});
    mdr_cloud_error err;
    CU_ASSERT_EQUAL(post(c, "down", 0, &err), MDR_CLOUD_ERR_HTTP);
    CU_ASSERT_EQUAL(test_server_calls(extra_server, "/api/down"), 1);
    CU_ASSERT_EQUAL(post(c, "cut", 0, &err), MDR_CLOUD_ERR_NETWORK);
    CU_ASSERT_EQUAL(test_server_calls(extra_server, "/api/cut"), 1);
    CU_ASSERT_EQUAL(err.attempts, 1);
    mdr_http_client_free(c);
}

static void http__429_honours_retry_after(void)
{
    reset();
    mdr_http_client *c = client_for(extra_server, (mdr_http_config){0});
    mdr_cloud_error err;
    int64_t start = monotonic_ms();
    CU_ASSERT_EQUAL(post(c, "ratelimit", 1, &err), MDR_CLOUD_OK);
    int64_t elapsed = monotonic_ms() - start;
    CU_ASSERT_EQUAL(test_server_calls(extra_server, "/api/ratelimit"), 2);
    CU_ASSERT_EQUAL(err.attempts, 2); /* retried once, after the given second */
    CU_ASSERT(elapsed >= 1000);       /* the backoff alone would have waited at most 10 ms */
    mdr_http_stats stats;
    mdr_http_client_stats(c, &stats);
    CU_ASSERT_EQUAL(stats.retries, 1);
    /* A Retry-After longer than the sleep cap: give up at once rather than call early. */
    test_server_reset(extra_server);
    mdr_http_client *impatient = client_for(extra_server, (mdr_http_config){.backoff_max_ms = 500});
    CU_ASSERT_EQUAL(post(impatient, "ratelimit", 1, &err), MDR_CLOUD_ERR_HTTP);
    CU_ASSERT_EQUAL(err.http_status, 429);
    CU_ASSERT_EQUAL(err.attempts, 1);
    CU_ASSERT_EQUAL(test_server_calls(extra_server, "/api/ratelimit"), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.detail, "Retry-After 1 s: longer than this client may wait"));
    mdr_http_client_free(impatient);
    /* An hour: far beyond the cap (2 s here). The call fails at once (a retry is the only
     * thing that sleeps) with the service's error and a detail that says why. */
    CU_ASSERT_EQUAL(post(c, "ratelimit-long", 1, &err), MDR_CLOUD_ERR_HTTP);
    mdr_http_client_stats(c, &stats);
    CU_ASSERT_EQUAL(stats.retries, 1); /* still the one above: no sleep, no second call */
    CU_ASSERT_EQUAL(test_server_calls(extra_server, "/api/ratelimit-long"), 1);
    CU_ASSERT_EQUAL(err.http_status, 429);
    CU_ASSERT_STRING_EQUAL(err.service_code, "rate_limited");
    CU_ASSERT_PTR_NOT_NULL(strstr(err.detail, "Retry-After 3600 s: longer than this client may "
                                              "wait (2000 ms), not retried"));
    mdr_http_client_free(c);
}

static void http__429_of_a_call_not_idempotent_is_not_retried(void)
{
    reset();
    mdr_http_client *c = client_for(extra_server, (mdr_http_config){0});
    mdr_cloud_error err;
    CU_ASSERT_EQUAL(post(c, "ratelimit", 0, &err), MDR_CLOUD_ERR_HTTP);
    CU_ASSERT_EQUAL(err.http_status, 429);
    CU_ASSERT_EQUAL(err.attempts, 1);
    CU_ASSERT_EQUAL(test_server_calls(extra_server, "/api/ratelimit"), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.detail, "HTTP 429, Retry-After 1 s"));
    mdr_http_stats stats;
    mdr_http_client_stats(c, &stats);
    CU_ASSERT_EQUAL(stats.retries, 0);
    mdr_http_client_free(c);
}

static void http__cut_body_is_retried_when_idempotent(void)
{
    reset();
    mdr_http_client *c = client_for(extra_server, (mdr_http_config){0});
    mdr_cloud_error err;
    CU_ASSERT_EQUAL(post(c, "cut", 1, &err), MDR_CLOUD_OK);
    CU_ASSERT_EQUAL(test_server_calls(extra_server, "/api/cut"), 2);
    mdr_http_client_free(c);
}

static void http__service_errors_are_reported_with_their_code(void)
{
    reset();
    mdr_http_client *c = client_for(extra_server, (mdr_http_config){0});
    mdr_cloud_error err;
    CU_ASSERT_EQUAL(post(c, "bad-request", 1, &err), MDR_CLOUD_ERR_HTTP);
    CU_ASSERT_EQUAL(test_server_calls(extra_server, "/api/bad-request"), 1); /* 4xx: no retry */
    CU_ASSERT_EQUAL(err.http_status, 400);
    CU_ASSERT_STRING_EQUAL(err.service_code, "invalid_code");
    CU_ASSERT_STRING_EQUAL(err.service_message, "The activation code is malformed");
    CU_ASSERT_STRING_EQUAL(mdr_cloud_status_key(err.status), "cloud.error.http");
    char text[512];
    mdr_cloud_error_format(&err, text, sizeof(text));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(text, "HTTP 400, invalid_code: The activation code is malformed"));
    /* An error body that is not JSON is tolerated. */
    CU_ASSERT_EQUAL(post(c, "html-error", 0, &err), MDR_CLOUD_ERR_HTTP);
    CU_ASSERT_EQUAL(err.http_status, 500);
    CU_ASSERT_STRING_EQUAL(err.service_code, "");
    /* A 200 answer that is not JSON. */
    CU_ASSERT_EQUAL(post(c, "badjson", 1, &err), MDR_CLOUD_ERR_BAD_RESPONSE);
    CU_ASSERT_STRING_EQUAL(mdr_cloud_status_key(err.status), "cloud.error.bad_response");
    mdr_http_client_free(c);
}

static void http__timeout_is_reported(void)
{
    reset();
    mdr_http_client *c = client_for(extra_server, (mdr_http_config){.total_timeout_ms = 800});
    mdr_cloud_error err;
    int64_t start = monotonic_ms();
    CU_ASSERT_EQUAL(post(c, "slow", 0, &err), MDR_CLOUD_ERR_TIMEOUT);
    CU_ASSERT(monotonic_ms() - start < 2500);
    mdr_http_client_free(c);
}

typedef struct counting_sink {
    size_t bytes;
    size_t stop_after;
} counting_sink;

static int count_bytes(void *ctx, const void *data, size_t len)
{
    counting_sink *s = ctx;
    const char *p = data;
    for (size_t i = 0; i < len; i++)
        if (p[i] != 'x')
            return 1;
    s->bytes += len;
    return s->stop_after && s->bytes >= s->stop_after;
}

static void http__large_body_streams_to_the_sink(void)
{
    reset();
    mdr_http_client *c = client_for(extra_server, (mdr_http_config){0});
    counting_sink cs = {0, 0};
    mdr_http_sink sink = {count_bytes, NULL, &cs};
    mdr_http_request req = {"GET", "big", NULL, NULL, 1};
    mdr_cloud_error err;
    CU_ASSERT_EQUAL(mdr_http_call_stream(c, &req, &sink, &err), MDR_CLOUD_OK);
    CU_ASSERT_EQUAL(cs.bytes, 5u * 1024 * 1024);
    counting_sink early = {0, 100000};
    sink.ctx = &early;
    CU_ASSERT_EQUAL(mdr_http_call_stream(c, &req, &sink, &err), MDR_CLOUD_ERR_ABORTED);
    CU_ASSERT_EQUAL(test_server_calls(extra_server, "/api/big"), 2); /* a stop is not retried */
    mdr_http_client_free(c);
}

static void http__extra_ca_from_the_env_applies_on_the_next_call(void)
{
    reset();
    dotenv_set("NODE_EXTRA_CA_CERTS", NULL);
    mdr_http_client *c = client_for(extra_server, (mdr_http_config){0});
    mdr_cloud_error err;
    CU_ASSERT_EQUAL(post(c, "ok", 1, &err), MDR_CLOUD_ERR_TLS_VERIFY);
    CU_ASSERT_EQUAL(err.attempts, 1); /* never retried */
    char text[512];
    mdr_cloud_error_format(&err, text, sizeof(text));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "NODE_EXTRA_CA_CERTS"));
    CU_ASSERT_STRING_EQUAL(mdr_cloud_status_key(err.status), "cloud.error.tls_verify");

    dotenv_set("NODE_EXTRA_CA_CERTS", extra_ca_path); /* the administrator edits .env */
    CU_ASSERT_EQUAL(post(c, "ok", 1, &err), MDR_CLOUD_OK);

    /* And back to a file that does not cover the server: the verified connection is not
     * reused under the new trust set. */
    dotenv_set("NODE_EXTRA_CA_CERTS", stranger_ca_path);
    CU_ASSERT_EQUAL(post(c, "ok", 1, &err), MDR_CLOUD_ERR_TLS_VERIFY);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.setting, "NODE_EXTRA_CA_CERTS in the console's .env"));
    mdr_http_client_free(c);
}

static void http__system_store_and_extra_ca_are_both_trusted(void)
{
    reset();
    mdr_cloud_error err;
    mdr_http_client *c = client_for(system_server, (mdr_http_config){0});
    CU_ASSERT_EQUAL(post(c, "ok", 1, &err), MDR_CLOUD_OK); /* extra file set, system still counts */
    mdr_http_client_free(c);
    c = client_for(extra_server, (mdr_http_config){0});
    CU_ASSERT_EQUAL(post(c, "ok", 1, &err), MDR_CLOUD_OK);
    mdr_http_client_free(c);
    c = client_for(stranger_server, (mdr_http_config){0});
    CU_ASSERT_EQUAL(post(c, "ok", 1, &err), MDR_CLOUD_ERR_TLS_VERIFY);
    mdr_http_client_free(c);
    dotenv_set("NODE_EXTRA_CA_CERTS", NULL); /* the system store alone */
    c = client_for(system_server, (mdr_http_config){0});
    CU_ASSERT_EQUAL(post(c, "ok", 1, &err), MDR_CLOUD_OK);
    mdr_http_client_free(c);
}

static void http__unusable_extra_ca_file_names_the_setting(void)
{
    reset();
    mdr_cloud_error err;
    dotenv_set("NODE_EXTRA_CA_CERTS", "/nonexistent/ca.pem");
    mdr_http_client *c = client_for(extra_server, (mdr_http_config){0});
    CU_ASSERT_EQUAL(post(c, "ok", 1, &err), MDR_CLOUD_ERR_CONFIG);
    CU_ASSERT_STRING_EQUAL(err.setting, "NODE_EXTRA_CA_CERTS in the console's .env file");
    CU_ASSERT_PTR_NOT_NULL(strstr(err.detail, "cannot be read"));
    char *empty = test_write_tmp("empty.pem", "no certificate here\n", 20);
    dotenv_set("NODE_EXTRA_CA_CERTS", empty);
    CU_ASSERT_EQUAL(post(c, "ok", 1, &err), MDR_CLOUD_ERR_CONFIG);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.detail, "holds no PEM certificate"));
    CU_ASSERT_EQUAL(test_server_calls(extra_server, "/api/ok"), 0);
    mdr_http_client_free(c);
    /* The module configuration wins over the .env. */
    c = client_for(extra_server, (mdr_http_config){.extra_ca_file = empty});
    dotenv_set("NODE_EXTRA_CA_CERTS", extra_ca_path);
    CU_ASSERT_EQUAL(post(c, "ok", 1, &err), MDR_CLOUD_ERR_CONFIG);
    CU_ASSERT_STRING_EQUAL(err.setting, "cloud.extra_ca_file in the module configuration");
    mdr_http_client_free(c);
    free(empty);
}

static void http__settings_precedence_and_proxy_parsing(void)
{
    reset();
    mdr_http_settings s;
    mdr_cloud_error err;
    setenv("HTTPS_PROXY", "http://envuser:envpass@env-proxy.example:3128", 1);
    CU_ASSERT_EQUAL_FATAL(mdr_http_settings_resolve(NULL, &dotenv_source, &s, &err), MDR_CLOUD_OK);
    CU_ASSERT_STRING_EQUAL(s.proxy.setting, "HTTPS_PROXY in the environment");
    CU_ASSERT_STRING_EQUAL(s.proxy.url, "http://env-proxy.example:3128");
    mdr_http_settings_clear(&s);

    dotenv_set("https_proxy", "http://us%65r:p%40ss%3Aw@dot-proxy.example:8080");
    CU_ASSERT_EQUAL_FATAL(mdr_http_settings_resolve(NULL, &dotenv_source, &s, &err), MDR_CLOUD_OK);
    CU_ASSERT_STRING_EQUAL(s.proxy.setting, "https_proxy in the console's .env file");
    CU_ASSERT_STRING_EQUAL(s.proxy.user, "user");
    CU_ASSERT_STRING_EQUAL(s.proxy.password, "p@ss:w");
    CU_ASSERT_STRING_EQUAL(s.proxy.masked, "http://us%65r:***@dot-proxy.example:8080");
    CU_ASSERT_PTR_NULL(strstr(s.proxy.masked, "p%40ss"));
    mdr_http_settings_clear(&s);

    mdr_http_config cfg = {.proxy = "cfg-proxy.example:9000", .no_proxy = "localhost"};
    CU_ASSERT_EQUAL_FATAL(mdr_http_settings_resolve(&cfg, &dotenv_source, &s, &err), MDR_CLOUD_OK);
    CU_ASSERT_STRING_EQUAL(s.proxy.url, "http://cfg-proxy.example:9000");
    CU_ASSERT_STRING_EQUAL(s.proxy.setting, "cloud.proxy in the module configuration");
    CU_ASSERT_PTR_NULL(s.proxy.user);
    CU_ASSERT_STRING_EQUAL(s.no_proxy, "localhost");
    CU_ASSERT_STRING_EQUAL(s.base_url, MDR_HTTP_DEFAULT_BASE_URL);
    mdr_http_settings_clear(&s);

    /* A broken proxy URL is refused without echoing it (it may hold the password). */
    cfg.proxy = "http://user:secret@";
    CU_ASSERT_EQUAL(mdr_http_settings_resolve(&cfg, &dotenv_source, &s, &err),
                    MDR_CLOUD_ERR_CONFIG);
    CU_ASSERT_STRING_EQUAL(err.setting, "cloud.proxy in the module configuration");
    CU_ASSERT_PTR_NULL(strstr(err.detail, "secret"));
    cfg = (mdr_http_config){.base_url = "http://plain.example"};
    CU_ASSERT_EQUAL(mdr_http_settings_resolve(&cfg, NULL, &s, &err), MDR_CLOUD_ERR_CONFIG);
    unsetenv("HTTPS_PROXY");
}

/* One grammar (mdr_proxy_split) for the parser and the log scrubber: the password is the
 * span between the user's ':' and the authority's last '@', raw ; , & ' } @ included. */
static void http__proxy_url_grammar(void)
{
    mdr_proxy p;
    mdr_cloud_error err;
    CU_ASSERT_EQUAL_FATAL(mdr_proxy_parse("bob:hunter2@proxy.example:3128", NULL, &p, &err),
                          MDR_CLOUD_OK);
    CU_ASSERT_STRING_EQUAL(p.url, "http://proxy.example:3128");
    CU_ASSERT_STRING_EQUAL(p.user, "bob");
    CU_ASSERT_STRING_EQUAL(p.password, "hunter2");
    CU_ASSERT_STRING_EQUAL(p.masked, "http://bob:***@proxy.example:3128");
    mdr_proxy_clear(&p);
    CU_ASSERT_EQUAL_FATAL(mdr_proxy_parse("SOCKS5H://u:p;,&'}@w@[::1]:1080/", NULL, &p, &err),
                          MDR_CLOUD_OK);
    CU_ASSERT_STRING_EQUAL(p.url, "socks5h://[::1]:1080");
    CU_ASSERT_STRING_EQUAL(p.password, "p;,&'}@w");
    mdr_proxy_clear(&p);
    CU_ASSERT_EQUAL_FATAL(mdr_proxy_parse("https://u@h", NULL, &p, &err), MDR_CLOUD_OK);
    CU_ASSERT_STRING_EQUAL(p.url, "https://h:443");
    CU_ASSERT_STRING_EQUAL(p.password, "");
    mdr_proxy_clear(&p);

    static const char *const refused[] = {"http:///u:secret@h",
                                          "http://u:secret@",
                                          "http://u:secret@h:0",
                                          "http://u:secret@h:65536",
                                          "http://u:secret@h:",
                                          "http://u:secret@pro%78y:1",
                                          "http://u:secret@h\xc3\xa4:1",
                                          "http://u:secret@[::g]:1",
                                          "http://u:secret@h/path",
                                          "http://u:secret@h?q",
                                          "gopher://h:1",
                                          "http://u:sec%00ret@h:1",
                                          "http://u:sec ret@h:1",
                                          "",
                                          "http://u:secret@[::1",
                                          NULL};
    for (const char *const *r = refused; *r; r++) {
        err = (mdr_cloud_error){0};
        if (mdr_proxy_parse(*r, "cloud.proxy", &p, &err) != MDR_CLOUD_ERR_CONFIG) {
            fprintf(stderr, "\n  accepted: %s", *r);
            CU_FAIL("a malformed proxy URL was accepted");
            mdr_proxy_clear(&p);
        }
        CU_ASSERT_PTR_NULL(strstr(err.detail, "secret"));
        CU_ASSERT_STRING_EQUAL(err.setting, "cloud.proxy");
    }
}

static void http__no_proxy_goes_direct(void)
{
    reset();
    dotenv_set("HTTPS_PROXY", "http://127.0.0.1:1"); /* nothing listens there */
    mdr_http_client *c = client_for(extra_server, (mdr_http_config){.max_attempts = 1});
    mdr_cloud_error err;
    CU_ASSERT_EQUAL(post(c, "ok", 1, &err), MDR_CLOUD_ERR_PROXY);
    CU_ASSERT_STRING_EQUAL(err.setting, "HTTPS_PROXY in the console's .env file");
    dotenv_set("NO_PROXY", "127.0.0.1");
    CU_ASSERT_EQUAL(post(c, "ok", 1, &err), MDR_CLOUD_OK);
    mdr_http_client_free(c);
}

static void http__connect_and_dns_failures(void)
{
    reset();
    mdr_http_config cfg = {.base_url = "https://127.0.0.1:1/api", .max_attempts = 1};
    mdr_http_client *c = mdr_http_client_new(&cfg, &dotenv_source);
    mdr_cloud_error err;
    CU_ASSERT_EQUAL(post(c, "ok", 1, &err), MDR_CLOUD_ERR_CONNECT);
    CU_ASSERT_STRING_EQUAL(mdr_cloud_status_key(err.status), "cloud.error.connect");
    mdr_http_client_free(c);
    cfg = (mdr_http_config){.base_url = "https://no-such-host.invalid/api",
                            .max_attempts = 1,
                            .connect_timeout_ms = 3000};
    c = mdr_http_client_new(&cfg, &dotenv_source);
    CU_ASSERT_EQUAL(post(c, "ok", 1, &err), MDR_CLOUD_ERR_DNS);
    mdr_http_client_free(c);
}

static void http__through_tinyproxy_with_basic_credentials(void)
{
    if (!test_proxy_binary()) {
        fprintf(stderr, "\n  SKIPPED: tinyproxy is not installed (apt-get install tinyproxy)\n");
        return;
    }
    reset();
    test_proxy proxy;
    /* tinyproxy's BasicAuth takes [-a-z0-9._] only; '.' travels percent-encoded below. */
    CU_ASSERT_EQUAL_FATAL(
        test_proxy_start(&proxy, "tester", "p.ss-1", test_server_port(extra_server)), 0);
    char url[128];
    snprintf(url, sizeof(url), "http://tester:p%%2Ess-1@127.0.0.1:%d", proxy.port);
    dotenv_set("HTTPS_PROXY", url);
    mdr_http_client *c = client_for(extra_server, (mdr_http_config){0});
    mdr_cloud_error err;
    CU_ASSERT_EQUAL(post(c, "ok", 1, &err), MDR_CLOUD_OK);
    CU_ASSERT_EQUAL(test_server_calls(extra_server, "/api/ok"), 1);

    snprintf(url, sizeof(url), "http://tester:wrong-secret@127.0.0.1:%d", proxy.port);
    dotenv_set("HTTPS_PROXY", url);
    CU_ASSERT_EQUAL(post(c, "ok", 1, &err), MDR_CLOUD_ERR_PROXY_AUTH);
    /* tinyproxy 1.11 answers CONNECT with 401 where RFC 9110 says 407; both mean this. */
    CU_ASSERT(err.http_status == 407 || err.http_status == 401);
    CU_ASSERT_EQUAL(err.attempts, 1);
    char text[512];
    mdr_cloud_error_format(&err, text, sizeof(text));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "proxy user name and password"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "HTTPS_PROXY in the console's .env file"));
    CU_ASSERT_PTR_NULL(strstr(text, "wrong-secret"));
    CU_ASSERT_PTR_NULL(strstr(err.detail, "wrong-secret"));
    CU_ASSERT_PTR_NULL(strstr(err.setting, "wrong-secret"));
    CU_ASSERT_EQUAL(test_server_calls(extra_server, "/api/ok"), 1); /* never reached it */
    mdr_http_client_free(c);
    test_proxy_stop(&proxy);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("http", suite_init, suite_cleanup);
#define ADD(t) CU_add_test(s, #t, t)
    ADD(http__success_reuses_the_connection);
    ADD(http__one_client_serves_many_threads);
    ADD(http__idempotent_call_retries_5xx);
    ADD(http__call_not_marked_idempotent_is_never_retried);
    ADD(http__429_honours_retry_after);
    ADD(http__429_of_a_call_not_idempotent_is_not_retried);
    ADD(http__cut_body_is_retried_when_idempotent);
    ADD(http__service_errors_are_reported_with_their_code);
    ADD(http__timeout_is_reported);
    ADD(http__large_body_streams_to_the_sink);
    ADD(http__extra_ca_from_the_env_applies_on_the_next_call);
    ADD(http__system_store_and_extra_ca_are_both_trusted);
    ADD(http__unusable_extra_ca_file_names_the_setting);
    ADD(http__settings_precedence_and_proxy_parsing);
    ADD(http__proxy_url_grammar);
    ADD(http__no_proxy_goes_direct);
    ADD(http__connect_and_dns_failures);
    ADD(http__through_tinyproxy_with_basic_credentials);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
