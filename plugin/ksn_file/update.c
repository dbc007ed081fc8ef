/* update.c — fetch, verify and install the KSN configuration file (ksn_file.h). */
#include "core/json_get.h"
#include "core/cloud_codes.h"
#include "core/host_view.h"
#include "ksn_file.h"

#include "core/i18n.h"
#include "core/log.h"
#include "core/proc_lock.h"
#include "core/reply.h"
#include "core/test_point.h"
#include "cloud/encoding.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The newest version the service offers, as text ("" when missing). */
static void version_of(json_object *o, char *out, size_t out_size)
{
    json_object *v;
    out[0] = 0;
    if (o && json_object_object_get_ex(o, "version", &v) &&
        (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_string)))
        snprintf(out, out_size, "%s", json_object_get_string(v));
}

typedef struct install_ctx {
    ksc_module *m;
    const char *server, *user, *trigger;
    const unsigned char *file;
    size_t file_len;
    const mdr_ksn_info *info;
    ksc_status host_status;
    int up_to_date;
} install_ctx;

/* Inside one store write transaction, so ten processes checking at once install once: the
 * installed version is read again, the host installs, the history row is written. */
static int install_tx(sqlite3 *db, void *arg)
{
    install_ctx *c = arg;
    json_object *settings = mdr_host_ksn_settings(c->m, c->server);
    char installed[24];
    mdr_host_ksn_version(settings, installed, sizeof installed);
    json_object_put(settings);
    int cmp = 1;
    if (installed[0] && mdr_ksn_version_compare(c->info->version_text, installed, &cmp) == 0 &&
        cmp <= 0) {
        c->up_to_date = 1;
        return 0;
    }
    const ksc_host_services *s = c->m->services;
    c->host_status = s->ksn_install(s->host, c->server, c->user, c->file, c->file_len,
                                    c->info->version_text, c->info->expires_ms);
    if (c->host_status == KSC_ERR_CONFLICT) {
        c->up_to_date = 1; /* another process installed it (the host never downgrades) */
        return 0;
    }
    if (c->host_status != KSC_OK)
        return 1;
    /* The host's store has committed; the module's history has not. A death here is
     * repaired by mdr_ksn_reconcile on the next call. */
    mdr_test_point("ksn.after_host_install");
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "INSERT OR IGNORE INTO ksn_history (server, version, sha256, issued_ms, "
                           "expires_ms, installed_ms, installed_by, trigger) VALUES (?1, ?2, ?3, "
                           "?4, ?5, ?6, ?7, ?8)",
                           -1, &st, NULL) != SQLITE_OK)
        return 0; /* installed on the host: the history is secondary, keep the commit */
    sqlite3_bind_text(st, 1, c->server, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, c->info->version);
    sqlite3_bind_text(st, 3, c->info->sha256_hex, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, c->info->issued_ms);
    sqlite3_bind_int64(st, 5, c->info->expires_ms);
    sqlite3_bind_int64(st, 6, s->now_ms(s->host));
    sqlite3_bind_text(st, 7, c->user, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 8, c->trigger, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE)
        mdr_log(s, KSC_LOG_WARNING, "ksn history: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return 0;
}

void mdr_ksn_reconcile(ksc_module *m, const char *server, json_object *settings)
{
    json_object *config = NULL, *v = NULL;
    if (!settings || !json_object_object_get_ex(settings, "config", &config) ||
        !json_object_is_type(config, json_type_object) ||
        (json_object_object_get_ex(settings, "inherited_from", &v) && v))
        return; /* nothing installed, or a virtual server's (its main server's) file */
    char text[24];
    mdr_host_ksn_version(settings, text, sizeof text);
    char *end = NULL;
    long long version = strtoll(text, &end, 10);
    if (!text[0] || *end || version <= 0)
        return;
    sqlite3 *db = mdr_store_conn(m->store);
    sqlite3_stmt *st = NULL;
    /* OR IGNORE: the row is there when the module's own commit made it (UNIQUE server,
     * version), so this is a no-op on every call but the first after such a death. */
    if (!db || sqlite3_prepare_v2(db,
                                  "INSERT OR IGNORE INTO ksn_history (server, version, sha256, "
                                  "issued_ms, expires_ms, installed_ms, installed_by, trigger) "
                                  "VALUES (?1, ?2, ?3, 0, ?4, ?5, ?6, 'reconciled')",
                                  -1, &st, NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        return;
    }
    sqlite3_bind_text(st, 1, server ? server : "main", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, version);
    sqlite3_bind_text(st, 3, mdr_json_str(config, "sha256", ""), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, mdr_json_int(config, "expires", 0));
    sqlite3_bind_int64(st, 5, mdr_json_int(config, "installed_at", 0));
    sqlite3_bind_text(st, 6, mdr_json_str(config, "installed_by", ""), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE)
        mdr_log(m->services, KSC_LOG_WARNING, "ksn history reconcile: %s", sqlite3_errmsg(db));
    else if (sqlite3_changes(db) > 0)
        mdr_log(m->services, KSC_LOG_WARNING,
                "KSN file version %s was installed on %s but not recorded; recorded now", text,
                server ? server : "main");
    sqlite3_finalize(st);
}

static void cloud_failed(mdr_ksn_update_result *out, const mdr_cloud_error *err)
{
    out->cloud_err = *err;
    /* Not activated, consent revoked, no session: nothing to install, not a fault. */
    if (err->status == MDR_CLOUD_ERR_SIGN_IN_REQUIRED ||
        (err->status == MDR_CLOUD_ERR_HTTP && err->http_status == 409))
        out->outcome = MDR_KSN_NOT_ACTIVE;
    else
        out->outcome = MDR_KSN_CLOUD_FAILED;
}

void mdr_ksn_update(ksc_module *m, const char *server, const char *user, const char *trigger,
                    mdr_ksn_update_result *out)
{
    memset(out, 0, sizeof *out);
    out->host_status = KSC_OK;
    int virt = mdr_server_is_virtual(m, server);
    if (virt != 0) {
        out->outcome = virt == 1 ? MDR_KSN_VIRTUAL : MDR_KSN_FAILED;
        snprintf(out->detail, sizeof out->detail, "unknown Administration Server");
        return;
    }
    if (!mdr_cloud_session_usable(m)) {
        mdr_cloud_fail(&out->cloud_err, MDR_CLOUD_ERR_SIGN_IN_REQUIRED, "not signed in");
        out->outcome = MDR_KSN_NOT_ACTIVE;
        return;
    }
    json_object *settings = mdr_host_ksn_settings(m, server);
    mdr_host_ksn_version(settings, out->installed_before, sizeof out->installed_before);
    mdr_ksn_reconcile(m, server, settings);
    json_object_put(settings);

    json_object *current = NULL;
    mdr_cloud_error err;
    if (mdr_cloud_console(m, "ksn/current", NULL, 1, &current, &err) != MDR_CLOUD_OK) {
        cloud_failed(out, &err);
        return;
    }
    version_of(current, out->version, sizeof out->version);
    json_object_put(current);
    int cmp = 1;
    if (out->installed_before[0]) {
        if (mdr_ksn_version_compare(out->version, out->installed_before, &cmp) != 0) {
            out->outcome = MDR_KSN_FAILED;
            snprintf(out->detail, sizeof out->detail, "the service named no valid version");
            return;
        }
        if (cmp == 0) {
            out->outcome = MDR_KSN_UP_TO_DATE;
            return;
        }
        if (cmp < 0) {
            /* The service offers a file older than the installed one: never downgrade. */
            out->outcome = MDR_KSN_REFUSED;
            out->older = 1;
            return;
        }
    }
    if (!*m->config->ksn_trust_anchor) {
        out->outcome = MDR_KSN_REFUSED;
        out->ksn_err.status = MDR_KSN_ERR_TRUST_ANCHOR;
        return;
    }

    /* One download across threads and processes: ten logins at once fetch the file once.
     * Whoever waited finds the version installed when it gets the lock. */
    const mdr_config *cf = m->config;
    long wait = 2 * (long)cf->cloud_timeout_ms * ((long)cf->cloud_max_retries + 1) + 15000;
    int lock = mdr_proc_lock(mdr_store_path(m->store), "ksn-fetch", wait);
    settings = mdr_host_ksn_settings(m, server);
    char installed_now[24];
    mdr_host_ksn_version(settings, installed_now, sizeof installed_now);
    json_object_put(settings);
    if (installed_now[0] && mdr_ksn_version_compare(out->version, installed_now, &cmp) == 0 &&
        cmp <= 0) {
        mdr_proc_unlock(lock);
        out->outcome = MDR_KSN_UP_TO_DATE;
        return;
    }
    json_object *answer = NULL;
    if (mdr_cloud_console(m, "ksn/file", NULL, 1, &answer, &err) != MDR_CLOUD_OK) {
        mdr_proc_unlock(lock);
        cloud_failed(out, &err);
        return;
    }
    size_t len = 0;
    unsigned char *file = NULL;
    int decoded = mdr_base64_decode(mdr_json_str(answer, "content_base64", NULL), MDR_KSN_MAX_FILE,
                                    &file, &len) == 0;
    json_object_put(answer);
    if (!decoded) {
        mdr_proc_unlock(lock);
        mdr_cloud_fail(&out->cloud_err, MDR_CLOUD_ERR_BAD_RESPONSE,
                       "ksn/file did not carry a base64 file");
        out->outcome = MDR_KSN_CLOUD_FAILED;
        return;
    }
    mdr_ksn_info info = {0};
    const ksc_host_services *s = m->services;
    if (mdr_ksn_verify(file, len, m->config->ksn_trust_anchor, s->now_ms(s->host), &info,
                       &out->ksn_err) != MDR_KSN_OK) {
        mdr_log(s, KSC_LOG_WARNING, "KSN file version %s refused: %s", out->version,
                out->ksn_err.detail);
        out->outcome = MDR_KSN_REFUSED;
        mdr_proc_unlock(lock);
        free(file);
        return;
    }
    snprintf(out->version, sizeof out->version, "%s", info.version_text);
    out->expires_ms = info.expires_ms;
    if (out->installed_before[0] &&
        (mdr_ksn_version_compare(info.version_text, out->installed_before, &cmp) != 0 ||
         cmp <= 0)) {
        /* The service offers a file older than the installed one: never downgrade. */
        out->outcome = MDR_KSN_REFUSED;
        out->older = 1;
        mdr_proc_unlock(lock);
        mdr_ksn_info_clear(&info);
        free(file);
        return;
    }
    install_ctx c = {m, server, user, trigger, file, len, &info, KSC_OK, 0};
    int rc = mdr_store_tx(m->store, install_tx, &c);
    mdr_proc_unlock(lock);
    out->host_status = c.host_status;
    if (rc == 0 && c.up_to_date)
        out->outcome = MDR_KSN_UP_TO_DATE;
    else if (rc == 0)
        out->outcome = MDR_KSN_INSTALLED;
    else if (c.host_status == KSC_ERR_DENIED)
        out->outcome = MDR_KSN_DENIED;
    else {
        out->outcome = MDR_KSN_FAILED;
        snprintf(out->detail, sizeof out->detail,
                 c.host_status != KSC_OK ? "the Administration Server refused the file (status %d)"
                                         : "the module's store is not available (status %d)",
                 (int)c.host_status);
    }
    if (out->outcome == MDR_KSN_INSTALLED)
        mdr_log(s, KSC_LOG_INFO, "KSN file version %s installed on %s by %s (%s)", out->version,
                server, user, trigger);
    mdr_ksn_info_clear(&info);
    free(file);
}

ksc_status mdr_ksn_reply_failure(ksc_module *m, const ksc_call *call,
                                 const mdr_ksn_update_result *r, char **response)
{
    const ksc_host_services *s = m->services;
    json_object *d = json_object_new_object();
    /* Versions only when known: a virtual server's refusal comes before anything is fetched. */
    if (r->version[0])
        json_object_object_add(d, "version", json_object_new_string(r->version));
    if (r->installed_before[0])
        json_object_object_add(d, "installed_version", json_object_new_string(r->installed_before));
    switch (r->outcome) {
    case MDR_KSN_VIRTUAL:
        json_object_object_add(d, "server", json_object_new_string(call->server));
        return mdr_reply_error(s, call->lang, KSC_ERR_CONFLICT, "ksn_virtual_server", d, response);
    case MDR_KSN_DENIED:
        return mdr_reply_error(s, call->lang, KSC_ERR_DENIED, "ksn_install_denied", d, response);
    case MDR_KSN_REFUSED: {
        if (r->older)
            return mdr_reply_error(s, call->lang, KSC_ERR_CONFLICT, "ksn_older", d, response);
        /* ksn.error.<x> says why; the reply code is ksn_<x>. */
        const char *key = mdr_ksn_status_key(r->ksn_err.status);
        char code[64];
        snprintf(code, sizeof code, "ksn_%s", strrchr(key, '.') + 1);
        json_object *inner = json_object_new_object();
        json_object_object_add(inner, "code", json_object_new_string(code));
        json_object_object_add(inner, "message", json_object_new_string(mdr_tr(call->lang, key)));
        json_object_object_add(d, "reason", json_object_new_string(r->ksn_err.detail));
        json_object_object_add(inner, "details", d);
        json_object *outer = json_object_new_object();
        json_object_object_add(outer, "error", inner);
        return mdr_reply_ok(s, outer, response) == KSC_OK ? KSC_ERR_FAILED : KSC_ERR_NO_MEMORY;
    }
    case MDR_KSN_NOT_ACTIVE:
    case MDR_KSN_CLOUD_FAILED:
        json_object_put(d);
        return mdr_activation_reply_cloud(m, call, &r->cloud_err, response);
    default:
        json_object_object_add(d, "reason", json_object_new_string(r->detail));
        return mdr_reply_error(s, call->lang, KSC_ERR_FAILED, "ksn_install_failed", d, response);
    }
}
