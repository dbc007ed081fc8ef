/* health/inventory.c — the copy of the console's device inventory and the join with the
 * assets. The host iterates 110,000 devices in ~70 ms; a first pass only fingerprints them,
 * and only when the fingerprint changed does a second pass rewrite the rows that differ,
 * so a sync with an unchanged inventory writes nothing. A 1.1 host also tells the
 * inventory's revision: when it is the one of the last copy, neither pass runs. */
#include "health.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FP_KEY "health.inventory_fp"
#define REV_KEY "health.inventory_rev" /* "<revision> <devices>" of the last copy */

static uint64_t fnv(uint64_t h, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++)
        h = (h ^ *p) * 0x100000001b3ULL;
    return (h ^ 0xff) * 0x100000001b3ULL; /* a separator: "ab","c" differs from "a","bc" */
}

static uint64_t device_hash(const ksc_device *d)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    h = fnv(h, d->id);
    h = fnv(h, d->name);
    h = fnv(h, d->group);
    h = fnv(h, d->server);
    h = fnv(h, d->tenant);
    h = fnv(h, d->mdr_state);
    h = fnv(h, d->self_defense ? "1" : "0");
    for (size_t i = 0; i < d->app_count; i++) {
        const ksc_application *a = &d->apps[i];
        h = fnv(h, a->name);
        h = fnv(h, a->code);
        h = fnv(h, a->version);
        h = fnv(h, a->mdr_configured ? "1" : "0");
        for (size_t c = 0; c < a->component_count; c++) {
            h = fnv(h, a->components[c].name);
            h = fnv(h, a->components[c].state);
        }
    }
    return h;
}

/* splitmix64 finalizer: the fingerprint is a sum of mixed row hashes, so the host's order of
 * iteration does not matter. */
static uint64_t mix(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

typedef struct fp_ctx {
    uint64_t sum;
    int64_t count;
} fp_ctx;

static int fp_device(void *ctx, const ksc_device *d)
{
    fp_ctx *f = ctx;
    f->sum += mix(device_hash(d));
    f->count++;
    return 0;
}

typedef struct write_ctx {
    sqlite3_stmt *upsert, *seen;
    int failed;
} write_ctx;

static int is_edr_agent(const ksc_application *a)
{
    return (a->code && strcmp(a->code, "EDR") == 0) || (a->name && strstr(a->name, "EDR Agent"));
}

static int write_device(void *ctx, const ksc_device *d)
{
    write_ctx *w = ctx;
    char id[64], name_lc[1024], epp[2048] = "";
    if (!d->id || strlen(d->id) >= sizeof id)
        return 0; /* the host validates ids; an odd one is skipped, not fatal */
    for (size_t i = 0; d->id[i]; i++)
        id[i] = (char)tolower((unsigned char)d->id[i]);
    id[strlen(d->id)] = '\0';
    health_lower(d->name ? d->name : "", name_lc, sizeof name_lc);
    json_object *critical = json_object_new_array();
    int severity = 0, edr = 0;
    for (size_t i = 0; i < d->app_count; i++) {
        const ksc_application *a = &d->apps[i];
        edr |= is_edr_agent(a);
        if (!a->mdr_configured)
            continue;
        size_t l = strlen(epp);
        snprintf(epp + l, sizeof epp - l, "%s%s", l ? "; " : "", a->name ? a->name : "");
        for (size_t c = 0; c < a->component_count; c++) {
            int color = health_state_color(a->components[c].state);
            if (!color)
                continue; /* Running: not listed */
            json_object *o = json_object_new_object();
            json_object_object_add(
                o, "name",
                json_object_new_string(a->components[c].name ? a->components[c].name : ""));
            json_object_object_add(o, "state", json_object_new_string(a->components[c].state));
            json_object_array_add(critical, o);
            severity = color > severity ? color : severity;
        }
    }
    if (!d->self_defense) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "name", json_object_new_string("Self-Defense"));
        json_object_object_add(o, "state", json_object_new_string("Disabled"));
        json_object_object_add(o, "self_defense", json_object_new_boolean(1));
        json_object_array_add(critical, o);
        severity = 2;
    }
    int state = health_state_index(d->mdr_state);
    sqlite3_stmt *st = w->upsert;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, d->name ? d->name : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, name_lc, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, d->group ? d->group : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, d->server ? d->server : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, d->tenant ? d->tenant : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 7, state < 0 ? 0 : state);
    sqlite3_bind_int(st, 8, d->self_defense ? 1 : 0);
    sqlite3_bind_text(st, 9, epp, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 10, json_object_to_json_string_ext(critical, JSON_C_TO_STRING_PLAIN), -1,
                      SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 11, severity);
    sqlite3_bind_int(st, 12, edr);
    sqlite3_bind_int64(st, 13, (int64_t)device_hash(d));
    json_object_put(critical);
    if (w->seen) {
        sqlite3_reset(w->seen);
        sqlite3_bind_text(w->seen, 1, id, -1, SQLITE_TRANSIENT);
    }
    if (sqlite3_step(st) != SQLITE_DONE || (w->seen && sqlite3_step(w->seen) != SQLITE_DONE)) {
        w->failed = 1;
        return 1;
    }
    return 0;
}

static int exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

int health_inventory_refresh(ksc_module *m, sqlite3 *db, health_inventory_result *res, char *err,
                             size_t err_size)
{
    memset(res, 0, sizeof *res);
    const ksc_host_services *s = m->services;
    /* read before the inventory: a change while it is read moves the revision again, so
     * the next sync reads it anew */
    uint64_t rev = KSC_HAS_MEMBER(s, ksc_host_services, devices_revision) && s->devices_revision
                       ? s->devices_revision(s->host)
                       : 0;
    char rev_text[64], *old_rev = NULL;
    rev_text[0] = '\0';
    if (rev) {
        int got = mdr_setting_get(db, REV_KEY, &old_rev);
        if (got < 0) {
            snprintf(err, err_size, "store: %s", sqlite3_errmsg(db));
            return -1;
        }
        unsigned long long seen_rev = 0;
        long long seen_devices = 0;
        int same = got == 0 && sscanf(old_rev, "%llu %lld", &seen_rev, &seen_devices) == 2 &&
                   seen_rev == rev && seen_devices >= 0;
        free(old_rev);
        if (same) {
            res->devices = seen_devices;
            return 0;
        }
    }
    fp_ctx fp = {0, 0};
    if (s->devices_foreach(s->host, NULL, fp_device, &fp) != KSC_OK) {
        snprintf(err, err_size, "the console's device inventory could not be read");
        return -1;
    }
    res->devices = fp.count;
    if (rev)
        snprintf(rev_text, sizeof rev_text, "%llu %lld", (unsigned long long)rev,
                 (long long)fp.count);
    char fp_text[64], *old = NULL;
    snprintf(fp_text, sizeof fp_text, "%016llx-%lld", (unsigned long long)fp.sum,
             (long long)fp.count);
    int got = mdr_setting_get(db, FP_KEY, &old);
    if (got < 0) {
        snprintf(err, err_size, "store: %s", sqlite3_errmsg(db));
        return -1;
    }
    int same = got == 0 && strcmp(old, fp_text) == 0;
    free(old);
    if (same) {
        if (rev_text[0] && mdr_setting_set(db, REV_KEY, rev_text) != 0) {
            snprintf(err, err_size, "store: %s", sqlite3_errmsg(db));
            return -1;
        }
        return 0;
    }

    res->changed = 1;
    /* the first copy: nothing to delete afterwards, so no need to note what was seen */
    sqlite3_stmt *any = NULL;
    int first = sqlite3_prepare_v2(db, "SELECT NOT EXISTS (SELECT 1 FROM health_devices)", -1, &any,
                                   NULL) == SQLITE_OK &&
                sqlite3_step(any) == SQLITE_ROW && sqlite3_column_int(any, 0);
    sqlite3_finalize(any);
    res->first_copy = first;
    write_ctx w = {NULL, NULL, 0};
    const char *sql =
        "INSERT INTO health_devices (device_id, name, name_lc, grp, server, tenant, mdr_state, "
        "self_defense, epp, critical, severity, edr_agent, row_hash, has_asset) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
        /* whether some asset reports it, as the store will hold them after this sync */
        "EXISTS (SELECT 1 FROM temp.health_stage WHERE ksc_host_id = ?1) OR "
        "EXISTS (SELECT 1 FROM health_assets WHERE ksc_host_id = ?1)) "
        "ON CONFLICT (device_id) DO UPDATE SET name = excluded.name, name_lc = excluded.name_lc, "
        "grp = excluded.grp, server = excluded.server, tenant = excluded.tenant, "
        "mdr_state = excluded.mdr_state, self_defense = excluded.self_defense, "
        "epp = excluded.epp, critical = excluded.critical, severity = excluded.severity, "
        "edr_agent = excluded.edr_agent, row_hash = excluded.row_hash, "
        "has_asset = excluded.has_asset "
        "WHERE row_hash != excluded.row_hash";
    if (exec(db, "CREATE TEMP TABLE IF NOT EXISTS health_seen (id TEXT PRIMARY KEY) "
                 "WITHOUT ROWID") != 0 ||
        exec(db, "DELETE FROM temp.health_seen") != 0 ||
        sqlite3_prepare_v2(db, sql, -1, &w.upsert, NULL) != SQLITE_OK ||
        (!first && sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO temp.health_seen (id) VALUES (?1)",
                                      -1, &w.seen, NULL) != SQLITE_OK)) {
        snprintf(err, err_size, "store: %s", sqlite3_errmsg(db));
        sqlite3_finalize(w.upsert);
        return -1;
    }
    ksc_status hs = s->devices_foreach(s->host, NULL, write_device, &w);
    sqlite3_finalize(w.upsert);
    sqlite3_finalize(w.seen);
    if (w.failed || hs != KSC_OK) {
        if (w.failed)
            snprintf(err, err_size, "store: %s", sqlite3_errmsg(db));
        else
            snprintf(err, err_size, "the console's device inventory could not be read");
        return -1;
    }
    if ((!first && exec(db, "DELETE FROM health_devices WHERE device_id NOT IN "
                            "(SELECT id FROM temp.health_seen)") != 0) ||
        exec(db, "DELETE FROM temp.health_seen") != 0 ||
        mdr_setting_set(db, FP_KEY, fp_text) != 0 ||
        (rev_text[0] ? mdr_setting_set(db, REV_KEY, rev_text) : mdr_setting_delete(db, REV_KEY)) !=
            0) {
        snprintf(err, err_size, "store: %s", sqlite3_errmsg(db));
        return -1;
    }
    return 0;
}

static int join_asset_devices(sqlite3 *db)
{
    static const char *const join_devices[] = {
        /* assets ← their device (name, server, EDR Agent configuration); rows that already
         * agree are not rewritten */
        "UPDATE health_assets SET device_name = d.name, ksc_server = d.server, "
        "edr_agent = d.edr_agent FROM health_devices d WHERE d.device_id = "
        "health_assets.ksc_host_id "
        "AND (health_assets.device_name IS NOT d.name OR health_assets.ksc_server IS NOT d.server "
        "OR health_assets.edr_agent IS NOT d.edr_agent)",
        "UPDATE health_assets SET device_name = '', ksc_server = '', edr_agent = 0 "
        "WHERE ksc_server != '' AND NOT EXISTS (SELECT 1 FROM health_devices d "
        "WHERE d.device_id = health_assets.ksc_host_id)",
        NULL};
    for (int i = 0; join_devices[i]; i++)
        if (exec(db, join_devices[i]) != 0)
            return -1;
    return 0;
}

int health_join_and_summarize(sqlite3 *db, int asset_devices, int device_assets)
{
    static const char *const join_assets[] = {
        /* devices ← whether some asset reports them (else: malfunctioning), one pass */
        "UPDATE health_devices SET has_asset = NOT has_asset WHERE has_asset IS NOT "
        "(device_id IN (SELECT ksc_host_id FROM health_assets))",
        NULL};
    static const char *const summary[] = {
        "DELETE FROM health_summary",
        "INSERT INTO health_summary (tenant, kind, status, n) SELECT tenant, 0, status, count(*) "
        "FROM health_assets GROUP BY tenant, status",
        "INSERT INTO health_summary (tenant, kind, status, n) SELECT tenant, 1, 0, count(*) "
        "FROM health_devices WHERE has_asset = 0 GROUP BY tenant",
        NULL};
    if (asset_devices && join_asset_devices(db) != 0)
        return -1;
    for (int i = 0; device_assets && join_assets[i]; i++)
        if (exec(db, join_assets[i]) != 0)
            return -1;
    for (int i = 0; summary[i]; i++)
        if (exec(db, summary[i]) != 0)
            return -1;
    return 0;
}

int health_delta_note(sqlite3 *db)
{
    static const char *const note[] = {
        "CREATE TEMP TABLE IF NOT EXISTS health_delta (tenant TEXT NOT NULL, status INTEGER NOT "
        "NULL, d INTEGER NOT NULL, ksc_host_id TEXT NOT NULL)",
        "DELETE FROM temp.health_delta",
        "INSERT INTO temp.health_delta SELECT a.tenant, a.status, -1, a.ksc_host_id "
        "FROM temp.health_stage s JOIN health_assets a ON a.asset_id = s.asset_id "
        "WHERE " HEALTH_STAGE_DIFFERS,
        "INSERT INTO temp.health_delta SELECT s.tenant, s.status, 1, s.ksc_host_id "
        "FROM temp.health_stage s LEFT JOIN health_assets a ON a.asset_id = s.asset_id "
        "WHERE a.id IS NULL OR " HEALTH_STAGE_DIFFERS,
        NULL};
    for (int i = 0; note[i]; i++)
        if (exec(db, note[i]) != 0)
            return -1;
    return 0;
}

int health_delta_apply(sqlite3 *db, int asset_devices)
{
    static const char *const apply[] = {
        /* the devices the changed assets left or reached: some asset still reports them? */
        "UPDATE health_devices SET has_asset = NOT has_asset WHERE device_id IN "
        "(SELECT ksc_host_id FROM temp.health_delta) AND has_asset IS NOT EXISTS "
        "(SELECT 1 FROM health_assets a WHERE a.ksc_host_id = health_devices.device_id)",
        /* assets by tenant and status: the differences, and no row for a count gone to 0 */
        "INSERT INTO health_summary (tenant, kind, status, n) SELECT tenant, 0, status, sum(d) "
        "FROM temp.health_delta WHERE true GROUP BY tenant, status HAVING sum(d) != 0 "
        "ON CONFLICT (tenant, kind, status) DO UPDATE SET n = n + excluded.n",
        "DELETE FROM health_summary WHERE kind = 0 AND n = 0",
        /* malfunctioning devices by tenant: read from the (has_asset, tenant) index */
        "DELETE FROM health_summary WHERE kind = 1",
        "INSERT INTO health_summary (tenant, kind, status, n) SELECT tenant, 1, 0, count(*) "
        "FROM health_devices WHERE has_asset = 0 GROUP BY tenant",
        "DELETE FROM temp.health_delta", NULL};
    if (asset_devices && join_asset_devices(db) != 0)
        return -1;
    for (int i = 0; apply[i]; i++)
        if (exec(db, apply[i]) != 0)
            return -1;
    return 0;
}
