/* activation_common.c — host views, regions, activation codes and error replies shared by
 * the activation, usage and KSN areas (activation.h). */
#include "activation.h"

#include "i18n.h"
#include "log.h"
#include "reply.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- host ------------------------------------------------------------------------------ */

static json_object *host_json(ksc_module *m, char *text)
{
    if (!text)
        return NULL;
    json_object *j = json_tokener_parse(text);
    m->services->free(text);
    return j;
}

int mdr_server_is_virtual(ksc_module *m, const char *server)
{
    if (!m->services->servers_json)
        return -1;
    json_object *list = host_json(m, m->services->servers_json(m->services->host));
    if (!list || !json_object_is_type(list, json_type_array)) {
        json_object_put(list);
        return -1;
    }
    int result = -1;
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        json_object *s = json_object_array_get_idx(list, i), *name, *kind;
        if (!json_object_object_get_ex(s, "name", &name) ||
            !json_object_object_get_ex(s, "kind", &kind))
            continue;
        if ((server && strcmp(json_object_get_string(name), server) == 0) ||
            (!server && strcmp(json_object_get_string(kind), "main") == 0)) {
            result = strcmp(json_object_get_string(kind), "virtual") == 0;
            break;
        }
    }
    json_object_put(list);
    return result;
}

json_object *mdr_host_ksn_settings(ksc_module *m, const char *server)
{
    if (!m->services->ksn_settings_json)
        return NULL;
    json_object *j = host_json(m, m->services->ksn_settings_json(m->services->host, server));
    if (j && !json_object_is_type(j, json_type_object)) {
        json_object_put(j);
        return NULL;
    }
    return j;
}

void mdr_host_ksn_version(json_object *settings, char *out, size_t out_size)
{
    json_object *config, *version;
    out[0] = 0;
    if (settings && json_object_object_get_ex(settings, "config", &config) &&
        json_object_is_type(config, json_type_object) &&
        json_object_object_get_ex(config, "version", &version) &&
        !json_object_is_type(version, json_type_null))
        snprintf(out, out_size, "%s", json_object_get_string(version));
}

/* ---- regions --------------------------------------------------------------------------- */

/* The help: Europe or Canada → Northern Europe; Saudi Arabia → the Kingdom of Saudi Arabia
 * (KATA not available); Russia or other regions → Russia. Service language Russian for
 * Russia, else English. */
static const mdr_region regions[] = {
    {"europe", "northern_europe", "en", 1}, {"canada", "northern_europe", "en", 1},
    {"saudi_arabia", "ksa", "en", 0},       {"russia", "russia", "ru", 1},
    {"other", "russia", "en", 1},
};
const char *const mdr_region_ids[] = {"europe", "canada", "saudi_arabia", "russia", "other", NULL};

const mdr_region *mdr_region_find(const char *id)
{
    for (size_t i = 0; id && i < sizeof regions / sizeof regions[0]; i++)
        if (strcmp(regions[i].id, id) == 0)
            return &regions[i];
    return NULL;
}

json_object *mdr_region_json(const char *lang, const char *region)
{
    const mdr_region *r = mdr_region_find(region);
    if (!r)
        return NULL;
    char key[96];
    json_object *j = json_object_new_object();
    json_object_object_add(j, "region", json_object_new_string(r->id));
    snprintf(key, sizeof key, "region.%s", r->id);
    json_object_object_add(j, "region_title", json_object_new_string(mdr_tr(lang, key)));
    json_object_object_add(j, "storage", json_object_new_string(r->storage));
    snprintf(key, sizeof key, "storage.%s", r->storage);
    json_object_object_add(j, "storage_title", json_object_new_string(mdr_tr(lang, key)));
    json_object_object_add(j, "service_language", json_object_new_string(r->language));
    json_object_object_add(j, "kata_available", json_object_new_boolean(r->kata));
    return j;
}

int mdr_activation_code_normalize(const char *code, char *out, size_t out_size)
{
    size_t n = 0;
    if (!code || out_size < 21)
        return -1;
    for (const char *p = code; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '-') {
            /* Dashes separate groups: never first, last or doubled. */
            if (p == code || !p[1] || p[1] == '-')
                return -1;
            continue;
        }
        if (c > 127 || !isalnum(c) || n >= 20)
            return -1;
        out[n++] = (char)toupper(c);
    }
    out[n] = 0;
    return n == 20 ? 0 : -1;
}

/* ---- replies --------------------------------------------------------------------------- */

typedef struct known_refusal {
    const char *code;
    ksc_status status;
} known_refusal;

/* The service's refusals an administrator can act on; each has "error.activation_<code>" in
 * the activation catalogs. */
static const known_refusal refusals[] = {
    {"invalid_credentials", KSC_ERR_INVALID},
    {"invalid_code_format", KSC_ERR_INVALID},
    {"invalid_region", KSC_ERR_INVALID},
    {"code_unknown", KSC_ERR_NOT_FOUND},
    {"code_in_use", KSC_ERR_CONFLICT},
    {"license_exists", KSC_ERR_CONFLICT},
    {"trial_used", KSC_ERR_CONFLICT},
    {"region_mismatch", KSC_ERR_INVALID},
    {"tier_mismatch", KSC_ERR_INVALID},
    {"account_tied_elsewhere", KSC_ERR_CONFLICT},
    {"tenant_not_found", KSC_ERR_NOT_FOUND},
    {"wrong_step", KSC_ERR_CONFLICT},
    {"unknown_agreement", KSC_ERR_INVALID},
    {"agreements_incomplete", KSC_ERR_INVALID},
    {"ksn_statement_refused", KSC_ERR_CONFLICT},
    {"not_activated", KSC_ERR_CONFLICT},
    {"consent_revoked", KSC_ERR_CONFLICT},
};

ksc_status mdr_activation_reply_cloud(ksc_module *m, const ksc_call *call,
                                      const mdr_cloud_error *err, char **response)
{
    if (err->status == MDR_CLOUD_ERR_HTTP && err->http_status >= 400 && err->http_status < 500) {
        for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++)
            if (strcmp(err->service_code, refusals[i].code) == 0) {
                json_object *d = json_object_new_object();
                json_object_object_add(d, "http_status", json_object_new_int64(err->http_status));
                json_object_object_add(d, "service_message",
                                       json_object_new_string(err->service_message));
                /* Prefixed so the codes never clash with other areas' catalogs. */
                char code[96];
                snprintf(code, sizeof code, "activation_%s", refusals[i].code);
                return mdr_reply_error(m->services, call->lang, refusals[i].status, code, d,
                                       response);
            }
    }
    return mdr_cloud_reply_error(m, call->lang, err, response);
}

void mdr_activation_log(ksc_module *m, const char *user, const char *server, const char *step,
                        const char *detail)
{
    sqlite3 *db = mdr_store_conn(m->store);
    sqlite3_stmt *st = NULL;
    if (!db || sqlite3_prepare_v2(db,
                                  "INSERT INTO activation_log (at_ms, user, server, step, detail) "
                                  "VALUES (?1, ?2, ?3, ?4, ?5)",
                                  -1, &st, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_int64(st, 1, m->services->now_ms(m->services->host));
    sqlite3_bind_text(st, 2, user ? user : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, server ? server : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, step, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, detail ? detail : "", -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE)
        mdr_log(m->services, KSC_LOG_WARNING, "activation log: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
}

const char *mdr_us_notice(const char *lang)
{
    return mdr_tr(lang, "activation.us_notice");
}
