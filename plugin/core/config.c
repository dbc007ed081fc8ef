#include "config.h"

#include "cloud/http_settings.h"

#include <curl/curl.h>
#include <json-c/json.h>
#include <libconfig.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_STRING 2048

typedef enum key_kind {
    K_HTTPS_URL, /* required scheme https, a host, no credentials */
    K_PROXY_URL, /* "" or a proxy URL */
    K_HOST_LIST, /* "" or comma-separated host names */
    K_FILE,      /* "" or a readable regular file; made absolute */
    K_CERTS,     /* a K_FILE holding at least one PEM certificate */
    K_PATH,      /* "" or a path; made absolute */
    K_INT
} key_kind;

typedef struct key_spec {
    const char *group;
    const char *name;
    key_kind kind;
    size_t offset; /* of the char * or long in mdr_config */
    const char *default_text;
    long default_int, min, max;
} key_spec;

#define S(field) offsetof(mdr_config, field)
static const key_spec keys[] = {
    {"cloud", "base_url", K_HTTPS_URL, S(cloud_base_url), "https://mdr.kaspersky.com/api/v1", 0, 0,
     0},
    {"cloud", "extra_ca_file", K_CERTS, S(cloud_extra_ca_file), "", 0, 0, 0},
    {"cloud", "proxy", K_PROXY_URL, S(cloud_proxy), "", 0, 0, 0},
    {"cloud", "no_proxy", K_HOST_LIST, S(cloud_no_proxy), "", 0, 0, 0},
    {"cloud", "connect_timeout_ms", K_INT, S(cloud_connect_timeout_ms), NULL, 10000, 100, 120000},
    {"cloud", "timeout_ms", K_INT, S(cloud_timeout_ms), NULL, 30000, 1000, 600000},
    {"cloud", "max_retries", K_INT, S(cloud_max_retries), NULL, 3, 0, 10},
    {"ksn", "trust_anchor", K_CERTS, S(ksn_trust_anchor), "", 0, 0, 0},
    {"store", "path", K_PATH, S(store_path), "", 0, 0, 0},
    {"health", "sync_interval_s", K_INT, S(health_sync_interval_s), NULL, 900, 60, 86400},
};
#undef S
#define KEY_COUNT (sizeof keys / sizeof keys[0])

static char **str_field(mdr_config *c, const key_spec *k)
{
    return (char **)((char *)c + k->offset);
}

static long *int_field(mdr_config *c, const key_spec *k)
{
    return (long *)((char *)c + k->offset);
}

void mdr_config_free(mdr_config *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < KEY_COUNT; i++)
        if (keys[i].kind != K_INT)
            free(*str_field(c, &keys[i]));
    free(c->file);
    free(c);
}

mdr_config *mdr_config_defaults(void)
{
    mdr_config *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    int ok = (c->file = strdup("")) != NULL;
    for (size_t i = 0; i < KEY_COUNT; i++) {
        if (keys[i].kind == K_INT)
            *int_field(c, &keys[i]) = keys[i].default_int;
        else if (!(*str_field(c, &keys[i]) = strdup(keys[i].default_text)))
            ok = 0;
    }
    if (!ok) {
        mdr_config_free(c);
        return NULL;
    }
    return c;
}

/* ---- validation --------------------------------------------------------------------- */

typedef struct ctx {
    const char *file;
    char *err;
    size_t err_size;
} ctx;

static int failf(ctx *x, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int failf(ctx *x, int line, const char *fmt, ...)
{
    int n = snprintf(x->err, x->err_size, "%s:%d: ", x->file, line);
    if (n >= 0 && (size_t)n < x->err_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(x->err + n, x->err_size - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Parses `url` with libcurl's URL API; 0 when it has a scheme and a host. */
static int url_parts(const char *url, char **scheme, char **host, int *has_user)
{
    *scheme = *host = NULL;
    *has_user = 0;
    CURLU *u = curl_url();
    if (!u)
        return -1;
    int rc = -1;
    if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, host, 0) == CURLUE_OK && **host) {
        char *user = NULL;
        if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK)
            *has_user = 1;
        curl_free(user);
        rc = 0;
    }
    curl_url_cleanup(u);
    return rc;
}

static int printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s <= ' ' || (unsigned char)*s == 0x7f)
            return 0;
    return 1;
}

static int check_url(ctx *x, int line, const char *key, const char *v, int proxy)
{
    if (proxy) {
        /* The cloud client's own parser: what is accepted here is what it will use. */
        if (!*v)
            return 0;
        mdr_proxy p;
        mdr_cloud_error e;
        if (mdr_proxy_parse(v, key, &p, &e) != MDR_CLOUD_OK)
            return failf(x, line,
                         "%s must be \"\" or a proxy URL like http://[user:password@]host:port: "
                         "%s",
                         key, e.detail);
        mdr_proxy_clear(&p);
        return 0;
    }
    char *scheme = NULL, *host = NULL;
    int has_user = 0;
    int rc = 0;
    int parsed = printable(v) && strstr(v, "://") && url_parts(v, &scheme, &host, &has_user) == 0;
    if (!parsed || strcmp(scheme, "https") != 0)
        rc = failf(x, line, "%s must be an https:// URL with a host (got \"%s\")", key, v);
    else if (has_user)
        rc = failf(x, line, "%s must not contain credentials", key);
    else if (strchr(v, '?') || strchr(v, '#'))
        rc = failf(x, line, "%s must not have a query or fragment", key);
    curl_free(scheme);
    curl_free(host);
    return rc;
}

static int check_host_list(ctx *x, int line, const char *key, const char *v)
{
    for (const char *c = v; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              strchr(".-_:,*[] ", *c)))
            return failf(x, line, "%s must be a comma-separated list of host names", key);
    return 0;
}

/* Makes `v` absolute against the config file's directory (malloc'd). */
static char *resolve(const char *dir, const char *v)
{
    if (!*v || v[0] == '/')
        return strdup(v);
    size_t n = strlen(dir) + strlen(v) + 2;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%s/%s", dir, v);
    return out;
}

static int check_file(ctx *x, int line, const char *key, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return failf(x, line, "%s names \"%s\", which is not a file", key, path);
    if (access(path, R_OK) != 0)
        return failf(x, line, "%s names \"%s\", which is not readable", key, path);
    return 0;
}

static int no_password(char *buf, int size, int rwflag, void *u)
{
    (void)buf, (void)size, (void)rwflag, (void)u;
    return 0; /* never prompt: a certificate file needs no password */
}

/* A trust anchor or CA file that holds no certificate (empty, garbage, a key) would only
 * show up later as every verification failing; say so where the setting is. */
static int check_certificates(ctx *x, int line, const char *key, const char *path)
{
    BIO *bio = BIO_new_file(path, "r");
    STACK_OF(X509_INFO) *infos = bio ? PEM_X509_INFO_read_bio(bio, NULL, no_password, NULL) : NULL;
    int certificates = 0;
    for (int i = 0; infos && i < sk_X509_INFO_num(infos); i++)
        if (sk_X509_INFO_value(infos, i)->x509)
            certificates++;
    sk_X509_INFO_pop_free(infos, X509_INFO_free);
    BIO_free(bio);
    ERR_clear_error();
    if (!certificates)
        return failf(x, line, "%s names \"%s\", which holds no PEM certificate", key, path);
    return 0;
}

static int apply_key(ctx *x, mdr_config *c, const key_spec *k, const config_setting_t *s,
                     const char *dir)
{
    char key[64];
    snprintf(key, sizeof key, "%s.%s", k->group, k->name);
    int line = (int)config_setting_source_line(s);
    int type = config_setting_type(s);
    if (k->kind == K_INT) {
        long long v;
        if (type == CONFIG_TYPE_INT)
            v = config_setting_get_int(s);
        else if (type == CONFIG_TYPE_INT64)
            v = config_setting_get_int64(s);
        else
            return failf(x, line, "%s must be an integer", key);
        if (v < k->min || v > k->max)
            return failf(x, line, "%s must be between %ld and %ld (got %lld)", key, k->min, k->max,
                         v);
        *int_field(c, k) = (long)v;
        return 0;
    }
    if (type != CONFIG_TYPE_STRING)
        return failf(x, line, "%s must be a string", key);
    const char *v = config_setting_get_string(s);
    if (strlen(v) > MAX_STRING)
        return failf(x, line, "%s is longer than %d characters", key, MAX_STRING);
    int rc = 0;
    char *value = NULL;
    switch (k->kind) {
    case K_HTTPS_URL:
    case K_PROXY_URL:
        rc = check_url(x, line, key, v, k->kind == K_PROXY_URL);
        if (rc == 0) {
            value = strdup(v);
            size_t n = value ? strlen(value) : 0;
            while (k->kind == K_HTTPS_URL && n > 0 && value[n - 1] == '/')
                value[--n] = '\0';
        }
        break;
    case K_HOST_LIST:
        rc = check_host_list(x, line, key, v);
        value = rc == 0 ? strdup(v) : NULL;
        break;
    case K_FILE:
    case K_CERTS:
    case K_PATH:
        value = resolve(dir, v);
        if (value && *value && k->kind != K_PATH)
            rc = check_file(x, line, key, value);
        if (rc == 0 && value && *value && k->kind == K_CERTS)
            rc = check_certificates(x, line, key, value);
        break;
    case K_INT:
        break;
    }
    if (rc != 0) {
        free(value);
        return -1;
    }
    if (!value)
        return failf(x, line, "out of memory");
    free(*str_field(c, k));
    *str_field(c, k) = value;
    return 0;
}

static const key_spec *find_key(const char *group, const char *name)
{
    for (size_t i = 0; i < KEY_COUNT; i++)
        if (strcmp(keys[i].group, group) == 0 && (!name || strcmp(keys[i].name, name) == 0))
            return &keys[i];
    return NULL;
}

static int apply_all(ctx *x, mdr_config *c, config_t *cfg, const char *dir)
{
    config_setting_t *root = config_root_setting(cfg);
    for (int i = 0; i < config_setting_length(root); i++) {
        config_setting_t *group = config_setting_get_elem(root, (unsigned)i);
        const char *gname = config_setting_name(group);
        int line = (int)config_setting_source_line(group);
        if (!gname || !find_key(gname, NULL))
            return failf(x, line, "unknown setting \"%s\"", gname ? gname : "?");
        if (config_setting_type(group) != CONFIG_TYPE_GROUP)
            return failf(x, line, "%s must be a group: %s = { … };", gname, gname);
        for (int j = 0; j < config_setting_length(group); j++) {
            config_setting_t *s = config_setting_get_elem(group, (unsigned)j);
            const char *name = config_setting_name(s);
            const key_spec *k = name ? find_key(gname, name) : NULL;
            if (!k)
                return failf(x, (int)config_setting_source_line(s), "unknown setting \"%s.%s\"",
                             gname, name ? name : "?");
            if (apply_key(x, c, k, s, dir) != 0)
                return -1;
        }
    }
    if (c->cloud_connect_timeout_ms > c->cloud_timeout_ms)
        return failf(x, 0, "cloud.connect_timeout_ms (%ld) must not exceed cloud.timeout_ms (%ld)",
                     c->cloud_connect_timeout_ms, c->cloud_timeout_ms);
    return 0;
}

/* A value only the console's account may read: a proxy URL with a password. */
static int holds_secret(const mdr_config *c)
{
    mdr_proxy_spans sp;
    return c->cloud_proxy && mdr_proxy_split(c->cloud_proxy, strlen(c->cloud_proxy), &sp) == 0 &&
           sp.has_password && sp.password_len > 0;
}

int mdr_config_load(const char *path, mdr_config **out, char *err, size_t err_size)
{
    *out = NULL;
    char abs[PATH_MAX];
    if (!path || !realpath(path, abs)) {
        snprintf(err, err_size, "%s: cannot open the configuration file", path ? path : "(null)");
        return -1;
    }
    mdr_config *c = mdr_config_defaults();
    char *dir = strdup(abs);
    if (!c || !dir) {
        mdr_config_free(c);
        free(dir);
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    char *slash = strrchr(dir, '/');
    if (slash == dir)
        slash[1] = '\0';
    else
        *slash = '\0';
    ctx x = {abs, err, err_size};
    config_t cfg;
    config_init(&cfg);
    config_set_include_dir(&cfg, dir);
    int rc = -1;
    /* One open file for the mode and the text: no swap between the check and the read. */
    FILE *f = fopen(abs, "r");
    struct stat st;
    memset(&st, 0, sizeof st);
    if (!f || fstat(fileno(f), &st) != 0)
        failf(&x, 0, "cannot open the configuration file");
    else if (config_read(&cfg, f) != CONFIG_TRUE)
        failf(&x, config_error_line(&cfg), "%s", config_error_text(&cfg));
    else
        rc = apply_all(&x, c, &cfg, dir);
    if (f)
        fclose(f);
    config_destroy(&cfg);
    free(dir);
    if (rc == 0 && (st.st_mode & (S_IRGRP | S_IROTH)) && holds_secret(c)) {
        snprintf(err, err_size,
                 "%s holds the proxy password (cloud.proxy) but other users can read it "
                 "(mode %03o): chmod 600 %s",
                 abs, (unsigned)(st.st_mode & 0777), abs);
        rc = MDR_CONFIG_INSECURE;
    }
    if (rc == 0) {
        free(c->file);
        c->file = strdup(abs);
        if (!c->file) {
            snprintf(err, err_size, "out of memory");
            rc = -1;
        }
    }
    if (rc != 0) {
        mdr_config_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

char *mdr_url_mask_password(const char *url)
{
    if (!url)
        return NULL;
    size_t n = strlen(url);
    mdr_proxy_spans sp;
    if (mdr_proxy_split(url, n, &sp) != 0 || sp.end != n)
        /* not a URL by the proxy grammar, but it may still hold credentials: show none */
        return strdup(strchr(url, '@') ? "***" : url);
    if (!sp.has_password)
        return strdup(url);
    size_t size = n - sp.password_len + 4;
    char *out = malloc(size);
    if (out)
        snprintf(out, size, "%.*s***%s", (int)sp.password, url,
                 url + sp.password + sp.password_len);
    return out;
}

json_object *mdr_config_to_json(const mdr_config *c)
{
    json_object *root = json_object_new_object();
    json_object_object_add(root, "file", json_object_new_string(c->file));
    for (size_t i = 0; i < KEY_COUNT; i++) {
        const key_spec *k = &keys[i];
        json_object *group = NULL;
        if (!json_object_object_get_ex(root, k->group, &group)) {
            group = json_object_new_object();
            json_object_object_add(root, k->group, group);
        }
        json_object *v;
        if (k->kind == K_INT) {
            v = json_object_new_int64(*int_field((mdr_config *)c, k));
        } else {
            const char *s = *str_field((mdr_config *)c, k);
            if (k->kind == K_PROXY_URL) {
                char *masked = mdr_url_mask_password(s);
                v = json_object_new_string(masked ? masked : "***");
                free(masked);
            } else {
                v = json_object_new_string(s);
            }
        }
        json_object_object_add(group, k->name, v);
    }
    return root;
}
