/* notifications.c — what a module tells a console user. */
#include "notifications.h"

#include "clock.h"
#include "store.h"

#include <string.h>

#define MAX_TITLE 1024
#define MAX_TEXT 65536

static const char *severity_name(int s)
{
    return s == KSC_NOTIFY_CRITICAL ? "critical" : s == KSC_NOTIFY_WARNING ? "warning" : "info";
}

ksc_status notifications_add(host_ctx *ctx, const char *user, ksc_notification_severity severity,
                             const char *title, const char *text)
{
    if (!user || !title || !text || strlen(title) > MAX_TITLE || strlen(text) > MAX_TEXT ||
        severity < KSC_NOTIFY_INFO || severity > KSC_NOTIFY_CRITICAL)
        return KSC_ERR_INVALID;
    int64_t now = clock_now_ms(ctx);
    host_lock(ctx);
    ksc_status status = KSC_ERR_NOT_FOUND;
    sqlite3_stmt *st = NULL;
    if (store_exists(ctx->db, "SELECT 1 FROM users WHERE name = ?1", user, NULL)) {
        status = KSC_ERR_FAILED;
        if (sqlite3_prepare_v2(ctx->db,
                               "INSERT INTO notifications(user, severity, title, text, "
                               "created_ms) VALUES(?1, ?2, ?3, ?4, ?5)",
                               -1, &st, NULL) == SQLITE_OK) {
            sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
            sqlite3_bind_int(st, 2, (int)severity);
            sqlite3_bind_text(st, 3, title, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 5, now);
            if (sqlite3_step(st) == SQLITE_DONE)
                status = KSC_OK;
        }
    }
    sqlite3_finalize(st);
    host_unlock(ctx);
    return status;
}

json_object *notifications_list(host_ctx *ctx, const char *user, int unread_only, int mark_read)
{
    host_lock(ctx);
    json_object *arr = NULL;
    sqlite3_stmt *st = NULL;
    if (mark_read && store_begin(ctx->db) != SQLITE_OK)
        goto done;
    const char *sql = unread_only ? "SELECT id, severity, title, text, created_ms, read FROM "
                                    "notifications WHERE user = ?1 AND read = 0 ORDER BY id"
                                  : "SELECT id, severity, title, text, created_ms, read FROM "
                                    "notifications WHERE user = ?1 ORDER BY id";
    if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK)
        goto done;
    sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
    arr = json_object_new_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_object *n = json_object_new_object();
        json_object_object_add(n, "id", json_object_new_int64(sqlite3_column_int64(st, 0)));
        json_object_object_add(n, "severity",
                               json_object_new_string(severity_name(sqlite3_column_int(st, 1))));
        json_object_object_add(n, "title",
                               json_object_new_string((const char *)sqlite3_column_text(st, 2)));
        json_object_object_add(n, "text",
                               json_object_new_string((const char *)sqlite3_column_text(st, 3)));
        json_object_object_add(n, "created", json_object_new_int64(sqlite3_column_int64(st, 4)));
        json_object_object_add(n, "read", json_object_new_boolean(sqlite3_column_int(st, 5)));
        json_object_array_add(arr, n);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc != SQLITE_DONE)
        goto fail;
    if (mark_read) {
        if (sqlite3_prepare_v2(ctx->db,
                               "UPDATE notifications SET read = 1 WHERE user = ?1 AND id = ?2", -1,
                               &st, NULL) != SQLITE_OK)
            goto fail;
        for (size_t i = 0; i < json_object_array_length(arr); i++) {
            json_object *id;
            json_object_object_get_ex(json_object_array_get_idx(arr, i), "id", &id);
            sqlite3_reset(st);
            sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 2, json_object_get_int64(id));
            if (sqlite3_step(st) != SQLITE_DONE)
                goto fail;
        }
        if (store_commit(ctx->db) != SQLITE_OK)
            goto fail;
    }
    goto done;
fail:
    json_object_put(arr);
    arr = NULL;
done:
    sqlite3_finalize(st);
    store_rollback(ctx->db);
    host_unlock(ctx);
    return arr;
}
