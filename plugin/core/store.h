/* store.h — the module's SQLite store: WAL, busy timeout (several host processes share the
 * file), one connection per thread, schema versioned with PRAGMA user_version and forward
 * migrations (resources/sql/NNN_name.sql, each applied in its own transaction). Data access
 * uses prepared statements only (sqlite3_prepare_v2 + bind); sqlite3_exec is kept for
 * migrations and pragmas. */
#ifndef MDR_STORE_H
#define MDR_STORE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#define MDR_STORE_BUSY_TIMEOUT_MS 5000

typedef struct mdr_migration {
    int version;      /* NNN of the file name: 1, 2, … without gaps */
    const char *name; /* "001_initial.sql" */
    const char *sql;
} mdr_migration;

typedef struct mdr_store mdr_store;

/* The migrations compiled into the module, sorted by version. Returns 0, or -1 with err when
 * a file name is malformed or versions are not 1..N without gaps (a build defect). */
int mdr_store_builtin_migrations(const mdr_migration **migrations, size_t *count, char *err,
                                 size_t err_size);

/* Opens (creating when absent) the store at `path` and applies the migrations it lacks.
 * Refuses, with err, a store whose schema is newer than the last migration given (written by
 * a newer module), a file that is not a database, or a failing migration (rolled back: the
 * store stays at the last good version). `migrations` must stay valid while the store is
 * open. */
int mdr_store_open(const char *path, const mdr_migration *migrations, size_t count, mdr_store **out,
                   char *err, size_t err_size);

/* Closes every connection (of every thread) and frees the store. No thread may use the
 * store any more. NULL is a no-op. */
void mdr_store_close(mdr_store *store);

/* The calling thread's connection, opened on first use (busy timeout, foreign keys on).
 * NULL when it cannot be opened. Never share it with another thread; it is closed when the
 * thread exits or the store closes. */
sqlite3 *mdr_store_conn(mdr_store *store);

/* The schema version the file has now, or -1 on error. */
int mdr_store_schema_version(mdr_store *store);
/* The version the module knows (the last migration's). */
int mdr_store_module_schema_version(const mdr_store *store);
const char *mdr_store_path(const mdr_store *store);

/* Runs fn(db, ctx) inside BEGIN IMMEDIATE … COMMIT on the calling thread's connection.
 * When fn returns non-zero, or COMMIT fails, everything fn did is rolled back. Returns 0 when
 * committed, fn's non-zero result when fn failed, -1 when the store failed (no connection,
 * BEGIN or COMMIT error; details in sqlite3_errmsg of mdr_store_conn). */
typedef int (*mdr_tx_fn)(sqlite3 *db, void *ctx);
int mdr_store_tx(mdr_store *store, mdr_tx_fn fn, void *ctx);

/* The key-value `settings` table. get: 0 found (*value malloc'd), 1 absent, -1 error. */
int mdr_setting_get(sqlite3 *db, const char *key, char **value);
/* Settings keys more than one area reads: an MDR configuration file was written
 * ({from, variant, user, time_ms}; licenses/delivery.c writes it, the wizard reads it). */
#define MDR_SETTING_CONFIGURATION_FILE "configuration_file.downloaded"
int mdr_setting_set(sqlite3 *db, const char *key, const char *value); /* 0 or -1 */
int mdr_setting_delete(sqlite3 *db, const char *key);                 /* 0 or -1 */

#endif
