/* consent.c — the extended notifications' consent record (consent.h). */
#include "consent.h"

#include <stddef.h>

int mdr_consent_begin(sqlite3 *db, const char *user, int64_t now_ms, const char *lang,
                      const char *text, int64_t *id)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO settings_consent (confirmed_by, confirmed_ms, lang, text, "
                           "pending) VALUES (?1, ?2, ?3, ?4, 1)",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, user, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, now_ms);
    sqlite3_bind_text(st, 3, lang, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, text, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    sqlite3_finalize(st);
    if (rc == 0)
        *id = sqlite3_last_insert_rowid(db);
    return rc;
}

static int exec_id(sqlite3 *db, const char *sql, int64_t id)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    sqlite3_finalize(st);
    return rc;
}

int mdr_consent_confirm(sqlite3 *db, int64_t id)
{
    return exec_id(db, "UPDATE settings_consent SET pending = 0 WHERE id = ?1", id);
}

int mdr_consent_drop(sqlite3 *db, int64_t id)
{
    return exec_id(db, "DELETE FROM settings_consent WHERE id = ?1", id);
}

json_object *mdr_consent_current(sqlite3 *db, int *err)
{
    sqlite3_stmt *st = NULL;
    *err = 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT confirmed_by, confirmed_ms, lang, text FROM settings_consent "
                           "ORDER BY id DESC LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK) {
        *err = 1;
        return NULL;
    }
    json_object *out = NULL;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out = json_object_new_object();
        json_object_object_add(out, "confirmed_by",
                               json_object_new_string((const char *)sqlite3_column_text(st, 0)));
        json_object_object_add(out, "confirmed_time",
                               json_object_new_int64(sqlite3_column_int64(st, 1)));
        json_object_object_add(out, "language",
                               json_object_new_string((const char *)sqlite3_column_text(st, 2)));
        json_object_object_add(out, "text",
                               json_object_new_string((const char *)sqlite3_column_text(st, 3)));
    } else if (rc != SQLITE_DONE) {
        *err = 1;
    }
    sqlite3_finalize(st);
    return out;
}
