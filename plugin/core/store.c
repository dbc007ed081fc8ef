#include "store.h"
#include "embedded.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* One thread's connection; all are linked into the store so close can reach them. */
typedef struct conn {
    struct conn *next, *prev;
    struct mdr_store *store;
    sqlite3 *db;
} conn;

struct mdr_store {
    char *path;
    const mdr_migration *migrations;
    size_t migration_count;
    pthread_key_t key;
    pthread_mutex_t lock; /* guards the connection list */
    conn *conns;
};

static void failf(char *err, size_t err_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void failf(char *err, size_t err_size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_size, fmt, ap);
    va_end(ap);
}

/* ---- built-in migrations ------------------------------------------------------------ */

static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;
static mdr_migration *builtin;
static size_t builtin_count;
static char builtin_error[256];

static int cmp_migration(const void *a, const void *b)
{
    return ((const mdr_migration *)a)->version - ((const mdr_migration *)b)->version;
}

static void load_builtin(void)
{
    size_t n = 0;
    while (mdr_sql_files[n].name)
        n++;
    builtin = calloc(n ? n : 1, sizeof *builtin);
    if (!builtin) {
        failf(builtin_error, sizeof builtin_error, "out of memory");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const char *name = mdr_sql_files[i].name;
        int version = 0, used = 0;
        size_t len = strlen(name);
        if (sscanf(name, "%3d_%n", &version, &used) != 1 || used != 4 || version <= 0 || len < 9 ||
            strcmp(name + len - 4, ".sql") != 0) {
            failf(builtin_error, sizeof builtin_error,
                  "resources/sql/%s: migrations are named NNN_name.sql", name);
            return;
        }
        builtin[i] = (mdr_migration){version, name, (const char *)mdr_sql_files[i].data};
    }
    qsort(builtin, n, sizeof *builtin, cmp_migration);
    for (size_t i = 0; i < n; i++)
        if (builtin[i].version != (int)i + 1) {
            failf(builtin_error, sizeof builtin_error,
                  "resources/sql: migration %d is missing or doubled (at %s)", (int)i + 1,
                  builtin[i].name);
            return;
        }
    builtin_count = n;
}

__attribute__((destructor)) static void unload_builtin(void)
{
    free(builtin);
    builtin = NULL;
}

int mdr_store_builtin_migrations(const mdr_migration **migrations, size_t *count, char *err,
                                 size_t err_size)
{
    pthread_once(&builtin_once, load_builtin);
    if (builtin_error[0]) {
        failf(err, err_size, "%s", builtin_error);
        return -1;
    }
    *migrations = builtin;
    *count = builtin_count;
    return 0;
}

/* ---- connections -------------------------------------------------------------------- */

static void conn_unlink_close(conn *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else
        c->store->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    sqlite3_close_v2(c->db);
    free(c);
}

/* A thread that used the store exits: close its connection. */
static void conn_thread_exit(void *arg)
{
    conn *c = arg;
    mdr_store *s = c->store;
    pthread_mutex_lock(&s->lock);
    conn_unlink_close(c);
    pthread_mutex_unlock(&s->lock);
}

sqlite3 *mdr_store_conn(mdr_store *s)
{
    conn *c = pthread_getspecific(s->key);
    if (c)
        return c->db;
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(
        s->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        sqlite3_close_v2(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, MDR_STORE_BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(db, 1);
    if (sqlite3_exec(db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;", NULL, NULL,
                     NULL) != SQLITE_OK ||
        !(c = calloc(1, sizeof *c))) {
        sqlite3_close_v2(db);
        return NULL;
    }
    c->store = s;
    c->db = db;
    pthread_mutex_lock(&s->lock);
    c->next = s->conns;
    if (s->conns)
        s->conns->prev = c;
    s->conns = c;
    pthread_mutex_unlock(&s->lock);
    if (pthread_setspecific(s->key, c) != 0) {
        conn_thread_exit(c);
        return NULL;
    }
    return db;
}

/* ---- schema ------------------------------------------------------------------------- */

static int user_version(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

int mdr_store_schema_version(mdr_store *s)
{
    sqlite3 *db = mdr_store_conn(s);
    return db ? user_version(db) : -1;
}

int mdr_store_module_schema_version(const mdr_store *s)
{
    return s->migration_count ? s->migrations[s->migration_count - 1].version : 0;
}

const char *mdr_store_path(const mdr_store *s)
{
    return s->path;
}

static int refuse_newer(int have, int know, const char *path, char *err, size_t err_size)
{
    failf(err, err_size,
          "%s: the store has schema version %d, newer than this module knows (%d); "
          "it was written by a newer MDR module — update the module",
          path, have, know);
    return -1;
}

/* The whole database of `from` into `to` (SQLite's online backup: consistent, WAL included). */
static int copy_db(sqlite3 *from, sqlite3 *to)
{
    sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
    if (!b)
        return sqlite3_errcode(to);
    int rc = sqlite3_backup_step(b, -1);
    sqlite3_backup_finish(b);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* A copy of the store in `path` (replaced when it exists), owner-only like the store. */
static int backup_to(sqlite3 *db, const char *path, char *err, size_t err_size)
{
    sqlite3 *to = NULL;
    int rc = sqlite3_open_v2(path, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc == SQLITE_OK)
        rc = chmod(path, 0600) == 0 ? copy_db(db, to) : SQLITE_CANTOPEN;
    if (rc != SQLITE_OK)
        failf(err, err_size, "cannot back up the store to %s before migrating it: %s", path,
              to ? sqlite3_errmsg(to) : sqlite3_errstr(rc));
    sqlite3_close(to);
    return rc == SQLITE_OK ? 0 : -1;
}

static int restore_from(sqlite3 *db, const char *path, char *why, size_t why_size)
{
    sqlite3 *from = NULL;
    int rc = sqlite3_open_v2(path, &from, SQLITE_OPEN_READONLY, NULL);
    if (rc == SQLITE_OK)
        rc = copy_db(from, db);
    if (rc != SQLITE_OK)
        snprintf(why, why_size, "%s", sqlite3_errstr(rc));
    sqlite3_close(from);
    return rc == SQLITE_OK ? 0 : -1;
}

/* One migration in its own transaction; another process may have applied it meanwhile. */
static int migrate_one(mdr_store *s, sqlite3 *db, const mdr_migration *m, char *err,
                       size_t err_size)
{
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        failf(err, err_size, "%s: cannot start migration %s: %s", s->path, m->name,
              sqlite3_errmsg(db));
        return -1;
    }
    int have = user_version(db);
    if (have < 0) {
        failf(err, err_size, "%s: cannot read the schema version: %s", s->path, sqlite3_errmsg(db));
    } else if (have > mdr_store_module_schema_version(s)) {
        refuse_newer(have, mdr_store_module_schema_version(s), s->path, err, err_size);
    } else if (have >= m->version) {
        return sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
    } else {
        char *msg = NULL;
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", m->version);
        if (sqlite3_exec(db, m->sql, NULL, NULL, &msg) != SQLITE_OK) {
            failf(err, err_size, "%s: migration %s failed: %s (the store stays at version %d)",
                  s->path, m->name, msg ? msg : sqlite3_errmsg(db), have);
        } else if (sqlite3_exec(db, pragma, NULL, NULL, NULL) != SQLITE_OK ||
                   sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
            failf(err, err_size, "%s: migration %s could not be committed: %s", s->path, m->name,
                  sqlite3_errmsg(db));
        } else {
            sqlite3_free(msg);
            return 0;
        }
        sqlite3_free(msg);
    }
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

static int migrate(mdr_store *s, char *err, size_t err_size)
{
    sqlite3 *db = mdr_store_conn(s);
    if (!db) {
        failf(err, err_size, "%s: cannot open the store", s->path);
        return -1;
    }
    /* WAL is a property of the file: set once, every connection then uses it. */
    sqlite3_stmt *st = NULL;
    int wal = sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &st, NULL) == SQLITE_OK &&
              sqlite3_step(st) == SQLITE_ROW &&
              strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
    sqlite3_finalize(st);
    if (!wal) {
        failf(err, err_size, "%s: cannot use the file as a store: %s", s->path, sqlite3_errmsg(db));
        return -1;
    }
    int have = user_version(db);
    if (have < 0) {
        failf(err, err_size, "%s: cannot read the schema version: %s", s->path, sqlite3_errmsg(db));
        return -1;
    }
    if (have > mdr_store_module_schema_version(s))
        return refuse_newer(have, mdr_store_module_schema_version(s), s->path, err, err_size);
    if (have == mdr_store_module_schema_version(s))
        return 0;
    /* An existing store about to be migrated is copied first; a failing migration puts the
     * copy back, so the store is either wholly migrated or as it was (docs/packaging.md). */
    char backup[4096];
    int backed_up = 0;
    if (have > 0) {
        snprintf(backup, sizeof backup, "%s.backup-v%d", s->path, have);
        if (backup_to(db, backup, err, err_size) != 0)
            return -1;
        backed_up = 1;
    }
    for (size_t i = 0; i < s->migration_count; i++) {
        if (s->migrations[i].version <= have ||
            migrate_one(s, db, &s->migrations[i], err, err_size) == 0)
            continue;
        if (backed_up) {
            size_t used = strlen(err);
            char why[512] = "";
            if (restore_from(db, backup, why, sizeof why) == 0)
                snprintf(err + used, err_size - used, "; the store was restored from %s", backup);
            else
                snprintf(err + used, err_size - used,
                         "; restoring %s failed (%s): stop the console and copy it over the store",
                         backup, why);
        }
        return -1;
    }
    return 0;
}

int mdr_store_open(const char *path, const mdr_migration *migrations, size_t count, mdr_store **out,
                   char *err, size_t err_size)
{
    *out = NULL;
    mdr_store *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        failf(err, err_size, "out of memory");
        return -1;
    }
    s->migrations = migrations;
    s->migration_count = count;
    pthread_mutex_init(&s->lock, NULL);
    if (pthread_key_create(&s->key, conn_thread_exit) != 0) {
        pthread_mutex_destroy(&s->lock);
        free(s->path);
        free(s);
        failf(err, err_size, "out of thread-specific keys");
        return -1;
    }
    if (migrate(s, err, err_size) != 0) {
        mdr_store_close(s);
        return -1;
    }
    *out = s;
    return 0;
}

void mdr_store_close(mdr_store *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    /* After this no thread-exit destructor runs for the key; close all from here. */
    pthread_setspecific(s->key, NULL);
    pthread_key_delete(s->key);
    while (s->conns)
        conn_unlink_close(s->conns);
    pthread_mutex_unlock(&s->lock);
    pthread_mutex_destroy(&s->lock);
    free(s->path);
    free(s);
}

int mdr_store_tx(mdr_store *s, mdr_tx_fn fn, void *ctx)
{
    sqlite3 *db = mdr_store_conn(s);
    if (!db || sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return -1;
    int rc = fn(db, ctx);
    if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
        return 0;
    if (sqlite3_get_autocommit(db) == 0)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc != 0 ? rc : -1;
}

/* ---- settings ----------------------------------------------------------------------- */

int mdr_setting_get(sqlite3 *db, const char *key, char **value)
{
    *value = NULL;
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(db, "SELECT value FROM settings WHERE key = ?1", -1, &st, NULL) !=
            SQLITE_OK ||
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC) != SQLITE_OK) {
        sqlite3_finalize(st);
        return -1;
    }
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        *value = strdup(v ? v : "");
        rc = *value ? 0 : -1;
    } else if (step == SQLITE_DONE) {
        rc = 1;
    }
    sqlite3_finalize(st);
    return rc;
}

static int exec_bound(sqlite3 *db, const char *sql, const char *a, const char *b)
{
    sqlite3_stmt *st = NULL;
    int ok = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
             sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC) == SQLITE_OK &&
             (!b || sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC) == SQLITE_OK) &&
             sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    return ok ? 0 : -1;
}

int mdr_setting_set(sqlite3 *db, const char *key, const char *value)
{
    return exec_bound(db,
                      "INSERT INTO settings(key, value) VALUES (?1, ?2) "
                      "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                      key, value);
}

int mdr_setting_delete(sqlite3 *db, const char *key)
{
    return exec_bound(db, "DELETE FROM settings WHERE key = ?1", key, NULL);
}
