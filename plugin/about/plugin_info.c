/* about/plugin_info.c — the module describing itself: mdr.plugin.info. */
#include "core/actions.h"
#include "core/i18n.h"
#include "core/reply.h"
#include "core/request.h"
#include "core/rights.h"

#include <stdlib.h>

static const mdr_field INFO_FIELDS[] = {{0}};

static json_object *areas_json(const mdr_rights *r, const char *lang)
{
    json_object *list = json_object_new_array();
    for (size_t i = 0; i < r->area_count; i++) {
        json_object *a = json_object_new_object();
        json_object_object_add(a, "id", json_object_new_string(r->areas[i].id));
        json_object_object_add(a, "title",
                               json_object_new_string(mdr_tr(lang, r->areas[i].title_key)));
        json_object_array_add(list, a);
    }
    return list;
}

static json_object *actions_json(const mdr_rights *r)
{
    json_object *list = json_object_new_array();
    for (size_t i = 0; i < r->action_count; i++) {
        json_object *a = json_object_new_object(), *req = json_object_new_array();
        for (const char *const *area = r->actions[i].required_areas; *area; area++)
            json_object_array_add(req, json_object_new_string(*area));
        json_object_object_add(a, "name", json_object_new_string(r->actions[i].name));
        json_object_object_add(a, "required_areas", req);
        json_object_array_add(list, a);
    }
    return list;
}

ksc_status mdr_plugin_info(ksc_module *m, const ksc_call *call, char **response)
{
    json_object *request;
    ksc_status status = mdr_request_parse(m->services, call, INFO_FIELDS, &request, response);
    if (status != KSC_OK)
        return status;
    json_object_put(request);

    char err[256];
    const mdr_rights *r = mdr_rights_get(err, sizeof err);
    int schema = mdr_store_schema_version(m->store);
    if (!r)
        return mdr_reply_internal(m->services, call->lang, response);
    if (schema < 0)
        return mdr_reply_store_error(m->services, call->lang, response);

    const char *params[] = {"version", MDR_MODULE_VERSION, NULL};
    char *summary = mdr_trf(call->lang, "plugin.summary", params);
    json_object *abi = json_object_new_object();
    json_object_object_add(abi, "major", json_object_new_int(KSC_PLUGIN_ABI_MAJOR));
    json_object_object_add(abi, "minor", json_object_new_int(KSC_PLUGIN_ABI_MINOR));
    json_object *store = json_object_new_object();
    json_object_object_add(store, "path", json_object_new_string(mdr_store_path(m->store)));
    json_object_object_add(store, "schema_version", json_object_new_int(schema));
    json_object_object_add(store, "module_schema_version",
                           json_object_new_int(mdr_store_module_schema_version(m->store)));

    json_object *out = json_object_new_object();
    json_object_object_add(out, "name", json_object_new_string(MDR_MODULE_NAME));
    json_object_object_add(out, "title",
                           json_object_new_string(mdr_tr(call->lang, "plugin.title")));
    json_object_object_add(out, "version", json_object_new_string(MDR_MODULE_VERSION));
    json_object_object_add(out, "summary", json_object_new_string(summary ? summary : ""));
    json_object_object_add(out, "abi", abi);
    json_object_object_add(out, "areas", areas_json(r, call->lang));
    json_object_object_add(out, "actions", actions_json(r));
    json_object_object_add(out, "store", store);
    json_object_object_add(out, "config", mdr_config_to_json(m->config));
    free(summary);
    return mdr_reply_ok(m->services, out, response);
}
