/* ksn_file/actions.c — the KSN configuration file: its status, installing the newest one now, and
 * the rotation at every user login (notifications in the user's language). */
#include "core/actions.h"
#include "core/audit.h"
#include "core/json_get.h"
#include "core/cloud_codes.h"
#include "core/host_view.h"
#include "ksn_file.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/reply.h"
#include "core/request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS (24LL * 3600 * 1000)
#define EXPIRY_WARNING_DAYS 30

static int64_t json_i64(json_object *o, const char *key, int64_t fallback)
{
    json_object *v;
    return o && json_object_object_get_ex(o, key, &v) && !json_object_is_type(v, json_type_null)
               ? json_object_get_int64(v)
               : fallback;
}

/* The history of files the module installed on `server`, newest first. */
static json_object *history(ksc_module *m, const char *server)
{
    json_object *arr = json_object_new_array();
    sqlite3 *db = mdr_store_conn(m->store);
    sqlite3_stmt *st = NULL;
    if (!db || sqlite3_prepare_v2(db,
                                  "SELECT version, sha256, issued_ms, expires_ms, installed_ms, "
                                  "installed_by, trigger FROM ksn_history WHERE server = ?1 "
                                  "ORDER BY version DESC LIMIT 50",
                                  -1, &st, NULL) != SQLITE_OK)
        return arr;
    sqlite3_bind_text(st, 1, server, -1, SQLITE_TRANSIENT);
    while (sqlite3_step(st) == SQLITE_ROW) {
        json_object *h = json_object_new_object();
        json_object_object_add(h, "version", json_object_new_int64(sqlite3_column_int64(st, 0)));
        json_object_object_add(h, "sha256",
                               json_object_new_string((const char *)sqlite3_column_text(st, 1)));
        json_object_object_add(h, "issued_time",
                               json_object_new_int64(sqlite3_column_int64(st, 2)));
        json_object_object_add(h, "expires_time",
                               json_object_new_int64(sqlite3_column_int64(st, 3)));
        json_object_object_add(h, "installed_time",
                               json_object_new_int64(sqlite3_column_int64(st, 4)));
        json_object_object_add(h, "installed_by",
                               json_object_new_string((const char *)sqlite3_column_text(st, 5)));
        json_object_object_add(h, "trigger",
                               json_object_new_string((const char *)sqlite3_column_text(st, 6)));
        json_object_array_add(arr, h);
    }
    sqlite3_finalize(st);
    return arr;
}

/* {installed: {version, expires_time, installed_time, installed_by} | null, kpsn_enabled,
 * inherited_from, newest: {…} | null, expires_soon, warning, history}. */
json_object *mdr_ksn_status_json(ksc_module *m, const char *server, const char *lang)
{
    const ksc_host_services *s = m->services;
    json_object *o = json_object_new_object();
    json_object *settings = mdr_host_ksn_settings(m, server), *config = NULL, *v;
    mdr_ksn_reconcile(m, server, settings);
    json_object_object_add(o, "server", json_object_new_string(server));
    json_object_object_add(o, "ksn_enabled",
                           json_object_new_boolean(
                               settings && json_object_object_get_ex(settings, "ksn_enabled", &v) &&
                               json_object_get_boolean(v)));
    json_object_object_add(
        o, "kpsn_enabled",
        json_object_new_boolean(settings &&
                                json_object_object_get_ex(settings, "kpsn_enabled", &v) &&
                                json_object_get_boolean(v)));
    json_object_object_add(o, "inherited_from",
                           settings && json_object_object_get_ex(settings, "inherited_from", &v)
                               ? json_object_get(v)
                               : NULL);
    int64_t now = s->now_ms(s->host);
    int expires_soon = 0;
    if (settings && json_object_object_get_ex(settings, "config", &config) &&
        json_object_is_type(config, json_type_object)) {
        json_object *inst = json_object_new_object();
        char version[24];
        mdr_host_ksn_version(settings, version, sizeof version);
        int64_t expires = json_i64(config, "expires", 0);
        json_object_object_add(inst, "version", json_object_new_string(version));
        json_object_object_add(inst, "expires_time", json_object_new_int64(expires));
        json_object_object_add(inst, "installed_time",
                               json_object_new_int64(json_i64(config, "installed_at", 0)));
        if (json_object_object_get_ex(config, "installed_by", &v))
            json_object_object_add(inst, "installed_by", json_object_get(v));
        int64_t days = (expires - now) / DAY_MS;
        json_object_object_add(inst, "days_left", json_object_new_int64(days));
        json_object_object_add(inst, "expired", json_object_new_boolean(expires <= now));
        expires_soon = expires - now <= EXPIRY_WARNING_DAYS * DAY_MS;
        json_object_object_add(o, "installed", inst);
        if (expires_soon) {
            char d[24];
            snprintf(d, sizeof d, "%lld", (long long)(days < 0 ? 0 : days));
            const char *params[] = {"version", version, "days", d, NULL};
            char *w = mdr_trf(
                lang, expires <= now ? "ksn.warning.expired" : "ksn.warning.expires_soon", params);
            json_object_object_add(o, "warning", json_object_new_string(w ? w : ""));
            free(w);
        }
    } else {
        json_object_object_add(o, "installed", NULL);
    }
    json_object_object_add(o, "expires_soon", json_object_new_boolean(expires_soon));
    json_object_put(settings);

    /* The newest the service offers (when signed in and activated). */
    json_object *current = NULL;
    mdr_cloud_error err;
    if (mdr_cloud_session_usable(m) &&
        mdr_cloud_console(m, "ksn/current", NULL, 1, &current, &err) == MDR_CLOUD_OK) {
        json_object *newest = json_object_new_object();
        static const char *const keys[] = {
            "version", "issued_time", "expires_time", "expired", "expires_soon", "sha256", NULL};
        for (const char *const *k = keys; *k; k++)
            if (json_object_object_get_ex(current, *k, &v))
                json_object_object_add(newest, *k, json_object_get(v));
        json_object_object_add(o, "newest", newest);
        json_object_put(current);
    } else {
        json_object_object_add(o, "newest", NULL);
    }
    json_object_object_add(o, "history", history(m, server));
    return o;
}

ksc_status mdr_ksn_status_action(ksc_module *m, const ksc_call *call, char **response)
{
    ksc_status st = mdr_request_none(m->services, call, response);
    if (st != KSC_OK)
        return st;
    return mdr_reply_ok(m->services, mdr_ksn_status_json(m, call->server, call->lang), response);
}

ksc_status mdr_ksn_update_action(ksc_module *m, const ksc_call *call, char **response)
{
    ksc_status st = mdr_request_none(m->services, call, response);
    if (st != KSC_OK)
        return st;
    mdr_ksn_update_result r;
    mdr_ksn_update(m, call->server, call->user, "action", &r);
    if (r.outcome != MDR_KSN_INSTALLED && r.outcome != MDR_KSN_UP_TO_DATE)
        return mdr_ksn_reply_failure(m, call, &r, response);
    json_object *out = json_object_new_object();
    json_object_object_add(out, "installed",
                           json_object_new_boolean(r.outcome == MDR_KSN_INSTALLED));
    json_object_object_add(out, "up_to_date", json_object_new_boolean(1));
    json_object_object_add(out, "version", json_object_new_string(r.version));
    json_object_object_add(out, "previous_version", json_object_new_string(r.installed_before));
    const char *params[] = {"version", r.version, NULL};
    char *msg = mdr_trf(
        call->lang, r.outcome == MDR_KSN_INSTALLED ? "ksn.notify.updated.text" : "ksn.up_to_date",
        params);
    json_object_object_add(out, "message", json_object_new_string(msg ? msg : ""));
    free(msg);
    return mdr_reply_ok(m->services, out, response);
}

/* ---- rotation at login -------------------------------------------------------------------- */

static void notify(ksc_module *m, const mdr_login *login, ksc_notification_severity sev,
                   const char *title_key, const char *text_key, const char *const *params)
{
    const ksc_host_services *s = m->services;
    if (!s->notify)
        return;
    char *text = mdr_trf(login->lang, text_key, params);
    if (text)
        s->notify(s->host, login->user, sev, mdr_tr(login->lang, title_key), text);
    free(text);
}

/* The audit record of a rotation at login that installed a file or tried and failed: the
 * user who logged in made it. Nothing to do (up to date, virtual, not active) is no change. */
static void audit_rotation(ksc_module *m, const mdr_login *login, const mdr_ksn_update_result *r)
{
    if (r->outcome == MDR_KSN_UP_TO_DATE || r->outcome == MDR_KSN_VIRTUAL ||
        r->outcome == MDR_KSN_NOT_ACTIVE)
        return;
    char result[64] = "ok";
    if (r->outcome != MDR_KSN_INSTALLED) { /* the code mdr.ksn.update would answer */
        ksc_call c = {sizeof c, "mdr.ksn.update", login->user, login->server, "en", "{}", NULL};
        char *reply = NULL;
        mdr_ksn_reply_failure(m, &c, r, &reply);
        json_object *o = reply ? json_tokener_parse(reply) : NULL, *e = NULL;
        json_object_object_get_ex(o, "error", &e);
        snprintf(result, sizeof result, "%s", mdr_json_str(e, "code", "ksn_install_failed"));
        json_object_put(o);
        m->services->free(reply);
    }
    json_object *before = json_object_new_object(), *after = json_object_new_object();
    json_object_object_add(before, "version", json_object_new_string(r->installed_before));
    if (r->outcome == MDR_KSN_INSTALLED) {
        json_object_object_add(after, "version", json_object_new_string(r->version));
        json_object_object_add(after, "installed", json_object_new_boolean(1));
    }
    mdr_audit_event(m, "login", login->user, login->server, "mdr.ksn.update", "ksn_file",
                    login->server, NULL, before, r->outcome == MDR_KSN_INSTALLED ? after : NULL,
                    result);
    json_object_put(before);
    json_object_put(after);
}

void mdr_ksn_on_login(ksc_module *m, const mdr_login *login)
{
    if (!login->user || !login->server)
        return;
    mdr_ksn_update_result r;
    mdr_ksn_update(m, login->server, login->user, "login", &r);
    audit_rotation(m, login, &r);
    const char *params[] = {"version", r.version, "reason", NULL, NULL};
    char reason[600];
    switch (r.outcome) {
    case MDR_KSN_INSTALLED:
        notify(m, login, KSC_NOTIFY_INFO, "ksn.notify.updated.title", "ksn.notify.updated.text",
               params);
        return;
    case MDR_KSN_DENIED:
        notify(m, login, KSC_NOTIFY_WARNING, "ksn.notify.denied.title", "ksn.notify.denied.text",
               params);
        return;
    case MDR_KSN_UP_TO_DATE:
    case MDR_KSN_VIRTUAL:
    case MDR_KSN_NOT_ACTIVE:
        return; /* nothing to do, or nothing this server can do */
    case MDR_KSN_REFUSED:
        snprintf(reason, sizeof reason, "%s",
                 r.older ? mdr_tr(login->lang, "error.ksn_older")
                         : mdr_tr(login->lang, mdr_ksn_status_key(r.ksn_err.status)));
        break;
    case MDR_KSN_CLOUD_FAILED: {
        char *msg = mdr_cloud_error_message(login->lang, &r.cloud_err);
        snprintf(reason, sizeof reason, "%s", msg ? msg : "");
        free(msg);
        break;
    }
    default:
        snprintf(reason, sizeof reason, "%s", r.detail);
        break;
    }
    params[3] = reason;
    mdr_log(m->services, KSC_LOG_WARNING, "KSN file rotation at login of %s failed: %s",
            login->user, reason);
    notify(m, login, KSC_NOTIFY_CRITICAL, "ksn.notify.failed.title", "ksn.notify.failed.text",
           params);
}
