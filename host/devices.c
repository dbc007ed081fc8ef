/*
 * devices.c — the device inventory. Applications and components are kept in one compact
 * text column (fields separated by US 0x1F, applications by RS 0x1E) so that iterating
 * 110,000 devices is one table scan, decoded into one reused set of structs per row.
 */
#include "devices.h"

#include "seedgen.h"
#include "store.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIELD_SEP '\x1f'
#define APP_SEP '\x1e'
#define MAX_TEXT 255

static const char *const states[] = {"Unknown", "Stopped", "Paused",     "Starting",
                                     "Running", "Failed",  "No license", "Not installed"};

static int valid_state(const char *s)
{
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
        if (strcmp(s, states[i]) == 0)
            return 1;
    return 0;
}

int devices_valid_uuid(const char *s)
{
    if (!s || strlen(s) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return 0;
        } else if (!isxdigit((unsigned char)s[i])) {
            return 0;
        }
    }
    return 1;
}

/* One decoded row; the structs are reused from row to row. */
typedef struct device_row {
    char *buf;
    size_t cap;
    ksc_application apps[DEVICE_MAX_APPS];
    ksc_component comps[DEVICE_MAX_APPS][DEVICE_MAX_COMPONENTS];
    ksc_device dev;
} device_row;

static int decode_apps(device_row *r, const char *text, size_t len)
{
    if (len + 1 > r->cap) {
        char *nb = realloc(r->buf, len + 1);
        if (!nb)
            return -1;
        r->buf = nb;
        r->cap = len + 1;
    }
    memcpy(r->buf, text, len);
    r->buf[len] = '\0';
    size_t napps = 0;
    char *p = r->buf;
    while (len > 0 && *p && napps < DEVICE_MAX_APPS) {
        char *app_end = strchr(p, APP_SEP);
        if (app_end)
            *app_end = '\0';
        const char *fields[4 + 2 * DEVICE_MAX_COMPONENTS];
        size_t nf = 0;
        char *f = p;
        for (;;) {
            char *sep = strchr(f, FIELD_SEP);
            if (nf < sizeof fields / sizeof fields[0])
                fields[nf++] = f;
            if (!sep)
                break;
            *sep = '\0';
            f = sep + 1;
        }
        if (nf >= 4) {
            ksc_application *a = &r->apps[napps];
            a->size = sizeof *a;
            a->code = fields[0];
            a->name = fields[1];
            a->version = fields[2];
            a->mdr_configured = fields[3][0] == '1';
            a->component_count = (nf - 4) / 2;
            a->components = r->comps[napps];
            for (size_t c = 0; c < a->component_count; c++) {
                ksc_component *comp = &r->comps[napps][c];
                comp->size = sizeof *comp;
                comp->name = fields[4 + 2 * c];
                comp->state = fields[5 + 2 * c];
            }
            napps++;
        }
        if (!app_end)
            break;
        p = app_end + 1;
    }
    r->dev.app_count = napps;
    r->dev.apps = r->apps;
    return 0;
}

#define DEVICE_COLUMNS "id, name, grp, server, tenant, mdr_state, self_defense, apps"

static ksc_status run_rows(sqlite3_stmt *st, ksc_device_cb cb, void *cb_ctx, int at_most_one)
{
    device_row *r = calloc(1, sizeof *r);
    if (!r)
        return KSC_ERR_NO_MEMORY;
    ksc_status status = KSC_OK;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        ksc_device *d = &r->dev;
        d->size = sizeof *d;
        d->id = (const char *)sqlite3_column_text(st, 0);
        d->name = (const char *)sqlite3_column_text(st, 1);
        d->group = (const char *)sqlite3_column_text(st, 2);
        d->server = (const char *)sqlite3_column_text(st, 3);
        d->tenant = (const char *)sqlite3_column_text(st, 4);
        d->mdr_state = (const char *)sqlite3_column_text(st, 5);
        d->self_defense = sqlite3_column_int(st, 6);
        const char *apps = (const char *)sqlite3_column_text(st, 7);
        if (decode_apps(r, apps ? apps : "", (size_t)sqlite3_column_bytes(st, 7)) != 0) {
            status = KSC_ERR_NO_MEMORY;
            break;
        }
        if (cb(cb_ctx, d) != 0 || at_most_one)
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        status = KSC_ERR_FAILED;
    free(r->buf);
    free(r);
    return status;
}

ksc_status devices_foreach(host_ctx *ctx, const char *server, ksc_device_cb cb, void *cb_ctx)
{
    if (!cb)
        return KSC_ERR_INVALID;
    host_lock(ctx);
    ksc_status status = KSC_ERR_FAILED;
    sqlite3_stmt *st = NULL;
    if (server && !store_exists(ctx->db, "SELECT 1 FROM servers WHERE name = ?1", server, NULL)) {
        status = KSC_ERR_NOT_FOUND;
        goto done;
    }
    const char *sql = server ? "SELECT " DEVICE_COLUMNS " FROM devices WHERE server = ?1"
                             : "SELECT " DEVICE_COLUMNS " FROM devices";
    if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK)
        goto done;
    if (server)
        sqlite3_bind_text(st, 1, server, -1, SQLITE_STATIC);
    status = run_rows(st, cb, cb_ctx, 0);
done:
    sqlite3_finalize(st);
    host_unlock(ctx);
    return status;
}

uint64_t devices_revision(host_ctx *ctx)
{
    host_lock(ctx);
    uint64_t rev = 0;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db, "SELECT value FROM device_revision WHERE id = 1", -1, &st,
                           NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        rev = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    host_unlock(ctx);
    return rev;
}

typedef struct found_ctx {
    ksc_device_cb cb;
    void *ctx;
    int found;
} found_ctx;

static int found_cb(void *c, const ksc_device *d)
{
    found_ctx *f = c;
    f->found = 1;
    return f->cb(f->ctx, d);
}

ksc_status devices_get(host_ctx *ctx, const char *device_id, ksc_device_cb cb, void *cb_ctx)
{
    if (!cb || !device_id)
        return KSC_ERR_INVALID;
    host_lock(ctx);
    sqlite3_stmt *st = NULL;
    ksc_status status = KSC_ERR_FAILED;
    found_ctx f = {cb, cb_ctx, 0};
    if (sqlite3_prepare_v2(ctx->db, "SELECT " DEVICE_COLUMNS " FROM devices WHERE id = lower(?1)",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, device_id, -1, SQLITE_STATIC);
        status = run_rows(st, found_cb, &f, 1);
        if (status == KSC_OK && !f.found)
            status = KSC_ERR_NOT_FOUND;
    }
    sqlite3_finalize(st);
    host_unlock(ctx);
    return status;
}

json_object *devices_to_json(const ksc_device *d)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_string(d->id));
    json_object_object_add(o, "name", json_object_new_string(d->name));
    json_object_object_add(o, "group", json_object_new_string(d->group));
    json_object_object_add(o, "server", json_object_new_string(d->server));
    json_object_object_add(o, "tenant", json_object_new_string(d->tenant));
    json_object_object_add(o, "mdr_state", json_object_new_string(d->mdr_state));
    json_object_object_add(o, "self_defense", json_object_new_boolean(d->self_defense));
    json_object *apps = json_object_new_array();
    for (size_t i = 0; i < d->app_count; i++) {
        const ksc_application *a = &d->apps[i];
        json_object *ao = json_object_new_object();
        json_object_object_add(ao, "code", json_object_new_string(a->code));
        json_object_object_add(ao, "name", json_object_new_string(a->name));
        json_object_object_add(ao, "version", json_object_new_string(a->version));
        json_object_object_add(ao, "mdr_configured", json_object_new_boolean(a->mdr_configured));
        json_object *comps = json_object_new_array();
        for (size_t c = 0; c < a->component_count; c++) {
            json_object *co = json_object_new_object();
            json_object_object_add(co, "name", json_object_new_string(a->components[c].name));
            json_object_object_add(co, "state", json_object_new_string(a->components[c].state));
            json_object_array_add(comps, co);
        }
        json_object_object_add(ao, "components", comps);
        json_object_array_add(apps, ao);
    }
    json_object_object_add(o, "applications", apps);
    return o;
}

/* --- writing --------------------------------------------------------------------------- */

typedef struct text_buf {
    char *p;
    size_t len, cap;
} text_buf;

static int tb_add(text_buf *b, const char *s, char sep)
{
    size_t n = strlen(s);
    if (b->len + n + 2 > b->cap) {
        size_t cap = (b->len + n + 2) * 2;
        char *np = realloc(b->p, cap);
        if (!np)
            return -1;
        b->p = np;
        b->cap = cap;
    }
    if (sep && b->len > 0)
        b->p[b->len++] = sep;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

static int insert_row(sqlite3_stmt *st, const char *id, const char *name, const char *group,
                      const char *server, const char *tenant, const char *mdr_state,
                      int self_defense, const text_buf *apps)
{
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, group, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, server, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, tenant, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, mdr_state, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 7, self_defense);
    sqlite3_bind_text(st, 8, apps->p ? apps->p : "", (int)apps->len, SQLITE_STATIC);
    return sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
}

#define INSERT_SQL                                                                                 \
    "INSERT OR REPLACE INTO devices(" DEVICE_COLUMNS ") VALUES(lower(?1),?2,?3,?4,?5,?6,?7,?8)"

/* A text field: a string of 0..255 bytes without control characters. */
static const char *text_field(json_object *o, const char *key, const char *dflt, int required,
                              char *err, size_t err_size, const char *where)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null)) {
        if (required)
            snprintf(err, err_size, "%s: '%s' is missing", where, key);
        return required ? NULL : dflt;
    }
    if (!json_object_is_type(v, json_type_string)) {
        snprintf(err, err_size, "%s: '%s' must be a string", where, key);
        return NULL;
    }
    const char *s = json_object_get_string(v);
    if (strlen(s) > MAX_TEXT || (required && s[0] == '\0')) {
        snprintf(err, err_size, "%s: '%s' must have 1..%d characters", where, key, MAX_TEXT);
        return NULL;
    }
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            snprintf(err, err_size, "%s: '%s' contains a control character", where, key);
            return NULL;
        }
    return s;
}

static int bool_field(json_object *o, const char *key, int dflt, int *out, char *err,
                      size_t err_size, const char *where)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v)) {
        *out = dflt;
        return 0;
    }
    if (!json_object_is_type(v, json_type_boolean)) {
        snprintf(err, err_size, "%s: '%s' must be true or false", where, key);
        return -1;
    }
    *out = json_object_get_boolean(v);
    return 0;
}

static int encode_apps(json_object *dev, text_buf *apps, char *err, size_t err_size,
                       const char *where)
{
    json_object *arr;
    apps->len = 0;
    if (apps->p)
        apps->p[0] = '\0';
    if (!json_object_object_get_ex(dev, "applications", &arr))
        return 0;
    if (!json_object_is_type(arr, json_type_array) ||
        json_object_array_length(arr) > DEVICE_MAX_APPS) {
        snprintf(err, err_size, "%s: 'applications' must be an array of at most %d", where,
                 DEVICE_MAX_APPS);
        return -1;
    }
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        json_object *a = json_object_array_get_idx(arr, i);
        char aw[128];
        snprintf(aw, sizeof aw, "%s.applications[%zu]", where, i);
        if (!json_object_is_type(a, json_type_object)) {
            snprintf(err, err_size, "%s must be an object", aw);
            return -1;
        }
        const char *code = text_field(a, "code", NULL, 1, err, err_size, aw);
        const char *name = code ? text_field(a, "name", NULL, 1, err, err_size, aw) : NULL;
        const char *version = name ? text_field(a, "version", NULL, 1, err, err_size, aw) : NULL;
        int mdr;
        if (!version || bool_field(a, "mdr_configured", 0, &mdr, err, err_size, aw) != 0)
            return -1;
        if ((apps->len > 0 && tb_add(apps, "", APP_SEP) != 0) || tb_add(apps, code, 0) != 0 ||
            tb_add(apps, name, FIELD_SEP) != 0 || tb_add(apps, version, FIELD_SEP) != 0 ||
            tb_add(apps, mdr ? "1" : "0", FIELD_SEP) != 0)
            goto oom;
        /* tb_add with sep only when len>0: the first field of a later app follows APP_SEP */
        json_object *comps;
        if (!json_object_object_get_ex(a, "components", &comps))
            continue;
        if (!json_object_is_type(comps, json_type_array) ||
            json_object_array_length(comps) > DEVICE_MAX_COMPONENTS) {
            snprintf(err, err_size, "%s: 'components' must be an array of at most %d", aw,
                     DEVICE_MAX_COMPONENTS);
            return -1;
        }
        for (size_t c = 0; c < json_object_array_length(comps); c++) {
            json_object *co = json_object_array_get_idx(comps, c);
            char cw[200];
            snprintf(cw, sizeof cw, "%s.components[%zu]", aw, c);
            if (!json_object_is_type(co, json_type_object)) {
                snprintf(err, err_size, "%s must be an object", cw);
                return -1;
            }
            const char *cn = text_field(co, "name", NULL, 1, err, err_size, cw);
            const char *cs = cn ? text_field(co, "state", NULL, 1, err, err_size, cw) : NULL;
            if (!cs)
                return -1;
            if (!valid_state(cs)) {
                snprintf(err, err_size, "%s: unknown state '%s'", cw, cs);
                return -1;
            }
            if (tb_add(apps, cn, FIELD_SEP) != 0 || tb_add(apps, cs, FIELD_SEP) != 0)
                goto oom;
        }
    }
    return 0;
oom:
    snprintf(err, err_size, "out of memory");
    return -1;
}

int devices_import(host_ctx *ctx, json_object *doc, size_t *count, char *err, size_t err_size)
{
    json_object *list = doc;
    *count = 0;
    if (json_object_is_type(doc, json_type_object) &&
        !json_object_object_get_ex(doc, "devices", &list)) {
        snprintf(err, err_size, "expected {\"devices\": [...]} or an array of devices");
        return -1;
    }
    if (!json_object_is_type(list, json_type_array)) {
        snprintf(err, err_size, "expected {\"devices\": [...]} or an array of devices");
        return -1;
    }
    host_lock(ctx);
    sqlite3_stmt *st = NULL;
    text_buf apps = {0};
    int rc = -1;
    if (store_begin(ctx->db) != SQLITE_OK ||
        sqlite3_prepare_v2(ctx->db, INSERT_SQL, -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, err_size, "store error: %s", sqlite3_errmsg(ctx->db));
        goto done;
    }
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        json_object *d = json_object_array_get_idx(list, i);
        char where[64];
        snprintf(where, sizeof where, "devices[%zu]", i);
        if (!json_object_is_type(d, json_type_object)) {
            snprintf(err, err_size, "%s must be an object", where);
            goto done;
        }
        const char *id = text_field(d, "id", NULL, 1, err, err_size, where);
        if (!id)
            goto done;
        if (!devices_valid_uuid(id)) {
            snprintf(err, err_size, "%s: 'id' must be a UUID, got '%s'", where, id);
            goto done;
        }
        const char *name = text_field(d, "name", NULL, 1, err, err_size, where);
        const char *group =
            name ? text_field(d, "group", "Managed devices", 0, err, err_size, where) : NULL;
        const char *server =
            group ? text_field(d, "server", "main", 0, err, err_size, where) : NULL;
        const char *tenant = server ? text_field(d, "tenant", "", 0, err, err_size, where) : NULL;
        const char *state =
            tenant ? text_field(d, "mdr_state", NULL, 1, err, err_size, where) : NULL;
        int self_defense;
        if (!state || bool_field(d, "self_defense", 1, &self_defense, err, err_size, where) != 0)
            goto done;
        if (!valid_state(state)) {
            snprintf(err, err_size, "%s: unknown mdr_state '%s'", where, state);
            goto done;
        }
        if (!store_exists(ctx->db, "SELECT 1 FROM servers WHERE name = ?1", server, NULL)) {
            snprintf(err, err_size, "%s: unknown server '%s'", where, server);
            goto done;
        }
        if (encode_apps(d, &apps, err, err_size, where) != 0)
            goto done;
        if (insert_row(st, id, name, group, server, tenant, state, self_defense, &apps) != 0) {
            snprintf(err, err_size, "%s: store error: %s", where, sqlite3_errmsg(ctx->db));
            goto done;
        }
    }
    if (store_commit(ctx->db) != SQLITE_OK) {
        snprintf(err, err_size, "store error: %s", sqlite3_errmsg(ctx->db));
        goto done;
    }
    *count = json_object_array_length(list);
    rc = 0;
done:
    sqlite3_finalize(st);
    if (rc != 0)
        store_rollback(ctx->db);
    host_unlock(ctx);
    free(apps.p);
    return rc;
}

int devices_generate(host_ctx *ctx, uint64_t seed, uint32_t count, uint32_t never_sent, int tenants,
                     const char *server, char *err, size_t err_size)
{
    if (never_sent > count) {
        snprintf(err, err_size, "--never-sent (%u) cannot exceed --count (%u)", never_sent, count);
        return -1;
    }
    host_lock(ctx);
    int rc = -1;
    sqlite3_stmt *st = NULL;
    text_buf apps = {0};
    if (!store_exists(ctx->db, "SELECT 1 FROM servers WHERE name = ?1", server, NULL)) {
        snprintf(err, err_size, "unknown server '%s'", server);
        goto done;
    }
    if (store_begin(ctx->db) != SQLITE_OK ||
        sqlite3_prepare_v2(ctx->db, INSERT_SQL, -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, err_size, "store error: %s", sqlite3_errmsg(ctx->db));
        goto done;
    }
    uint32_t sending = count - never_sent;
    for (uint32_t i = 0; i < count; i++) {
        int silent = i >= sending;
        uint32_t index = silent ? i - sending : i;
        seed_machine m;
        seed_machine_make(seed, index, silent, tenants, &m);
        char tenant[101] = "";
        if (m.tenant_index >= 0)
            seed_tenant_name(seed, m.tenant_index, tenant, sizeof tenant);
        apps.len = 0;
        int mdr_configured = strcmp(m.mdr_state, "Not installed") != 0;
        if (tb_add(&apps, m.product_code, 0) != 0 ||
            tb_add(&apps, m.product_name, FIELD_SEP) != 0 ||
            tb_add(&apps, m.product_version, FIELD_SEP) != 0 ||
            tb_add(&apps, mdr_configured ? "1" : "0", FIELD_SEP) != 0)
            goto oom;
        for (int c = 0; c < m.component_count; c++)
            if (tb_add(&apps, m.components[c].name, FIELD_SEP) != 0 ||
                tb_add(&apps, m.components[c].state, FIELD_SEP) != 0)
                goto oom;
        if (insert_row(st, m.device_id, m.host_name, m.group, server, tenant, m.mdr_state,
                       m.self_defense, &apps) != 0) {
            snprintf(err, err_size, "store error: %s", sqlite3_errmsg(ctx->db));
            goto done;
        }
    }
    if (store_commit(ctx->db) != SQLITE_OK) {
        snprintf(err, err_size, "store error: %s", sqlite3_errmsg(ctx->db));
        goto done;
    }
    rc = 0;
    goto done;
oom:
    snprintf(err, err_size, "out of memory");
done:
    sqlite3_finalize(st);
    if (rc != 0)
        store_rollback(ctx->db);
    host_unlock(ctx);
    free(apps.p);
    return rc;
}
