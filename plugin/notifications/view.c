/* view.c — the caller's notifications: recipient, view, code record (view.h). */
#include "view.h"

#include "core/json_get.h"
#include "core/module.h"
#include "core/reply.h"
#include "core/request.h"
#include "core/store.h"

#include <stdio.h>
#include <string.h>

const mdr_cloud_code_map MDR_NOTIFICATION_CODES[] = {
    {"invalid_email", KSC_ERR_INVALID, "notifications_email_invalid"},
    {"category_required", KSC_ERR_INVALID, "notifications_category_required"},
    {"code_invalid", KSC_ERR_INVALID, "notifications_code_invalid"},
    {"resend_required", KSC_ERR_CONFLICT, "notifications_resend_required"},
    {"code_expired", KSC_ERR_CONFLICT, "notifications_code_expired"},
    {"no_verification_pending", KSC_ERR_CONFLICT, "notifications_no_verification"},
    {"already_subscribed", KSC_ERR_CONFLICT, "notifications_telegram_subscribed"},
    {"recipient_limit", KSC_ERR_CONFLICT, "notifications_recipient_limit"},
    {NULL, 0, NULL}};

mdr_cloud_status mdr_notifications_call(ksc_module *m, const ksc_call *call, const char *path,
                                        json_object *body, json_object **out, mdr_cloud_error *err)
{
    char full[96];
    snprintf(full, sizeof full, "notifications/%s", path);
    if (!body)
        body = json_object_new_object();
    json_object_object_add(body, "recipient", json_object_new_string(call->user));
    /* Only the read is retried: a repeated verify would count a wrong try twice. */
    int idempotent = strcmp(path, "get") == 0;
    mdr_cloud_status st = mdr_cloud_console(m, full, body, idempotent, out, err);
    json_object_put(body);
    return st;
}

static json_object *copy_member(json_object *from, const char *key)
{
    json_object *v = NULL;
    json_object_object_get_ex(from, key, &v);
    return json_object_get(v);
}

static json_object *channel(json_object *c, const char *const *keys)
{
    json_object *out = json_object_new_object();
    for (size_t i = 0; keys[i]; i++)
        json_object_object_add(out, keys[i], copy_member(c, keys[i]));
    return out;
}

json_object *mdr_notifications_view(ksc_module *m, const ksc_call *call, json_object *cloud)
{
    static const char *const EMAIL[] = {"enabled", "incidents", "comments", "responses",
                                        "address", "verified",  NULL};
    static const char *const TELEGRAM[] = {
        "enabled", "incidents", "comments", "responses", "subscribed", "link_outstanding", NULL};
    sqlite3 *db = mdr_store_conn(m->store);
    int64_t sent = 0;
    int have = db ? mdr_notification_code_get(db, call->user, &sent) : -1;
    if (have < 0)
        return NULL;
    json_object *em = NULL, *tg = NULL, *ver = NULL;
    json_object_object_get_ex(cloud, "email", &em);
    json_object_object_get_ex(cloud, "telegram", &tg);
    json_object_object_get_ex(em, "verification", &ver);
    const char *status = mdr_json_str(ver, "status", "none");
    int64_t now = mdr_now(m);
    /* The code's 10 minutes also run on the console's clock: what the user was told. */
    if (strcmp(status, "pending") == 0 && have == 1 && now >= sent + MDR_CODE_TTL_MS)
        status = "expired";
    json_object *v = json_object_new_object();
    json_object_object_add(v, "status", json_object_new_string(status));
    if (strcmp(status, "none") != 0) {
        json_object_object_add(v, "address", copy_member(ver, "address"));
        json_object_object_add(v, "tries_left", copy_member(ver, "tries_left"));
        if (have == 1)
            json_object_object_add(v, "expires_time",
                                   json_object_new_int64(sent + MDR_CODE_TTL_MS));
    }
    json_object_object_add(v, "resend_offered",
                           json_object_new_boolean(strcmp(status, "expired") == 0 ||
                                                   strcmp(status, "resend_required") == 0));
    json_object *email = channel(em, EMAIL);
    json_object_object_add(email, "verification", v);
    json_object *out = json_object_new_object();
    json_object_object_add(out, "recipient", json_object_new_string(call->user));
    json_object_object_add(out, "email", email);
    json_object_object_add(out, "telegram", channel(tg, TELEGRAM));
    return out;
}

int mdr_notification_code_sent(sqlite3 *db, const char *user, int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO notification_codes (user_name, sent_ms) VALUES (?1, ?2) "
                           "ON CONFLICT (user_name) DO UPDATE SET sent_ms = excluded.sent_ms",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, user, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, now_ms);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    sqlite3_finalize(st);
    return rc;
}

int mdr_notification_code_forget(sqlite3 *db, const char *user)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "DELETE FROM notification_codes WHERE user_name = ?1", -1, &st,
                           NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, user, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    sqlite3_finalize(st);
    return rc;
}

int mdr_notification_code_get(sqlite3 *db, const char *user, int64_t *sent_ms)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT sent_ms FROM notification_codes WHERE user_name = ?1", -1,
                           &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, user, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW) {
        *sent_ms = sqlite3_column_int64(st, 0);
        found = 1;
    } else if (rc != SQLITE_DONE) {
        found = -1;
    }
    sqlite3_finalize(st);
    return found;
}

ksc_status mdr_notification_categories(ksc_module *m, const ksc_call *call, json_object *req,
                                       json_object *body, char **response)
{
    static const char *const NAMES[] = {"incidents", "comments", "responses", NULL};
    int any = 0;
    for (size_t i = 0; NAMES[i]; i++) {
        int on = mdr_req_bool(req, NAMES[i], 0);
        any |= on;
        json_object_object_add(body, NAMES[i], json_object_new_boolean(on));
    }
    if (any)
        return KSC_OK;
    return mdr_reply_error(m->services, call->lang, KSC_ERR_INVALID,
                           "notifications_category_required",
                           mdr_details_field("incidents, comments, responses"), response);
}
