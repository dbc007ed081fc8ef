/* settings/actions.c — the Settings tab's MDR settings (help: "Viewing and editing the MDR
 * settings in Kaspersky Security Center", "Receiving extended notifications", "Switching the
 * language for notifications and reports"): mdr.settings.get (everyone in the MDR section)
 * and mdr.settings.update (MDR Administrator). Extended email notifications are off by
 * default; turning them on needs the explicit confirmation of the catalog's text, recorded
 * with who and when (consent.h). Like the help's Save button, an update that changes nothing
 * is refused. Auto-acceptance of responses: auto_accept.c. Reference:
 * docs/actions/settings.md. */
#include "consent.h"
#include "core/actions.h"
#include "core/i18n.h"
#include "core/json_get.h"
#include "core/module.h"
#include "core/reply.h"
#include "core/request.h"
#include "core/store.h"
#include "view.h"

#include <stdio.h>
#include <string.h>

static const char *const LANGUAGES[] = {"en", "ru", NULL};

/* The answer of both actions: the cloud's flags, the language, the consent record while
 * extended notifications are on, and the text a user must confirm, in their language. */
static ksc_status reply_settings(ksc_module *m, const ksc_call *call, json_object *cloud,
                                 json_object *changed, char **response)
{
    int extended = mdr_json_bool(cloud, "extended_notifications", 0), err = 0;
    json_object *consent = NULL;
    if (extended) {
        sqlite3 *db = mdr_store_conn(m->store);
        consent = db ? mdr_consent_current(db, &err) : NULL;
        if (!db || err) {
            json_object_put(changed);
            return mdr_reply_store_error(m->services, call->lang, response);
        }
    }
    const char *lang = mdr_json_str(cloud, "language", "en");
    char key[64];
    snprintf(key, sizeof key, "settings.language.%s", strcmp(lang, "ru") == 0 ? "ru" : "en");
    json_object *out = json_object_new_object();
    json_object_object_add(out, "extended_notifications", json_object_new_boolean(extended));
    json_object_object_add(out, "consent", consent);
    json_object_object_add(out, "consent_text",
                           json_object_new_string(mdr_tr(call->lang, "settings.consent.text")));
    json_object_object_add(out, "language", json_object_new_string(lang));
    json_object_object_add(out, "language_name", json_object_new_string(mdr_tr(call->lang, key)));
    if (changed)
        json_object_object_add(out, "changed", changed);
    return mdr_reply_ok(m->services, out, response);
}

ksc_status mdr_settings_get(ksc_module *m, const ksc_call *call, char **response)
{
    ksc_status st = mdr_request_none(m->services, call, response);
    if (st != KSC_OK)
        return st;
    json_object *cloud = NULL;
    mdr_cloud_error err;
    if (mdr_settings_fetch(m, &cloud, &err) != MDR_CLOUD_OK)
        return mdr_cloud_fail_reply(m, call->lang, &err, MDR_SETTINGS_CODES, NULL, response);
    st = reply_settings(m, call, cloud, NULL, response);
    json_object_put(cloud);
    return st;
}

static const mdr_field UPDATE_FIELDS[] = {
    {.name = "extended_notifications", .type = MDR_FIELD_BOOL},
    {.name = "confirm", .type = MDR_FIELD_BOOL},
    {.name = "language", .type = MDR_FIELD_ENUM, .choices = LANGUAGES},
    {0}};

ksc_status mdr_settings_update(ksc_module *m, const ksc_call *call, char **response)
{
    json_object *req, *cloud = NULL;
    ksc_status st = mdr_request_parse(m->services, call, UPDATE_FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    mdr_cloud_error err;
    if (mdr_settings_fetch(m, &cloud, &err) != MDR_CLOUD_OK) {
        json_object_put(req);
        return mdr_cloud_fail_reply(m, call->lang, &err, MDR_SETTINGS_CODES, NULL, response);
    }
    int was_on = mdr_json_bool(cloud, "extended_notifications", 0);
    int want_on = mdr_req_bool(req, "extended_notifications", was_on);
    const char *was_lang = mdr_json_str(cloud, "language", "en");
    const char *want_lang = mdr_req_string(req, "language", was_lang);
    json_object *body = json_object_new_object(), *changed = json_object_new_array();
    if (want_on != was_on) {
        json_object_object_add(body, "extended_notifications", json_object_new_boolean(want_on));
        json_object_array_add(changed, json_object_new_string("extended_notifications"));
    }
    if (strcmp(want_lang, was_lang) != 0) {
        json_object_object_add(body, "language", json_object_new_string(want_lang));
        json_object_array_add(changed, json_object_new_string("language"));
    }
    const char *refusal = NULL, *field = NULL;
    if (json_object_array_length(changed) == 0)
        refusal = "settings_no_changes"; /* the help's Save button stays disabled */
    else if (want_on && !was_on && !mdr_req_bool(req, "confirm", 0))
        refusal = "settings_consent_required", field = "confirm";
    if (refusal) {
        json_object *d = field ? mdr_details_field(field) : json_object_new_object();
        if (strcmp(refusal, "settings_consent_required") == 0)
            json_object_object_add(
                d, "text", json_object_new_string(mdr_tr(call->lang, "settings.consent.text")));
        json_object_put(body);
        json_object_put(changed);
        json_object_put(cloud);
        json_object_put(req);
        return mdr_reply_error(m->services, call->lang,
                               strcmp(refusal, "settings_no_changes") == 0 ? KSC_ERR_CONFLICT
                                                                           : KSC_ERR_INVALID,
                               refusal, d, response);
    }
    json_object_put(cloud);
    cloud = NULL;

    /* The consent record is written pending first, so a process that dies after the cloud
     * took the change still knows who confirmed what; a refusal drops it. */
    int64_t consent_id = -1;
    sqlite3 *db = mdr_store_conn(m->store);
    if (want_on && !was_on) {
        json_object_object_add(body, "extended_consent", json_object_new_boolean(1));
        if (!db ||
            mdr_consent_begin(db, call->user, mdr_now(m), call->lang,
                              mdr_tr(call->lang, "settings.consent.text"), &consent_id) != 0) {
            json_object_put(body);
            json_object_put(changed);
            json_object_put(req);
            return mdr_reply_store_error(m->services, call->lang, response);
        }
    }
    mdr_cloud_status cs = mdr_settings_push(m, body, &cloud, &err);
    json_object_put(body);
    json_object_put(req);
    if (cs != MDR_CLOUD_OK) {
        if (consent_id >= 0)
            mdr_consent_drop(db, consent_id);
        json_object_put(changed);
        return mdr_cloud_fail_reply(m, call->lang, &err, MDR_SETTINGS_CODES, NULL, response);
    }
    if (consent_id >= 0 && mdr_consent_confirm(db, consent_id) != 0) {
        json_object_put(cloud);
        json_object_put(changed);
        return mdr_reply_store_error(m->services, call->lang, response);
    }
    st = reply_settings(m, call, cloud, changed, response);
    json_object_put(cloud);
    return st;
}
