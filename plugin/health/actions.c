/* health/actions.c — the MDR Health actions (docs/actions/health.md) and the periodic sync. */
#include "core/actions.h"
#include "core/cloud_link.h"
#include "health.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/reply.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- shared pieces */

static ksc_status reply_request_error(ksc_module *m, const ksc_call *call, mdr_request_error *e,
                                      char **response)
{
    return mdr_reply_error(m->services, call->lang, KSC_ERR_INVALID, e->code, e->details, response);
}

static json_object *last_good_sync(sqlite3 *db)
{
    char *v = NULL;
    json_object *r = NULL;
    if (mdr_setting_get(db, "health.last_good_ms", &v) == 0)
        r = json_object_new_int64(strtoll(v, NULL, 10));
    free(v);
    return r;
}

/* ---- the lists */

typedef struct page_ctx {
    json_object *items;
    const char *lang;
    health_list list;
} page_ctx;

static int add_row(void *ctx, sqlite3_stmt *row)
{
    page_ctx *p = ctx;
    json_object_array_add(p->items, p->list == HEALTH_ASSETS
                                        ? health_asset_json(row, p->lang)
                                        : health_device_row_json(row, p->lang));
    return 0;
}

static ksc_status list_action(ksc_module *m, const ksc_call *call, health_list list,
                              char **response)
{
    json_object *req;
    ksc_status st = mdr_request_parse(m->services, call, health_list_fields, &req, response);
    if (st != KSC_OK)
        return st;
    health_query q;
    mdr_request_error e;
    if (health_query_from_json(req, list, mdr_now(m), &q, &e) != 0) {
        json_object_put(req);
        return reply_request_error(m, call, &e, response);
    }
    json_object_put(req);
    sqlite3 *db = mdr_store_conn(m->store);
    int64_t total = 0;
    page_ctx p = {json_object_new_array(), call->lang, list};
    if (!db || health_scope(m, db, call, &q) != 0 || health_query_count(db, &q, &total) != 0 ||
        health_query_rows(db, &q, 0, add_row, &p) != 0) {
        if (db)
            mdr_log(m->services, KSC_LOG_ERROR, "health list: %s", sqlite3_errmsg(db));
        json_object_put(p.items);
        health_query_clear(&q);
        return mdr_reply_store_error(m->services, call->lang, response);
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "total", json_object_new_int64(total));
    json_object_object_add(o, "page", json_object_new_int64(q.page));
    json_object_object_add(o, "page_size", json_object_new_int64(q.page_size));
    json_object_object_add(o, "sort", json_object_new_string(health_sort_columns(list)[q.sort]));
    json_object_object_add(o, "order", json_object_new_string(q.desc ? "desc" : "asc"));
    if (list == HEALTH_ASSETS) {
        json_object *period = json_object_new_object();
        json_object_object_add(period, "from",
                               q.from_ms == INT64_MIN ? NULL : json_object_new_int64(q.from_ms));
        json_object_object_add(period, "to",
                               q.to_ms == INT64_MAX ? NULL : json_object_new_int64(q.to_ms));
        json_object_object_add(o, "last_seen", period);
    }
    json_object_object_add(o, "items", p.items);
    json_object_object_add(o, "last_good_sync", last_good_sync(db));
    health_query_clear(&q);
    return mdr_reply_ok(m->services, o, response);
}

ksc_status mdr_health_assets(ksc_module *m, const ksc_call *call, char **response)
{
    return list_action(m, call, HEALTH_ASSETS, response);
}

ksc_status mdr_health_malfunctioning(ksc_module *m, const ksc_call *call, char **response)
{
    return list_action(m, call, HEALTH_MALFUNCTIONING, response);
}

/* ---- one device */

typedef struct device_ctx {
    json_object *device;
    const char *lang;
    char tenant[256];
    char server[256];
} device_ctx;

static int take_device(void *ctx, const ksc_device *d)
{
    device_ctx *c = ctx;
    c->device = health_device_full_json(d, c->lang);
    snprintf(c->tenant, sizeof c->tenant, "%s", d->tenant ? d->tenant : "");
    snprintf(c->server, sizeof c->server, "%s", d->server ? d->server : "");
    return 1;
}

static int take_asset(void *ctx, sqlite3_stmt *row)
{
    device_ctx *c = ctx;
    json_object_object_add(c->device, "asset", health_asset_json(row, c->lang));
    return 0;
}

ksc_status mdr_health_device(ksc_module *m, const ksc_call *call, char **response)
{
    static const mdr_field FIELDS[] = {
        {.name = "device_id", .type = MDR_FIELD_STRING, .required = 1, .min_len = 1, .max_len = 64},
        {0}};
    json_object *req;
    ksc_status st = mdr_request_parse(m->services, call, FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    char id[65];
    snprintf(id, sizeof id, "%s", mdr_req_string(req, "device_id", ""));
    json_object_put(req);
    for (char *c = id; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c + 32);
    device_ctx c = {NULL, call->lang, "", ""};
    ksc_status hs = m->services->device_get(m->services->host, id, take_device, &c);
    sqlite3 *db = mdr_store_conn(m->store);
    char server[256];
    if (!db || health_call_server(m, call, server, sizeof server) != 0) {
        json_object_put(c.device);
        return mdr_reply_store_error(m->services, call->lang, response);
    }
    /* Shown only when the caller sees it on both sides: the console's device (its server and
     * tenant) and the asset the cloud reports for it (its tenant), which may disagree. */
    int hidden = hs != KSC_OK || !c.device || (server[0] && strcmp(server, c.server) != 0);
    int v = hidden ? 0 : health_tenant_name_visible(db, call->user, c.tenant);
    if (!hidden)
        json_object_object_add(c.device, "asset", NULL);
    sqlite3_stmt *row = NULL;
    if (v == 1 &&
        sqlite3_prepare_v2(db,
                           "SELECT asset_id, host_name, domain, os_version, product, ksc_host_id, "
                           "tenant, status, first_seen, last_seen, isolated, problems, "
                           "telemetry_loss, device_name, ksc_server, edr_agent FROM health_assets "
                           "WHERE ksc_host_id = ?1 ORDER BY last_seen DESC LIMIT 1",
                           -1, &row, NULL) != SQLITE_OK)
        v = -1;
    if (row) {
        sqlite3_bind_text(row, 1, id, -1, SQLITE_STATIC);
        int rc = sqlite3_step(row);
        if (rc == SQLITE_ROW) {
            v = health_tenant_name_visible(db, call->user,
                                           (const char *)sqlite3_column_text(row, 6));
            if (v == 1)
                take_asset(&c, row);
        } else if (rc != SQLITE_DONE) {
            v = -1;
        }
    }
    sqlite3_finalize(row);
    if (v < 0) {
        json_object_put(c.device);
        return mdr_reply_store_error(m->services, call->lang, response);
    }
    if (v == 0) {
        json_object_put(c.device);
        json_object *d = json_object_new_object();
        json_object_object_add(d, "device_id", json_object_new_string(id));
        return mdr_reply_error(m->services, call->lang, KSC_ERR_NOT_FOUND,
                               "health_device_not_found", d, response);
    }
    json_object *asset;
    json_object_object_get_ex(c.device, "asset", &asset);
    json_object_object_add(c.device, "sent_telemetry", json_object_new_boolean(asset != NULL));
    return mdr_reply_ok(m->services, c.device, response);
}

/* ---- export */

ksc_status mdr_health_export(ksc_module *m, const ksc_call *call, char **response)
{
    static const char *const LISTS[] = {"assets", "malfunctioning", NULL};
    static const mdr_field FIELDS[] = {
        {.name = "list", .type = MDR_FIELD_ENUM, .required = 1, .choices = LISTS},
        {.name = "filter", .type = MDR_FIELD_OBJECT},
        {.name = "sort", .type = MDR_FIELD_STRING, .max_len = 64},
        {0}};
    /* the list fields minus paging: an export is the whole list */
    static const mdr_field FILTER_FIELDS[] = {
        {.name = "search", .type = MDR_FIELD_STRING, .max_len = 200},
        {.name = "statuses", .type = MDR_FIELD_ARRAY, .max_len = HEALTH_STATUS_COUNT},
        {.name = "mdr_states", .type = MDR_FIELD_ARRAY, .max_len = HEALTH_STATE_COUNT},
        {.name = "preset", .type = MDR_FIELD_STRING, .max_len = 64},
        {.name = "last_seen", .type = MDR_FIELD_OBJECT},
        {0}};
    json_object *req;
    ksc_status st = mdr_request_parse(m->services, call, FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    health_list list = strcmp(mdr_req_string(req, "list", ""), "assets") == 0
                           ? HEALTH_ASSETS
                           : HEALTH_MALFUNCTIONING;
    json_object *filter = NULL;
    mdr_request_error e = {0};
    json_object_object_get_ex(req, "filter", &filter);
    json_object *merged = json_object_new_object();
    if (filter && mdr_request_validate_object(filter, FILTER_FIELDS, "filter.", &e) != 0) {
        json_object_put(merged);
        json_object_put(req);
        return reply_request_error(m, call, &e, response);
    }
    if (filter) {
        json_object_object_foreach(filter, k, v)
        {
            json_object_object_add(merged, k, json_object_get(v));
        }
    }
    if (json_object_object_get_ex(req, "sort", NULL))
        json_object_object_add(merged, "sort",
                               json_object_new_string(mdr_req_string(req, "sort", "")));
    json_object_put(req);
    health_query q;
    int bad = health_query_from_json(merged, list, mdr_now(m), &q, &e);
    json_object_put(merged);
    if (bad)
        return reply_request_error(m, call, &e, response);
    if (!call->output) {
        health_query_clear(&q);
        return mdr_reply_error(m->services, call->lang, KSC_ERR_INVALID, "health_output_required",
                               NULL, response);
    }
    sqlite3 *db = mdr_store_conn(m->store);
    int64_t rows = 0;
    if (!db || health_scope(m, db, call, &q) != 0 || health_query_count(db, &q, &rows) != 0) {
        health_query_clear(&q);
        return mdr_reply_store_error(m->services, call->lang, response);
    }
    const char *file_name =
        list == HEALTH_ASSETS ? "mdr-assets.csv" : "mdr-malfunctioning-assets.csv";
    int rc = health_export_csv(db, &q, call->lang, call->output, file_name);
    health_query_clear(&q);
    if (rc == -1)
        return mdr_reply_store_error(m->services, call->lang, response);
    if (rc != 0)
        return mdr_reply_error(m->services, call->lang, KSC_ERR_FAILED, "health_output_failed",
                               NULL, response);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "list", json_object_new_string(LISTS[list]));
    json_object_object_add(o, "rows", json_object_new_int64(rows));
    json_object_object_add(o, "file_name", json_object_new_string(file_name));
    json_object_object_add(o, "content_type", json_object_new_string("text/csv; charset=utf-8"));
    return mdr_reply_ok(m->services, o, response);
}

/* ---- summary */

ksc_status mdr_health_summary(ksc_module *m, const ksc_call *call, char **response)
{
    static const mdr_field FIELDS[] = {{.name = "per_tenant", .type = MDR_FIELD_BOOL}, {0}};
    json_object *req;
    ksc_status st = mdr_request_parse(m->services, call, FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    int per_tenant = mdr_req_bool(req, "per_tenant", 0);
    json_object_put(req);
    sqlite3 *db = mdr_store_conn(m->store);
    health_query scope = {.list = HEALTH_ASSETS};
    sqlite3_stmt *row = NULL;
    /* Everything: the counts every sync keeps. A virtual server's: counted now from its
     * devices and their assets (the (ksc_server, …) and (has_asset, server) indexes). */
    static const char *const GLOBAL =
        "SELECT tenant, kind, status, n FROM health_summary WHERE ?1 IS NULL "
        "OR tenant IN (SELECT value FROM json_each(?1)) ORDER BY tenant";
    static const char *const SERVER =
        "SELECT tenant, 0, status, count(*) FROM health_assets WHERE ksc_server = ?2 AND "
        "(?1 IS NULL OR tenant IN (SELECT value FROM json_each(?1))) GROUP BY tenant, status "
        "UNION ALL SELECT tenant, 1, 0, count(*) FROM health_devices WHERE has_asset = 0 AND "
        "server = ?2 AND (?1 IS NULL OR tenant IN (SELECT value FROM json_each(?1))) "
        "GROUP BY tenant ORDER BY 1";
    if (!db || health_scope(m, db, call, &scope) != 0 ||
        sqlite3_prepare_v2(db, scope.server[0] ? SERVER : GLOBAL, -1, &row, NULL) != SQLITE_OK) {
        health_query_clear(&scope);
        return mdr_reply_store_error(m->services, call->lang, response);
    }
    sqlite3_bind_text(row, 1, scope.visible_tenants, -1, SQLITE_STATIC);
    if (scope.server[0])
        sqlite3_bind_text(row, 2, scope.server, -1, SQLITE_STATIC);
    int64_t by_status[HEALTH_STATUS_COUNT] = {0}, total = 0, malfunctioning = 0;
    json_object *tenants = json_object_new_array(), *cur = NULL;
    int64_t tstat[HEALTH_STATUS_COUNT] = {0}, ttotal = 0, tmal = 0;
    char cur_name[256] = "";
    int rc;
    for (;;) {
        rc = sqlite3_step(row);
        const char *t = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(row, 0) : NULL;
        if (cur && (!t || strcmp(t, cur_name) != 0)) {
            json_object *bs = json_object_new_object();
            for (int i = 0; i < HEALTH_STATUS_COUNT; i++)
                json_object_object_add(bs, health_status_codes[i], json_object_new_int64(tstat[i]));
            json_object_object_add(cur, "total", json_object_new_int64(ttotal));
            json_object_object_add(cur, "by_status", bs);
            json_object_object_add(cur, "malfunctioning", json_object_new_int64(tmal));
            json_object_array_add(tenants, cur);
            cur = NULL;
        }
        if (rc != SQLITE_ROW)
            break;
        if (!cur) {
            cur = json_object_new_object();
            snprintf(cur_name, sizeof cur_name, "%s", t ? t : "");
            json_object_object_add(cur, "tenant", json_object_new_string(cur_name));
            json_object_object_add(
                cur, "tenant_title",
                json_object_new_string(health_tenant_title(call->lang, cur_name)));
            memset(tstat, 0, sizeof tstat);
            ttotal = tmal = 0;
        }
        int kind = sqlite3_column_int(row, 1), s = sqlite3_column_int(row, 2);
        int64_t n = sqlite3_column_int64(row, 3);
        if (kind == 0 && s >= 0 && s < HEALTH_STATUS_COUNT) {
            by_status[s] += n;
            tstat[s] += n;
            total += n;
            ttotal += n;
        } else if (kind == 1) {
            malfunctioning += n;
            tmal += n;
        }
    }
    sqlite3_finalize(row);
    health_query_clear(&scope);
    if (rc != SQLITE_DONE) {
        json_object_put(tenants);
        return mdr_reply_store_error(m->services, call->lang, response);
    }
    json_object *o = json_object_new_object(), *statuses = json_object_new_array();
    for (int i = 0; i < HEALTH_STATUS_COUNT; i++) {
        json_object *s = json_object_new_object();
        json_object_object_add(s, "status", json_object_new_string(health_status_codes[i]));
        json_object_object_add(s, "title",
                               json_object_new_string(health_status_title(call->lang, i)));
        json_object_object_add(s, "count", json_object_new_int64(by_status[i]));
        json_object_array_add(statuses, s);
    }
    json_object_object_add(o, "title",
                           json_object_new_string(mdr_tr(call->lang, "health.widget.title")));
    json_object_object_add(o, "total", json_object_new_int64(total));
    json_object_object_add(o, "by_status", statuses);
    json_object_object_add(o, "malfunctioning", json_object_new_int64(malfunctioning));
    if (per_tenant)
        json_object_object_add(o, "tenants", tenants);
    else
        json_object_put(tenants);
    json_object_object_add(o, "last_good_sync", last_good_sync(db));
    return mdr_reply_ok(m->services, o, response);
}

/* ---- sync and status */

static ksc_status sync_reply(ksc_module *m, const ksc_call *call, health_sync_status s,
                             const health_sync_result *r, const mdr_cloud_error *ce,
                             char **response)
{
    switch (s) {
    case HEALTH_SYNC_OK: {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "mode", json_object_new_string(r->full ? "full" : "incremental"));
        json_object_object_add(o, "reason", json_object_new_string(r->reason));
        json_object_object_add(o, "fetched", json_object_new_int64(r->fetched));
        json_object_object_add(o, "assets", json_object_new_int64(r->assets));
        json_object_object_add(o, "changed", json_object_new_int64(r->changed));
        json_object_object_add(o, "removed", json_object_new_int64(r->removed));
        json_object_object_add(o, "devices", json_object_new_int64(r->devices));
        json_object_object_add(o, "requests", json_object_new_int64(r->requests));
        json_object_object_add(o, "duration_ms", json_object_new_int64(r->duration_ms));
        json_object_object_add(o, "plan_ms", json_object_new_int64(r->plan_ms));
        json_object_object_add(o, "fetch_ms", json_object_new_int64(r->fetch_ms));
        json_object_object_add(o, "apply_ms", json_object_new_int64(r->apply_ms));
        return mdr_reply_ok(m->services, o, response);
    }
    case HEALTH_SYNC_RUNNING:
        return mdr_reply_error(m->services, call->lang, KSC_ERR_CONFLICT, "health_sync_running",
                               NULL, response);
    case HEALTH_SYNC_CLOUD_ERROR:
        return mdr_cloud_reply_error(m, call->lang, ce, response);
    case HEALTH_SYNC_HOST_ERROR:
        return mdr_reply_error(m->services, call->lang, KSC_ERR_FAILED, "health_inventory_failed",
                               NULL, response);
    default:
        return mdr_reply_store_error(m->services, call->lang, response);
    }
}

ksc_status mdr_health_sync(ksc_module *m, const ksc_call *call, char **response)
{
    static const mdr_field FIELDS[] = {{.name = "full", .type = MDR_FIELD_BOOL}, {0}};
    json_object *req;
    ksc_status st = mdr_request_parse(m->services, call, FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    health_sync_options opt = {.force_full = mdr_req_bool(req, "full", 0), .owner = call->user};
    json_object_put(req);
    health_source src;
    health_cloud_source(m, &src);
    health_sync_result r;
    mdr_cloud_error ce;
    health_sync_status s = health_sync_run(m, &src, &opt, &r, &ce);
    return sync_reply(m, call, s, &r, &ce, response);
}

ksc_status mdr_health_status(ksc_module *m, const ksc_call *call, char **response)
{
    static const mdr_field FIELDS[] = {{0}};
    json_object *req;
    ksc_status st = mdr_request_parse(m->services, call, FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    json_object_put(req);
    sqlite3 *db = mdr_store_conn(m->store);
    health_query scope = {.list = HEALTH_ASSETS};
    if (!db || health_scope(m, db, call, &scope) != 0) {
        health_query_clear(&scope);
        return mdr_reply_store_error(m->services, call->lang, response);
    }
    json_object *o = health_status_json(m, db, call->lang, &scope);
    health_query_clear(&scope);
    if (!o)
        return mdr_reply_store_error(m->services, call->lang, response);
    return mdr_reply_ok(m->services, o, response);
}

void mdr_health_on_timer(ksc_module *m, int64_t now)
{
    sqlite3 *db = mdr_store_conn(m->store);
    if (!db || !mdr_cloud_session_usable(m))
        return; /* not signed in: nothing to sync yet */
    char *v = NULL;
    int64_t last = 0;
    if (mdr_setting_get(db, "health.last_attempt_ms", &v) == 0)
        last = strtoll(v, NULL, 10);
    free(v);
    if (last && now >= last && now - last < m->config->health_sync_interval_s * 1000)
        return;
    health_source src;
    health_cloud_source(m, &src);
    health_sync_options opt = {.owner = "timer"};
    health_sync_result r;
    mdr_cloud_error ce;
    health_sync_status s = health_sync_run(m, &src, &opt, &r, &ce);
    if (s == HEALTH_SYNC_OK)
        mdr_log(m->services, KSC_LOG_INFO,
                "health sync (%s, %s): %lld assets, %lld changed, %lld removed in %lld ms",
                r.full ? "full" : "incremental", r.reason, (long long)r.assets,
                (long long)r.changed, (long long)r.removed, (long long)r.duration_ms);
}
