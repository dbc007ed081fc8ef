/* MDR Health sync: full past the 10,000 cap, incremental at the window edge, deletions,
 * renames, isolation, injected faults keep the old data, one sync at a time. */
#include "core/actions.h"
#include "fixture.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int64_t stored_query(const char *sql)
{
    sqlite3 *db = mdr_store_conn(FX.m->store);
    sqlite3_stmt *st;
    int64_t n = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static int64_t stored(const char *where)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM health_assets %s", where);
    return stored_query(sql);
}

static void sync__full_splits_past_the_result_cap(void)
{
    fx_start();
    fx_seed(23456, 10);
    health_sync_result r;
    CU_ASSERT_EQUAL(fx_sync(0, &r), HEALTH_SYNC_OK);
    CU_ASSERT_TRUE(r.full);
    CU_ASSERT_STRING_EQUAL(r.reason, "first");
    CU_ASSERT_EQUAL(r.fetched, 23456);
    CU_ASSERT_EQUAL(r.assets, 23456);
    CU_ASSERT_EQUAL(stored(""), 23456);
    CU_ASSERT_EQUAL(r.devices, 23466);
    CU_ASSERT_EQUAL(stored("WHERE ksc_server = 'main'"), 23456); /* every asset joined */
    /* nothing changed: an incremental sync writes nothing */
    CU_ASSERT_EQUAL(fx_sync(0, &r), HEALTH_SYNC_OK);
    CU_ASSERT_FALSE(r.full);
    CU_ASSERT_EQUAL(r.changed, 0);
    CU_ASSERT_EQUAL(r.removed, 0);
    CU_ASSERT_TRUE(r.fetched < 100);
    fx_stop();
}

static void sync__incremental_follows_changes_at_the_window_edge(void)
{
    fx_start();
    fx_seed(300, 5);
    health_sync_result r;
    CU_ASSERT_EQUAL_FATAL(fx_sync(0, &r), HEALTH_SYNC_OK);
    int64_t mark = 0;
    for (size_t i = 0; i < FX.asset_n; i++)
        mark = FX.assets[i].last_seen > mark ? FX.assets[i].last_seen : mark;
    /* telemetry that arrived late: last_seen just inside the overlap window */
    FX.assets[10].last_seen = mark - HEALTH_OVERLAP_MS;
    FX.assets[10].status = "CRITICAL";
    FX.assets[11].last_seen = mark + 1;
    FX.assets[11].status = "OFFLINE";
    fx_add_asset("newcomer", "WARNING", 0, "Contoso");
    CU_ASSERT_EQUAL(fx_sync(0, &r), HEALTH_SYNC_OK);
    CU_ASSERT_FALSE(r.full);
    CU_ASSERT_EQUAL(r.changed, 3);
    CU_ASSERT_EQUAL(stored(""), 301);
    char where[128];
    snprintf(where, sizeof where, "WHERE asset_id = '%s' AND status = 0", FX.assets[10].asset_id);
    CU_ASSERT_EQUAL(stored(where), 1);
    snprintf(where, sizeof where, "WHERE asset_id = '%s' AND status = 4", FX.assets[11].asset_id);
    CU_ASSERT_EQUAL(stored(where), 1);
    CU_ASSERT_EQUAL(stored("WHERE host_name = 'newcomer'"), 1);
    fx_stop();
}

static void sync__vanished_renamed_and_isolated_assets_follow(void)
{
    fx_start();
    fx_seed(200, 0);
    health_sync_result r;
    CU_ASSERT_EQUAL_FATAL(fx_sync(0, &r), HEALTH_SYNC_OK);
    /* an old asset vanishes from the cloud (e.g. its tenant deleted) */
    FX.assets[3].deleted = 1;
    CU_ASSERT_EQUAL(fx_sync(0, &r), HEALTH_SYNC_OK);
    CU_ASSERT_TRUE(r.full);
    CU_ASSERT_STRING_EQUAL(r.reason, "count_mismatch");
    CU_ASSERT_EQUAL(r.removed, 1);
    CU_ASSERT_EQUAL(stored(""), 199);
    /* its device is now malfunctioning: it never sent telemetry as far as the cloud says */
    json_object *o;
    fx_call(mdr_health_malfunctioning, NULL, "{}", &o);
    CU_ASSERT_EQUAL(json_object_get_int64(json_object_object_get(o, "total")), 1);
    json_object_put(o);
    /* a tenant renamed, without new telemetry */
    for (size_t i = 0; i < FX.asset_n; i++)
        if (strcmp(FX.assets[i].tenant, "Contoso") == 0)
            snprintf(FX.assets[i].tenant, sizeof FX.assets[i].tenant, "Contoso Group");
    CU_ASSERT_EQUAL(fx_sync(0, &r), HEALTH_SYNC_OK);
    CU_ASSERT_STRING_EQUAL(r.reason, "tenants_changed");
    CU_ASSERT_EQUAL(stored("WHERE tenant = 'Contoso'"), 0);
    CU_ASSERT_EQUAL(stored("WHERE tenant = 'Contoso Group'"), 50);
    /* an old asset isolated, without new telemetry */
    FX.assets[20].isolated = !FX.assets[20].isolated;
    CU_ASSERT_EQUAL(fx_sync(0, &r), HEALTH_SYNC_OK);
    CU_ASSERT_STRING_EQUAL(r.reason, "isolation_changed");
    char where[128];
    snprintf(where, sizeof where, "WHERE asset_id = '%s' AND isolated = %d", FX.assets[20].asset_id,
             FX.assets[20].isolated);
    CU_ASSERT_EQUAL(stored(where), 1);
    /* a day later, a full reconcile runs anyway */
    fake_host_set_now(FX.host, FX_NOW + FX_DAY + 1);
    CU_ASSERT_EQUAL(fx_sync(0, &r), HEALTH_SYNC_OK);
    CU_ASSERT_STRING_EQUAL(r.reason, "daily");
    fx_stop();
}

static void sync__failed_pages_keep_the_old_data(void)
{
    fx_start();
    fx_seed(12500, 0);
    health_sync_result r;
    CU_ASSERT_EQUAL_FATAL(fx_sync(0, &r), HEALTH_SYNC_OK);
    json_object *before;
    fx_call(mdr_health_status, NULL, "{}", &before);
    int64_t good = json_object_get_int64(json_object_object_get(before, "last_good_sync"));
    json_object_put(before);
    /* the cloud changed a lot, then fails for good in the middle of a full sync */
    for (size_t i = 0; i < FX.asset_n; i++)
        FX.assets[i].status = "OFFLINE";
    FX.fail_list_after = 5;
    FX.fail_list = 1000;
    fake_host_set_now(FX.host, FX_NOW + 60000);
    CU_ASSERT_EQUAL(fx_sync(1, &r), HEALTH_SYNC_CLOUD_ERROR);
    CU_ASSERT_EQUAL(stored(""), 12500);
    CU_ASSERT_TRUE(stored("WHERE status = 4") < 12500 / 2); /* the old statuses */
    sqlite3 *db = mdr_store_conn(FX.m->store);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_temp_master WHERE name = 'health_stage'",
                       -1, &st, NULL);
    sqlite3_step(st);
    CU_ASSERT_EQUAL(sqlite3_column_int(st, 0), 0); /* no scratch left behind */
    sqlite3_finalize(st);
    json_object *o;
    fx_call(mdr_health_status, NULL, "{}", &o);
    CU_ASSERT_EQUAL(json_object_get_int64(json_object_object_get(o, "last_good_sync")), good);
    json_object *err = json_object_object_get(o, "last_error");
    CU_ASSERT_PTR_NOT_NULL(err);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(err, "code")), "cloud");
    CU_ASSERT_FALSE(json_object_get_boolean(json_object_object_get(o, "running")));
    json_object_put(o);
    /* a page failing once is retried, and the sync succeeds */
    FX.fail_list_after = 3;
    FX.fail_list = 1;
    CU_ASSERT_EQUAL(fx_sync(1, &r), HEALTH_SYNC_OK);
    CU_ASSERT_EQUAL(stored("WHERE status = 4"), 12500);
    fx_call(mdr_health_status, NULL, "{}", &o);
    CU_ASSERT_EQUAL(json_object_get_int64(json_object_object_get(o, "last_good_sync")),
                    FX_NOW + 60000);
    CU_ASSERT_TRUE(json_object_get_type(json_object_object_get(o, "last_error")) == json_type_null);
    json_object_put(o);
    fx_stop();
}

static int hold_lease(sqlite3 *db, void *ctx)
{
    (void)ctx;
    char v[64];
    snprintf(v, sizeof v, "other %lld", (long long)(FX_NOW + 60000));
    return mdr_setting_set(db, "health.lease", v);
}

static void sync__one_at_a_time(void)
{
    fx_start();
    fx_seed(10, 0);
    CU_ASSERT_EQUAL_FATAL(mdr_store_tx(FX.m->store, hold_lease, NULL), 0);
    health_sync_result r;
    CU_ASSERT_EQUAL(fx_sync(0, &r), HEALTH_SYNC_RUNNING);
    json_object *o;
    fx_call(mdr_health_status, NULL, "{}", &o);
    CU_ASSERT_TRUE(json_object_get_boolean(json_object_object_get(o, "running")));
    json_object_put(o);
    /* a crashed holder's lease expires */
    fake_host_set_now(FX.host, FX_NOW + 60001);
    CU_ASSERT_EQUAL(fx_sync(0, &r), HEALTH_SYNC_OK);
    fx_call(mdr_health_status, NULL, "{}", &o);
    CU_ASSERT_FALSE(json_object_get_boolean(json_object_object_get(o, "running")));
    CU_ASSERT_EQUAL(json_object_get_int64(json_object_object_get(o, "assets")), 10);
    json_object_put(o);
    fx_stop();
}

static int hold_lease_as(sqlite3 *db, void *ctx)
{
    char v[128];
    snprintf(v, sizeof v, "other %lld %s", (long long)(FX_NOW + 60000), (const char *)ctx);
    return mdr_setting_set(db, "health.lease", v);
}

static int running(void)
{
    json_object *o;
    fx_call(mdr_health_status, NULL, "{}", &o);
    int r = json_object_get_boolean(json_object_object_get(o, "running"));
    json_object_put(o);
    return r;
}

/* Issue 12, item 5: a killed sync's lease is taken over at once, not after 30 minutes. */
static void sync__dead_holder_taken_over_at_once(void)
{
    fx_start();
    fx_seed(10, 0);
    health_sync_result r;
    char holder[64];
    /* a live holder (the parent process; start time unknown) keeps its lease */
    snprintf(holder, sizeof holder, "%ld -1", (long)getppid());
    CU_ASSERT_EQUAL_FATAL(mdr_store_tx(FX.m->store, hold_lease_as, holder), 0);
    CU_ASSERT_TRUE(running());
    CU_ASSERT_EQUAL(fx_sync(0, &r), HEALTH_SYNC_RUNNING);
    /* a holder that has exited */
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    CU_ASSERT_FATAL(child > 0);
    waitpid(child, NULL, 0);
    snprintf(holder, sizeof holder, "%ld 12345", (long)child);
    CU_ASSERT_EQUAL_FATAL(mdr_store_tx(FX.m->store, hold_lease_as, holder), 0);
    CU_ASSERT_FALSE(running());
    CU_ASSERT_EQUAL(fx_sync(0, &r), HEALTH_SYNC_OK);
    /* a pid the system gave to another process since (this one, started at another time) */
    snprintf(holder, sizeof holder, "%ld 1", (long)getpid());
    CU_ASSERT_EQUAL_FATAL(mdr_store_tx(FX.m->store, hold_lease_as, holder), 0);
    CU_ASSERT_FALSE(running());
    CU_ASSERT_EQUAL(fx_sync(0, &r), HEALTH_SYNC_OK);
    CU_ASSERT_FALSE(running()); /* dropped after the sync */
    fx_stop();
}

static void sync__inventory_changes_follow(void)
{
    fx_start();
    fx_seed(50, 4);
    health_sync_result r;
    CU_ASSERT_EQUAL_FATAL(fx_sync(0, &r), HEALTH_SYNC_OK);
    /* a new silent device, a changed one, a renamed one */
    fx_add_device("33333333-0000-4000-8000-000000000001", "late-joiner", "Failed");
    FX.devices[51].mdr_state = "No license"; /* silent device 1 */
    snprintf(FX.devices[0].name, sizeof FX.devices[0].name, "renamed-0");
    CU_ASSERT_EQUAL(fx_sync(0, &r), HEALTH_SYNC_OK);
    CU_ASSERT_EQUAL(r.devices, 55);
    json_object *o;
    fx_call(mdr_health_malfunctioning, NULL, "{\"search\": \"late\"}", &o);
    CU_ASSERT_EQUAL(json_object_get_int64(json_object_object_get(o, "total")), 1);
    json_object_put(o);
    CU_ASSERT_EQUAL(stored("WHERE device_name = 'renamed-0'"), 1);
    fx_stop();
}

/* Rows of `sql` that differ from `want`: 0 when both queries give the same rows. */
static int64_t differing(const char *sql, const char *want)
{
    char q[1024];
    snprintf(q, sizeof q,
             "SELECT (SELECT count(*) FROM (SELECT * FROM (%s) EXCEPT SELECT * FROM (%s))) + "
             "(SELECT count(*) FROM (SELECT * FROM (%s) EXCEPT SELECT * FROM (%s)))",
             sql, want, want, sql);
    return stored_query(q);
}

static void sync__incremental_counts_match_a_rebuild(void)
{
    fx_start();
    fx_seed(300, 6);
    health_sync_result r;
    CU_ASSERT_EQUAL_FATAL(fx_sync(0, &r), HEALTH_SYNC_OK);
    /* new telemetry: statuses change, one machine now reports a silent device, one asset of
     * a tenant not seen before, one that reports no console device */
    for (size_t i = 0; i < 300; i += 7) {
        FX.assets[i].last_seen = FX_NOW;
        FX.assets[i].status = strcmp(FX.assets[i].status, "OK") == 0 ? "CRITICAL" : "OK";
    }
    snprintf(FX.assets[14].device_id, sizeof FX.assets[14].device_id, "%s", FX.devices[300].id);
    fx_add_asset("stranger", "WARNING", 0, "Tailspin Toys")->device_id[0] = '\0';
    fake_host_set_now(FX.host, FX_NOW + 60000);
    CU_ASSERT_EQUAL(fx_sync(0, &r), HEALTH_SYNC_OK);
    CU_ASSERT_FALSE(r.full);
    CU_ASSERT_EQUAL(r.changed, 44);
    /* what the sync kept up to date equals what a pass over everything gives */
    CU_ASSERT_EQUAL(differing("SELECT tenant, status, n FROM health_summary WHERE kind = 0",
                              "SELECT tenant, status, count(*) FROM health_assets "
                              "GROUP BY tenant, status"),
                    0);
    CU_ASSERT_EQUAL(differing("SELECT tenant, n FROM health_summary WHERE kind = 1",
                              "SELECT tenant, count(*) FROM health_devices WHERE NOT EXISTS "
                              "(SELECT 1 FROM health_assets a WHERE a.ksc_host_id = device_id) "
                              "GROUP BY tenant"),
                    0);
    CU_ASSERT_EQUAL(stored_query("SELECT count(*) FROM health_devices WHERE has_asset IS NOT "
                                 "EXISTS (SELECT 1 FROM health_assets a WHERE a.ksc_host_id = "
                                 "device_id)"),
                    0);
    /* the device the machine left is malfunctioning now, the silent one it reports is not */
    json_object *o;
    fx_call(mdr_health_summary, NULL, "{}", &o);
    CU_ASSERT_EQUAL(json_object_get_int64(json_object_object_get(o, "malfunctioning")), 6);
    json_object_put(o);
    CU_ASSERT_EQUAL(stored_query("SELECT has_asset FROM health_devices WHERE device_id = "
                                 "'00000000-0000-4000-8000-00000000000e'"),
                    0);
    fx_stop();
}

/* A 1.1 host tells the inventory's revision: an unchanged one spares reading the inventory,
 * a moved one brings the changes in; revision 0 (unknown) reads it as a 1.0 host would. */
static uint64_t revision;
static int inventory_reads;
static ksc_status (*fixture_foreach)(ksc_host *, const char *, ksc_device_cb, void *);

static uint64_t test_revision(ksc_host *host)
{
    (void)host;
    return revision;
}

static ksc_status counting_foreach(ksc_host *host, const char *server, ksc_device_cb cb, void *ctx)
{
    inventory_reads++;
    return fixture_foreach(host, server, cb, ctx);
}

static void sync__inventory_revision_spares_reading_it(void)
{
    fx_start();
    fixture_foreach = FX.services.devices_foreach;
    FX.services.devices_foreach = counting_foreach;
    FX.services.devices_revision = test_revision;
    revision = 41;
    inventory_reads = 0;
    fx_seed(40, 3);
    health_sync_result r;
    CU_ASSERT_EQUAL_FATAL(fx_sync(0, &r), HEALTH_SYNC_OK);
    CU_ASSERT_TRUE(inventory_reads > 0);
    /* unchanged revision: the inventory is not read, the device count still told */
    inventory_reads = 0;
    CU_ASSERT_EQUAL(fx_sync(0, &r), HEALTH_SYNC_OK);
    CU_ASSERT_EQUAL(inventory_reads, 0);
    CU_ASSERT_EQUAL(r.devices, 43);
    /* a device changes and the revision moves: the change follows */
    fx_add_device("44444444-0000-4000-8000-000000000001", "newcomer-device", "Failed");
    revision = 42;
    CU_ASSERT_EQUAL(fx_sync(0, &r), HEALTH_SYNC_OK);
    CU_ASSERT_TRUE(inventory_reads > 0);
    CU_ASSERT_EQUAL(r.devices, 44);
    json_object *o;
    fx_call(mdr_health_malfunctioning, NULL, "{\"search\": \"newcomer\"}", &o);
    CU_ASSERT_EQUAL(json_object_get_int64(json_object_object_get(o, "total")), 1);
    json_object_put(o);
    /* revision unknown: read every time */
    revision = 0;
    inventory_reads = 0;
    CU_ASSERT_EQUAL(fx_sync(0, &r), HEALTH_SYNC_OK);
    CU_ASSERT_TRUE(inventory_reads > 0);
    fx_stop();
}

int main(void)
{
    static const unit_test tests[] = {
        {"sync__full_splits_past_the_result_cap", sync__full_splits_past_the_result_cap},
        {"sync__incremental_follows_changes_at_the_window_edge",
         sync__incremental_follows_changes_at_the_window_edge},
        {"sync__vanished_renamed_and_isolated_assets_follow",
         sync__vanished_renamed_and_isolated_assets_follow},
        {"sync__failed_pages_keep_the_old_data", sync__failed_pages_keep_the_old_data},
        {"sync__one_at_a_time", sync__one_at_a_time},
        {"sync__dead_holder_taken_over_at_once", sync__dead_holder_taken_over_at_once},
        {"sync__inventory_changes_follow", sync__inventory_changes_follow},
        {"sync__incremental_counts_match_a_rebuild", sync__incremental_counts_match_a_rebuild},
        {"sync__inventory_revision_spares_reading_it", sync__inventory_revision_spares_reading_it},
        {NULL, NULL}};
    return run_tests("health_sync", tests);
}
