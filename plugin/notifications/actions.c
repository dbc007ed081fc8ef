/* notifications/actions.c — the Notifications tab (help: "Setting up notifications in
 * Kaspersky Security Center"): the signed-in console user's own email and Telegram
 * notifications. Email: an address and at least one category; saving mails a code valid 10
 * minutes; three wrong codes in a row or an expired code offer Resend. Telegram: Get Link
 * gives a one-account chatbot link; a second account needs unsubscribing first. Cloud calls:
 * docs/cloud-api.md "Notifications" (with the caller as `recipient`). Reference:
 * docs/actions/notifications.md. */
#include "core/actions.h"
#include "core/i18n.h"
#include "core/json_get.h"
#include "core/module.h"
#include "core/reply.h"
#include "core/request.h"
#include "core/store.h"
#include "email_address.h"
#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The view of `cloud` (consumed) plus an optional localized message (key, "address"). */
static ksc_status reply_view(ksc_module *m, const ksc_call *call, json_object *cloud,
                             const char *message_key, char **response)
{
    json_object *view = mdr_notifications_view(m, call, cloud);
    json_object_put(cloud);
    if (!view)
        return mdr_reply_store_error(m->services, call->lang, response);
    if (message_key) {
        json_object *em = NULL;
        json_object_object_get_ex(view, "email", &em);
        json_object *ver = NULL;
        json_object_object_get_ex(em, "verification", &ver);
        const char *address = mdr_json_str(ver, "address", mdr_json_str(em, "address", ""));
        const char *params[] = {"address", address, NULL};
        char *text = mdr_trf(call->lang, message_key, params);
        json_object_object_add(view, "message", json_object_new_string(text ? text : ""));
        free(text);
    }
    return mdr_reply_ok(m->services, view, response);
}

static ksc_status cloud_fail(ksc_module *m, const ksc_call *call, const mdr_cloud_error *err,
                             json_object *extra, char **response)
{
    return mdr_cloud_fail_reply(m, call->lang, err, MDR_NOTIFICATION_CODES, extra, response);
}

ksc_status mdr_notifications_get(ksc_module *m, const ksc_call *call, char **response)
{
    ksc_status st = mdr_request_none(m->services, call, response);
    if (st != KSC_OK)
        return st;
    json_object *cloud = NULL;
    mdr_cloud_error err;
    if (mdr_notifications_call(m, call, "get", NULL, &cloud, &err) != MDR_CLOUD_OK)
        return cloud_fail(m, call, &err, NULL, response);
    return reply_view(m, call, cloud, NULL, response);
}

/* ---------------------------------------------------------------- email */

static const mdr_field EMAIL_FIELDS[] = {
    {.name = "address", .type = MDR_FIELD_STRING, .required = 1, .max_len = 4096},
    {.name = "incidents", .type = MDR_FIELD_BOOL},
    {.name = "comments", .type = MDR_FIELD_BOOL},
    {.name = "responses", .type = MDR_FIELD_BOOL},
    {0}};

/* After the cloud mailed a code: its time on the console's clock. */
static ksc_status code_mailed(ksc_module *m, const ksc_call *call, json_object *cloud,
                              char **response)
{
    sqlite3 *db = mdr_store_conn(m->store);
    if (!db || mdr_notification_code_sent(db, call->user, mdr_now(m)) != 0) {
        json_object_put(cloud);
        return mdr_reply_store_error(m->services, call->lang, response);
    }
    return reply_view(m, call, cloud, "notifications.code_sent", response);
}

ksc_status mdr_notifications_email_save(ksc_module *m, const ksc_call *call, char **response)
{
    json_object *req, *cloud = NULL;
    ksc_status st = mdr_request_parse(m->services, call, EMAIL_FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    const char *address = mdr_req_string(req, "address", "");
    if (!mdr_email_address_valid(address)) {
        json_object_put(req);
        return mdr_reply_error(m->services, call->lang, KSC_ERR_INVALID,
                               "notifications_email_invalid", mdr_details_field("address"),
                               response);
    }
    json_object *body = json_object_new_object();
    json_object_object_add(body, "address", json_object_new_string(address));
    st = mdr_notification_categories(m, call, req, body, response);
    json_object_put(req);
    if (st != KSC_OK) {
        json_object_put(body);
        return st;
    }
    mdr_cloud_error err;
    if (mdr_notifications_call(m, call, "email/start", body, &cloud, &err) != MDR_CLOUD_OK)
        return cloud_fail(m, call, &err, NULL, response);
    return code_mailed(m, call, cloud, response);
}

static const mdr_field VERIFY_FIELDS[] = {
    {.name = "code", .type = MDR_FIELD_STRING, .required = 1, .min_len = 6, .max_len = 6}, {0}};

/* The refusal of an expired code, with Resend offered. */
static ksc_status code_expired(ksc_module *m, const ksc_call *call, char **response)
{
    json_object *d = mdr_details_field("code");
    json_object_object_add(d, "resend_offered", json_object_new_boolean(1));
    return mdr_reply_error(m->services, call->lang, KSC_ERR_CONFLICT, "notifications_code_expired",
                           d, response);
}

ksc_status mdr_notifications_email_verify(ksc_module *m, const ksc_call *call, char **response)
{
    json_object *req, *cloud = NULL;
    ksc_status st = mdr_request_parse(m->services, call, VERIFY_FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    const char *code = mdr_req_string(req, "code", "");
    for (size_t i = 0; code[i]; i++)
        if (code[i] < '0' || code[i] > '9') {
            json_object_put(req);
            return mdr_reply_error(m->services, call->lang, KSC_ERR_INVALID, "invalid_value",
                                   mdr_details_field("code"), response);
        }
    sqlite3 *db = mdr_store_conn(m->store);
    int64_t sent = 0;
    int have = db ? mdr_notification_code_get(db, call->user, &sent) : -1;
    if (have < 0) {
        json_object_put(req);
        return mdr_reply_store_error(m->services, call->lang, response);
    }
    if (have == 1 && mdr_now(m) >= sent + MDR_CODE_TTL_MS) {
        json_object_put(req);
        return code_expired(m, call, response);
    }
    json_object *body = json_object_new_object();
    json_object_object_add(body, "code", json_object_new_string(code));
    json_object_put(req);
    mdr_cloud_error err;
    if (mdr_notifications_call(m, call, "email/verify", body, &cloud, &err) != MDR_CLOUD_OK) {
        json_object *extra = json_object_new_object();
        json_object_object_add(extra, "field", json_object_new_string("code"));
        if (strcmp(err.service_code, "code_invalid") == 0) {
            /* How many tries remain before Resend is the only way: from the cloud's state. */
            json_object *now = NULL, *em = NULL, *ver = NULL;
            mdr_cloud_error e2;
            if (mdr_notifications_call(m, call, "get", NULL, &now, &e2) == MDR_CLOUD_OK &&
                json_object_object_get_ex(now, "email", &em) &&
                json_object_object_get_ex(em, "verification", &ver))
                json_object_object_add(extra, "tries_left",
                                       json_object_new_int64(mdr_json_int(ver, "tries_left", 0)));
            json_object_put(now);
        } else if (strcmp(err.service_code, "resend_required") == 0 ||
                   strcmp(err.service_code, "code_expired") == 0) {
            json_object_object_add(extra, "resend_offered", json_object_new_boolean(1));
        }
        return cloud_fail(m, call, &err, extra, response);
    }
    if (db && mdr_notification_code_forget(db, call->user) != 0) {
        json_object_put(cloud);
        return mdr_reply_store_error(m->services, call->lang, response);
    }
    return reply_view(m, call, cloud, "notifications.verified", response);
}

ksc_status mdr_notifications_email_resend(ksc_module *m, const ksc_call *call, char **response)
{
    ksc_status st = mdr_request_none(m->services, call, response);
    if (st != KSC_OK)
        return st;
    json_object *cloud = NULL;
    mdr_cloud_error err;
    if (mdr_notifications_call(m, call, "email/resend", NULL, &cloud, &err) != MDR_CLOUD_OK)
        return cloud_fail(m, call, &err, NULL, response);
    return code_mailed(m, call, cloud, response);
}

ksc_status mdr_notifications_email_disable(ksc_module *m, const ksc_call *call, char **response)
{
    ksc_status st = mdr_request_none(m->services, call, response);
    if (st != KSC_OK)
        return st;
    json_object *cloud = NULL;
    mdr_cloud_error err;
    if (mdr_notifications_call(m, call, "email/disable", NULL, &cloud, &err) != MDR_CLOUD_OK)
        return cloud_fail(m, call, &err, NULL, response);
    sqlite3 *db = mdr_store_conn(m->store);
    if (!db || mdr_notification_code_forget(db, call->user) != 0) {
        json_object_put(cloud);
        return mdr_reply_store_error(m->services, call->lang, response);
    }
    return reply_view(m, call, cloud, NULL, response);
}

/* ---------------------------------------------------------------- Telegram */

static const mdr_field TELEGRAM_FIELDS[] = {{.name = "incidents", .type = MDR_FIELD_BOOL},
                                            {.name = "comments", .type = MDR_FIELD_BOOL},
                                            {.name = "responses", .type = MDR_FIELD_BOOL},
                                            {0}};

ksc_status mdr_notifications_telegram_link(ksc_module *m, const ksc_call *call, char **response)
{
    json_object *req, *answer = NULL, *cloud = NULL;
    ksc_status st = mdr_request_parse(m->services, call, TELEGRAM_FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    json_object *body = json_object_new_object();
    st = mdr_notification_categories(m, call, req, body, response);
    json_object_put(req);
    if (st != KSC_OK) {
        json_object_put(body);
        return st;
    }
    mdr_cloud_error err;
    if (mdr_notifications_call(m, call, "telegram/link", body, &answer, &err) != MDR_CLOUD_OK)
        return cloud_fail(m, call, &err, NULL, response);
    json_object *link = NULL;
    json_object_object_get_ex(answer, "link", &link);
    if (!json_object_is_type(link, json_type_string) ||
        strncmp(json_object_get_string(link), "https://t.me/", 13) != 0) {
        json_object_put(answer); /* not what the cloud must hand out */
        return mdr_reply_internal(m->services, call->lang, response);
    }
    link = json_object_get(link);
    json_object_put(answer);
    if (mdr_notifications_call(m, call, "get", NULL, &cloud, &err) != MDR_CLOUD_OK) {
        json_object_put(link);
        return cloud_fail(m, call, &err, NULL, response);
    }
    json_object *view = mdr_notifications_view(m, call, cloud);
    json_object_put(cloud);
    if (!view) {
        json_object_put(link);
        return mdr_reply_store_error(m->services, call->lang, response);
    }
    json_object_object_add(view, "link", link);
    json_object_object_add(view, "message",
                           json_object_new_string(mdr_tr(call->lang, "notifications.link")));
    return mdr_reply_ok(m->services, view, response);
}

ksc_status mdr_notifications_telegram_unsubscribe(ksc_module *m, const ksc_call *call,
                                                  char **response)
{
    ksc_status st = mdr_request_none(m->services, call, response);
    if (st != KSC_OK)
        return st;
    json_object *cloud = NULL;
    mdr_cloud_error err;
    if (mdr_notifications_call(m, call, "telegram/unsubscribe", NULL, &cloud, &err) != MDR_CLOUD_OK)
        return cloud_fail(m, call, &err, NULL, response);
    return reply_view(m, call, cloud, NULL, response);
}
