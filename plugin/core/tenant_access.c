#include "tenant_access.h"
#include "json_get.h"
#include "module.h"

#include <string.h>

static int step_done(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

/* -1 error, 0 unrestricted, 1 restricted (then *root is set). */
static int restriction(sqlite3 *db, const char *user, int *root)
{
    sqlite3_stmt *st = prepare(db, "SELECT root FROM tenant_access WHERE user_name = ?1");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, user ? user : "", -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st), out = -1;
    if (rc == SQLITE_ROW) {
        *root = sqlite3_column_int(st, 0);
        out = 1;
    } else if (rc == SQLITE_DONE) {
        out = 0;
    }
    sqlite3_finalize(st);
    return out;
}

int mdr_tenant_access_restricted(sqlite3 *db, const char *user)
{
    int root;
    return restriction(db, user, &root);
}

static int granted(sqlite3 *db, const char *sql, const char *user, const char *value)
{
    sqlite3_stmt *st = prepare(db, sql);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, user, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int mdr_tenant_access_visible_id(sqlite3 *db, const char *user, const char *tenant_id)
{
    int root = 0, r = restriction(db, user, &root);
    if (r <= 0)
        return r == 0 ? 1 : -1;
    if (!tenant_id || !*tenant_id)
        return root;
    return granted(db, "SELECT 1 FROM tenant_access_grants WHERE user_name = ?1 AND tenant_id = ?2",
                   user, tenant_id);
}

int mdr_tenant_access_set(sqlite3 *db, const char *user, int root, json_object *tenants,
                          const char *granted_by, int64_t now_ms)
{
    if (mdr_tenant_access_clear(db, user) != 0)
        return -1;
    sqlite3_stmt *st = prepare(db, "INSERT INTO tenant_access (user_name, root, granted_by, "
                                   "granted_ms) VALUES (?1, ?2, ?3, ?4)");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, user, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, root ? 1 : 0);
    sqlite3_bind_text(st, 3, granted_by ? granted_by : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, now_ms);
    if (step_done(st) != 0)
        return -1;
    size_t n = json_object_array_length(tenants);
    for (size_t i = 0; i < n; i++) {
        json_object *t = json_object_array_get_idx(tenants, i);
        if (mdr_tenant_access_add(db, user, mdr_json_str(t, "tenant_id", ""),
                                  mdr_json_str(t, "name", "")) != 0)
            return -1;
    }
    return 0;
}

int mdr_tenant_access_clear(sqlite3 *db, const char *user)
{
    sqlite3_stmt *st = prepare(db, "DELETE FROM tenant_access WHERE user_name = ?1");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, user, -1, SQLITE_TRANSIENT);
    return step_done(st);
}

int mdr_tenant_access_add(sqlite3 *db, const char *user, const char *tenant_id,
                          const char *tenant_name)
{
    /* only for a restricted user: the SELECT finds no row otherwise */
    sqlite3_stmt *st = prepare(db, "INSERT OR REPLACE INTO tenant_access_grants (user_name, "
                                   "tenant_id, tenant_name) SELECT user_name, ?2, ?3 FROM "
                                   "tenant_access WHERE user_name = ?1");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, user, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, tenant_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, tenant_name, -1, SQLITE_TRANSIENT);
    return step_done(st);
}

int mdr_tenant_access_rename(sqlite3 *db, const char *tenant_id, const char *tenant_name)
{
    sqlite3_stmt *st = prepare(db, "UPDATE tenant_access_grants SET tenant_name = ?2 WHERE "
                                   "tenant_id = ?1 AND tenant_name <> ?2");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, tenant_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, tenant_name, -1, SQLITE_TRANSIENT);
    return step_done(st);
}

int mdr_tenant_access_forget(sqlite3 *db, const char *tenant_id)
{
    sqlite3_stmt *st = prepare(db, "DELETE FROM tenant_access_grants WHERE tenant_id = ?1");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, tenant_id, -1, SQLITE_TRANSIENT);
    return step_done(st);
}

json_object *mdr_tenant_access_list(sqlite3 *db)
{
    sqlite3_stmt *st = prepare(db, "SELECT a.user_name, a.root, a.granted_by, a.granted_ms, "
                                   "g.tenant_id, g.tenant_name FROM tenant_access a LEFT JOIN "
                                   "tenant_access_grants g ON g.user_name = a.user_name "
                                   "ORDER BY a.user_name, g.tenant_name COLLATE NOCASE");
    if (!st)
        return NULL;
    json_object *out = json_object_new_array(), *cur = NULL;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *user = (const char *)sqlite3_column_text(st, 0);
        if (!cur || strcmp(mdr_json_str(cur, "user", ""), user) != 0) {
            cur = json_object_new_object();
            json_object_object_add(cur, "user", json_object_new_string(user));
            json_object_object_add(cur, "root", json_object_new_boolean(sqlite3_column_int(st, 1)));
            json_object_object_add(cur, "tenants", json_object_new_array());
            json_object_object_add(
                cur, "granted_by",
                json_object_new_string((const char *)sqlite3_column_text(st, 2)));
            json_object_object_add(cur, "granted_ms",
                                   json_object_new_int64(sqlite3_column_int64(st, 3)));
            json_object_array_add(out, cur);
        }
        if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
            json_object *t = json_object_new_object(), *list;
            json_object_object_add(
                t, "id", json_object_new_string((const char *)sqlite3_column_text(st, 4)));
            json_object_object_add(
                t, "name", json_object_new_string((const char *)sqlite3_column_text(st, 5)));
            json_object_object_get_ex(cur, "tenants", &list);
            json_object_array_add(list, t);
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        json_object_put(out);
        return NULL;
    }
    return out;
}
