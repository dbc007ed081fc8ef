/* accounts.c — users, roles and grants in the host store. */
#include "accounts.h"

#include "rights.h"
#include "store.h"

#include <string.h>

int accounts_user_exists(host_ctx *ctx, const char *user)
{
    host_lock(ctx);
    int yes = user && store_exists(ctx->db, "SELECT 1 FROM users WHERE name = ?1", user, NULL);
    host_unlock(ctx);
    return yes;
}

ksc_status accounts_user_language(host_ctx *ctx, const char *user, char *out, size_t out_size)
{
    if (!user || !out || out_size == 0)
        return KSC_ERR_INVALID;
    host_lock(ctx);
    ksc_status status = KSC_ERR_NOT_FOUND;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db, "SELECT language FROM users WHERE name = ?1", -1, &st, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            snprintf(out, out_size, "%s", (const char *)sqlite3_column_text(st, 0));
            status = KSC_OK;
        }
    }
    sqlite3_finalize(st);
    host_unlock(ctx);
    return status;
}

/* Runs one INSERT/UPDATE with text parameters (NULL binds NULL); KSC_OK or KSC_ERR_FAILED. */
static ksc_status exec_params(host_ctx *ctx, const char *sql, const char *const *params, int n,
                              char *err, size_t err_size)
{
    sqlite3_stmt *st = NULL;
    ksc_status status = KSC_ERR_FAILED;
    if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) == SQLITE_OK) {
        for (int i = 0; i < n; i++)
            if (params[i])
                sqlite3_bind_text(st, i + 1, params[i], -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_DONE)
            status = KSC_OK;
    }
    if (status != KSC_OK)
        snprintf(err, err_size, "store error: %s", sqlite3_errmsg(ctx->db));
    sqlite3_finalize(st);
    return status;
}

ksc_status accounts_user_add(host_ctx *ctx, const char *name, int main_admin, const char *lang,
                             char *err, size_t err_size)
{
    if (!host_valid_name(name)) {
        snprintf(err, err_size, "invalid user name '%s': 1..64 of A-Z a-z 0-9 . _ - @", name);
        return KSC_ERR_INVALID;
    }
    host_lock(ctx);
    ksc_status status;
    if (store_exists(ctx->db, "SELECT 1 FROM users WHERE name = ?1", name, NULL)) {
        snprintf(err, err_size, "the user '%s' already exists", name);
        status = KSC_ERR_INVALID;
    } else {
        const char *p[] = {name, lang, main_admin ? "1" : "0"};
        status =
            exec_params(ctx, "INSERT INTO users(name, language, main_admin) VALUES(?1, ?2, ?3)", p,
                        3, err, err_size);
    }
    host_unlock(ctx);
    return status;
}

json_object *accounts_user_list(host_ctx *ctx)
{
    host_lock(ctx);
    json_object *arr = json_object_new_array();
    sqlite3_stmt *st = NULL, *gst = NULL;
    if (sqlite3_prepare_v2(ctx->db, "SELECT name, language, main_admin FROM users ORDER BY name",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(ctx->db,
                           "SELECT role, server FROM grants WHERE user = ?1 ORDER BY role, server",
                           -1, &gst, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            json_object *o = json_object_new_object();
            const char *name = (const char *)sqlite3_column_text(st, 0);
            json_object_object_add(o, "name", json_object_new_string(name));
            json_object_object_add(
                o, "language", json_object_new_string((const char *)sqlite3_column_text(st, 1)));
            json_object_object_add(o, "main_admin",
                                   json_object_new_boolean(sqlite3_column_int(st, 2)));
            json_object *grants = json_object_new_array();
            sqlite3_reset(gst);
            sqlite3_bind_text(gst, 1, name, -1, SQLITE_TRANSIENT);
            while (sqlite3_step(gst) == SQLITE_ROW) {
                json_object *g = json_object_new_object();
                const char *server = (const char *)sqlite3_column_text(gst, 1);
                json_object_object_add(
                    g, "role", json_object_new_string((const char *)sqlite3_column_text(gst, 0)));
                json_object_object_add(g, "server",
                                       server[0] ? json_object_new_string(server) : NULL);
                json_object_array_add(grants, g);
            }
            json_object_object_add(o, "roles", grants);
            json_object_array_add(arr, o);
        }
    }
    sqlite3_finalize(st);
    sqlite3_finalize(gst);
    host_unlock(ctx);
    return arr;
}

ksc_status accounts_role_add(host_ctx *ctx, const char *name, const char *title, const char *preset,
                             char *err, size_t err_size)
{
    if (!host_valid_name(name)) {
        snprintf(err, err_size, "invalid role name '%s': 1..64 of A-Z a-z 0-9 . _ - @", name);
        return KSC_ERR_INVALID;
    }
    host_lock(ctx);
    ksc_status status;
    if (store_exists(ctx->db, "SELECT 1 FROM roles WHERE name = ?1", name, NULL)) {
        snprintf(err, err_size, "the role '%s' already exists", name);
        status = KSC_ERR_INVALID;
    } else {
        const char *p[] = {name, title ? title : name, preset};
        status = exec_params(ctx, "INSERT INTO roles(name, title, preset) VALUES(?1, ?2, ?3)", p, 3,
                             err, err_size);
    }
    host_unlock(ctx);
    return status;
}

static ksc_status role_set_locked(host_ctx *ctx, const char *role, const char *area, int allow,
                                  char *err, size_t err_size)
{
    const char *p[] = {role, area, allow ? "1" : "0"};
    return exec_params(ctx,
                       "INSERT INTO role_rights(role, area, allow) VALUES(?1, ?2, ?3) ON "
                       "CONFLICT(role, area) DO UPDATE SET allow = ?3",
                       p, 3, err, err_size);
}

ksc_status accounts_role_set(host_ctx *ctx, const char *role, const char *area, int allow,
                             char *err, size_t err_size)
{
    if (!rights_area_known(ctx, area)) {
        snprintf(err, err_size,
                 "unknown functional area '%s' (see `ksc-host rights` for the known ones)", area);
        return KSC_ERR_INVALID;
    }
    host_lock(ctx);
    ksc_status status;
    if (!store_exists(ctx->db, "SELECT 1 FROM roles WHERE name = ?1", role, NULL)) {
        snprintf(err, err_size, "unknown role '%s'", role);
        status = KSC_ERR_NOT_FOUND;
    } else {
        status = role_set_locked(ctx, role, area, allow, err, err_size);
    }
    host_unlock(ctx);
    return status;
}

ksc_status accounts_role_from_preset(host_ctx *ctx, const char *preset_id, char *err,
                                     size_t err_size)
{
    const host_module *owner = NULL;
    const ksc_role_preset *preset = NULL;
    for (size_t m = 0; m < ctx->module_count && !preset; m++) {
        const ksc_module_descriptor *d = ctx->modules[m].desc;
        for (size_t i = 0; d && i < d->role_preset_count; i++)
            if (strcmp(d->role_presets[i].id, preset_id) == 0) {
                preset = &d->role_presets[i];
                owner = &ctx->modules[m];
                break;
            }
    }
    if (!preset) {
        snprintf(err, err_size,
                 "unknown role preset '%s' (see `ksc-host plugins` for the modules' presets)",
                 preset_id);
        return KSC_ERR_NOT_FOUND;
    }
    const ksc_module_descriptor *d = owner->desc;
    const char *title = d->translate ? d->translate("en", preset->title_key) : NULL;
    host_lock(ctx);
    ksc_status status = KSC_ERR_FAILED;
    if (store_begin(ctx->db) != SQLITE_OK) {
        snprintf(err, err_size, "store error: %s", sqlite3_errmsg(ctx->db));
        goto done;
    }
    status = accounts_role_add(ctx, preset_id, title ? title : preset->title_key, preset_id, err,
                               err_size);
    /* Every area the preset names is Allow; the module's other areas are Deny. */
    for (size_t a = 0; status == KSC_OK && preset->allowed_areas && preset->allowed_areas[a]; a++) {
        if (!rights_area_known(ctx, preset->allowed_areas[a])) {
            snprintf(err, err_size, "the preset names an unknown area '%s'",
                     preset->allowed_areas[a]);
            status = KSC_ERR_FAILED;
            break;
        }
        status = role_set_locked(ctx, preset_id, preset->allowed_areas[a], 1, err, err_size);
    }
    for (size_t i = 0; status == KSC_OK && i < d->area_count; i++) {
        int allowed = 0;
        for (size_t a = 0; preset->allowed_areas && preset->allowed_areas[a]; a++)
            allowed |= strcmp(preset->allowed_areas[a], d->areas[i].id) == 0;
        if (!allowed)
            status = role_set_locked(ctx, preset_id, d->areas[i].id, 0, err, err_size);
    }
    if (status == KSC_OK && store_commit(ctx->db) != SQLITE_OK) {
        snprintf(err, err_size, "store error: %s", sqlite3_errmsg(ctx->db));
        status = KSC_ERR_FAILED;
    }
done:
    store_rollback(ctx->db);
    host_unlock(ctx);
    return status;
}

json_object *accounts_role_list(host_ctx *ctx)
{
    host_lock(ctx);
    json_object *arr = json_object_new_array();
    sqlite3_stmt *st = NULL, *rst = NULL;
    if (sqlite3_prepare_v2(ctx->db, "SELECT name, title, preset FROM roles ORDER BY name", -1, &st,
                           NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(ctx->db,
                           "SELECT area, allow FROM role_rights WHERE role = ?1 ORDER BY area", -1,
                           &rst, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            json_object *o = json_object_new_object();
            const char *name = (const char *)sqlite3_column_text(st, 0);
            json_object_object_add(o, "name", json_object_new_string(name));
            json_object_object_add(
                o, "title", json_object_new_string((const char *)sqlite3_column_text(st, 1)));
            json_object_object_add(
                o, "preset",
                sqlite3_column_type(st, 2) == SQLITE_NULL
                    ? NULL
                    : json_object_new_string((const char *)sqlite3_column_text(st, 2)));
            json_object *allow = json_object_new_array(), *deny = json_object_new_array();
            sqlite3_reset(rst);
            sqlite3_bind_text(rst, 1, name, -1, SQLITE_TRANSIENT);
            while (sqlite3_step(rst) == SQLITE_ROW)
                json_object_array_add(
                    sqlite3_column_int(rst, 1) ? allow : deny,
                    json_object_new_string((const char *)sqlite3_column_text(rst, 0)));
            json_object_object_add(o, "allow", allow);
            json_object_object_add(o, "deny", deny);
            json_object_array_add(arr, o);
        }
    }
    sqlite3_finalize(st);
    sqlite3_finalize(rst);
    host_unlock(ctx);
    return arr;
}

ksc_status accounts_grant(host_ctx *ctx, const char *user, const char *role, const char *server,
                          char *err, size_t err_size)
{
    host_lock(ctx);
    ksc_status status = KSC_ERR_NOT_FOUND;
    if (!store_exists(ctx->db, "SELECT 1 FROM users WHERE name = ?1", user, NULL))
        snprintf(err, err_size, "unknown user '%s'", user);
    else if (!store_exists(ctx->db, "SELECT 1 FROM roles WHERE name = ?1", role, NULL))
        snprintf(err, err_size, "unknown role '%s'", role);
    else if (server &&
             !store_exists(ctx->db, "SELECT 1 FROM servers WHERE name = ?1", server, NULL))
        snprintf(err, err_size, "unknown server '%s'", server);
    else {
        const char *p[] = {user, role, server ? server : ""};
        status =
            exec_params(ctx, "INSERT OR IGNORE INTO grants(user, role, server) VALUES(?1, ?2, ?3)",
                        p, 3, err, err_size);
    }
    host_unlock(ctx);
    return status;
}
