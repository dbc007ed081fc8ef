/* servers.c — the server hierarchy: one main server ("main") and virtual servers under it. */
#include "servers.h"

#include "store.h"
#include <string.h>

int servers_exists(host_ctx *ctx, const char *name)
{
    host_lock(ctx);
    int yes = name && store_exists(ctx->db, "SELECT 1 FROM servers WHERE name = ?1", name, NULL);
    host_unlock(ctx);
    return yes;
}

json_object *servers_list(host_ctx *ctx, int with_details)
{
    host_lock(ctx);
    json_object *arr = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db,
                           "SELECT name, kind, parent, background FROM servers ORDER BY kind, "
                           "name",
                           -1, &st, NULL) == SQLITE_OK) {
        arr = json_object_new_array();
        while (sqlite3_step(st) == SQLITE_ROW) {
            json_object *o = json_object_new_object();
            json_object_object_add(
                o, "name", json_object_new_string((const char *)sqlite3_column_text(st, 0)));
            json_object_object_add(
                o, "kind", json_object_new_string((const char *)sqlite3_column_text(st, 1)));
            if (sqlite3_column_type(st, 2) != SQLITE_NULL)
                json_object_object_add(
                    o, "parent", json_object_new_string((const char *)sqlite3_column_text(st, 2)));
            if (with_details)
                json_object_object_add(o, "background_connection",
                                       json_object_new_boolean(sqlite3_column_int(st, 3)));
            json_object_array_add(arr, o);
        }
    }
    sqlite3_finalize(st);
    host_unlock(ctx);
    return arr;
}

ksc_status servers_add_virtual(host_ctx *ctx, const char *name, char *err, size_t err_size)
{
    if (!host_valid_name(name)) {
        snprintf(err, err_size, "invalid server name '%s': 1..64 of A-Z a-z 0-9 . _ - @", name);
        return KSC_ERR_INVALID;
    }
    host_lock(ctx);
    ksc_status status = KSC_ERR_FAILED;
    sqlite3_stmt *st = NULL;
    if (store_exists(ctx->db, "SELECT 1 FROM servers WHERE name = ?1", name, NULL)) {
        snprintf(err, err_size, "the server '%s' already exists", name);
        status = KSC_ERR_INVALID;
    } else if (sqlite3_prepare_v2(ctx->db,
                                  "INSERT INTO servers(name, kind, parent) VALUES(?1, 'virtual', "
                                  "'main')",
                                  -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_DONE)
            status = KSC_OK;
        else
            snprintf(err, err_size, "store error: %s", sqlite3_errmsg(ctx->db));
    }
    sqlite3_finalize(st);
    host_unlock(ctx);
    return status;
}

ksc_status servers_set_background(host_ctx *ctx, const char *name, int on)
{
    host_lock(ctx);
    ksc_status status = KSC_ERR_NOT_FOUND;
    sqlite3_stmt *st = NULL;
    if (store_exists(ctx->db, "SELECT 1 FROM servers WHERE name = ?1", name, NULL) &&
        sqlite3_prepare_v2(ctx->db, "UPDATE servers SET background = ?2 WHERE name = ?1", -1, &st,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, on ? 1 : 0);
        status = sqlite3_step(st) == SQLITE_DONE ? KSC_OK : KSC_ERR_FAILED;
    }
    sqlite3_finalize(st);
    host_unlock(ctx);
    return status;
}

int servers_background(host_ctx *ctx, const char *name)
{
    int64_t on = 0;
    host_lock(ctx);
    if (store_query_int(ctx->db, "SELECT background FROM servers WHERE name = ?1",
                        name ? name : "main", NULL, &on) != 1)
        on = 0;
    host_unlock(ctx);
    return on != 0;
}

/* The kinds the help tells apart; a static string, "on_premises" when unreadable. */
static const char *const CONSOLE_KINDS[] = {"on_premises", "cloud", "cloud_trial", NULL};

const char *servers_console_kind(host_ctx *ctx)
{
    const char *kind = CONSOLE_KINDS[0];
    sqlite3_stmt *st = NULL;
    host_lock(ctx);
    if (sqlite3_prepare_v2(ctx->db, "SELECT kind FROM console WHERE id = 1", -1, &st, NULL) ==
            SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        for (const char *const *k = CONSOLE_KINDS; v && *k; k++)
            if (strcmp(*k, v) == 0)
                kind = *k;
    }
    sqlite3_finalize(st);
    host_unlock(ctx);
    return kind;
}

ksc_status servers_set_console_kind(host_ctx *ctx, const char *kind)
{
    int known = 0;
    for (const char *const *k = CONSOLE_KINDS; *k; k++)
        known |= strcmp(*k, kind) == 0;
    if (!known)
        return KSC_ERR_INVALID;
    sqlite3_stmt *st = NULL;
    host_lock(ctx);
    int ok = sqlite3_prepare_v2(ctx->db, "UPDATE console SET kind = ?1 WHERE id = 1", -1, &st,
                                NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(st, 1, kind, -1, SQLITE_TRANSIENT);
        ok = sqlite3_step(st) == SQLITE_DONE;
    }
    sqlite3_finalize(st);
    host_unlock(ctx);
    return ok ? KSC_OK : KSC_ERR_FAILED;
}
