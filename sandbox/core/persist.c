/* persist.c — the --state file: one SQLite table, one JSON document per module. The state
 * is written at clean shutdown (SIGTERM/SIGINT) and on POST /admin/state/save. */
#include "core/persist.h"
#include "core/state.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static sqlite3 *open_db(const char *path)
{
    sqlite3 *db = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK) {
        fprintf(stderr, "mdr-sandbox: cannot open state %s: %s\n", path, sqlite3_errmsg(db));
        sqlite3_close(db);
        return NULL;
    }
    if (sqlite3_exec(db,
                     "CREATE TABLE IF NOT EXISTS modules(name TEXT PRIMARY KEY, state TEXT "
                     "NOT NULL)",
                     NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "mdr-sandbox: state %s: %s\n", path, sqlite3_errmsg(db));
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

int persist_load(sbx_ctx *ctx, sbx_router *r, int *loaded)
{
    *loaded = 0;
    if (!ctx->state_path || access(ctx->state_path, F_OK) != 0)
        return 0;
    sqlite3 *db = open_db(ctx->state_path);
    if (!db)
        return -1;
    sqlite3_stmt *st = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(db, "SELECT state FROM modules WHERE name = ?", -1, &st, NULL) !=
        SQLITE_OK) {
        sqlite3_close(db);
        return -1;
    }
    for (size_t i = 0; i < r->module_count && rc == 0; i++) {
        const sbx_module *m = r->modules[i];
        if (!m->load)
            continue;
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, m->name, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_ROW) {
            if (i == 0)
                break; /* no core state: an empty file, start fresh */
            continue;
        }
        json_object *state = json_tokener_parse((const char *)sqlite3_column_text(st, 0));
        if (!state || m->load(ctx, state) != 0) {
            fprintf(stderr, "mdr-sandbox: the saved state of %s cannot be loaded\n", m->name);
            rc = -1;
        } else if (i == 0) {
            *loaded = 1;
        }
        json_object_put(state);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rc;
}

int persist_save(sbx_ctx *ctx, sbx_router *r)
{
    if (!ctx->state_path)
        return 0;
    sqlite3 *db = open_db(ctx->state_path);
    if (!db)
        return -1;
    sqlite3_stmt *st = NULL;
    int rc = 0;
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO modules(name, state) VALUES (?, ?)", -1, &st,
                           NULL) != SQLITE_OK)
        rc = -1;
    for (size_t i = 0; i < r->module_count && rc == 0; i++) {
        const sbx_module *m = r->modules[i];
        if (!m->save)
            continue;
        json_object *state = m->save(ctx);
        if (!state)
            continue;
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, m->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, json_object_to_json_string_ext(state, JSON_C_TO_STRING_PLAIN), -1,
                          SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = -1;
        json_object_put(state);
    }
    sqlite3_finalize(st);
    if (sqlite3_exec(db, rc == 0 ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
        rc = -1;
    if (rc != 0)
        fprintf(stderr, "mdr-sandbox: saving the state failed: %s\n", sqlite3_errmsg(db));
    sqlite3_close(db);
    if (rc == 0)
        core_of(ctx)->dirty = 0;
    return rc;
}
