#include "http_settings.h"

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One place a value was found: its text (owned) and a description of the setting. */
typedef struct found_value {
    char *value;
    char setting[160];
} found_value;

static char *env_lookup(const mdr_env_source *env, const char *key)
{
    if (!env || !env->env_get)
        return NULL;
    char *v = env->env_get(env->ctx, key);
    if (!v)
        return NULL;
    char *copy = v[0] ? strdup(v) : NULL;
    if (env->env_free)
        env->env_free(env->ctx, v);
    else
        free(v);
    return copy;
}

/* Looks up the first of `keys` set (non-empty) in the config value, then the .env, then the
 * process environment; a source wins as a whole. */
static int find_setting(const char *config_value, const char *config_name,
                        const mdr_env_source *env, const char *const *keys, found_value *out)
{
    memset(out, 0, sizeof(*out));
    if (config_value && config_value[0]) {
        out->value = strdup(config_value);
        snprintf(out->setting, sizeof(out->setting), "%s in the module configuration", config_name);
        return out->value ? 1 : -1;
    }
    for (const char *const *k = keys; *k; k++) {
        char *v = env_lookup(env, *k);
        if (v) {
            out->value = v;
            snprintf(out->setting, sizeof(out->setting), "%s in the console's .env file", *k);
            return 1;
        }
    }
    for (const char *const *k = keys; *k; k++) {
        const char *v = getenv(*k);
        if (v && v[0]) {
            out->value = strdup(v);
            snprintf(out->setting, sizeof(out->setting), "%s in the environment", *k);
            return out->value ? 1 : -1;
        }
    }
    return 0;
}

static void wipe_free(char *s)
{
    if (s) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

void mdr_proxy_clear(mdr_proxy *p)
{
    if (!p)
        return;
    free(p->url);
    free(p->user);
    wipe_free(p->password);
    free(p->masked);
    memset(p, 0, sizeof(*p));
}

static char *url_part(CURLU *u, CURLUPart part, unsigned flags)
{
    char *v = NULL;
    if (curl_url_get(u, part, &v, flags) != CURLUE_OK)
        return NULL;
    char *copy = strdup(v);
    curl_free(v);
    return copy;
}

mdr_cloud_status mdr_proxy_parse(const char *proxy_url, const char *setting, mdr_proxy *out,
                                 mdr_cloud_error *err)
{
    memset(out, 0, sizeof(*out));
    snprintf(out->setting, sizeof(out->setting), "%s", setting ? setting : MDR_SETTING_PROXY);
    CURLU *u = curl_url();
    if (!u)
        return mdr_cloud_fail(err, MDR_CLOUD_ERR_INTERNAL, "out of memory");
    mdr_cloud_status st = MDR_CLOUD_OK;
    char *scheme = NULL, *host = NULL, *port = NULL, *user_raw = NULL;
    /* Never echo the URL itself in an error: it may hold the password. */
    if (curl_url_set(u, CURLUPART_URL, proxy_url, CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) !=
        CURLUE_OK) {
        st = mdr_cloud_fail(err, MDR_CLOUD_ERR_CONFIG,
                            "the proxy address is not of the form "
                            "<protocol>://<user>:<password>@<host>:<port>");
        goto done;
    }
    scheme = url_part(u, CURLUPART_SCHEME, 0);
    host = url_part(u, CURLUPART_HOST, 0);
    port = url_part(u, CURLUPART_PORT, CURLU_DEFAULT_PORT);
    if (!scheme || !host || !host[0] || !port) {
        st = mdr_cloud_fail(err, MDR_CLOUD_ERR_CONFIG, "the proxy address has no host");
        goto done;
    }
    static const char *const known[] = {"http",   "https",   "socks4", "socks4a",
                                        "socks5", "socks5h", NULL};
    int ok = 0;
    for (const char *const *k = known; *k; k++)
        ok |= strcmp(scheme, *k) == 0;
    if (!ok) {
        st = mdr_cloud_fail(err, MDR_CLOUD_ERR_CONFIG,
                            "the proxy protocol '%.16s' is not supported", scheme);
        goto done;
    }
    user_raw = url_part(u, CURLUPART_USER, 0);
    if (user_raw) {
        out->user = url_part(u, CURLUPART_USER, CURLU_URLDECODE);
        out->password = url_part(u, CURLUPART_PASSWORD, CURLU_URLDECODE);
        if (!out->password)
            out->password = strdup("");
    }
    size_t n = strlen(scheme) + strlen(host) + strlen(port) + 8;
    size_t m = n + (user_raw ? strlen(user_raw) + 8 : 0);
    out->url = malloc(n);
    out->masked = malloc(m);
    if (!out->url || !out->masked || (user_raw && (!out->user || !out->password))) {
        st = mdr_cloud_fail(err, MDR_CLOUD_ERR_INTERNAL, "out of memory");
        goto done;
    }
    snprintf(out->url, n, "%s://%s:%s", scheme, host, port);
    if (user_raw)
        snprintf(out->masked, m, "%s://%s:***@%s:%s", scheme, user_raw, host, port);
    else
        snprintf(out->masked, m, "%s", out->url);
done:
    if (st != MDR_CLOUD_OK) {
        char keep[160];
        memcpy(keep, out->setting, sizeof(keep));
        mdr_proxy_clear(out);
        if (err)
            snprintf(err->setting, sizeof(err->setting), "%s", keep);
    }
    free(scheme);
    free(host);
    free(port);
    free(user_raw);
    curl_url_cleanup(u);
    return st;
}

void mdr_http_settings_clear(mdr_http_settings *s)
{
    if (!s)
        return;
    free(s->base_url);
    free(s->extra_ca_file);
    mdr_proxy_clear(&s->proxy);
    free(s->no_proxy);
    memset(s, 0, sizeof(*s));
}

static long positive_or(long v, long def)
{
    return v > 0 ? v : def;
}

mdr_cloud_status mdr_http_settings_resolve(const mdr_http_config *cfg, const mdr_env_source *env,
                                           mdr_http_settings *out, mdr_cloud_error *err)
{
    static const mdr_http_config none;
    if (!cfg)
        cfg = &none;
    memset(out, 0, sizeof(*out));
    mdr_cloud_status st = MDR_CLOUD_OK;

    const char *base =
        cfg->base_url && cfg->base_url[0] ? cfg->base_url : MDR_HTTP_DEFAULT_BASE_URL;
    if (strncmp(base, "https://", 8) != 0) {
        st = mdr_cloud_fail(err, MDR_CLOUD_ERR_CONFIG,
                            "the service address must start with https://");
        if (err)
            snprintf(err->setting, sizeof(err->setting),
                     "cloud.base_url in the module configuration");
        return st;
    }
    out->base_url = strdup(base);
    if (!out->base_url)
        return mdr_cloud_fail(err, MDR_CLOUD_ERR_INTERNAL, "out of memory");
    size_t blen = strlen(out->base_url);
    while (blen > 8 && out->base_url[blen - 1] == '/')
        out->base_url[--blen] = '\0';

    found_value f;
    static const char *const ca_keys[] = {"NODE_EXTRA_CA_CERTS", "node_extra_ca_certs", NULL};
    if (find_setting(cfg->extra_ca_file, "cloud.extra_ca_file", env, ca_keys, &f) < 0)
        goto oom;
    out->extra_ca_file = f.value;
    snprintf(out->extra_ca_setting, sizeof(out->extra_ca_setting), "%s",
             f.value ? f.setting : MDR_SETTING_EXTRA_CA);

    static const char *const proxy_keys[] = {"HTTPS_PROXY", "https_proxy", "HTTP_PROXY",
                                             "http_proxy", NULL};
    int r = find_setting(cfg->proxy, "cloud.proxy", env, proxy_keys, &f);
    if (r < 0)
        goto oom;
    if (r > 0) {
        st = mdr_proxy_parse(f.value, f.setting, &out->proxy, err);
        wipe_free(f.value);
        if (st != MDR_CLOUD_OK) {
            mdr_http_settings_clear(out);
            return st;
        }
    } else {
        snprintf(out->proxy.setting, sizeof(out->proxy.setting), "%s", MDR_SETTING_PROXY);
    }

    static const char *const no_proxy_keys[] = {"NO_PROXY", "no_proxy", NULL};
    if (find_setting(cfg->no_proxy, "cloud.no_proxy", env, no_proxy_keys, &f) < 0)
        goto oom;
    out->no_proxy = f.value;

    out->connect_timeout_ms =
        positive_or(cfg->connect_timeout_ms, MDR_HTTP_DEFAULT_CONNECT_TIMEOUT_MS);
    out->total_timeout_ms = positive_or(cfg->total_timeout_ms, MDR_HTTP_DEFAULT_TOTAL_TIMEOUT_MS);
    out->max_attempts = cfg->max_attempts > 0 ? cfg->max_attempts : MDR_HTTP_DEFAULT_MAX_ATTEMPTS;
    if (out->max_attempts > 10)
        out->max_attempts = 10;
    out->backoff_base_ms = positive_or(cfg->backoff_base_ms, MDR_HTTP_DEFAULT_BACKOFF_BASE_MS);
    out->backoff_max_ms = positive_or(cfg->backoff_max_ms, MDR_HTTP_DEFAULT_BACKOFF_MAX_MS);
    return MDR_CLOUD_OK;
oom:
    mdr_http_settings_clear(out);
    return mdr_cloud_fail(err, MDR_CLOUD_ERR_INTERNAL, "out of memory");
}
