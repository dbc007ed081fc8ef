/* health/tenants.c — what a console user sees in MDR Health: the tenants of the server's
 * scope granted to them (core/tenant_access.h: ids) and, on a virtual Administration Server, the
 * devices of that server and their assets. Assets and devices name their tenant; the names are
 * resolved to ids through health_tenants, the cloud's tenant list read by the same sync that
 * wrote the assets (migration 006), so a rename in the cloud never hands one tenant's assets
 * to another's users. Here the rule becomes SQL filters per query (a JSON array of the
 * visible tenant names as stored, a server name), so a page is never checked row by row. */
#include "health.h"
#include "core/json_get.h"
#include "core/tenant_access.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The visible names: the names in health_tenants of the ids the user sees
 * (mdr_tenant_access_visible_ids: the server's scope and the user's grant, ?1 a JSON array),
 * as the stored rows spell them (the console's devices may differ in case from the cloud),
 * and "" with the root. */
static const char VISIBLE_SQL[] =
    "SELECT t.name FROM health_tenants t JOIN json_each(?1) g ON g.value = t.tenant_id "
    "UNION SELECT s.tenant FROM health_summary s JOIN health_tenants t ON t.name = s.tenant "
    "COLLATE NOCASE JOIN json_each(?1) g ON g.value = t.tenant_id "
    "UNION SELECT '' WHERE ?2";

/* The ids the user sees as a JSON text (new) and *root; NULL when they see every tenant (or
 * on error: *root = -1). */
static char *visible_ids(sqlite3 *db, const char *user, int *root)
{
    json_object *ids = mdr_tenant_access_visible_ids(db, user, root);
    char *text = ids ? strdup(json_object_to_json_string_ext(ids, JSON_C_TO_STRING_PLAIN)) : NULL;
    json_object_put(ids);
    if (ids && !text)
        *root = -1;
    return text;
}

int health_visible_tenants(ksc_module *m, sqlite3 *db, const char *user, char **json)
{
    (void)m;
    *json = NULL;
    int root;
    char *ids = visible_ids(db, user, &root);
    if (root < 0)
        return -1;
    if (!ids)
        return 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, VISIBLE_SQL, -1, &st, NULL) != SQLITE_OK) {
        free(ids);
        return -1;
    }
    sqlite3_bind_text(st, 1, ids, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, root);
    free(ids);
    json_object *visible = json_object_new_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        json_object_array_add(visible, json_object_new_string(t ? t : ""));
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        *json = strdup(json_object_to_json_string_ext(visible, JSON_C_TO_STRING_PLAIN));
    json_object_put(visible);
    return *json ? 0 : -1;
}

int health_tenant_name_visible(sqlite3 *db, const char *user, const char *name)
{
    int root;
    char *ids = visible_ids(db, user, &root);
    if (!ids || !name || !*name) {
        free(ids);
        return root;
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT 1 FROM health_tenants t JOIN json_each(?1) g ON g.value = "
                           "t.tenant_id WHERE t.name = ?2 COLLATE NOCASE",
                           -1, &st, NULL) != SQLITE_OK) {
        free(ids);
        return -1;
    }
    sqlite3_bind_text(st, 1, ids, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
    free(ids);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int health_call_server(ksc_module *m, const ksc_call *call, char *out, size_t out_size)
{
    out[0] = '\0';
    if (!call->server || !m->services->servers_json)
        return 0;
    char *servers = m->services->servers_json(m->services->host);
    json_object *arr = servers ? json_tokener_parse(servers) : NULL;
    if (servers)
        m->services->free(servers);
    if (!arr || !json_object_is_type(arr, json_type_array)) {
        json_object_put(arr);
        return -1; /* fail closed: the caller answers a store-like error */
    }
    int known = 0;
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        json_object *s = json_object_array_get_idx(arr, i);
        if (strcmp(mdr_json_str(s, "name", ""), call->server) != 0)
            continue;
        known = 1;
        if (strcmp(mdr_json_str(s, "kind", ""), "main") != 0)
            snprintf(out, out_size, "%s", call->server);
    }
    json_object_put(arr);
    return known ? 0 : -1;
}

int health_scope(ksc_module *m, sqlite3 *db, const ksc_call *call, health_query *q)
{
    if (health_call_server(m, call, q->server, sizeof q->server) != 0)
        return -1;
    return health_visible_tenants(m, db, call->user, &q->visible_tenants);
}

int health_scope_limited(const health_query *q)
{
    return q->visible_tenants != NULL || q->server[0] != '\0';
}

int health_tenants_differ(sqlite3 *db, json_object *tenants)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT name FROM health_tenants WHERE tenant_id = ?1", -1, &st,
                           NULL) != SQLITE_OK)
        return -1;
    size_t n = json_object_array_length(tenants), kept = 0;
    int differ = 0;
    for (size_t i = 0; i < n && !differ; i++) {
        json_object *t = json_object_array_get_idx(tenants, i);
        if (strcmp(mdr_json_str(t, "status", ""), "Deleted") == 0)
            continue;
        kept++;
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, mdr_json_str(t, "tenant_id", ""), -1, SQLITE_TRANSIENT);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            differ =
                strcmp((const char *)sqlite3_column_text(st, 0), mdr_json_str(t, "name", "")) != 0;
        else if (rc == SQLITE_DONE)
            differ = 1;
        else
            differ = -1;
    }
    sqlite3_finalize(st);
    if (differ)
        return differ < 0 ? -1 : 1;
    sqlite3_stmt *c;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM health_tenants", -1, &c, NULL) != SQLITE_OK)
        return -1;
    int rc = sqlite3_step(c);
    int64_t stored = rc == SQLITE_ROW ? sqlite3_column_int64(c, 0) : -1;
    sqlite3_finalize(c);
    return stored < 0 ? -1 : stored != (int64_t)kept;
}

int health_tenants_store(sqlite3 *db, json_object *tenants)
{
    sqlite3_stmt *st;
    if (sqlite3_exec(db, "DELETE FROM health_tenants", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "INSERT OR REPLACE INTO health_tenants (tenant_id, name) VALUES "
                           "(?1, ?2)",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    int rc = SQLITE_DONE;
    for (size_t i = 0; i < json_object_array_length(tenants) && rc == SQLITE_DONE; i++) {
        json_object *t = json_object_array_get_idx(tenants, i);
        const char *id = mdr_json_str(t, "tenant_id", "");
        if (!*id || strcmp(mdr_json_str(t, "status", ""), "Deleted") == 0)
            continue;
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, mdr_json_str(t, "name", ""), -1, SQLITE_TRANSIENT);
        rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}
