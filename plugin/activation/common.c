/* common.c — regions, activation codes, the activation log and the U.S. notice, shared by
 * the activation and usage actions (activation.h). */
#include "activation.h"

#include "core/i18n.h"
#include "core/log.h"
#include "core/reply.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

const char *mdr_console_kind(ksc_module *m)
{
    const ksc_host_services *s = m->services;
    const char *kind = KSC_HAS_MEMBER(s, ksc_host_services, console_kind) && s->console_kind
                           ? s->console_kind(s->host)
                           : NULL;
    return kind ? kind : "on_premises";
}

ksc_status mdr_activation_refuse_in_trial(ksc_module *m, const ksc_call *call, char **response)
{
    if (strcmp(mdr_console_kind(m), "cloud_trial") != 0)
        return KSC_OK;
    return mdr_reply_error(m->services, call->lang, KSC_ERR_CONFLICT, "activation_trial_workspace",
                           NULL, response);
}

const char *mdr_us_notice(const char *lang)
{
    return mdr_tr(lang, "activation.us_notice");
}
