#include "cache.h"
#include "view.h"
#include "core/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REFRESHED_KEY "licenses.refreshed_ms"

static json_object *change(json_object *l, const char *from, const char *to)
{
    json_object *c = json_object_new_object();
    json_object_object_add(c, "license_id",
                           json_object_new_string(mdr_json_str(l, "license_id", "")));
    json_object_object_add(c, "name", json_object_new_string(mdr_json_str(l, "name", "")));
    json_object_object_add(c, "from", from ? json_object_new_string(from) : NULL);
    json_object_object_add(c, "to", to ? json_object_new_string(to) : NULL);
    return c;
}

int mdr_license_cache_save(sqlite3 *db, json_object *list, int64_t now_ms, json_object **changes)
{
    int64_t ignored;
    json_object *old = mdr_license_cache_load(db, &ignored);
    if (!old)
        return -1;
    json_object *diff = json_object_new_array();
    size_t n = json_object_array_length(list);
    for (size_t i = 0; i < n; i++) {
        json_object *l = json_object_array_get_idx(list, i);
        json_object *was = mdr_licenses_find(old, mdr_json_str(l, "license_id", ""));
        const char *to = mdr_json_str(l, "status", "");
        const char *from = was ? mdr_json_str(was, "status", "") : NULL;
        if (!from || strcmp(from, to) != 0)
            json_object_array_add(diff, change(l, from, to));
    }
    size_t m = json_object_array_length(old);
    for (size_t i = 0; i < m; i++) {
        json_object *l = json_object_array_get_idx(old, i);
        if (!mdr_licenses_find(list, mdr_json_str(l, "license_id", "")))
            json_object_array_add(diff, change(l, mdr_json_str(l, "status", ""), NULL));
    }
    json_object_put(old);

    int rc = sqlite3_exec(db, "DELETE FROM license_cache", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
    sqlite3_stmt *st = NULL;
    if (rc == 0 && sqlite3_prepare_v2(db,
                                      "INSERT INTO license_cache (license_id, position, status, "
                                      "body, seen_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
                                      -1, &st, NULL) != SQLITE_OK)
        rc = -1;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        json_object *l = json_object_array_get_idx(list, i);
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, mdr_json_str(l, "license_id", ""), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
        sqlite3_bind_text(st, 3, mdr_json_str(l, "status", ""), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, json_object_to_json_string_ext(l, JSON_C_TO_STRING_PLAIN), -1,
                          SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 5, now_ms);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = -1;
    }
    sqlite3_finalize(st);
    char when[24];
    snprintf(when, sizeof when, "%lld", (long long)now_ms);
    if (rc == 0)
        rc = mdr_setting_set(db, REFRESHED_KEY, when);
    if (rc == 0 && changes)
        *changes = diff;
    else
        json_object_put(diff);
    return rc;
}

json_object *mdr_license_cache_load(sqlite3 *db, int64_t *refreshed_ms)
{
    *refreshed_ms = 0;
    char *when = NULL;
    int got = mdr_setting_get(db, REFRESHED_KEY, &when);
    if (got < 0)
        return NULL;
    if (got == 0) {
        *refreshed_ms = strtoll(when, NULL, 10);
        free(when);
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT body FROM license_cache ORDER BY position", -1, &st, NULL) !=
        SQLITE_OK) {
        sqlite3_finalize(st);
        return NULL;
    }
    json_object *out = json_object_new_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_object *l = json_tokener_parse((const char *)sqlite3_column_text(st, 0));
        if (l)
            json_object_array_add(out, l);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        json_object_put(out);
        return NULL;
    }
    return out;
}
