/* diagnosis/state.c — the checks read from what the console and the module know: the clock
 * against the service (measured at the last token exchange), the session, the licences (the
 * Licenses tab's cache on the host clock), the KSN file and KPSN of every server, and the
 * assets: devices whose MDR is not running, by cause, and devices that never sent telemetry. */
#include "diagnosis.h"
#include "core/cloud_link.h"
#include "core/i18n.h"
#include "core/json_get.h"
#include "core/store.h"
#include "ksn_file/ksn_file.h"
#include "licenses/cache.h"
#include "licenses/view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS 86400000LL
#define CLOCK_WARN_MS (5LL * 60 * 1000) /* the KSN file's own check allows 5 minutes */
#define LICENSE_WARN_DAYS 30

static json_object *host_json(ksc_module *m, char *text)
{
    json_object *o = text ? json_tokener_parse(text) : NULL;
    if (text)
        m->services->free(text);
    return o;
}

static void clock_and_session(ksc_module *m, const ksc_call *call, json_object *checks)
{
    json_object *s = NULL;
    mdr_cloud_session_describe(m, &s);
    char value[160];
    if (!s || !mdr_json_bool(s, "signed_in", 0)) {
        diag_add(checks, call->lang, "session", DIAG_FAILED, "", "diag.session.remedy", NULL);
        diag_add(checks, call->lang, "clock", DIAG_SKIPPED, "", NULL, NULL);
        json_object_put(s);
        return;
    }
    diag_add(checks, call->lang, "session", DIAG_OK, mdr_json_str(s, "account", ""), NULL, NULL);
    long long skew = mdr_json_int(s, "clock_skew_ms", 0);
    snprintf(value, sizeof value, "%+lld s", skew / 1000);
    char minutes[24];
    snprintf(minutes, sizeof minutes, "%lld", (llabs(skew) + 30000) / 60000);
    const char *p[] = {"minutes", minutes, NULL};
    diag_add(checks, call->lang, "clock", llabs(skew) < CLOCK_WARN_MS ? DIAG_OK : DIAG_WARNING,
             value, skew > 0 ? "diag.clock.ahead_remedy" : "diag.clock.behind_remedy", p);
    json_object_put(s);
}

static void licence(ksc_module *m, const ksc_call *call, json_object *checks)
{
    sqlite3 *db = mdr_store_conn(m->store);
    int64_t refreshed = 0, now = mdr_now(m);
    json_object *list = db ? mdr_license_cache_load(db, &refreshed) : NULL;
    long long best = -1;
    for (size_t i = 0; list && i < json_object_array_length(list); i++) {
        json_object *l = json_object_array_get_idx(list, i);
        if (strcmp(mdr_license_status(l, now), "Active") != 0)
            continue;
        long long days = (mdr_json_int(l, "expiration_time", now) - now) / DAY_MS;
        if (days > best)
            best = days;
    }
    json_object_put(list);
    char value[64], days[24];
    snprintf(days, sizeof days, "%lld", best);
    const char *p[] = {"days", days, NULL};
    if (!refreshed)
        diag_add(checks, call->lang, "license", DIAG_SKIPPED, "", NULL, NULL);
    else if (best < 0)
        diag_add(checks, call->lang, "license", DIAG_FAILED, "-", "diag.license.none_remedy", p);
    else {
        snprintf(value, sizeof value, "%lld", best);
        diag_add(checks, call->lang, "license", best < LICENSE_WARN_DAYS ? DIAG_WARNING : DIAG_OK,
                 value, "diag.license.soon_remedy", p);
    }
}

static void ksn_file(ksc_module *m, const ksc_call *call, json_object *checks)
{
    json_object *k = mdr_ksn_status_json(m, call->server, call->lang), *inst = NULL, *newest = NULL;
    json_object_object_get_ex(k, "installed", &inst);
    json_object_object_get_ex(k, "newest", &newest);
    char value[128], days[24];
    if (!inst || !json_object_is_type(inst, json_type_object)) {
        diag_add(checks, call->lang, "ksn_file", DIAG_FAILED, "-", "diag.ksn_file.none_remedy",
                 NULL);
    } else {
        const char *version = mdr_json_str(inst, "version", "");
        const char *latest = newest ? mdr_json_str(newest, "version", version) : version;
        long long left = mdr_json_int(inst, "days_left", 0);
        snprintf(days, sizeof days, "%lld", left);
        snprintf(value, sizeof value, "%s / %s", version, latest);
        const char *p[] = {"version", version, "newest", latest, "days", days, NULL};
        if (mdr_json_bool(inst, "expired", 0))
            diag_add(checks, call->lang, "ksn_file", DIAG_FAILED, value,
                     "diag.ksn_file.expired_remedy", p);
        else if (mdr_json_bool(k, "expires_soon", 0) || strcmp(latest, version) != 0)
            diag_add(checks, call->lang, "ksn_file", DIAG_WARNING, value,
                     "diag.ksn_file.update_remedy", p);
        else
            diag_add(checks, call->lang, "ksn_file", DIAG_OK, value, NULL, NULL);
    }
    json_object_put(k);

    /* KPSN on the main server and every virtual one */
    const ksc_host_services *s = m->services;
    json_object *servers = s->servers_json ? host_json(m, s->servers_json(s->host)) : NULL;
    size_t n = servers ? json_object_array_length(servers) : 0, off = 0;
    char names[256] = "";
    for (size_t i = 0; i < n; i++) {
        const char *name = mdr_json_str(json_object_array_get_idx(servers, i), "name", "");
        json_object *ks =
            s->ksn_settings_json ? host_json(m, s->ksn_settings_json(s->host, name)) : NULL;
        if (!mdr_json_bool(ks, "kpsn_enabled", 0)) {
            size_t len = strlen(names);
            snprintf(names + len, sizeof names - len, "%s%s", len ? ", " : "", name);
            off++;
        }
        json_object_put(ks);
    }
    json_object_put(servers);
    snprintf(value, sizeof value, "%zu/%zu", n - off, n);
    const char *p[] = {"servers", names, NULL};
    diag_add(checks, call->lang, "kpsn", off ? DIAG_FAILED : DIAG_OK, value, "diag.kpsn.remedy", p);
}

/* ---- the assets ------------------------------------------------------------------------- */

typedef struct causes {
    long long devices, not_running, stopped_components;
    json_object *by_state; /* mdr_state -> count */
} causes;

static int count(void *ctx, const ksc_device *d)
{
    causes *c = ctx;
    c->devices++;
    const char *state = d->mdr_state ? d->mdr_state : "Unknown";
    if (strcmp(state, "Running") != 0) {
        c->not_running++;
        json_object *v = NULL;
        long long n =
            json_object_object_get_ex(c->by_state, state, &v) ? json_object_get_int64(v) : 0;
        json_object_object_add(c->by_state, state, json_object_new_int64(n + 1));
    }
    int stopped = 0;
    for (size_t a = 0; a < d->app_count; a++)
        for (size_t k = 0; k < d->apps[a].component_count; k++)
            stopped |= d->apps[a].components[k].state &&
                       strcmp(d->apps[a].components[k].state, "Running") != 0;
    c->stopped_components += stopped;
    return 0;
}

static void telemetry(ksc_module *m, const ksc_call *call, json_object *checks)
{
    causes c = {0, 0, 0, json_object_new_object()};
    const ksc_host_services *s = m->services;
    if (!s->devices_foreach || s->devices_foreach(s->host, NULL, count, &c) != KSC_OK) {
        json_object_put(c.by_state);
        diag_add(checks, call->lang, "telemetry", DIAG_SKIPPED, "", NULL, NULL);
        return;
    }
    /* the top causes, most devices first */
    char top[256] = "";
    for (int round = 0; round < 3; round++) {
        const char *best = NULL;
        long long most = 0;
        json_object_object_foreach(c.by_state, state, v)
        {
            if (json_object_get_int64(v) > most) {
                most = json_object_get_int64(v);
                best = state;
            }
        }
        if (!best)
            break;
        size_t len = strlen(top);
        snprintf(top + len, sizeof top - len, "%s%s: %lld", len ? ", " : "", best, most);
        json_object_object_add(c.by_state, best, json_object_new_int64(0));
    }
    json_object_put(c.by_state);
    /* never sent: MDR Health's summary (kind 1) after its last sync */
    long long never = -1;
    sqlite3 *db = mdr_store_conn(m->store);
    sqlite3_stmt *q = NULL;
    if (db &&
        sqlite3_prepare_v2(db, "SELECT coalesce(sum(n), 0) FROM health_summary WHERE kind = 1", -1,
                           &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        never = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    char a[24], b[24], d[24], value[96];
    snprintf(a, sizeof a, "%lld", c.not_running);
    snprintf(b, sizeof b, "%lld", never < 0 ? 0 : never);
    snprintf(d, sizeof d, "%lld", c.stopped_components);
    snprintf(value, sizeof value, "%lld/%lld", c.devices - c.not_running, c.devices);
    const char *p[] = {"not_running",      a,   "never_sent", b, "stopped", d, "causes",
                       top[0] ? top : "-", NULL};
    diag_add(checks, call->lang, "telemetry",
             c.not_running || never > 0 || c.stopped_components ? DIAG_WARNING : DIAG_OK, value,
             "diag.telemetry.remedy", p);
}

void diag_state(ksc_module *m, const ksc_call *call, json_object *checks)
{
    clock_and_session(m, call, checks);
    licence(m, call, checks);
    ksn_file(m, call, checks);
    telemetry(m, call, checks);
}
