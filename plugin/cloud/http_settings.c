#include "http_settings.h"

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <limits.h>
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

static int url_byte(char c)
{
    return (unsigned char)c > ' ' && c != 0x7f;
}

static int ascii_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int ascii_digit(char c)
{
    return c >= '0' && c <= '9';
}

int mdr_proxy_split(const char *s, size_t n, mdr_proxy_spans *o)
{
    memset(o, 0, sizeof(*o));
    size_t end = 0;
    while (end < n && url_byte(s[end]))
        end++;
    o->end = end;
    size_t a = 0; /* the authority's start */
    if (end > 0 && ascii_alpha(s[0])) {
        size_t i = 1;
        while (i < end && (ascii_alpha(s[i]) || ascii_digit(s[i]) || s[i] == '+' || s[i] == '-' ||
                           s[i] == '.'))
            i++;
        if (i + 3 <= end && s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/') {
            o->scheme_len = i;
            a = i + 3;
        }
    }
    size_t ae = a; /* the authority's end */
    while (ae < end && s[ae] != '/' && s[ae] != '?' && s[ae] != '#')
        ae++;
    size_t h = a; /* the host's start: after the last '@' */
    for (size_t i = ae; i > a; i--)
        if (s[i - 1] == '@') {
            h = i;
            break;
        }
    if (h > a) {
        size_t ue = h - 1; /* the '@' */
        o->has_user = 1;
        o->user = a;
        const char *colon = memchr(s + a, ':', ue - a);
        if (colon) {
            o->user_len = (size_t)(colon - (s + a));
            o->has_password = 1;
            o->password = (size_t)(colon - s) + 1;
            o->password_len = ue - o->password;
        } else {
            o->user_len = ue - a;
        }
    }
    size_t he = ae; /* the host's end */
    if (h < ae && s[h] == '[') {
        const char *close = memchr(s + h, ']', ae - h);
        if (close)
            he = (size_t)(close - s) + 1;
    } else {
        for (size_t i = ae; i > h; i--)
            if (s[i - 1] == ':') {
                he = i - 1;
                break;
            }
    }
    o->host = h;
    o->host_len = he - h;
    if (he < ae) {
        if (s[he] != ':')
            return -1; /* "[::1]x" */
        o->port = he + 1;
        o->port_len = ae - he - 1;
    }
    return o->host_len > 0 ? 0 : -1;
}

/* Percent-decodes s[0..n) (libcurl's decoder); NULL when it would hold a NUL byte. */
static char *decode_part(const char *s, size_t n, int *bad)
{
    int len = 0;
    char *raw = n <= (size_t)INT_MAX ? curl_easy_unescape(NULL, n ? s : "", (int)n, &len) : NULL;
    if (!raw)
        return NULL;
    char *copy = NULL;
    if (strlen(raw) != (size_t)len)
        *bad = 1;
    else
        copy = strdup(raw);
    OPENSSL_cleanse(raw, (size_t)len);
    curl_free(raw);
    return copy;
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
    mdr_cloud_status st = MDR_CLOUD_OK;
    CURLU *u = NULL;
    char *host = NULL, *port = NULL;
    /* Never echo the URL itself in an error: it may hold the password. */
    size_t n = proxy_url ? strlen(proxy_url) : 0;
    mdr_proxy_spans sp;
    if (!proxy_url || mdr_proxy_split(proxy_url, n, &sp) != 0 || sp.end != n) {
        st = mdr_cloud_fail(err, MDR_CLOUD_ERR_CONFIG,
                            "the proxy address is not of the form "
                            "<protocol>://<user>:<password>@<host>:<port>");
        goto done;
    }
    size_t rest = sp.port_len ? sp.port + sp.port_len : sp.host + sp.host_len;
    if (!(rest == n || (rest + 1 == n && proxy_url[rest] == '/'))) {
        st = mdr_cloud_fail(err, MDR_CLOUD_ERR_CONFIG,
                            "the proxy address must end with <host>:<port> (no path, query, "
                            "empty port or extra '/')");
        goto done;
    }
    char scheme[16] = "http";
    if (sp.scheme_len) {
        size_t i = 0;
        for (; i < sp.scheme_len && i + 1 < sizeof(scheme); i++) {
            char c = proxy_url[sp.scheme + i];
            scheme[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
        }
        scheme[i] = '\0';
    }
    static const char *const known[] = {"http",   "https",   "socks4", "socks4a",
                                        "socks5", "socks5h", NULL};
    int ok = 0;
    for (const char *const *k = known; *k; k++)
        ok |= sp.scheme_len < sizeof(scheme) && strcmp(scheme, *k) == 0;
    if (!ok) {
        st = mdr_cloud_fail(err, MDR_CLOUD_ERR_CONFIG,
                            "the proxy protocol '%.16s' is not supported", scheme);
        goto done;
    }
    long port_number = 0;
    for (size_t i = 0; i < sp.port_len; i++)
        port_number = ascii_digit(proxy_url[sp.port + i]) && port_number <= 65535
                          ? port_number * 10 + (proxy_url[sp.port + i] - '0')
                          : 65536;
    if (sp.port_len && (port_number < 1 || port_number > 65535)) {
        st = mdr_cloud_fail(err, MDR_CLOUD_ERR_CONFIG,
                            "the proxy port must be a number from 1 to 65535");
        goto done;
    }
    /* A host name (letters, digits, '.', '-', '_'; an IDN in its xn-- form), an IPv4 address
     * or a bracketed IPv6 one: libcurl would percent-decode anything else, so the URL it is
     * given would name another host than the one written. */
    const char *h = proxy_url + sp.host;
    int bracketed = sp.host_len > 2 && h[0] == '[' && h[sp.host_len - 1] == ']';
    for (size_t i = bracketed; i < sp.host_len - (size_t)bracketed; i++) {
        char c = h[i];
        int ok_char = bracketed
                          ? ascii_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
                                c == ':' || c == '.'
                          : ascii_alpha(c) || ascii_digit(c) || c == '.' || c == '-' || c == '_';
        if (!ok_char) {
            st = mdr_cloud_fail(err, MDR_CLOUD_ERR_CONFIG,
                                "the proxy host must be a host name, an IPv4 address or an "
                                "[IPv6] address");
            goto done;
        }
    }
    /* The host as libcurl understands it, credentials left out. */
    char bare[600];
    if (sp.host_len > 256 ||
        snprintf(bare, sizeof(bare), "%s://%.*s%s%.*s", scheme, (int)sp.host_len,
                 proxy_url + sp.host, sp.port_len ? ":" : "", (int)sp.port_len,
                 proxy_url + sp.port) >= (int)sizeof(bare) ||
        !(u = curl_url()) ||
        curl_url_set(u, CURLUPART_URL, bare, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
        !(host = url_part(u, CURLUPART_HOST, 0)) || !host[0] ||
        !(port = url_part(u, CURLUPART_PORT, CURLU_DEFAULT_PORT))) {
        st = mdr_cloud_fail(err, MDR_CLOUD_ERR_CONFIG, "the proxy address has no valid host");
        goto done;
    }
    int bad_escape = 0;
    if (sp.has_user) {
        out->user = decode_part(proxy_url + sp.user, sp.user_len, &bad_escape);
        out->password = decode_part(proxy_url + sp.password, sp.password_len, &bad_escape);
        if (bad_escape) {
            st = mdr_cloud_fail(err, MDR_CLOUD_ERR_CONFIG,
                                "the proxy user name or password holds %%00");
            goto done;
        }
    }
    size_t url_len = strlen(scheme) + strlen(host) + strlen(port) + 8;
    size_t masked_len = url_len + (sp.has_user ? sp.user_len + 8 : 0);
    out->url = malloc(url_len);
    out->masked = malloc(masked_len);
    if (!out->url || !out->masked || (sp.has_user && (!out->user || !out->password))) {
        st = mdr_cloud_fail(err, MDR_CLOUD_ERR_INTERNAL, "out of memory");
        goto done;
    }
    snprintf(out->url, url_len, "%s://%s:%s", scheme, host, port);
    if (sp.has_user)
        snprintf(out->masked, masked_len, "%s://%.*s:***@%s:%s", scheme, (int)sp.user_len,
                 proxy_url + sp.user, host, port);
    else
        snprintf(out->masked, masked_len, "%s", out->url);
done:
    if (st != MDR_CLOUD_OK) {
        char keep[160];
        memcpy(keep, out->setting, sizeof(keep));
        mdr_proxy_clear(out);
        if (err)
            snprintf(err->setting, sizeof(err->setting), "%s", keep);
    }
    free(host);
    free(port);
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
