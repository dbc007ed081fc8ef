#include "cloud_codes.h"
#include "module.h"

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
