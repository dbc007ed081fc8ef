/*
 * health.h — MDR Health: the cloud's assets and the console's inventory in the module's store
 * (resources/sql/003_health.sql), the two lists, the CSV export, the summary and the sync.
 *
 *   query.c             list requests → validated queries → SQLite (count, pages, all rows)
 *   rows.c              one row as JSON, localized labels, component indication
 *   csv.c               the lists as CSV (csv_writer.h) streamed through ksc_output
 *   inventory.c         the copy of the host's devices (devices_foreach) and the join
 *   sync.c              full and incremental sync from an asset source, lease, staging
 *   cloud.c             the asset source over cloud_link (assets/count, assets/list)
 *   tenants.c           what a console user sees: granted tenant ids, a virtual server's devices
 *   actions.c           the actions mdr.health.* and the timer hook
 */
#ifndef MDR_HEALTH_H
#define MDR_HEALTH_H

#include "cloud/cloud_error.h"
#include "core/module.h"
#include "core/request.h"

#include <json-c/json.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

/* ---- vocabularies (index = stored integer) */

#define HEALTH_STATUS_COUNT 5 /* CRITICAL, WARNING, OK, ABSENT, OFFLINE: most severe first */
extern const char *const health_status_codes[HEALTH_STATUS_COUNT + 1];
int health_status_index(const char *code); /* -1 when unknown */

#define HEALTH_STATE_COUNT 8 /* Unknown … No license, as the inventory spells them */
extern const char *const health_state_names[HEALTH_STATE_COUNT + 1];
int health_state_index(const char *name); /* -1 when unknown */

/* The malfunctioning list's presets (help: "Checking assets status …"). */
#define HEALTH_PRESET_INSTALLED "installed_and_activated" /* Unknown … Running, Failed */
#define HEALTH_PRESET_NO_LICENSE "license_missing"        /* No license */

/* The lower-case form of UTF-8 text (ASCII, Latin-1, Greek, Cyrillic: the console's
 * languages) into out; its length. Names are searched and sorted in this form. */
size_t health_lower(const char *in, char *out, size_t out_size);

/* 1 when a protection problem reported by the cloud is the telemetry-loss one: the cloud's
 * "Telemetry loss detected", and other wordings of it ("Telemetry is lost"), any case. The
 * only place the module recognises it (the asset's telemetry_loss flag). */
int health_problem_is_telemetry_loss(const char *problem);

/* Component indication: 0 none (Running: not listed), 1 yellow, 2 red. */
int health_state_color(const char *state);

/* ---- list queries */

typedef enum health_list { HEALTH_ASSETS = 0, HEALTH_MALFUNCTIONING = 1 } health_list;

#define HEALTH_PAGE_SIZE_MAX 500
#define HEALTH_PAGE_SIZE_DEFAULT 50
#define HEALTH_DEFAULT_PERIOD_DAYS 30

typedef struct health_query {
    health_list list;
    char search[256];     /* lower-case substring of the name, "" = none */
    unsigned status_mask; /* assets: bit per status, 0 = all */
    unsigned state_mask;  /* malfunctioning: bit per MDR state, 0 = all */
    int64_t from_ms;      /* assets: last_seen >= from (INT64_MIN = open) */
    int64_t to_ms;        /* assets: last_seen <= to (INT64_MAX = open) */
    int sort;             /* index into the list's sort columns */
    int desc;
    int64_t page, page_size;
    char *visible_tenants; /* JSON array of tenant names the caller sees; NULL = all */
    char server[256];      /* a virtual server's call: only its devices and their assets */
} health_query;

/* The list parameters every list action accepts (search, statuses, mdr_states, preset,
 * last_seen, sort, page, page_size); `extra` may add fields of the action (NULL = none). */
extern const mdr_field health_list_fields[];

/* Fills `q` from a request validated against health_list_fields (or an export's "filter"
 * object merged with "sort"). Checks what the declarative fields cannot (array elements,
 * sort column, last_seen shape, parameters of the other list). 0, or -1 with *err filled. */
int health_query_from_json(json_object *req, health_list list, int64_t now_ms, health_query *q,
                           mdr_request_error *err);
void health_query_clear(health_query *q);

/* The sort column names of a list (NULL-terminated) and the default ("last_seen:desc" for
 * assets, "host_name:asc" for malfunctioning). */
const char *const *health_sort_columns(health_list list);

int health_query_count(sqlite3 *db, const health_query *q, int64_t *count);

/* The page query's EXPLAIN QUERY PLAN, one detail a line, into out (tests check that no
 * page sorts in a temp B-tree). 0 or -1. */
int health_query_plan(sqlite3 *db, const health_query *q, char *out, size_t out_size);

/* Runs the query; for each row calls fn(ctx, stmt) (columns: see rows.c). all = 1
 * ignores paging (export). Returns 0, fn's non-zero result, or -1 on a store error. */
typedef int (*health_row_fn)(void *ctx, sqlite3_stmt *row);
int health_query_rows(sqlite3 *db, const health_query *q, int all, health_row_fn fn, void *ctx);

/* ---- rows */

json_object *health_asset_json(sqlite3_stmt *row, const char *lang);
json_object *health_device_row_json(sqlite3_stmt *row, const char *lang);
/* A live device of the inventory (every component) as JSON; NULL when out of memory. */
json_object *health_device_full_json(const ksc_device *d, const char *lang);

/* Localized labels. */
const char *health_status_title(const char *lang, int status);
/* The tenant's name to show: its name, or the localized root ("Root without tenants") for "". */
const char *health_tenant_title(const char *lang, const char *tenant);
const char *health_state_title(const char *lang, const char *state);

/* ---- CSV */

/* Streams the whole list (q's filters and sort, paging ignored) as CSV with localized
 * headers through csv_writer.h (out->begin is called with file_name). 0, -1 store error,
 * -2 output error. */
int health_export_csv(sqlite3 *db, const health_query *q, const char *lang, ksc_output *out,
                      const char *file_name);

/* ---- who sees what (tenants.c) */

/* The JSON array of the tenant names `user` may see (the granted tenant ids resolved through
 * health_tenants, "" for the root when granted), or NULL when they see all (malloc'd). -1 on
 * a store error. */
int health_visible_tenants(ksc_module *m, sqlite3 *db, const char *user, char **json);
/* 1 when `user` sees the tenant stored under `name` ("" = the root), 0 not, -1 store error. */
int health_tenant_name_visible(sqlite3 *db, const char *user, const char *name);
/* The call's virtual server into out ("" on the main server: every server). -1 when the
 * host's server list cannot be read or does not name the call's server (fail closed). */
int health_call_server(ksc_module *m, const ksc_call *call, char *out, size_t out_size);
/* Fills q's caller-dependent parts (visible tenants, virtual server). 0 or -1. */
int health_scope(ksc_module *m, sqlite3 *db, const ksc_call *call, health_query *q);
/* 1 when q's scope is narrower than everything. */
int health_scope_limited(const health_query *q);
/* The cloud's tenant list (tenants/list objects) against health_tenants: 1 differ, 0 same,
 * -1 store error; and replacing it (inside the sync's apply transaction). */
int health_tenants_differ(sqlite3 *db, json_object *tenants);
int health_tenants_store(sqlite3 *db, json_object *tenants);

/* ---- inventory */

typedef struct health_inventory_result {
    int changed;     /* 1 when the copy differs from the previous one */
    int first_copy;  /* 1 when the copy was empty: every row written (has_asset included) */
    int64_t devices; /* devices in the inventory */
} health_inventory_result;

/* Copies the host's devices into health_devices when they changed since the last copy
 * (a fingerprint of the whole inventory decides), inside the caller's transaction on `db`.
 * A row written gets has_asset from health_assets and the sync's temp.health_stage.
 * 0 or -1 (store or host error, err filled). */
int health_inventory_refresh(ksc_module *m, sqlite3 *db, health_inventory_result *res, char *err,
                             size_t err_size);

/* In SQL over the sync's stage `s` LEFT JOIN health_assets `a` ON asset_id: the stage rows
 * whose stored asset exists and differs (add "a.id IS NULL OR" for new ones too). */
#define HEALTH_STAGE_DIFFERS                                                                       \
    "(a.host_name IS NOT s.host_name OR a.domain IS NOT s.domain OR "                              \
    "a.os_version IS NOT s.os_version OR a.product IS NOT s.product OR "                           \
    "a.ksc_host_id IS NOT s.ksc_host_id OR a.tenant IS NOT s.tenant OR a.status IS NOT s.status "  \
    "OR a.first_seen IS NOT s.first_seen OR a.last_seen IS NOT s.last_seen OR "                    \
    "a.isolated IS NOT s.isolated OR a.problems IS NOT s.problems OR "                             \
    "a.telemetry_loss IS NOT s.telemetry_loss)"

/* An incremental apply touches a few assets of many: instead of the join's passes over every
 * device and asset, it notes what the stage changes and follows only that.
 * health_delta_note, before the assets are written: every (tenant, status, device) the
 * changed assets leave (their stored version, -1) and reach (the stage's, +1) into
 * temp.health_delta. health_delta_apply, after: has_asset of those devices only, the summary
 * by the differences, the malfunctioning counts again (an index range); asset_devices as in
 * health_join_and_summarize. Inside the caller's transaction; 0 or -1. */
int health_delta_note(sqlite3 *db);
int health_delta_apply(sqlite3 *db, int asset_devices);

/* The join, inside the caller's transaction: asset_devices = the assets' device columns
 * (name, server, EDR Agent) from the inventory copy; device_assets = the devices' has_asset
 * from the assets; then the summary table, always. 0 or -1. */
int health_join_and_summarize(sqlite3 *db, int asset_devices, int device_assets);

/* ---- sync */

/* Where assets come from: the cloud in production, a fake in tests. `request` is the body of
 * assets/count or assets/list (borrowed); list answers a JSON array (caller puts). Both
 * return MDR_CLOUD_OK or an error with *err filled. Called from several threads at once. */
typedef struct health_source {
    void *ctx;
    mdr_cloud_status (*count)(void *ctx, json_object *request, int64_t *count,
                              mdr_cloud_error *err);
    mdr_cloud_status (*list)(void *ctx, json_object *request, json_object **assets,
                             mdr_cloud_error *err);
    /* The organization's tenants (tenants/list: [{tenant_id, name, status}], caller puts);
     * NULL: the source has none and health_tenants is left as it is. */
    mdr_cloud_status (*tenants)(void *ctx, json_object **tenants, mdr_cloud_error *err);
} health_source;

#define HEALTH_RESULT_CAP 10000         /* the public API's results per query */
#define HEALTH_FETCH_PAGE_SIZE 1000     /* assets per assets/list call */
#define HEALTH_FETCH_THREADS 4          /* pages in flight */
#define HEALTH_PAGE_ATTEMPTS 3          /* a failed page is retried twice */
#define HEALTH_OVERLAP_MS (15 * 60000)  /* incremental: re-read this much before the mark */
#define HEALTH_FULL_EVERY_MS 86400000LL /* a full reconcile at least daily */
#define HEALTH_LEASE_MS (30 * 60000)    /* a crashed sync's lease expires after this */

typedef struct health_sync_options {
    int force_full;
    const char *owner; /* names the lease holder in logs, e.g. "timer" or a user */
    int page_size;     /* assets per page, below HEALTH_FETCH_PAGE_SIZE; 0 = that: the race
                        * test's small world still gives every fetch worker pages */
} health_sync_options;

typedef struct health_sync_result {
    int full;                            /* 1 full, 0 incremental */
    int64_t fetched;                     /* assets received */
    int64_t assets;                      /* assets stored after the sync */
    int64_t changed;                     /* assets inserted or updated */
    int64_t removed;                     /* assets gone from the cloud */
    int64_t devices;                     /* devices in the inventory copy */
    int64_t requests;                    /* cloud calls made (count + list, retries included) */
    int64_t duration_ms;                 /* wall time */
    int64_t plan_ms, fetch_ms, apply_ms; /* where it went: windows, pages + stage, apply */
    char reason[64]; /* why full: "first", "forced", "daily", "count_mismatch", … */
} health_sync_result;

typedef enum health_sync_status {
    HEALTH_SYNC_OK = 0,
    HEALTH_SYNC_RUNNING,     /* another sync holds the lease */
    HEALTH_SYNC_CLOUD_ERROR, /* *cloud_err filled; nothing changed */
    HEALTH_SYNC_STORE_ERROR, /* nothing changed */
    HEALTH_SYNC_HOST_ERROR   /* the inventory could not be read; nothing changed */
} health_sync_status;

health_sync_status health_sync_run(ksc_module *m, const health_source *src,
                                   const health_sync_options *opt, health_sync_result *res,
                                   mdr_cloud_error *cloud_err);

/* mdr.health.status's object: last good sync, last attempt and error, counts, running. The
 * counts are those of `scope` (a query whose scope health_scope filled; NULL = everything);
 * a limited scope gets no figures of the last sync (they count everything). */
json_object *health_status_json(ksc_module *m, sqlite3 *db, const char *lang,
                                const health_query *scope);

/* cloud.c: the source over cloud_link. */
void health_cloud_source(ksc_module *m, health_source *src);

/* The timer hook (actions.c). */
void mdr_health_on_timer(ksc_module *m, int64_t now_ms);

#endif
