/* health/rows.c — one row of either list as JSON, with localized labels. Column order of the
 * statements: see ASSET_COLUMNS and DEVICE_COLUMNS in query.c. */
#include "health.h"
#include "core/i18n.h"

#include <stdio.h>
#include <string.h>

static const char *const status_keys[HEALTH_STATUS_COUNT] = {
    "health.status.critical", "health.status.warning", "health.status.ok", "health.status.absent",
    "health.status.offline"};

const char *health_status_title(const char *lang, int status)
{
    return status >= 0 && status < HEALTH_STATUS_COUNT ? mdr_tr(lang, status_keys[status]) : "";
}

const char *health_state_title(const char *lang, const char *state)
{
    static const char *const keys[HEALTH_STATE_COUNT] = {
        "health.state.unknown",       "health.state.stopped",   "health.state.paused",
        "health.state.starting",      "health.state.running",   "health.state.failed",
        "health.state.not_installed", "health.state.no_license"};
    int i = health_state_index(state);
    return i >= 0 ? mdr_tr(lang, keys[i]) : state ? state : "";
}

static const char *text(sqlite3_stmt *row, int col)
{
    const unsigned char *s = sqlite3_column_text(row, col);
    return s ? (const char *)s : "";
}

static json_object *str(sqlite3_stmt *row, int col)
{
    return json_object_new_string(text(row, col));
}

/* A stored JSON array (problems, critical components), or [] when unreadable. */
const char *health_tenant_title(const char *lang, const char *tenant)
{
    return tenant && *tenant ? tenant : mdr_tr(lang, "tenants.root");
}

/* "tenant" as stored ("" = the root) and "tenant_title", the name to show: one name for the
 * root everywhere (the Licenses CSV and the Tenants tab say the same). */
static void add_tenant(json_object *o, const char *tenant, const char *lang)
{
    json_object_object_add(o, "tenant", json_object_new_string(tenant ? tenant : ""));
    json_object_object_add(o, "tenant_title",
                           json_object_new_string(health_tenant_title(lang, tenant)));
}

static json_object *stored_array(sqlite3_stmt *row, int col)
{
    json_object *a = json_tokener_parse(text(row, col));
    if (!a || !json_object_is_type(a, json_type_array)) {
        json_object_put(a);
        a = json_object_new_array();
    }
    return a;
}

json_object *health_asset_json(sqlite3_stmt *row, const char *lang)
{
    json_object *o = json_object_new_object();
    int status = sqlite3_column_int(row, 7);
    int edr = sqlite3_column_int(row, 15);
    json_object_object_add(o, "asset_id", str(row, 0));
    json_object_object_add(o, "host_name", str(row, 1));
    json_object_object_add(o, "domain", str(row, 2));
    json_object_object_add(o, "os_version", str(row, 3));
    json_object_object_add(o, "product", str(row, 4));
    add_tenant(o, text(row, 6), lang);
    json_object_object_add(o, "status", json_object_new_string(health_status_codes[status]));
    json_object_object_add(o, "status_title",
                           json_object_new_string(health_status_title(lang, status)));
    /* The help: problems of the last 72 hours are listed for OK, Warning and Critical. */
    json_object_object_add(o, "problems",
                           status <= 2 ? stored_array(row, 11) : json_object_new_array());
    json_object_object_add(o, "telemetry_loss",
                           json_object_new_boolean(sqlite3_column_int(row, 12)));
    json_object_object_add(o, "isolated", json_object_new_boolean(sqlite3_column_int(row, 10)));
    json_object_object_add(o, "first_seen", json_object_new_int64(sqlite3_column_int64(row, 8)));
    json_object_object_add(o, "last_seen", json_object_new_int64(sqlite3_column_int64(row, 9)));
    json_object_object_add(o, "ksc_host_id", str(row, 5));
    const char *server = text(row, 14);
    if (*server) {
        json_object *d = json_object_new_object();
        json_object_object_add(d, "device_id", str(row, 5));
        json_object_object_add(d, "name", str(row, 13));
        json_object_object_add(d, "ksc_server", json_object_new_string(server));
        json_object_object_add(o, "device", d);
    } else {
        json_object_object_add(o, "device", NULL);
    }
    json_object_object_add(o, "ksc_server", json_object_new_string(server));
    /* Known issue (help, "Asset statuses"): for the EDR Agent configuration, Warning and
     * Critical of protection components are not meaningful — flag, do not alarm. */
    int unreliable = edr && (status == 0 || status == 1);
    json_object_object_add(o, "edr_agent", json_object_new_boolean(edr));
    json_object_object_add(o, "status_reliable", json_object_new_boolean(!unreliable));
    if (unreliable)
        json_object_object_add(o, "status_note",
                               json_object_new_string(mdr_tr(lang, "health.edr_agent_note")));
    return o;
}

/* Adds the localized state and indication to each stored {name, state, color}. */
static json_object *critical_json(json_object *stored, const char *lang)
{
    size_t n = json_object_array_length(stored);
    for (size_t i = 0; i < n; i++) {
        json_object *c = json_object_array_get_idx(stored, i), *v;
        const char *state =
            json_object_object_get_ex(c, "state", &v) ? json_object_get_string(v) : "";
        int color = health_state_color(state);
        if (json_object_object_get_ex(c, "self_defense", &v) && json_object_get_boolean(v)) {
            json_object_object_add(c, "name",
                                   json_object_new_string(mdr_tr(lang, "health.self_defense")));
            json_object_object_add(c, "state_title",
                                   json_object_new_string(mdr_tr(lang, "health.disabled")));
            color = 2;
        } else {
            json_object_object_add(c, "state_title",
                                   json_object_new_string(health_state_title(lang, state)));
        }
        json_object_object_add(c, "indication",
                               json_object_new_string(color == 2 ? "red" : "yellow"));
    }
    return stored;
}

json_object *health_device_row_json(sqlite3_stmt *row, const char *lang)
{
    json_object *o = json_object_new_object();
    int state = sqlite3_column_int(row, 5);
    const char *state_name =
        state >= 0 && state < HEALTH_STATE_COUNT ? health_state_names[state] : "Unknown";
    json_object_object_add(o, "device_id", str(row, 0));
    json_object_object_add(o, "host_name", str(row, 1));
    json_object_object_add(o, "group", str(row, 2));
    json_object_object_add(o, "ksc_server", str(row, 3));
    add_tenant(o, text(row, 4), lang);
    json_object *epp = json_object_new_array();
    const char *e = text(row, 7);
    while (*e) {
        const char *sep = strstr(e, "; ");
        size_t n = sep ? (size_t)(sep - e) : strlen(e);
        json_object_array_add(epp, json_object_new_string_len(e, (int)n));
        e += n + (sep ? 2 : 0);
    }
    json_object_object_add(o, "epp_applications", epp);
    json_object_object_add(o, "mdr_state", json_object_new_string(state_name));
    json_object_object_add(o, "mdr_state_title",
                           json_object_new_string(health_state_title(lang, state_name)));
    json_object_object_add(o, "critical_components", critical_json(stored_array(row, 8), lang));
    json_object_object_add(o, "self_defense", json_object_new_boolean(sqlite3_column_int(row, 6)));
    json_object_object_add(o, "edr_agent", json_object_new_boolean(sqlite3_column_int(row, 10)));
    return o;
}

json_object *health_device_full_json(const ksc_device *d, const char *lang)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "device_id", json_object_new_string(d->id ? d->id : ""));
    json_object_object_add(o, "host_name", json_object_new_string(d->name ? d->name : ""));
    json_object_object_add(o, "group", json_object_new_string(d->group ? d->group : ""));
    json_object_object_add(o, "ksc_server", json_object_new_string(d->server ? d->server : ""));
    add_tenant(o, d->tenant, lang);
    json_object_object_add(o, "mdr_state",
                           json_object_new_string(d->mdr_state ? d->mdr_state : ""));
    json_object_object_add(o, "mdr_state_title",
                           json_object_new_string(health_state_title(lang, d->mdr_state)));
    json_object_object_add(o, "self_defense", json_object_new_boolean(d->self_defense));
    json_object *apps = json_object_new_array();
    for (size_t i = 0; i < d->app_count; i++) {
        const ksc_application *a = &d->apps[i];
        json_object *ao = json_object_new_object();
        json_object_object_add(ao, "name", json_object_new_string(a->name ? a->name : ""));
        json_object_object_add(ao, "code", json_object_new_string(a->code ? a->code : ""));
        json_object_object_add(ao, "version", json_object_new_string(a->version ? a->version : ""));
        json_object_object_add(ao, "mdr_configured", json_object_new_boolean(a->mdr_configured));
        json_object *comps = json_object_new_array();
        for (size_t c = 0; c < a->component_count; c++) {
            const ksc_component *k = &a->components[c];
            json_object *co = json_object_new_object();
            int color = health_state_color(k->state);
            json_object_object_add(co, "name", json_object_new_string(k->name ? k->name : ""));
            json_object_object_add(co, "state", json_object_new_string(k->state ? k->state : ""));
            json_object_object_add(co, "state_title",
                                   json_object_new_string(health_state_title(lang, k->state)));
            json_object_object_add(co, "indication",
                                   json_object_new_string(color == 2   ? "red"
                                                          : color == 1 ? "yellow"
                                                                       : "none"));
            json_object_array_add(comps, co);
        }
        json_object_object_add(ao, "components", comps);
        json_object_array_add(apps, ao);
    }
    json_object_object_add(o, "applications", apps);
    return o;
}
