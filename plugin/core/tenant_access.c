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

static int grant_add(sqlite3 *db, const char *user, const char *tenant_id, const char *tenant_name);

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

/* The settings row holding the server's scope (a JSON array of tenant ids). */
#define SCOPE_KEY "tenant_access.server_scope"

/* 1 when a scope is recorded, 0 when none, -1 on error. */
static int scoped(sqlite3 *db)
{
    sqlite3_stmt *st = prepare(db, "SELECT 1 FROM settings WHERE key = '" SCOPE_KEY "'");
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* 1 when the tenant id is in the recorded scope (or none is recorded), 0 not, -1 error. */
static int in_scope(sqlite3 *db, const char *tenant_id)
{
    int s = scoped(db);
    if (s <= 0)
        return s == 0 ? 1 : -1;
    sqlite3_stmt *st =
        prepare(db, "SELECT 1 FROM settings s, json_each(s.value) j WHERE s.key = '" SCOPE_KEY
                    "' AND j.value = ?1");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, tenant_id, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int mdr_tenant_access_restricted(sqlite3 *db, const char *user)
{
    int root, r = restriction(db, user, &root);
    return r != 0 ? r : scoped(db);
}

int mdr_tenant_access_has_grant(sqlite3 *db, const char *user)
{
    int root;
    return restriction(db, user, &root);
}

int mdr_tenant_access_set_scope(sqlite3 *db, json_object *tenant_ids)
{
    if (!tenant_ids) {
        sqlite3_stmt *st = prepare(db, "DELETE FROM settings WHERE key = '" SCOPE_KEY "'");
        return st ? step_done(st) : -1;
    }
    json_object *ids = json_object_new_array();
    for (size_t i = 0; i < json_object_array_length(tenant_ids); i++) {
        json_object *v = json_object_array_get_idx(tenant_ids, i);
        if (json_object_is_type(v, json_type_string))
            json_object_array_add(ids, json_object_get(v));
    }
    sqlite3_stmt *st = prepare(db, "INSERT INTO settings (key, value) VALUES ('" SCOPE_KEY
                                   "', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value "
                                   "WHERE value <> excluded.value");
    if (st)
        sqlite3_bind_text(st, 1, json_object_to_json_string_ext(ids, JSON_C_TO_STRING_PLAIN), -1,
                          SQLITE_TRANSIENT);
    json_object_put(ids);
    return st ? step_done(st) : -1;
}

json_object *mdr_tenant_access_scope(sqlite3 *db, int *error)
{
    *error = 0;
    sqlite3_stmt *st = prepare(db, "SELECT j.value FROM settings s, json_each(s.value) j WHERE "
                                   "s.key = '" SCOPE_KEY "' AND j.type = 'text'");
    int s = scoped(db);
    if (!st || s < 0) {
        sqlite3_finalize(st);
        *error = 1;
        return NULL;
    }
    json_object *out = s ? json_object_new_array() : NULL;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_object_array_add(out,
                              json_object_new_string((const char *)sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        json_object_put(out);
        *error = 1;
        return NULL;
    }
    return out;
}

json_object *mdr_tenant_access_visible_ids(sqlite3 *db, const char *user, int *root)
{
    int user_root = 1, r = restriction(db, user, &user_root), s = scoped(db);
    if (r < 0 || s < 0) {
        *root = -1;
        return NULL;
    }
    *root = 1;
    if (r == 0 && s == 0)
        return NULL;
    *root = r == 1 ? user_root : 1;
    /* the grant's ids within the scope, or the scope's ids when the user has no grant */
    const char *sql =
        r == 1 ? "SELECT tenant_id FROM tenant_access_grants WHERE user_name = ?1 AND (?2 = 0 OR "
                 "tenant_id IN (SELECT j.value FROM settings s, json_each(s.value) j WHERE s.key = "
                 "'" SCOPE_KEY "')) ORDER BY tenant_id"
               : "SELECT j.value FROM settings s, json_each(s.value) j WHERE s.key = '" SCOPE_KEY
                 "' AND j.type = 'text' AND ?1 IS NOT NULL AND ?2 = 1 ORDER BY j.value";
    sqlite3_stmt *st = prepare(db, sql);
    if (!st) {
        *root = -1;
        return NULL;
    }
    sqlite3_bind_text(st, 1, user ? user : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, s);
    json_object *out = json_object_new_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_object_array_add(out,
                              json_object_new_string((const char *)sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        json_object_put(out);
        *root = -1;
        return NULL;
    }
    return out;
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
    if (r < 0)
        return -1;
    if (!tenant_id || !*tenant_id)
        return r == 0 ? 1 : root;
    int scope = in_scope(db, tenant_id);
    if (scope <= 0 || r == 0)
        return scope;
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
        if (grant_add(db, user, mdr_json_str(t, "tenant_id", ""), mdr_json_str(t, "name", "")) != 0)
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

/* A tenant made on this server joins the server's scope (when one is recorded). */
static int scope_add(sqlite3 *db, const char *tenant_id)
{
    sqlite3_stmt *st = prepare(db, "UPDATE settings SET value = json_insert(value, '$[#]', ?1) "
                                   "WHERE key = '" SCOPE_KEY "' AND NOT EXISTS (SELECT 1 FROM "
                                   "json_each(settings.value) j WHERE j.value = ?1)");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, tenant_id, -1, SQLITE_TRANSIENT);
    return step_done(st);
}

static int grant_add(sqlite3 *db, const char *user, const char *tenant_id, const char *tenant_name);

int mdr_tenant_access_add(sqlite3 *db, const char *user, const char *tenant_id,
                          const char *tenant_name)
{
    if (tenant_id && *tenant_id && scope_add(db, tenant_id) != 0)
        return -1;
    return grant_add(db, user, tenant_id, tenant_name);
}

/* A grant never widens the server's scope: only a tenant made here joins it. */
static int grant_add(sqlite3 *db, const char *user, const char *tenant_id, const char *tenant_name)
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
    sqlite3_stmt *sc = prepare(db, "UPDATE settings SET value = (SELECT json_group_array(j.value) "
                                   "FROM json_each(settings.value) j WHERE j.value <> ?1) WHERE "
                                   "key = '" SCOPE_KEY "'");
    if (!sc)
        return -1;
    sqlite3_bind_text(sc, 1, tenant_id, -1, SQLITE_TRANSIENT);
    if (step_done(sc) != 0)
        return -1;
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
