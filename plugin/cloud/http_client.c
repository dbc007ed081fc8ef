#include "http_client.h"
#include "ca_bundle.h"

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct mdr_http_client {
    mdr_http_config cfg; /* strings owned */
    mdr_env_source env;
    CURLSH *share;
    pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];
    pthread_mutex_t stats_lock;
    mdr_http_stats stats;
    mdr_ca_bundle *ca;
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_status = CURLE_FAILED_INIT;

static void global_init(void)
{
    global_status = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *ctx)
{
    (void)h;
    (void)access;
    mdr_http_client *c = ctx;
    pthread_mutex_lock(&c->share_locks[data]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *ctx)
{
    (void)h;
    mdr_http_client *c = ctx;
    pthread_mutex_unlock(&c->share_locks[data]);
}

static char *dup_opt(const char *s)
{
    return s ? strdup(s) : NULL;
}

mdr_http_client *mdr_http_client_new(const mdr_http_config *cfg, const mdr_env_source *env)
{
    pthread_once(&global_once, global_init);
    if (global_status != CURLE_OK)
        return NULL;
    mdr_http_client *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    if (cfg) {
        c->cfg = *cfg;
        c->cfg.base_url = dup_opt(cfg->base_url);
        c->cfg.extra_ca_file = dup_opt(cfg->extra_ca_file);
        c->cfg.proxy = dup_opt(cfg->proxy);
        c->cfg.no_proxy = dup_opt(cfg->no_proxy);
    }
    if (env)
        c->env = *env;
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_init(&c->share_locks[i], NULL);
    pthread_mutex_init(&c->stats_lock, NULL);
    c->share = curl_share_init();
    c->ca = mdr_ca_bundle_new();
    if (!c->share || !c->ca) {
        mdr_http_client_free(c);
        return NULL;
    }
    curl_share_setopt(c->share, CURLSHOPT_LOCKFUNC, share_lock);
    curl_share_setopt(c->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
    curl_share_setopt(c->share, CURLSHOPT_USERDATA, c);
    curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    return c;
}

void mdr_http_client_free(mdr_http_client *c)
{
    if (!c)
        return;
    if (c->share)
        curl_share_cleanup(c->share);
    mdr_ca_bundle_free(c->ca);
    free((char *)c->cfg.base_url);
    free((char *)c->cfg.extra_ca_file);
    if (c->cfg.proxy) {
        OPENSSL_cleanse((char *)c->cfg.proxy, strlen(c->cfg.proxy));
        free((char *)c->cfg.proxy);
    }
    free((char *)c->cfg.no_proxy);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_destroy(&c->share_locks[i]);
    pthread_mutex_destroy(&c->stats_lock);
    free(c);
}

mdr_cloud_status mdr_http_client_settings(mdr_http_client *c, mdr_http_settings *out,
                                          mdr_cloud_error *err)
{
    return mdr_http_settings_resolve(&c->cfg, &c->env, out, err);
}

void mdr_http_client_stats(mdr_http_client *c, mdr_http_stats *out)
{
    pthread_mutex_lock(&c->stats_lock);
    *out = c->stats;
    pthread_mutex_unlock(&c->stats_lock);
}

/* ---- one attempt ---------------------------------------------------------------------- */

#define MAX_ERROR_BODY (64 * 1024)

typedef struct attempt {
    CURL *h;
    const mdr_http_sink *sink; /* NULL: buffer the body (JSON call) */
    char *body;                /* buffered 2xx JSON body, or the error body */
    size_t body_len, body_cap;
    size_t delivered;   /* bytes handed to the sink */
    int body_too_large; /* the buffer limit was hit */
    int sink_stopped;   /* the sink asked to stop */
} attempt;

static int buffer_append(attempt *a, const char *data, size_t n, size_t limit)
{
    if (a->body_len + n > limit) {
        a->body_too_large = 1;
        return -1;
    }
    if (a->body_len + n + 1 > a->body_cap) {
        size_t cap = a->body_cap ? a->body_cap : 4096;
        while (cap < a->body_len + n + 1)
            cap *= 2;
        char *p = realloc(a->body, cap);
        if (!p)
            return -1;
        a->body = p;
        a->body_cap = cap;
    }
    memcpy(a->body + a->body_len, data, n);
    a->body_len += n;
    a->body[a->body_len] = '\0';
    return 0;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ctx)
{
    attempt *a = ctx;
    size_t n = size * nmemb;
    long code = 0;
    curl_easy_getinfo(a->h, CURLINFO_RESPONSE_CODE, &code);
    int success = code >= 200 && code < 300;
    if (success && a->sink) {
        if (a->sink->write(a->sink->ctx, data, n) != 0) {
            a->sink_stopped = 1;
            return 0;
        }
        a->delivered += n;
        return n;
    }
    /* Error bodies are only read for the service's error code; the rest is dropped. */
    size_t limit = success ? (size_t)MDR_HTTP_MAX_JSON_BODY : MAX_ERROR_BODY;
    if (!success && a->body_len + n > limit)
        return n;
    return buffer_append(a, data, n, limit) == 0 ? n : 0;
}

/* Copies printable ASCII of `s` into out (for service text shown to users). */
static void copy_printable(char *out, size_t size, const char *s)
{
    size_t j = 0;
    for (; s && *s && j + 1 < size; s++)
        out[j++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
    out[j] = '\0';
}

void mdr_http_parse_error_body(const char *body, mdr_cloud_error *err)
{
    if (!body || !err)
        return;
    json_object *root = json_tokener_parse(body);
    if (!root || !json_object_is_type(root, json_type_object)) {
        json_object_put(root);
        return;
    }
    json_object *holder = root, *e = NULL, *code = NULL, *msg = NULL;
    if (json_object_object_get_ex(root, "error", &e)) {
        if (json_object_is_type(e, json_type_object))
            holder = e;
        else if (json_object_is_type(e, json_type_string))
            code = e;
    }
    if (!code)
        json_object_object_get_ex(holder, "code", &code);
    json_object_object_get_ex(holder, "message", &msg);
    if (!msg && holder != root)
        json_object_object_get_ex(root, "message", &msg);
    if (code &&
        (json_object_is_type(code, json_type_string) || json_object_is_type(code, json_type_int)))
        copy_printable(err->service_code, sizeof(err->service_code), json_object_get_string(code));
    if (msg && json_object_is_type(msg, json_type_string))
        copy_printable(err->service_message, sizeof(err->service_message),
                       json_object_get_string(msg));
    json_object_put(root);
}

/* Removes the proxy password from a detail text, should libcurl ever echo it. */
static void scrub(char *text, const char *secret)
{
    if (!secret || !secret[0])
        return;
    char *p;
    while ((p = strstr(text, secret)) != NULL)
        memset(p, '*', strlen(secret));
}

typedef struct outcome {
    mdr_cloud_status status;
    int retryable;
    long retry_after_s;
} outcome;

static outcome classify(attempt *a, CURLcode rc, const char *errbuf, const mdr_http_settings *s,
                        mdr_cloud_error *err)
{
    outcome o = {MDR_CLOUD_OK, 0, 0};
    long code = 0, connect_code = 0;
    curl_easy_getinfo(a->h, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_getinfo(a->h, CURLINFO_HTTP_CONNECTCODE, &connect_code);
    const char *why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    mdr_cloud_error_clear(err);

    /* The proxy's own refusal of CONNECT: 407, or 401 from proxies such as tinyproxy 1.11
     * that answer so (a 401 to CONNECT cannot come from the service behind the tunnel). */
    if (connect_code == 407 || connect_code == 401 || code == 407) {
        o.status = MDR_CLOUD_ERR_PROXY_AUTH;
        err->http_status = connect_code ? connect_code : code;
        snprintf(err->setting, sizeof(err->setting), "%s", s->proxy.setting);
        snprintf(err->detail, sizeof(err->detail), "proxy %s answered %ld",
                 s->proxy.masked ? s->proxy.masked : "", err->http_status);
    } else if (rc == CURLE_OK && code >= 200 && code < 300) {
        return o;
    } else if (rc == CURLE_OK) {
        o.status = MDR_CLOUD_ERR_HTTP;
        err->http_status = code;
        mdr_http_parse_error_body(a->body, err);
        snprintf(err->detail, sizeof(err->detail), "HTTP %ld", code);
        o.retryable = code == 429 || (code >= 500 && code <= 599);
        if (code == 429 || code == 503) {
            curl_off_t after = 0;
            if (curl_easy_getinfo(a->h, CURLINFO_RETRY_AFTER, &after) == CURLE_OK && after > 0) {
                o.retry_after_s = after > 86400 * 365 ? 86400L * 365 : (long)after;
                snprintf(err->detail, sizeof(err->detail), "HTTP %ld, Retry-After %ld s", code,
                         o.retry_after_s);
            }
        }
        return o;
    } else if (connect_code >= 300) {
        /* The proxy refused the tunnel: 5xx means it could not reach the service. */
        o.status = connect_code >= 500 ? MDR_CLOUD_ERR_CONNECT : MDR_CLOUD_ERR_PROXY;
        o.retryable = connect_code >= 500;
        snprintf(err->setting, sizeof(err->setting), "%s", s->proxy.setting);
        snprintf(err->detail, sizeof(err->detail), "the proxy answered %ld to CONNECT",
                 connect_code);
    } else {
        switch (rc) {
        case CURLE_COULDNT_RESOLVE_HOST:
            o.status = MDR_CLOUD_ERR_DNS;
            break;
        case CURLE_COULDNT_RESOLVE_PROXY:
            o.status = MDR_CLOUD_ERR_PROXY;
            snprintf(err->setting, sizeof(err->setting), "%s", s->proxy.setting);
            break;
        case CURLE_COULDNT_CONNECT:
            o.status = s->proxy.url ? MDR_CLOUD_ERR_PROXY : MDR_CLOUD_ERR_CONNECT;
            if (s->proxy.url)
                snprintf(err->setting, sizeof(err->setting), "%s", s->proxy.setting);
            o.retryable = 1;
            break;
        case CURLE_OPERATION_TIMEDOUT:
            o.status = MDR_CLOUD_ERR_TIMEOUT;
            o.retryable = 1;
            break;
        case CURLE_PEER_FAILED_VERIFICATION: {
            long vr = 0;
            curl_easy_getinfo(a->h, CURLINFO_SSL_VERIFYRESULT, &vr);
            o.status = MDR_CLOUD_ERR_TLS_VERIFY;
            snprintf(err->setting, sizeof(err->setting), "%s", s->extra_ca_setting);
            snprintf(err->detail, sizeof(err->detail), "%s",
                     vr ? X509_verify_cert_error_string(vr) : why);
            return o;
        }
        case CURLE_SSL_CACERT_BADFILE:
            o.status = MDR_CLOUD_ERR_CONFIG;
            snprintf(err->setting, sizeof(err->setting), "%s", s->extra_ca_setting);
            break;
        case CURLE_SSL_CONNECT_ERROR:
            o.status = MDR_CLOUD_ERR_TLS;
            o.retryable = 1;
            break;
        case CURLE_PARTIAL_FILE:
        case CURLE_RECV_ERROR:
        case CURLE_SEND_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM:
            o.status = MDR_CLOUD_ERR_NETWORK;
            o.retryable = 1;
            break;
        case CURLE_WRITE_ERROR:
            if (a->sink_stopped) {
                o.status = MDR_CLOUD_ERR_ABORTED;
                why = "the receiver stopped it";
            } else if (a->body_too_large) {
                o.status = MDR_CLOUD_ERR_BAD_RESPONSE;
                why = "the answer is larger than the limit";
            } else {
                o.status = MDR_CLOUD_ERR_INTERNAL;
                why = "out of memory";
            }
            break;
        default:
            o.status = MDR_CLOUD_ERR_NETWORK;
            break;
        }
        snprintf(err->detail, sizeof(err->detail), "%s", why);
    }
    err->status = o.status;
    scrub(err->detail, s->proxy.password);
    return o;
}

static char *join_url(const char *base, const char *path)
{
    while (path && *path == '/')
        path++;
    size_t n = strlen(base) + (path ? strlen(path) : 0) + 2;
    char *url = malloc(n);
    if (url)
        snprintf(url, n, "%s/%s", base, path ? path : "");
    return url;
}

static mdr_cloud_status perform_once(mdr_http_client *c, const mdr_http_settings *s,
                                     const char *url, const mdr_http_request *req, attempt *a,
                                     outcome *o, mdr_cloud_error *err)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    CURL *h = curl_easy_init();
    if (!h)
        return mdr_cloud_fail(err, MDR_CLOUD_ERR_INTERNAL, "out of memory");
    a->h = h;
    struct curl_slist *headers = NULL;
    char *auth = NULL;
    headers = curl_slist_append(headers, "Accept: application/json");
    headers = curl_slist_append(headers, "Expect:");
    int is_get = req->method && strcmp(req->method, "GET") == 0;
    if (!is_get)
        headers = curl_slist_append(headers, "Content-Type: application/json");
    if (req->bearer_token) {
        size_t n = strlen(req->bearer_token) + 32;
        auth = malloc(n);
        if (auth) {
            snprintf(auth, n, "Authorization: Bearer %s", req->bearer_token);
            headers = curl_slist_append(headers, auth);
        }
    }
    mdr_cloud_status st = MDR_CLOUD_OK;
    if (!headers || (req->bearer_token && !auth)) {
        st = mdr_cloud_fail(err, MDR_CLOUD_ERR_INTERNAL, "out of memory");
        goto done;
    }

    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_SHARE, c->share);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "ksc-mdr-plugin/1");
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, s->connect_timeout_ms);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, s->total_timeout_ms);
    /* TLS is always verified; these are libcurl's defaults, set to say so. */
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    st = mdr_ca_bundle_apply(c->ca, h, s, err);
    if (st != MDR_CLOUD_OK)
        goto done;
    /* Always set: an unset proxy lets libcurl read the environment on its own. */
    curl_easy_setopt(h, CURLOPT_PROXY, s->proxy.url ? s->proxy.url : "");
    curl_easy_setopt(h, CURLOPT_NOPROXY, s->no_proxy ? s->no_proxy : "");
    if (s->proxy.url && s->proxy.user) {
        curl_easy_setopt(h, CURLOPT_PROXYUSERNAME, s->proxy.user);
        curl_easy_setopt(h, CURLOPT_PROXYPASSWORD, s->proxy.password);
    }
    if (is_get) {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->json_body ? req->json_body : "{}");
    }
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, a);

    CURLcode rc = curl_easy_perform(h);
    long connects = 0;
    curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &connects);
    pthread_mutex_lock(&c->stats_lock);
    c->stats.requests++;
    c->stats.connections += connects;
    pthread_mutex_unlock(&c->stats_lock);
    *o = classify(a, rc, errbuf, s, err);
    err->status = o->status;
    st = o->status;
done:
    curl_easy_cleanup(h);
    a->h = NULL;
    curl_slist_free_all(headers);
    if (auth) {
        OPENSSL_cleanse(auth, strlen(auth));
        free(auth);
    }
    return st;
}

static long random_below(long bound)
{
    uint32_t r = 0;
    if (bound <= 0)
        return 0;
    if (RAND_bytes((unsigned char *)&r, sizeof(r)) != 1)
        r = (uint32_t)time(NULL);
    return (long)(r % (uint32_t)bound);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* Full jitter: a uniform sleep in [0, min(cap, base * 2^(retry-1))]. */
static long backoff_ms(const mdr_http_settings *s, int retry)
{
    long ceiling = s->backoff_base_ms;
    for (int i = 1; i < retry && ceiling < s->backoff_max_ms; i++)
        ceiling *= 2;
    if (ceiling > s->backoff_max_ms)
        ceiling = s->backoff_max_ms;
    return random_below(ceiling + 1);
}

static mdr_cloud_status call(mdr_http_client *c, const mdr_http_request *req,
                             const mdr_http_sink *sink, json_object **out, mdr_cloud_error *err)
{
    mdr_cloud_error local;
    if (!err)
        err = &local;
    mdr_cloud_error_clear(err);
    if (out)
        *out = NULL;
    mdr_http_settings s;
    mdr_cloud_status st = mdr_http_settings_resolve(&c->cfg, &c->env, &s, err);
    if (st != MDR_CLOUD_OK)
        return st;
    char *url = join_url(s.base_url, req->path);
    if (!url) {
        mdr_http_settings_clear(&s);
        return mdr_cloud_fail(err, MDR_CLOUD_ERR_INTERNAL, "out of memory");
    }
    int attempts = 0;
    for (;;) {
        attempt a = {0};
        a.sink = sink;
        outcome o = {0};
        attempts++;
        st = perform_once(c, &s, url, req, &a, &o, err);
        if (st == MDR_CLOUD_OK && out) {
            enum json_tokener_error jerr = json_tokener_success;
            *out = a.body ? json_tokener_parse_verbose(a.body, &jerr) : NULL;
            if (!*out)
                st = mdr_cloud_fail(err, MDR_CLOUD_ERR_BAD_RESPONSE, "the answer is not JSON (%s)",
                                    a.body ? json_tokener_error_desc(jerr) : "empty body");
        }
        int can_retry =
            st != MDR_CLOUD_OK && req->idempotent && o.retryable && attempts < s.max_attempts;
        if (can_retry && a.delivered > 0)
            can_retry = sink && sink->restart && sink->restart(sink->ctx) == 0;
        long wait = 0;
        if (can_retry) {
            if (o.retry_after_s > 0) {
                /* Honour Retry-After; when it is longer than we may wait, give up now. */
                wait = o.retry_after_s * 1000;
                if (wait > s.backoff_max_ms) {
                    can_retry = 0;
                    snprintf(err->detail, sizeof(err->detail),
                             "HTTP %ld, Retry-After %ld s: longer than this client may wait "
                             "(%ld ms), not retried",
                             err->http_status, o.retry_after_s, s.backoff_max_ms);
                }
            } else {
                wait = backoff_ms(&s, attempts);
            }
        }
        free(a.body);
        if (!can_retry)
            break;
        pthread_mutex_lock(&c->stats_lock);
        c->stats.retries++;
        pthread_mutex_unlock(&c->stats_lock);
        sleep_ms(wait);
    }
    err->attempts = attempts;
    if (st == MDR_CLOUD_OK)
        err->status = MDR_CLOUD_OK;
    free(url);
    mdr_http_settings_clear(&s);
    return st;
}

mdr_cloud_status mdr_http_call_json(mdr_http_client *c, const mdr_http_request *req,
                                    json_object **out, mdr_cloud_error *err)
{
    json_object *ignored = NULL;
    mdr_cloud_status st = call(c, req, NULL, out ? out : &ignored, err);
    json_object_put(ignored);
    return st;
}

mdr_cloud_status mdr_http_post_json(mdr_http_client *c, const char *path, const char *json_body,
                                    const char *bearer_token, int idempotent, json_object **out,
                                    mdr_cloud_error *err)
{
    mdr_http_request req = {"POST", path, json_body, bearer_token, idempotent};
    return mdr_http_call_json(c, &req, out, err);
}

mdr_cloud_status mdr_http_call_stream(mdr_http_client *c, const mdr_http_request *req,
                                      const mdr_http_sink *sink, mdr_cloud_error *err)
{
    return call(c, req, sink, NULL, err);
}
