/* activation/usage.c — MDR Usage: activation status, license, region and storage, the KSN/KPSN file
 * (on a virtual server: its main server's, with the help's sentence), the terms, and the
 * weekly custom-incident quota. */
#include "core/actions.h"
#include "activation.h"
#include "core/i18n.h"
#include "core/reply.h"
#include "core/request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUOTA_BASE 3
#define QUOTA_ENDPOINTS_PER_EXTRA 10000

static json_object *get(json_object *o, const char *key)
{
    json_object *v = NULL;
    return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static json_object *copy(json_object *o, const char *key)
{
    return json_object_get(get(o, key));
}

/* "3 a week + 1 per 10,000 connected endpoints". */
static json_object *quota_json(json_object *usage)
{
    json_object *ci = get(usage, "custom_incidents");
    int64_t connected = json_object_get_int64(get(usage, "connected_assets"));
    int64_t quota = QUOTA_BASE + connected / QUOTA_ENDPOINTS_PER_EXTRA;
    int64_t used = json_object_get_int64(get(ci, "used"));
    json_object *q = json_object_new_object();
    json_object_object_add(q, "connected_endpoints", json_object_new_int64(connected));
    json_object_object_add(q, "quota", json_object_new_int64(quota));
    json_object_object_add(q, "used", json_object_new_int64(used));
    json_object_object_add(q, "remaining", json_object_new_int64(used < quota ? quota - used : 0));
    json_object_object_add(q, "period_start", copy(ci, "period_start"));
    json_object_object_add(q, "period_end", copy(ci, "period_end"));
    return q;
}

/* The tiers whose customers can create custom incidents (help: "Comparison of commercial
 * license tiers": MDR/MDR Expert, MDR Advanced, MDR Prime; not Optimum nor Basic). */
static int tier_has_custom_incidents(const char *tier)
{
    static const char *const with[] = {"expert", "advanced", "prime", NULL};
    for (const char *const *t = with; tier && *t; t++)
        if (strcmp(*t, tier) == 0)
            return 1;
    return 0;
}

/* The KPSN block; on a virtual server the main server's file with the help's sentence. */
static json_object *kpsn_json(ksc_module *m, const ksc_call *call)
{
    json_object *k = mdr_ksn_status_json(m, call->server, call->lang);
    json_object *inst = get(k, "installed");
    int is_virtual = mdr_server_is_virtual(m, call->server) == 1;
    json_object_object_add(k, "virtual_server", json_object_new_boolean(is_virtual));
    if (inst && json_object_is_type(inst, json_type_object)) {
        const char *params[] = {"version", json_object_get_string(get(inst, "version")), NULL};
        char *sentence = mdr_trf(call->lang, "usage.kpsn_in_use", params);
        json_object_object_add(k, "status_text", json_object_new_string(sentence ? sentence : ""));
        free(sentence);
    } else {
        json_object_object_add(k, "status_text",
                               json_object_new_string(mdr_tr(call->lang, "usage.kpsn_none")));
    }
    return k;
}

ksc_status mdr_usage_get(ksc_module *m, const ksc_call *call, char **response)
{
    ksc_status st = mdr_request_none(m->services, call, response);
    if (st != KSC_OK)
        return st;

    json_object *out = json_object_new_object();
    json_object *status = NULL, *licenses = NULL, *usage = NULL;
    mdr_cloud_error err = {0};
    mdr_cloud_status cs = MDR_CLOUD_ERR_SIGN_IN_REQUIRED;
    if (mdr_cloud_session_usable(m))
        cs = mdr_cloud_console(m, "activation/status", NULL, 1, &status, &err);
    if (cs != MDR_CLOUD_OK && cs != MDR_CLOUD_ERR_SIGN_IN_REQUIRED) {
        json_object_put(out);
        return mdr_activation_reply_cloud(m, call, &err, response);
    }
    const char *state = status ? json_object_get_string(get(status, "state")) : "not_signed_in";
    json_object *act = json_object_new_object();
    json_object_object_add(act, "state", json_object_new_string(state));
    char key[96];
    snprintf(key, sizeof key, "usage.state.%s", state);
    json_object_object_add(act, "state_text", json_object_new_string(mdr_tr(call->lang, key)));
    json_object_object_add(act, "activated", copy(status, "activated"));
    json_object_object_add(act, "organization", copy(status, "organization"));
    json_object_object_add(out, "activation", act);

    json_object *region = get(status, "region");
    json_object_object_add(out, "region",
                           region && json_object_is_type(region, json_type_string)
                               ? mdr_region_json(call->lang, json_object_get_string(region))
                               : NULL);
    json_object *terms = json_object_new_object();
    json_object_object_add(terms, "agreements", copy(status, "agreements"));
    json_object_object_add(terms, "agreements_accepted", copy(status, "agreements_accepted"));
    json_object_object_add(terms, "ksn_statement_accepted", copy(status, "ksn_statement_accepted"));
    json_object_object_add(terms, "consent_revoked",
                           json_object_new_boolean(strcmp(state, "consent_revoked") == 0));
    json_object_object_add(out, "terms", terms);

    /* License and quota exist once activated; a refusal there (409) is not an error here. */
    int active = status && json_object_get_boolean(get(status, "activated"));
    if (active && mdr_cloud_console(m, "licenses/list", NULL, 1, &licenses, &err) != MDR_CLOUD_OK &&
        !(err.status == MDR_CLOUD_ERR_HTTP && err.http_status == 409)) {
        json_object_put(status);
        json_object_put(out);
        return mdr_activation_reply_cloud(m, call, &err, response);
    }
    json_object *license = NULL;
    for (size_t i = 0; licenses && json_object_is_type(licenses, json_type_array) &&
                       i < json_object_array_length(licenses);
         i++) {
        json_object *l = json_object_array_get_idx(licenses, i);
        if (json_object_get_boolean(get(l, "current"))) {
            license = json_object_get(l);
            break;
        }
    }
    json_object_object_add(out, "license", license);
    json_object_object_add(out, "licenses", licenses ? licenses : json_object_new_array());
    if (active && mdr_cloud_console(m, "usage/get", NULL, 1, &usage, &err) != MDR_CLOUD_OK &&
        !(err.status == MDR_CLOUD_ERR_HTTP && err.http_status == 409)) {
        json_object_put(status);
        json_object_put(out);
        return mdr_activation_reply_cloud(m, call, &err, response);
    }
    /* the quota only where the tier allows custom incidents at all */
    json_object *tier = get(license, "tier");
    int custom = tier && tier_has_custom_incidents(json_object_get_string(tier));
    json_object_object_add(out, "custom_incidents_available", json_object_new_boolean(custom));
    json_object_object_add(out, "custom_incidents", usage && custom ? quota_json(usage) : NULL);
    json_object_put(usage);
    json_object_put(status);

    json_object_object_add(out, "kpsn", kpsn_json(m, call));
    json_object_object_add(out, "notice", json_object_new_string(mdr_us_notice(call->lang)));
    return mdr_reply_ok(m->services, out, response);
}
