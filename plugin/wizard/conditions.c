/* wizard/conditions.c — what marks each Getting Started step done, computed from the real
 * state on every call: the host's roles, the service's activation status, the record of a
 * downloaded configuration file, the KSN proxy settings of every server, the device inventory
 * and the last MDR Health sync. Nothing here is set by clicking through the wizard. */
#include "wizard.h"
#include "core/cloud_link.h"
#include "core/json_get.h"
#include "core/rights.h"
#include "core/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void reason(mdr_wizard_state *st, const char *key)
{
    snprintf(st->why_key, sizeof st->why_key, "wizard.why.%s", key);
}

/* Adds {name} = value to the reason's placeholders. */
static void param(mdr_wizard_state *st, const char *name, long long v)
{
    size_t i = 0;
    while (st->params[i])
        i += 2;
    if (i / 2 >= sizeof st->values / sizeof st->values[0] || i + 2 >= 17)
        return;
    snprintf(st->values[i / 2], sizeof st->values[0], "%lld", v);
    st->params[i] = name;
    st->params[i + 1] = st->values[i / 2];
    st->params[i + 2] = NULL;
}

static json_object *host_json(ksc_module *m, char *text)
{
    json_object *o = text ? json_tokener_parse(text) : NULL;
    if (text)
        m->services->free(text);
    return o;
}

/* ---- 1. the MDR roles ------------------------------------------------------------------- */

static int has_all(json_object *allow, const char *const *areas)
{
    for (const char *const *a = areas; a && *a; a++) {
        int found = 0;
        for (size_t i = 0; i < json_object_array_length(allow) && !found; i++)
            found = strcmp(json_object_get_string(json_object_array_get_idx(allow, i)), *a) == 0;
        if (!found)
            return 0;
    }
    return 1;
}

int mdr_wizard_roles(ksc_module *m, json_object **present, json_object **missing)
{
    *present = *missing = NULL;
    const ksc_host_services *s = m->services;
    char err[256];
    const mdr_rights *r = mdr_rights_get(err, sizeof err);
    if (!r || !KSC_HAS_MEMBER(s, ksc_host_services, roles_json) || !s->roles_json)
        return -1;
    json_object *roles = host_json(m, s->roles_json(s->host));
    if (!roles || !json_object_is_type(roles, json_type_array)) {
        json_object_put(roles);
        return -1;
    }
    *present = json_object_new_array();
    *missing = json_object_new_array();
    for (size_t p = 0; p < r->role_count; p++) {
        const ksc_role_preset *preset = &r->roles[p];
        int found = 0;
        for (size_t i = 0; i < json_object_array_length(roles) && !found; i++) {
            json_object *role = json_object_array_get_idx(roles, i), *allow = NULL;
            const char *from = mdr_json_str(role, "preset", "");
            json_object_object_get_ex(role, "allow", &allow);
            found = (strcmp(from, preset->id) == 0 ||
                     strcmp(mdr_json_str(role, "name", ""), preset->id) == 0) &&
                    allow && has_all(allow, preset->allowed_areas);
        }
        json_object_array_add(found ? *present : *missing, json_object_new_string(preset->id));
    }
    json_object_put(roles);
    return 0;
}

static void roles_exist(ksc_module *m, const ksc_call *call, mdr_wizard_state *st)
{
    (void)call;
    json_object *present, *missing;
    if (mdr_wizard_roles(m, &present, &missing) != 0) {
        reason(st, "roles_unknown");
        return;
    }
    st->details = json_object_new_object();
    json_object_object_add(st->details, "present", present);
    json_object_object_add(st->details, "missing", missing);
    st->done = json_object_array_length(missing) == 0;
    param(st, "missing", (long long)json_object_array_length(missing));
    reason(st, st->done ? "roles_done" : "roles_missing");
}

/* ---- 2. MDR activated ------------------------------------------------------------------- */

static void activated(ksc_module *m, const ksc_call *call, mdr_wizard_state *st)
{
    (void)call;
    json_object *cs = NULL;
    mdr_cloud_error err;
    if (!mdr_cloud_session_usable(m)) {
        reason(st, "not_signed_in");
        return;
    }
    if (mdr_cloud_console(m, "activation/status", NULL, 1, &cs, &err) != MDR_CLOUD_OK) {
        reason(st, "service_unreachable");
        return;
    }
    st->done = mdr_json_bool(cs, "activated", 0);
    st->details = json_object_new_object();
    json_object_object_add(st->details, "state",
                           json_object_new_string(mdr_json_str(cs, "state", "")));
    json_object_object_add(st->details, "next_step",
                           json_object_new_string(mdr_json_str(cs, "next_step", "")));
    reason(st, st->done ? "activated" : "not_activated");
    json_object_put(cs);
}

/* ---- the inventory, walked once per condition ------------------------------------------ */

typedef struct inventory {
    long long devices, with_tenant, kes_windows_126, edr_optimum, integrated;
    json_object *products; /* "code version" -> {code, name, version, devices, configured} */
} inventory;

/* 1 when the dotted version a is at least major.minor. */
static int version_at_least(const char *v, int major, int minor)
{
    int a = 0, b = 0;
    if (!v || sscanf(v, "%d.%d", &a, &b) < 1)
        return 0;
    return a > major || (a == major && b >= minor);
}

static int count_device(void *ctx, const ksc_device *d)
{
    inventory *inv = ctx;
    inv->devices++;
    if (d->tenant && *d->tenant)
        inv->with_tenant++;
    int configured = 0, kes126 = 0;
    for (size_t i = 0; i < d->app_count; i++) {
        const ksc_application *a = &d->apps[i];
        const char *code = a->code ? a->code : "", *version = a->version ? a->version : "";
        if (strcmp(code, "EDR") == 0)
            inv->edr_optimum++;
        if (strcmp(code, "KES") == 0 && version_at_least(version, 12, 6))
            kes126 = 1;
        configured |= a->mdr_configured;
        char key[160];
        snprintf(key, sizeof key, "%s %s", code, version);
        json_object *p = NULL;
        if (!json_object_object_get_ex(inv->products, key, &p)) {
            p = json_object_new_object();
            json_object_object_add(p, "code", json_object_new_string(code));
            json_object_object_add(p, "name", json_object_new_string(a->name ? a->name : ""));
            json_object_object_add(p, "version", json_object_new_string(version));
            json_object_object_add(p, "devices", json_object_new_int64(0));
            json_object_object_add(p, "configured", json_object_new_int64(0));
            json_object_object_add(inv->products, key, p);
        }
        json_object_object_add(p, "devices",
                               json_object_new_int64(mdr_json_int(p, "devices", 0) + 1));
        if (a->mdr_configured)
            json_object_object_add(p, "configured",
                                   json_object_new_int64(mdr_json_int(p, "configured", 0) + 1));
    }
    inv->kes_windows_126 += kes126;
    inv->integrated += configured;
    return 0;
}

static int read_inventory(ksc_module *m, inventory *inv)
{
    memset(inv, 0, sizeof *inv);
    inv->products = json_object_new_object();
    const ksc_host_services *s = m->services;
    if (!s->devices_foreach || s->devices_foreach(s->host, NULL, count_device, inv) != KSC_OK) {
        json_object_put(inv->products);
        inv->products = NULL;
        return -1;
    }
    return 0;
}

/* ---- 3. the MDR configuration file ------------------------------------------------------ */

static void configuration_file(ksc_module *m, const ksc_call *call, mdr_wizard_state *st)
{
    (void)call;
    sqlite3 *db = mdr_store_conn(m->store);
    char *v = NULL;
    if (db && mdr_setting_get(db, MDR_SETTING_CONFIGURATION_FILE, &v) == 0) {
        st->details = json_tokener_parse(v);
        free(v);
        st->done = 1;
        reason(st, "configuration_file_done");
        return;
    }
    /* help ("About the MDR configuration file"): not needed for KES for Windows 12.6 or later
     * with only the root tenant and no EDR Optimum */
    inventory inv;
    if (read_inventory(m, &inv) != 0) {
        reason(st, "inventory_unknown");
        return;
    }
    json_object_put(inv.products);
    st->details = json_object_new_object();
    json_object_object_add(st->details, "devices", json_object_new_int64(inv.devices));
    json_object_object_add(st->details, "kes_windows_12_6",
                           json_object_new_int64(inv.kes_windows_126));
    json_object_object_add(st->details, "devices_with_tenant",
                           json_object_new_int64(inv.with_tenant));
    json_object_object_add(st->details, "edr_optimum", json_object_new_int64(inv.edr_optimum));
    if (inv.devices > 0 && inv.kes_windows_126 == inv.devices && inv.with_tenant == 0 &&
        inv.edr_optimum == 0) {
        st->done = st->not_needed = 1;
        reason(st, "configuration_file_not_needed");
        return;
    }
    reason(st, "configuration_file_missing");
}

/* ---- 4. KPSN on every server ------------------------------------------------------------ */

static void kpsn_everywhere(ksc_module *m, const ksc_call *call, mdr_wizard_state *st)
{
    (void)call;
    const ksc_host_services *s = m->services;
    json_object *servers = s->servers_json ? host_json(m, s->servers_json(s->host)) : NULL;
    if (!servers || !json_object_is_type(servers, json_type_array)) {
        json_object_put(servers);
        reason(st, "servers_unknown");
        return;
    }
    json_object *without = json_object_new_array();
    size_t n = json_object_array_length(servers);
    for (size_t i = 0; i < n; i++) {
        const char *name = mdr_json_str(json_object_array_get_idx(servers, i), "name", "");
        json_object *ks = s->ksn_settings_json ? host_json(m, s->ksn_settings_json(s->host, name))
                                               : NULL,
                    *config = NULL;
        json_object_object_get_ex(ks, "config", &config);
        if (!mdr_json_bool(ks, "kpsn_enabled", 0) || !config ||
            !json_object_is_type(config, json_type_object))
            json_object_array_add(without, json_object_new_string(name));
        json_object_put(ks);
    }
    json_object_put(servers);
    st->details = json_object_new_object();
    json_object_object_add(st->details, "servers", json_object_new_int64((int64_t)n));
    json_object_object_add(st->details, "without_kpsn", without);
    st->done = json_object_array_length(without) == 0;
    param(st, "count", (long long)json_object_array_length(without));
    param(st, "servers", (long long)n);
    reason(st, st->done ? "kpsn_done" : "kpsn_missing");
}

/* ---- 5. the EPP applications ------------------------------------------------------------ */

static void applications(ksc_module *m, const ksc_call *call, mdr_wizard_state *st)
{
    (void)call;
    inventory inv;
    if (read_inventory(m, &inv) != 0) {
        reason(st, "inventory_unknown");
        return;
    }
    json_object *list = json_object_new_array();
    json_object_object_foreach(inv.products, key, p)
    {
        (void)key;
        json_object_object_add(p, "left",
                               json_object_new_int64(mdr_json_int(p, "devices", 0) -
                                                     mdr_json_int(p, "configured", 0)));
        json_object_array_add(list, json_object_get(p));
    }
    json_object_put(inv.products);
    st->details = json_object_new_object();
    json_object_object_add(st->details, "devices", json_object_new_int64(inv.devices));
    json_object_object_add(st->details, "integrated", json_object_new_int64(inv.integrated));
    json_object_object_add(st->details, "products", list);
    json_object *ports = json_object_new_array();
    json_object_array_add(ports, json_object_new_int(443));
    json_object_array_add(ports, json_object_new_int(1443));
    json_object_object_add(st->details, "ports", ports);
    st->done = inv.devices > 0 && inv.integrated == inv.devices;
    param(st, "integrated", inv.integrated);
    param(st, "devices", inv.devices);
    param(st, "left", inv.devices - inv.integrated);
    reason(st, inv.devices == 0 ? "no_devices"
               : st->done       ? "applications_done"
                                : "applications_missing");
}

/* ---- 6. MDR Health checked -------------------------------------------------------------- */

/* MDR Health keeps its last good sync and its summary in the module's store (migration 003:
 * health_summary, kind 0 = assets, kind 1 = devices that never sent telemetry). */
static long long summary_sum(sqlite3 *db, int kind)
{
    sqlite3_stmt *q = NULL;
    long long n = -1;
    if (sqlite3_prepare_v2(db, "SELECT coalesce(sum(n), 0) FROM health_summary WHERE kind = ?1", -1,
                           &q, NULL) == SQLITE_OK) {
        sqlite3_bind_int(q, 1, kind);
        if (sqlite3_step(q) == SQLITE_ROW)
            n = sqlite3_column_int64(q, 0);
    }
    sqlite3_finalize(q);
    return n;
}

static void health_checked(ksc_module *m, const ksc_call *call, mdr_wizard_state *st)
{
    (void)call;
    sqlite3 *db = mdr_store_conn(m->store);
    char *v = NULL;
    if (!db || mdr_setting_get(db, "health.last_good_ms", &v) != 0) {
        reason(st, "health_never");
        return;
    }
    long long last = atoll(v);
    free(v);
    long long assets = summary_sum(db, 0), never = summary_sum(db, 1);
    st->details = json_object_new_object();
    json_object_object_add(st->details, "last_sync_ms", json_object_new_int64(last));
    json_object_object_add(st->details, "assets", json_object_new_int64(assets));
    json_object_object_add(st->details, "never_sent", json_object_new_int64(never));
    st->done = 1;
    param(st, "assets", assets);
    param(st, "never_sent", never);
    reason(st, "health_done");
}

/* ---- the table -------------------------------------------------------------------------- */

static const struct {
    const char *name;
    mdr_wizard_condition_fn fn;
} CONDITIONS[] = {
    {"mdr_roles_exist", roles_exist},
    {"mdr_activated", activated},
    {"configuration_file_downloaded", configuration_file},
    {"kpsn_on_every_server", kpsn_everywhere},
    {"applications_integrated", applications},
    {"health_checked", health_checked},
};

mdr_wizard_condition_fn mdr_wizard_condition(const char *name)
{
    for (size_t i = 0; name && i < sizeof CONDITIONS / sizeof CONDITIONS[0]; i++)
        if (strcmp(CONDITIONS[i].name, name) == 0)
            return CONDITIONS[i].fn;
    return NULL;
}
