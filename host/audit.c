/* audit.c — the audit trail in the host store (audit.h). The table is append-only: triggers
 * of migration 3 refuse UPDATE and DELETE. */
#include "audit.h"

#include "clock.h"
#include "store.h"
#include "ksc_secret_name.h"
#include "ksc_utc_time.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void scrub(json_object *o)
{
    if (json_object_is_type(o, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(o); i++)
            scrub(json_object_array_get_idx(o, i));
        return;
    }
    if (!json_object_is_type(o, json_type_object))
        return;
    json_object_object_foreach(o, k, v)
    {
        if (ksc_secret_name(k))
            json_object_object_add(o, k, json_object_new_string("***"));
        else
            scrub(v);
    }
}

static int is_string(json_object *o, const char *key, int null_ok)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v))
        return null_ok;
    return v ? json_object_is_type(v, json_type_string) && json_object_get_string_len(v) > 0 &&
                   json_object_get_string_len(v) <= 255
             : null_ok;
}

static ksc_status insert(host_ctx *ctx, const char *module, json_object *rec)
{
    json_object *server = NULL;
    json_object_object_get_ex(rec, "server", &server);
    const char *text = json_object_to_json_string_ext(rec, JSON_C_TO_STRING_PLAIN);
    int64_t now = clock_now_ms(ctx);
    host_lock(ctx);
    ksc_status status = KSC_ERR_FAILED;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db,
                           "INSERT INTO audit(time_ms, module, user, server, action, result, "
                           "record) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                           -1, &st, NULL) == SQLITE_OK) {
        json_object *v;
        sqlite3_bind_int64(st, 1, now);
        sqlite3_bind_text(st, 2, module, -1, SQLITE_TRANSIENT);
        json_object_object_get_ex(rec, "user", &v);
        sqlite3_bind_text(st, 3, json_object_get_string(v), -1, SQLITE_TRANSIENT);
        if (server)
            sqlite3_bind_text(st, 4, json_object_get_string(server), -1, SQLITE_TRANSIENT);
        json_object_object_get_ex(rec, "action", &v);
        sqlite3_bind_text(st, 5, json_object_get_string(v), -1, SQLITE_TRANSIENT);
        json_object_object_get_ex(rec, "result", &v);
        sqlite3_bind_text(st, 6, json_object_get_string(v), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 7, text, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) == SQLITE_DONE)
            status = KSC_OK;
    }
    if (status != KSC_OK)
        host_log(ctx, module, KSC_LOG_ERROR, "audit: cannot store a record: %s",
                 sqlite3_errmsg(ctx->db));
    sqlite3_finalize(st);
    host_unlock(ctx);
    return status;
}

ksc_status audit_append(host_ctx *ctx, const char *module, const char *record_json)
{
    if (!record_json || strlen(record_json) > AUDIT_MAX_RECORD)
        return KSC_ERR_INVALID;
    json_object *rec = json_tokener_parse(record_json);
    if (!json_object_is_type(rec, json_type_object) || !is_string(rec, "user", 0) ||
        !is_string(rec, "action", 0) || !is_string(rec, "result", 0) ||
        !is_string(rec, "server", 1)) {
        json_object_put(rec);
        host_log(ctx, module, KSC_LOG_WARNING, "audit: a record was refused (not a valid record)");
        return KSC_ERR_INVALID;
    }
    /* what the host adds is its own: a module cannot set them */
    json_object_object_del(rec, "seq");
    json_object_object_del(rec, "time");
    json_object_object_del(rec, "time_ms");
    json_object_object_del(rec, "module");
    scrub(rec);
    ksc_status st = insert(ctx, module, rec);
    json_object_put(rec);
    return st;
}

void audit_denied(host_ctx *ctx, const char *module, const char *user, const char *server,
                  const char *action, json_object *missing_areas)
{
    json_object *rec = json_object_new_object();
    json_object_object_add(rec, "user", json_object_new_string(user));
    json_object_object_add(rec, "server", json_object_new_string(server));
    json_object_object_add(rec, "action", json_object_new_string(action));
    json_object_object_add(rec, "category", json_object_new_string("access"));
    json_object_object_add(rec, "object", NULL);
    json_object_object_add(rec, "before", NULL);
    json_object_object_add(rec, "after", NULL);
    json_object_object_add(rec, "missing_rights", json_object_get(missing_areas));
    json_object_object_add(rec, "result", json_object_new_string("denied"));
    insert(ctx, module, rec);
    json_object_put(rec);
}

static json_object *iso_time(int64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    char buf[40];
    if (!gmtime_r(&t, &tm))
        return NULL;
    size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, sizeof buf - n, ".%03dZ", (int)(ms % 1000));
    return json_object_new_string(buf);
}

json_object *audit_list(host_ctx *ctx, const audit_filter *f)
{
    host_lock(ctx);
    json_object *arr = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db,
                           "SELECT seq, time_ms, module, record FROM audit WHERE (?1 IS NULL OR "
                           "user = ?1) AND (?2 IS NULL OR server = ?2) AND (?3 IS NULL OR "
                           "action = ?3) AND time_ms >= ?4 ORDER BY seq DESC LIMIT ?5",
                           -1, &st, NULL) != SQLITE_OK)
        goto done;
    if (f->user)
        sqlite3_bind_text(st, 1, f->user, -1, SQLITE_STATIC);
    if (f->server)
        sqlite3_bind_text(st, 2, f->server, -1, SQLITE_STATIC);
    if (f->action)
        sqlite3_bind_text(st, 3, f->action, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, f->since_ms);
    sqlite3_bind_int64(st, 5, f->limit);
    arr = json_object_new_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_object *o = json_object_new_object();
        int64_t ms = sqlite3_column_int64(st, 1);
        json_object_object_add(o, "seq", json_object_new_int64(sqlite3_column_int64(st, 0)));
        json_object_object_add(o, "time", iso_time(ms));
        json_object_object_add(o, "time_ms", json_object_new_int64(ms));
        json_object_object_add(o, "module",
                               json_object_new_string((const char *)sqlite3_column_text(st, 2)));
        json_object *rec = json_tokener_parse((const char *)sqlite3_column_text(st, 3));
        if (json_object_is_type(rec, json_type_object)) {
            json_object_object_foreach(rec, k, v) json_object_object_add(o, k, json_object_get(v));
        }
        json_object_put(rec);
        json_object_array_add(arr, o);
    }
    if (rc != SQLITE_DONE) {
        json_object_put(arr);
        arr = NULL;
    }
done:
    sqlite3_finalize(st);
    host_unlock(ctx);
    return arr;
}

int audit_parse_since(const char *s, int64_t *out_ms)
{
    if (!s || !*s)
        return -1;
    size_t len = strlen(s);
    if (strspn(s, "0123456789") == len) {
        if (len > 15)
            return -1;
        *out_ms = strtoll(s, NULL, 10);
        return 0;
    }
    return ksc_utc_parse(s, out_ms);
}
