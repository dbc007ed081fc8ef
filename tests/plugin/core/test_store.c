/* store: migrations from empty, reopen, a newer store refused, failed migration and
 * transaction rolled back, one connection per thread, settings. */
#include "core/store.h"
#include "unit.h"

#include <pthread.h>
#include <sys/stat.h>

static char dir[64];
static char db_path[128];

static void setup(void)
{
    temp_dir(dir, sizeof dir);
    snprintf(db_path, sizeof db_path, "%s/mdr.db", dir);
}

static mdr_store *open_builtin(char *err, size_t size)
{
    const mdr_migration *m;
    size_t n;
    if (mdr_store_builtin_migrations(&m, &n, err, size) != 0)
        return NULL;
    mdr_store *s = NULL;
    mdr_store_open(db_path, m, n, &s, err, size);
    return s;
}

static int table_exists(sqlite3 *db, const char *name)
{
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", -1,
                       &st, NULL);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

static void store__migrates_from_empty(void)
{
    setup();
    char err[512];
    mdr_store *s = open_builtin(err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(mdr_store_schema_version(s), mdr_store_module_schema_version(s));
    CU_ASSERT_TRUE(mdr_store_schema_version(s) >= 1);
    sqlite3 *db = mdr_store_conn(s);
    CU_ASSERT_TRUE(table_exists(db, "settings"));
    CU_ASSERT_TRUE(table_exists(db, "secrets"));
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL);
    CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
    CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    mdr_store_close(s);
    remove_tree(dir);
}

static void store__reopen_keeps_data(void)
{
    setup();
    char err[512];
    mdr_store *s = open_builtin(err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(mdr_setting_set(mdr_store_conn(s), "region", "europe"), 0);
    mdr_store_close(s);
    s = open_builtin(err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    char *v = NULL;
    CU_ASSERT_EQUAL(mdr_setting_get(mdr_store_conn(s), "region", &v), 0);
    CU_ASSERT_STRING_EQUAL(v, "europe");
    free(v);
    CU_ASSERT_EQUAL(mdr_setting_set(mdr_store_conn(s), "region", "russia"), 0);
    CU_ASSERT_EQUAL(mdr_setting_get(mdr_store_conn(s), "region", &v), 0);
    CU_ASSERT_STRING_EQUAL(v, "russia");
    free(v);
    CU_ASSERT_EQUAL(mdr_setting_delete(mdr_store_conn(s), "region"), 0);
    CU_ASSERT_EQUAL(mdr_setting_get(mdr_store_conn(s), "region", &v), 1);
    CU_ASSERT_PTR_NULL(v);
    mdr_store_close(s);
    remove_tree(dir);
}

static void store__newer_store_refused(void)
{
    setup();
    sqlite3 *db;
    sqlite3_open(db_path, &db);
    sqlite3_exec(db, "PRAGMA user_version = 999", NULL, NULL, NULL);
    sqlite3_close(db);
    char err[512] = "";
    mdr_store *s = open_builtin(err, sizeof err);
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "schema version 999, newer than this module knows"));
    remove_tree(dir);
}

static void store__not_a_database_refused(void)
{
    setup();
    write_text(db_path, "this is not a database, just some text that is long enough......");
    char err[512] = "";
    CU_ASSERT_PTR_NULL(open_builtin(err, sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, db_path));
    remove_tree(dir);
}

static void store__failed_migration_rolled_back(void)
{
    setup();
    static const mdr_migration migrations[] = {
        {1, "001_a.sql", "CREATE TABLE a (x INTEGER);"},
        {2, "002_b.sql", "CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);"},
    };
    char err[512] = "";
    mdr_store *s = NULL;
    CU_ASSERT_EQUAL(mdr_store_open(db_path, migrations, 2, &s, err, sizeof err), -1);
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "migration 002_b.sql failed"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "stays at version 1"));
    /* Version 1 applied, nothing of 002 left behind. */
    CU_ASSERT_EQUAL(mdr_store_open(db_path, migrations, 1, &s, err, sizeof err), 0);
    CU_ASSERT_EQUAL(mdr_store_schema_version(s), 1);
    CU_ASSERT_TRUE(table_exists(mdr_store_conn(s), "a"));
    CU_ASSERT_FALSE(table_exists(mdr_store_conn(s), "b"));
    mdr_store_close(s);
    remove_tree(dir);
}

/* An existing store is backed up before its migrations; when one fails after others went
 * through, the backup is put back: the store is as it was, not half-migrated. */
static void store__failed_upgrade_restores_backup(void)
{
    setup();
    static const mdr_migration migrations[] = {
        {1, "001_a.sql", "CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (42);"},
        {2, "002_b.sql", "CREATE TABLE b (x INTEGER); DELETE FROM a;"},
        {3, "003_c.sql", "CREATE TABLE c (x INTEGER); INSERT INTO nowhere VALUES (1);"},
    };
    char err[1024] = "";
    mdr_store *s = NULL;
    CU_ASSERT_EQUAL_FATAL(mdr_store_open(db_path, migrations, 1, &s, err, sizeof err), 0);
    mdr_store_close(s);
    s = NULL;
    CU_ASSERT_EQUAL(mdr_store_open(db_path, migrations, 3, &s, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "migration 003_c.sql failed"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "the store was restored from"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "mdr.db.backup-v1"));
    char backup[256];
    snprintf(backup, sizeof backup, "%s.backup-v1", db_path);
    struct stat st;
    CU_ASSERT_EQUAL(stat(backup, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
    /* Back at version 1 with its row: 002 (which went through) is undone too. */
    CU_ASSERT_EQUAL_FATAL(mdr_store_open(db_path, migrations, 1, &s, err, sizeof err), 0);
    CU_ASSERT_EQUAL(mdr_store_schema_version(s), 1);
    CU_ASSERT_FALSE(table_exists(mdr_store_conn(s), "b"));
    sqlite3_stmt *q;
    sqlite3_prepare_v2(mdr_store_conn(s), "SELECT x FROM a", -1, &q, NULL);
    CU_ASSERT_EQUAL(sqlite3_step(q), SQLITE_ROW);
    CU_ASSERT_EQUAL(sqlite3_column_int(q, 0), 42);
    sqlite3_finalize(q);
    mdr_store_close(s);
    /* With the migrations fixed, the upgrade goes through and a new start migrates nothing. */
    static const mdr_migration fixed[] = {
        {1, "001_a.sql", "CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (42);"},
        {2, "002_b.sql", "CREATE TABLE b (x INTEGER);"},
        {3, "003_c.sql", "CREATE TABLE c (x INTEGER);"},
    };
    CU_ASSERT_EQUAL_FATAL(mdr_store_open(db_path, fixed, 3, &s, err, sizeof err), 0);
    CU_ASSERT_EQUAL(mdr_store_schema_version(s), 3);
    mdr_store_close(s);
    CU_ASSERT_EQUAL_FATAL(mdr_store_open(db_path, fixed, 3, &s, err, sizeof err), 0);
    CU_ASSERT_EQUAL(mdr_store_schema_version(s), 3);
    mdr_store_close(s);
    remove_tree(dir);
}

static int insert_then(sqlite3 *db, void *ctx)
{
    if (mdr_setting_set(db, "k", "v") != 0)
        return -2;
    return *(int *)ctx;
}

static void store__transaction_commits_or_rolls_back(void)
{
    setup();
    char err[512];
    mdr_store *s = open_builtin(err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    int fail = 7;
    CU_ASSERT_EQUAL(mdr_store_tx(s, insert_then, &fail), 7);
    char *v = NULL;
    CU_ASSERT_EQUAL(mdr_setting_get(mdr_store_conn(s), "k", &v), 1);
    int ok = 0;
    CU_ASSERT_EQUAL(mdr_store_tx(s, insert_then, &ok), 0);
    CU_ASSERT_EQUAL(mdr_setting_get(mdr_store_conn(s), "k", &v), 0);
    free(v);
    mdr_store_close(s);
    remove_tree(dir);
}

typedef struct thread_probe {
    mdr_store *store;
    sqlite3 *db;
    int wrote;
} thread_probe;

static void *use_store(void *arg)
{
    thread_probe *p = arg;
    p->db = mdr_store_conn(p->store);
    p->wrote = p->db && mdr_setting_set(p->db, "from_thread", "1") == 0;
    return NULL;
}

static void store__one_connection_per_thread(void)
{
    setup();
    char err[512];
    mdr_store *s = open_builtin(err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    sqlite3 *mine = mdr_store_conn(s);
    CU_ASSERT_PTR_EQUAL(mdr_store_conn(s), mine);
    thread_probe p = {s, NULL, 0};
    pthread_t t;
    pthread_create(&t, NULL, use_store, &p);
    pthread_join(t, NULL); /* the thread's connection closes as it exits */
    CU_ASSERT_PTR_NOT_NULL(p.db);
    CU_ASSERT_PTR_NOT_EQUAL(p.db, mine);
    CU_ASSERT_TRUE(p.wrote);
    char *v = NULL;
    CU_ASSERT_EQUAL(mdr_setting_get(mine, "from_thread", &v), 0);
    free(v);
    /* A second handle on the same file, as another host process would have. */
    mdr_store *other = open_builtin(err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(other);
    CU_ASSERT_EQUAL(mdr_setting_get(mdr_store_conn(other), "from_thread", &v), 0);
    free(v);
    mdr_store_close(other);
    mdr_store_close(s);
    remove_tree(dir);
}

int main(void)
{
    static const unit_test tests[] = {
        {"store__migrates_from_empty", store__migrates_from_empty},
        {"store__reopen_keeps_data", store__reopen_keeps_data},
        {"store__newer_store_refused", store__newer_store_refused},
        {"store__not_a_database_refused", store__not_a_database_refused},
        {"store__failed_migration_rolled_back", store__failed_migration_rolled_back},
        {"store__failed_upgrade_restores_backup", store__failed_upgrade_restores_backup},
        {"store__transaction_commits_or_rolls_back", store__transaction_commits_or_rolls_back},
        {"store__one_connection_per_thread", store__one_connection_per_thread},
        {NULL, NULL}};
    return run_tests("store", tests);
}
