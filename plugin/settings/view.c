/* view.c — the cloud's settings calls and refusals (view.h). */
#include "view.h"

const mdr_cloud_code_map MDR_SETTINGS_CODES[] = {
    {"no_changes", KSC_ERR_CONFLICT, "settings_no_changes"},
    {"consent_required", KSC_ERR_INVALID, "settings_consent_required"},
    {"invalid_language", KSC_ERR_INVALID, "settings_language_invalid"},
    {"wrong_mode", KSC_ERR_CONFLICT, "auto_accept_wrong_mode"},
    {"tenant_not_found", KSC_ERR_NOT_FOUND, "tenant_not_found"},
    {NULL, 0, NULL}};

mdr_cloud_status mdr_settings_fetch(ksc_module *m, json_object **out, mdr_cloud_error *err)
{
    json_object *body = json_object_new_object();
    mdr_cloud_status st = mdr_cloud_console(m, "settings/get", body, 1, out, err);
    json_object_put(body);
    return st;
}

mdr_cloud_status mdr_settings_push(ksc_module *m, json_object *body, json_object **out,
                                   mdr_cloud_error *err)
{
    return mdr_cloud_console(m, "settings/update", body, 0, out, err);
}
