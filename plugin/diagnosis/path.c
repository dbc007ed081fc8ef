/* diagnosis/path.c — the network path, probed with a client of its own: the module's cloud
 * settings (base URL, proxy, extra CA: mdr.conf, else the console's .env) with short time-outs
 * and no retry. One anonymous call that needs no session (the sign-in endpoint with an empty
 * body: any HTTP answer proves the path), classified by where it stopped; a second one
 * without the .env's extra CA tells which CA signed the service's certificate. */
#include "diagnosis.h"
#include "cloud/http_client.h"
#include "cloud/http_settings.h"
#include "core/i18n.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The console's .env through the host, optionally without the extra CA. */
typedef struct diag_env {
    ksc_module *m;
    int hide_extra_ca;
} diag_env;

static char *env_get(void *ctx, const char *key)
{
    diag_env *e = ctx;
    const ksc_host_services *s = e->m->services;
    if (e->hide_extra_ca && strcasecmp(key, "NODE_EXTRA_CA_CERTS") == 0)
        return NULL;
    return s->env_get ? s->env_get(s->host, key) : NULL;
}

static void env_free(void *ctx, char *value)
{
    diag_env *e = ctx;
    if (value)
        e->m->services->free(value);
}

static const char *nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

/* One probe; *settings (when not NULL) receives the resolved settings. */
static mdr_cloud_status probe(ksc_module *m, int without_extra_ca, mdr_http_settings *settings,
                              mdr_cloud_error *err)
{
    const mdr_config *c = m->config;
    diag_env e = {m, without_extra_ca};
    mdr_env_source env = {env_get, env_free, &e};
    mdr_http_config hc = {
        .base_url = nonempty(c->cloud_base_url),
        .extra_ca_file = without_extra_ca ? NULL : nonempty(c->cloud_extra_ca_file),
        .proxy = nonempty(c->cloud_proxy),
        .no_proxy = nonempty(c->cloud_no_proxy),
        .connect_timeout_ms = DIAG_PROBE_CONNECT_MS,
        .total_timeout_ms = DIAG_PROBE_TOTAL_MS,
        .max_attempts = 1,
    };
    mdr_cloud_error_clear(err);
    if (settings && mdr_http_settings_resolve(&hc, &env, settings, err) != MDR_CLOUD_OK)
        return err->status;
    mdr_http_client *client = mdr_http_client_new(&hc, &env);
    if (!client)
        return mdr_cloud_fail(err, MDR_CLOUD_ERR_INTERNAL, "out of memory");
    json_object *answer = NULL;
    mdr_cloud_status st =
        mdr_http_post_json(client, "console/account/sign-in", "{}", NULL, 0, &answer, err);
    json_object_put(answer);
    mdr_http_client_free(client);
    return st;
}

/* 1 when the probe got as far as an HTTP answer (any status). */
static int answered(mdr_cloud_status st)
{
    return st == MDR_CLOUD_OK || st == MDR_CLOUD_ERR_HTTP || st == MDR_CLOUD_ERR_BAD_RESPONSE;
}

static void host_of(const char *url, char *out, size_t size)
{
    const char *h = url ? strstr(url, "://") : NULL;
    h = h ? h + 3 : "";
    size_t n = strcspn(h, ":/");
    snprintf(out, size, "%.*s", (int)n, h);
}

void diag_path(ksc_module *m, const ksc_call *call, json_object *checks)
{
    const char *lang = call->lang;
    mdr_http_settings set = {0};
    mdr_cloud_error err;
    mdr_cloud_status st = probe(m, 0, &set, &err);
    char host[256], value[512];
    host_of(set.base_url, host, sizeof host);

    if (st == MDR_CLOUD_ERR_CONFIG) {
        const char *p[] = {"setting", err.setting, NULL};
        diag_add(checks, lang, "settings", DIAG_FAILED, err.setting, "diag.settings.remedy", p);
        mdr_http_settings_clear(&set);
        return;
    }
    /* the proxy: reachable, and the credentials accepted (shown masked, never the password) */
    int proxied = set.proxy.url != NULL;
    const char *shown = proxied ? (set.proxy.masked ? set.proxy.masked : set.proxy.url) : "";
    const char *pp[] = {"proxy", shown, "setting", set.proxy.setting, NULL};
    if (!proxied)
        diag_add(checks, lang, "proxy", DIAG_OK, mdr_tr(lang, "diag.proxy.none"), NULL, NULL);
    else if (st == MDR_CLOUD_ERR_PROXY_AUTH)
        diag_add(checks, lang, "proxy", DIAG_FAILED, shown, "diag.proxy.auth_remedy", pp);
    else if (st == MDR_CLOUD_ERR_PROXY)
        diag_add(checks, lang, "proxy", DIAG_FAILED, shown, "diag.proxy.down_remedy", pp);
    else
        diag_add(checks, lang, "proxy", DIAG_OK, shown, NULL, NULL);
    int past_proxy = st != MDR_CLOUD_ERR_PROXY_AUTH && st != MDR_CLOUD_ERR_PROXY;

    /* DNS of the cloud host (resolved by the proxy when there is one) */
    const char *hp[] = {"host", host, NULL};
    if (!past_proxy)
        diag_add(checks, lang, "dns", DIAG_SKIPPED, host, NULL, NULL);
    else if (st == MDR_CLOUD_ERR_DNS)
        diag_add(checks, lang, "dns", DIAG_FAILED, host, "diag.dns.remedy", hp);
    else
        diag_add(checks, lang, "dns", DIAG_OK, host, NULL, NULL);

    /* the connection and TLS */
    int reached = answered(st);
    if (!past_proxy || st == MDR_CLOUD_ERR_DNS) {
        diag_add(checks, lang, "tls", DIAG_SKIPPED, "", NULL, NULL);
        diag_add(checks, lang, "service", DIAG_SKIPPED, "", NULL, NULL);
    } else if (st == MDR_CLOUD_ERR_TLS_VERIFY || st == MDR_CLOUD_ERR_TLS) {
        const char *tp[] = {"host", host, "detail", err.detail, NULL};
        diag_add(checks, lang, "tls", DIAG_FAILED, err.detail,
                 st == MDR_CLOUD_ERR_TLS_VERIFY ? "diag.tls.untrusted_remedy" : "diag.tls.remedy",
                 tp);
        diag_add(checks, lang, "service", DIAG_SKIPPED, "", NULL, NULL);
    } else if (!reached) {
        snprintf(value, sizeof value, "%s", err.detail);
        const char *cp[] = {"host", host, "detail", err.detail, NULL};
        diag_add(checks, lang, "tls", DIAG_SKIPPED, "", NULL, NULL);
        diag_add(checks, lang, "service", DIAG_FAILED, value,
                 st == MDR_CLOUD_ERR_TIMEOUT ? "diag.service.timeout_remedy"
                                             : "diag.service.remedy",
                 cp);
    } else {
        diag_add(checks, lang, "tls", DIAG_OK, host, NULL, NULL);
        /* which CA signed it: trusted without the .env's extra CA, or only through it? */
        if (set.extra_ca_file) {
            mdr_cloud_error err2;
            mdr_cloud_status st2 = probe(m, 1, NULL, &err2);
            const char *sp[] = {"setting", set.extra_ca_setting, "file", set.extra_ca_file, NULL};
            if (st2 == MDR_CLOUD_ERR_TLS_VERIFY) {
                snprintf(value, sizeof value, "%s", set.extra_ca_file);
                diag_add(checks, lang, "tls_signer", DIAG_WARNING, value,
                         "diag.tls_signer.extra_ca_remedy", sp);
            } else {
                diag_add(checks, lang, "tls_signer", DIAG_OK,
                         mdr_tr(lang, "diag.tls_signer.system"), NULL, NULL);
            }
        } else {
            diag_add(checks, lang, "tls_signer", DIAG_OK, mdr_tr(lang, "diag.tls_signer.system"),
                     NULL, NULL);
        }
        diag_add(checks, lang, "service", DIAG_OK, host, NULL, NULL);
    }
    mdr_http_settings_clear(&set);
}
