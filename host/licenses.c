/* licenses.c — license keys added to the console (the module reads them, never writes). */
#include "licenses.h"

#include "clock.h"
#include "store.h"

#include <string.h>

json_object *licenses_list(host_ctx *ctx)
{
    host_lock(ctx);
    json_object *arr = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db,
                           "SELECT id, product, code, expires_ms, added_at FROM license_keys "
                           "ORDER BY added_at, id",
                           -1, &st, NULL) == SQLITE_OK) {
        arr = json_object_new_array();
        while (sqlite3_step(st) == SQLITE_ROW) {
            json_object *o = json_object_new_object();
            for (int c = 0; c < 3; c++)
                json_object_object_add(
                    o,
                    c == 0   ? "id"
                    : c == 1 ? "product"
                             : "code",
                    json_object_new_string((const char *)sqlite3_column_text(st, c)));
            json_object_object_add(o, "expires",
                                   sqlite3_column_type(st, 3) == SQLITE_NULL
                                       ? NULL
                                       : json_object_new_int64(sqlite3_column_int64(st, 3)));
            json_object_object_add(o, "added_at",
                                   json_object_new_int64(sqlite3_column_int64(st, 4)));
            json_object_array_add(arr, o);
        }
    }
    sqlite3_finalize(st);
    host_unlock(ctx);
    return arr;
}

static int printable(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max)
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 0;
    return 1;
}

ksc_status licenses_add(host_ctx *ctx, const char *code, const char *product, int64_t expires_ms,
                        char *id_out, size_t id_size, char *err, size_t err_size)
{
    if (!printable(code, 128) || !printable(product, 255)) {
        snprintf(err, err_size, "the code (1..128) and product (1..255) must be printable text");
        return KSC_ERR_INVALID;
    }
    int64_t now = clock_now_ms(ctx);
    host_lock(ctx);
    ksc_status status = KSC_ERR_FAILED;
    sqlite3_stmt *st = NULL;
    int64_t next = 0;
    if (store_begin(ctx->db) != SQLITE_OK)
        goto done;
    if (store_exists(ctx->db, "SELECT 1 FROM license_keys WHERE code = ?1", code, NULL)) {
        snprintf(err, err_size, "this license key is already in the repository");
        status = KSC_ERR_INVALID;
        goto done;
    }
    store_query_int(ctx->db, "SELECT count(*) + 1 FROM license_keys", NULL, NULL, &next);
    snprintf(id_out, id_size, "key-%lld", (long long)next);
    if (sqlite3_prepare_v2(ctx->db,
                           "INSERT INTO license_keys(id, product, code, expires_ms, added_at) "
                           "VALUES(?1, ?2, ?3, ?4, ?5)",
                           -1, &st, NULL) != SQLITE_OK)
        goto done;
    sqlite3_bind_text(st, 1, id_out, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, product, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, code, -1, SQLITE_STATIC);
    if (expires_ms >= 0)
        sqlite3_bind_int64(st, 4, expires_ms);
    else
        sqlite3_bind_null(st, 4);
    sqlite3_bind_int64(st, 5, now);
    if (sqlite3_step(st) == SQLITE_DONE && store_commit(ctx->db) == SQLITE_OK)
        status = KSC_OK;
done:
    if (status == KSC_ERR_FAILED)
        snprintf(err, err_size, "store error: %s", sqlite3_errmsg(ctx->db));
    sqlite3_finalize(st);
    store_rollback(ctx->db);
    host_unlock(ctx);
    return status;
}
