/* settings: the consent record — pending until the cloud takes the change, dropped when it
 * refuses, the newest one standing — in a store built by the module's own migrations. */
#include "core/store.h"
#include "settings/consent.h"
#include "unit.h"

static char dir[64], db_path[128];
static mdr_store *store;

static sqlite3 *open_store(void)
{
    char err[256];
    const mdr_migration *m;
    size_t n;
    temp_dir(dir, sizeof dir);
    snprintf(db_path, sizeof db_path, "%s/mdr.db", dir);
    CU_ASSERT_EQUAL_FATAL(mdr_store_builtin_migrations(&m, &n, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(mdr_store_open(db_path, m, n, &store, err, sizeof err), 0);
    return mdr_store_conn(store);
}

static void close_store(void)
{
    mdr_store_close(store);
    store = NULL;
    remove_tree(dir);
}

static void consent__none_at_first(void)
{
    sqlite3 *db = open_store();
    int err = 1;
    CU_ASSERT_PTR_NULL(mdr_consent_current(db, &err));
    CU_ASSERT_EQUAL(err, 0);
    close_store();
}

static void consent__refused_change_leaves_nothing(void)
{
    sqlite3 *db = open_store();
    int64_t id = -1;
    int err;
    CU_ASSERT_EQUAL(mdr_consent_begin(db, "admin", 1000, "de", "Mir ist bewusst …", &id), 0);
    CU_ASSERT_TRUE(id > 0);
    CU_ASSERT_EQUAL(mdr_consent_drop(db, id), 0);
    CU_ASSERT_PTR_NULL(mdr_consent_current(db, &err));
    close_store();
}

static void consent__newest_confirmed_stands(void)
{
    sqlite3 *db = open_store();
    int64_t a, b;
    int err;
    CU_ASSERT_EQUAL(mdr_consent_begin(db, "anna", 1000, "en", "I understand …", &a), 0);
    CU_ASSERT_EQUAL(mdr_consent_confirm(db, a), 0);
    CU_ASSERT_EQUAL(mdr_consent_begin(db, "boris", 2000, "ru", "Я понимаю …", &b), 0);
    CU_ASSERT_EQUAL(mdr_consent_confirm(db, b), 0);
    json_object *c = mdr_consent_current(db, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    json_object *v;
    json_object_object_get_ex(c, "confirmed_by", &v);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(v), "boris");
    json_object_object_get_ex(c, "confirmed_time", &v);
    CU_ASSERT_EQUAL(json_object_get_int64(v), 2000);
    json_object_object_get_ex(c, "text", &v);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(v), "Я понимаю …");
    json_object_put(c);
    close_store();
}

int main(void)
{
    static const unit_test tests[] = {
        {"consent__none_at_first", consent__none_at_first},
        {"consent__refused_change_leaves_nothing", consent__refused_change_leaves_nothing},
        {"consent__newest_confirmed_stands", consent__newest_confirmed_stands},
        {NULL, NULL}};
    return run_tests("settings_consent", tests);
}
