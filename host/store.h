/* store.h — the host's SQLite store (data_dir/host.db): open, migrate, small helpers. */
#ifndef KSC_HOST_STORE_H
#define KSC_HOST_STORE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

/* The schema version the migrations reach. */
int store_schema_version(void);

/* Opens (creating) the store in WAL mode with a busy timeout, and applies the forward
 * migrations in one IMMEDIATE transaction. Returns NULL with a message in err. */
sqlite3 *store_open(const char *path, char *err, size_t err_size);

/* Runs SQL without results; returns SQLITE_OK or the error (logged to err when given). */
int store_exec(sqlite3 *db, const char *sql);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. */
int store_begin(sqlite3 *db);
int store_commit(sqlite3 *db);
void store_rollback(sqlite3 *db);

/* One integer from a query with up to two text parameters (NULL = not bound). Returns 1
 * and sets *out when a row came back, 0 when none, -1 on error. */
int store_query_int(sqlite3 *db, const char *sql, const char *p1, const char *p2, int64_t *out);

/* Whether a row exists for a query with up to two text parameters. */
int store_exists(sqlite3 *db, const char *sql, const char *p1, const char *p2);

#endif
