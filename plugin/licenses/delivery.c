/* delivery.c — see delivery.h. */
#include "delivery.h"
#include "core/module.h"
#include "core/log.h"
#include "core/reply.h"
#include "core/store.h"

ksc_status mdr_config_archive_deliver(ksc_module *m, const ksc_call *call, const char *path,
                                      json_object *body, mdr_archive_variant variant,
                                      const mdr_cloud_code_map *codes, json_object *extra,
                                      char **response)
{
    json_object *answer = NULL;
    mdr_cloud_error err;
    mdr_cloud_status cs = mdr_cloud_console(m, path, body, 1, &answer, &err);
    if (cs != MDR_CLOUD_OK) {
        json_object_put(extra);
        return mdr_cloud_fail_reply(m, call->lang, &err, codes, NULL, response);
    }
    mdr_archive a;
    mdr_rule_error e = {0};
    int64_t now = m->services->now_ms(m->services->host);
    int bad = mdr_archive_check(answer, variant, m->config->ksn_trust_anchor, now, &a, &e);
    json_object_put(answer);
    if (bad) {
        json_object_put(extra);
        return mdr_rule_reply(m->services, call->lang, &e, response);
    }
    ksc_status st = mdr_archive_write(&a, call->output);
    json_object *out = st == KSC_OK ? mdr_archive_summary(&a) : NULL;
    mdr_archive_free(&a);
    if (st != KSC_OK) {
        json_object_put(extra);
        return mdr_reply_error(m->services, call->lang, KSC_ERR_FAILED, "file_write_failed", NULL,
                               response);
    }
    json_object_object_add(out, "variant",
                           json_object_new_string(mdr_archive_variant_name(variant)));
    json_object_object_foreach(extra, k, v) json_object_object_add(out, k, json_object_get(v));
    json_object_put(extra);
    /* the Getting Started step "configuration file downloaded" reads this record */
    json_object *rec = json_object_new_object();
    json_object_object_add(rec, "from", json_object_new_string(path));
    json_object_object_add(rec, "variant",
                           json_object_new_string(mdr_archive_variant_name(variant)));
    json_object_object_add(rec, "user", json_object_new_string(call->user ? call->user : ""));
    json_object_object_add(rec, "time_ms", json_object_new_int64(now));
    sqlite3 *db = mdr_store_conn(m->store);
    if (!db || mdr_setting_set(db, MDR_SETTING_CONFIGURATION_FILE,
                               json_object_to_json_string_ext(rec, JSON_C_TO_STRING_PLAIN)) != 0)
        mdr_log(m->services, KSC_LOG_WARNING, "the configuration file download was not recorded");
    json_object_put(rec);
    return mdr_reply_ok(m->services, out, response);
}
