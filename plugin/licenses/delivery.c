/* delivery.c — see delivery.h. */
#include "delivery.h"
#include "core/module.h"
#include "core/reply.h"

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
    return mdr_reply_ok(m->services, out, response);
}
