/* store.c — opening the host store: WAL, busy timeout, forward migrations. */
#include "store.h"

#include "migrations.h"

#include <stdio.h>

/* Several ksc-host processes share the store (e.g. concurrent logins): wait, don't fail. */
#define STORE_BUSY_TIMEOUT_MS 30000

int store_schema_version(void)
{
    return (int)host_migration_count;
}

int store_exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

int store_begin(sqlite3 *db)
{
    return store_exec(db, "BEGIN IMMEDIATE");
}

int store_commit(sqlite3 *db)
{
    return store_exec(db, "COMMIT");
}

void store_rollback(sqlite3 *db)
{
    if (!sqlite3_get_autocommit(db))
        store_exec(db, "ROLLBACK");
}

static sqlite3_stmt *prepare2(sqlite3 *db, const char *sql, const char *p1, const char *p2)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return NULL;
    if (p1)
        sqlite3_bind_text(st, 1, p1, -1, SQLITE_TRANSIENT);
    if (p2)
        sqlite3_bind_text(st, 2, p2, -1, SQLITE_TRANSIENT);
    return st;
}

int store_query_int(sqlite3 *db, const char *sql, const char *p1, const char *p2, int64_t *out)
{
    sqlite3_stmt *st = prepare2(db, sql, p1, p2);
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    int result = -1;
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(st, 0);
        result = 1;
    } else if (rc == SQLITE_DONE) {
        result = 0;
    }
    sqlite3_finalize(st);
    return result;
}

int store_exists(sqlite3 *db, const char *sql, const char *p1, const char *p2)
{
    int64_t v;
    return store_query_int(db, sql, p1, p2, &v) == 1;
}

sqlite3 *store_open(const char *path, char *err, size_t err_size)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        snprintf(err, err_size, "cannot open the host store %s: %s", path,
                 db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, STORE_BUSY_TIMEOUT_MS);
    if (store_exec(db, "PRAGMA journal_mode=WAL") != SQLITE_OK ||
        store_exec(db, "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL") != SQLITE_OK) {
        snprintf(err, err_size, "cannot set up the host store %s: %s", path, sqlite3_errmsg(db));
        sqlite3_close(db);
        return NULL;
    }
    int64_t version = 0;
    if (store_query_int(db, "PRAGMA user_version", NULL, NULL, &version) < 0)
        goto fail;
    if (version > (int64_t)host_migration_count) {
        snprintf(err, err_size,
                 "the host store %s has schema version %lld, newer than this ksc-host knows "
                 "(%zu): use a newer ksc-host",
                 path, (long long)version, host_migration_count);
        sqlite3_close(db);
        return NULL;
    }
    if (version == (int64_t)host_migration_count)
        return db;
    /* Another process may migrate at the same time: re-read the version inside the lock. */
    if (store_begin(db) != SQLITE_OK ||
        store_query_int(db, "PRAGMA user_version", NULL, NULL, &version) < 0)
        goto fail;
    for (size_t v = (size_t)version; v < host_migration_count; v++) {
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version=%zu", v + 1);
        if (store_exec(db, host_migrations[v]) != SQLITE_OK || store_exec(db, pragma) != SQLITE_OK)
            goto fail;
    }
    if (store_commit(db) != SQLITE_OK)
        goto fail;
    return db;
fail:
    snprintf(err, err_size, "cannot migrate the host store %s: %s", path, sqlite3_errmsg(db));
    store_rollback(db);
    sqlite3_close(db);
    return NULL;
}
