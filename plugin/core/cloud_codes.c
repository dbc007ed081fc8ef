#include "cloud_codes.h"
#include "module.h"
#include "reply.h"

#include <stdio.h>

#include <string.h>

int mdr_cloud_code_lookup(const mdr_cloud_error *err, const mdr_cloud_code_map *map,
                          json_object *extra, mdr_rule_error *e)
{
    if (err->status == MDR_CLOUD_ERR_HTTP && err->service_code[0]) {
        const mdr_cloud_code_map *hit = NULL;
        static const mdr_cloud_code_map common = {"not_activated", KSC_ERR_CONFLICT,
                                                  "not_activated"};
        for (const mdr_cloud_code_map *x = map; x && x->service_code && !hit; x++)
            if (strcmp(x->service_code, err->service_code) == 0)
                hit = x;
        if (!hit && strcmp(err->service_code, common.service_code) == 0)
            hit = &common;
        if (hit) {
            json_object *d = extra ? extra : json_object_new_object();
            json_object_object_add(d, "service_code", json_object_new_string(err->service_code));
            mdr_rule_fail(e, hit->status, hit->code, d);
            return 1;
        }
    }
    json_object_put(extra);
    return 0;
}

ksc_status mdr_cloud_fail_reply(ksc_module *m, const char *lang, const mdr_cloud_error *err,
                                const mdr_cloud_code_map *map, json_object *extra, char **response)
{
    mdr_rule_error e = {0};
    if (mdr_cloud_code_lookup(err, map, extra, &e))
        return mdr_rule_reply(m->services, lang, &e, response);
    return mdr_cloud_reply_error(m, lang, err, response);
}

/* ---- activation and KSN refusals ---- */

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
