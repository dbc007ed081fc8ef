/* MDR Health lists: filters, sorts, presets, search, periods, paging, CSV, summary, tenant
 * visibility — what an administrator sees on the two tabs and the widget. */
#include "core/actions.h"
#include "fixture.h"
#include "core/tenant_access.h"

#include <stdlib.h>
#include <string.h>

#define SEEDED 400
#define SILENT 64

static void start_seeded(void)
{
    fx_start();
    fx_seed(SEEDED, SILENT);
    health_sync_result r;
    CU_ASSERT_EQUAL_FATAL(fx_sync(0, &r), HEALTH_SYNC_OK);
    CU_ASSERT_EQUAL(r.assets, SEEDED);
}

static int64_t total_of(json_object *o)
{
    json_object *v;
    return o && json_object_object_get_ex(o, "total", &v) ? json_object_get_int64(v) : -1;
}

static json_object *items_of(json_object *o)
{
    json_object *v = NULL;
    json_object_object_get_ex(o, "items", &v);
    return v;
}

static const char *s_of(json_object *o, const char *k)
{
    json_object *v;
    return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "";
}

static int64_t i_of(json_object *o, const char *k)
{
    json_object *v;
    return json_object_object_get_ex(o, k, &v) ? json_object_get_int64(v) : -1;
}

static const char *error_code(json_object *o)
{
    json_object *e;
    return o && json_object_object_get_ex(o, "error", &e) ? s_of(e, "code") : "";
}

/* Pages through a list with `filter` (JSON members without braces) and page size `ps`;
 * returns the rows seen, checks the count, and that no row repeats. */
static int64_t page_through(ksc_action_fn fn, const char *filter, int ps, int64_t *total_out)
{
    int64_t seen = 0, total = -1;
    char **ids = NULL;
    for (int page = 1;; page++) {
        char req[512];
        snprintf(req, sizeof req, "{%s%s\"page\": %d, \"page_size\": %d}", filter,
                 *filter ? ", " : "", page, ps);
        json_object *o;
        CU_ASSERT_EQUAL_FATAL(fx_call(fn, NULL, req, &o), KSC_OK);
        total = total_of(o);
        json_object *items = items_of(o);
        size_t n = json_object_array_length(items);
        for (size_t i = 0; i < n; i++) {
            json_object *it = json_object_array_get_idx(items, i);
            const char *id = fn == mdr_health_assets ? s_of(it, "asset_id") : s_of(it, "device_id");
            for (int64_t k = 0; k < seen; k++)
                CU_ASSERT_STRING_NOT_EQUAL(ids[k], id);
            ids = realloc(ids, (size_t)(seen + 1) * sizeof *ids);
            ids[seen++] = strdup(id);
        }
        json_object_put(o);
        if (n < (size_t)ps)
            break;
    }
    for (int64_t k = 0; k < seen; k++)
        free(ids[k]);
    free(ids);
    *total_out = total;
    return seen;
}

static void lists__count_equals_rows_paged_through(void)
{
    start_seeded();
    /* a property over many filter combinations and page sizes */
    static const char *const filters[] = {
        "",
        "\"last_seen\": {\"all\": true}",
        "\"statuses\": [\"CRITICAL\", \"OK\"], \"last_seen\": {\"days\": 90}",
        "\"search\": \"ws-0\", \"last_seen\": {\"all\": true}",
        "\"search\": \"SRV\", \"sort\": \"status:desc\"",
        "\"last_seen\": {\"from\": 1790000000000, \"to\": 1795000000000}, \"sort\": \"tenant:asc\"",
        "\"statuses\": [\"ABSENT\"], \"sort\": \"host_name:asc\", \"last_seen\": {\"days\": 365}",
        NULL};
    static const int sizes[] = {1, 7, 50, 500};
    for (int f = 0; filters[f]; f++)
        for (int s = 0; s < 4; s++) {
            if (sizes[s] == 1 && f > 2)
                continue; /* keep the run short */
            int64_t total, seen = page_through(mdr_health_assets, filters[f], sizes[s], &total);
            CU_ASSERT_EQUAL(seen, total);
        }
    static const char *const dfilters[] = {"", "\"preset\": \"installed_and_activated\"",
                                           "\"mdr_states\": [\"No license\", \"Failed\"]",
                                           "\"search\": \"SILENT-00\"", NULL};
    for (int f = 0; dfilters[f]; f++) {
        int64_t total, seen = page_through(mdr_health_malfunctioning, dfilters[f], 9, &total);
        CU_ASSERT_EQUAL(seen, total);
    }
    fx_stop();
}

static void lists__status_filter_and_period_match_the_cloud_data(void)
{
    start_seeded();
    int64_t expect = 0;
    for (size_t i = 0; i < FX.asset_n; i++)
        expect += strcmp(FX.assets[i].status, "CRITICAL") == 0 &&
                  FX.assets[i].last_seen >= FX_NOW - 7 * FX_DAY;
    json_object *o;
    CU_ASSERT_EQUAL(fx_call(mdr_health_assets, NULL,
                            "{\"statuses\": [\"CRITICAL\"], \"last_seen\": {\"days\": 7}}", &o),
                    KSC_OK);
    CU_ASSERT_EQUAL(total_of(o), expect);
    json_object *items = items_of(o);
    for (size_t i = 0; i < json_object_array_length(items); i++)
        CU_ASSERT_STRING_EQUAL(s_of(json_object_array_get_idx(items, i), "status"), "CRITICAL");
    json_object_put(o);

    /* the default period is 30 days */
    expect = 0;
    for (size_t i = 0; i < FX.asset_n; i++)
        expect += FX.assets[i].last_seen >= FX_NOW - 30 * FX_DAY;
    CU_ASSERT_EQUAL(fx_call(mdr_health_assets, NULL, "{}", &o), KSC_OK);
    CU_ASSERT_EQUAL(total_of(o), expect);
    json_object_put(o);

    /* a custom range is inclusive at both ends */
    char req[200];
    int64_t edge = FX.assets[5].last_seen;
    snprintf(req, sizeof req, "{\"last_seen\": {\"from\": %lld, \"to\": %lld}}", (long long)edge,
             (long long)edge);
    expect = 0;
    for (size_t i = 0; i < FX.asset_n; i++)
        expect += FX.assets[i].last_seen == edge;
    CU_ASSERT_EQUAL(fx_call(mdr_health_assets, NULL, req, &o), KSC_OK);
    CU_ASSERT_EQUAL(total_of(o), expect);
    CU_ASSERT_TRUE(expect >= 1);
    json_object_put(o);

    /* wrong periods and filters are refused with a clear code */
    static const char *const bad[][2] = {
        {"{\"last_seen\": {\"days\": 2}}", "not_allowed"},
        {"{\"last_seen\": {\"from\": 5, \"to\": 4}}", "invalid_value"},
        {"{\"last_seen\": {\"days\": 7, \"from\": 1}}", "invalid_value"},
        {"{\"statuses\": [\"FINE\"]}", "not_allowed"},
        {"{\"statuses\": [1]}", "wrong_type"},
        {"{\"sort\": \"color:asc\"}", "not_allowed"},
        {"{\"sort\": \"host_name:up\"}", "not_allowed"},
        {"{\"page_size\": 501}", "out_of_range"},
        {"{\"page\": 0}", "out_of_range"},
        {"{\"mdr_states\": [\"Running\"]}", "unknown_field"},
        {"{\"colour\": 1}", "unknown_field"},
        {NULL, NULL}};
    for (int i = 0; bad[i][0]; i++) {
        CU_ASSERT_EQUAL(fx_call(mdr_health_assets, NULL, bad[i][0], &o), KSC_ERR_INVALID);
        CU_ASSERT_STRING_EQUAL(error_code(o), bad[i][1]);
        json_object_put(o);
    }
    CU_ASSERT_EQUAL(fx_call(mdr_health_malfunctioning, NULL, "{\"statuses\": [\"OK\"]}", &o),
                    KSC_ERR_INVALID);
    CU_ASSERT_STRING_EQUAL(error_code(o), "unknown_field");
    json_object_put(o);
    fx_stop();
}

/* Every sort column, both ways: the rows come in that order. */
static void lists__every_sort_column_orders_both_ways(void)
{
    start_seeded();
    static const char *const cols[][2] = {{"host_name", "host_name"},
                                          {"status", NULL},
                                          {"last_seen", "last_seen"},
                                          {"first_seen", "first_seen"},
                                          {"tenant", "tenant"},
                                          {"domain", "domain"},
                                          {"os_version", "os_version"},
                                          {"product", "product"},
                                          {"ksc_server", "ksc_server"},
                                          {"isolated", NULL},
                                          {NULL, NULL}};
    for (int c = 0; cols[c][0]; c++)
        for (int desc = 0; desc < 2; desc++) {
            char req[160];
            snprintf(req, sizeof req,
                     "{\"sort\": \"%s:%s\", \"last_seen\": {\"all\": true}, \"page_size\": 500}",
                     cols[c][0], desc ? "desc" : "asc");
            json_object *o;
            CU_ASSERT_EQUAL_FATAL(fx_call(mdr_health_assets, NULL, req, &o), KSC_OK);
            json_object *items = items_of(o);
            CU_ASSERT_EQUAL(json_object_array_length(items), SEEDED);
            for (size_t i = 1; cols[c][1] && i < json_object_array_length(items); i++) {
                json_object *a = json_object_array_get_idx(items, i - 1),
                            *b = json_object_array_get_idx(items, i), *va, *vb;
                json_object_object_get_ex(a, cols[c][1], &va);
                json_object_object_get_ex(b, cols[c][1], &vb);
                int cmp;
                if (json_object_is_type(va, json_type_int))
                    cmp = json_object_get_int64(va) < json_object_get_int64(vb)   ? -1
                          : json_object_get_int64(va) > json_object_get_int64(vb) ? 1
                                                                                  : 0;
                else
                    cmp = strcasecmp(json_object_get_string(va), json_object_get_string(vb));
                CU_ASSERT_TRUE(desc ? cmp >= 0 : cmp <= 0);
            }
            json_object_put(o);
        }
    /* status sorts by severity: Critical first */
    json_object *o;
    fx_call(mdr_health_assets, NULL, "{\"sort\": \"status:asc\", \"last_seen\": {\"all\": true}}",
            &o);
    CU_ASSERT_STRING_EQUAL(s_of(json_object_array_get_idx(items_of(o), 0), "status"), "CRITICAL");
    json_object_put(o);
    fx_call(mdr_health_malfunctioning, NULL, "{\"sort\": \"critical:desc\", \"page_size\": 500}",
            &o);
    CU_ASSERT_EQUAL(total_of(o), SILENT);
    json_object_put(o);
    fx_stop();
}

static void lists__search_is_a_case_insensitive_substring(void)
{
    fx_start();
    fx_add_asset("Büro-PC-Ünter", "OK", FX_DAY, NULL);
    fx_add_asset("buchhaltung-01", "OK", FX_DAY, NULL);
    fx_add_asset("Сервер-Москва", "OK", FX_DAY, NULL);
    fx_add_asset("100%_done", "OK", FX_DAY, NULL);
    health_sync_result r;
    CU_ASSERT_EQUAL_FATAL(fx_sync(0, &r), HEALTH_SYNC_OK);
    static const struct {
        const char *search;
        int expect;
    } cases[] = {{"BU", 1}, {"üro", 1}, {"ÜNTER", 1}, {"сервер", 1}, {"МОСК", 1},
                 {"%", 1},  {"_", 1},   {"0%_", 1},   {"zzz", 0},    {"-", 3}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char req[128];
        snprintf(req, sizeof req, "{\"search\": \"%s\"}", cases[i].search);
        json_object *o;
        CU_ASSERT_EQUAL(fx_call(mdr_health_assets, NULL, req, &o), KSC_OK);
        if (total_of(o) != cases[i].expect)
            fprintf(stderr, "search %s: %lld\n", cases[i].search, (long long)total_of(o));
        CU_ASSERT_EQUAL(total_of(o), cases[i].expect);
        json_object_put(o);
    }
    fx_stop();
}

static void lists__malfunctioning_presets_and_indication(void)
{
    fx_start();
    static const char *const states[] = {"Unknown", "Stopped", "Paused",        "Starting",
                                         "Running", "Failed",  "Not installed", "No license"};
    for (int i = 0; i < 8; i++) {
        char id[40], name[32];
        snprintf(id, sizeof id, "22222222-0000-4000-8000-%012d", i);
        snprintf(name, sizeof name, "dev-%d", i);
        fx_device *d = fx_add_device(id, name, states[i]);
        d->comp_state = states[i];
        d->self_defense = i != 4;
    }
    fx_add_asset("sending", "OK", FX_DAY, NULL); /* its device sends: not malfunctioning */
    fx_add_device(FX.assets[0].device_id, "sending", "Running");
    health_sync_result r;
    CU_ASSERT_EQUAL_FATAL(fx_sync(0, &r), HEALTH_SYNC_OK);
    json_object *o;
    CU_ASSERT_EQUAL(fx_call(mdr_health_malfunctioning, NULL, "{}", &o), KSC_OK);
    CU_ASSERT_EQUAL(total_of(o), 8);
    json_object_put(o);
    CU_ASSERT_EQUAL(
        fx_call(mdr_health_malfunctioning, NULL, "{\"preset\": \"installed_and_activated\"}", &o),
        KSC_OK);
    CU_ASSERT_EQUAL(total_of(o), 6);
    json_object *items = items_of(o);
    for (size_t i = 0; i < json_object_array_length(items); i++) {
        const char *st = s_of(json_object_array_get_idx(items, i), "mdr_state");
        CU_ASSERT_TRUE(strcmp(st, "Not installed") != 0 && strcmp(st, "No license") != 0);
    }
    json_object_put(o);
    CU_ASSERT_EQUAL(
        fx_call(mdr_health_malfunctioning, NULL, "{\"preset\": \"license_missing\"}", &o), KSC_OK);
    CU_ASSERT_EQUAL(total_of(o), 1);
    json_object *dev = json_object_array_get_idx(items_of(o), 0), *crit;
    CU_ASSERT_STRING_EQUAL(s_of(dev, "mdr_state"), "No license");
    json_object_object_get_ex(dev, "critical_components", &crit);
    /* MDR and FTP both "No license": red, listed */
    CU_ASSERT_EQUAL(json_object_array_length(crit), 2);
    CU_ASSERT_STRING_EQUAL(s_of(json_object_array_get_idx(crit, 0), "indication"), "red");
    json_object_put(o);
    /* Running components are not listed; Self-Defense disabled is, in red */
    CU_ASSERT_EQUAL(fx_call(mdr_health_malfunctioning, NULL, "{\"mdr_states\": [\"Running\"]}", &o),
                    KSC_OK);
    CU_ASSERT_EQUAL(total_of(o), 1);
    dev = json_object_array_get_idx(items_of(o), 0);
    json_object_object_get_ex(dev, "critical_components", &crit);
    CU_ASSERT_EQUAL(json_object_array_length(crit), 1);
    CU_ASSERT_STRING_EQUAL(s_of(json_object_array_get_idx(crit, 0), "name"), "Self-Defense");
    CU_ASSERT_STRING_EQUAL(s_of(json_object_array_get_idx(crit, 0), "indication"), "red");
    json_object_put(o);
    /* Paused: yellow */
    CU_ASSERT_EQUAL(fx_call(mdr_health_malfunctioning, NULL, "{\"mdr_states\": [\"Paused\"]}", &o),
                    KSC_OK);
    dev = json_object_array_get_idx(items_of(o), 0);
    json_object_object_get_ex(dev, "critical_components", &crit);
    CU_ASSERT_STRING_EQUAL(s_of(json_object_array_get_idx(crit, 0), "indication"), "yellow");
    json_object_put(o);
    /* a preset and explicit states together are ambiguous */
    CU_ASSERT_EQUAL(fx_call(mdr_health_malfunctioning, NULL,
                            "{\"preset\": \"license_missing\", \"mdr_states\": [\"Failed\"]}", &o),
                    KSC_ERR_INVALID);
    json_object_put(o);
    /* one device with every component, and whether it sent telemetry */
    CU_ASSERT_EQUAL(fx_call(mdr_health_device, NULL,
                            "{\"device_id\": \"22222222-0000-4000-8000-000000000001\"}", &o),
                    KSC_OK);
    json_object *apps, *comps;
    json_object_object_get_ex(o, "applications", &apps);
    json_object_object_get_ex(json_object_array_get_idx(apps, 0), "components", &comps);
    CU_ASSERT_EQUAL(json_object_array_length(comps), 2);
    CU_ASSERT_FALSE(json_object_get_boolean(json_object_object_get(o, "sent_telemetry")));
    json_object_put(o);
    CU_ASSERT_EQUAL(fx_call(mdr_health_device, NULL, "{\"device_id\": \"nope\"}", &o),
                    KSC_ERR_NOT_FOUND);
    CU_ASSERT_STRING_EQUAL(error_code(o), "health_device_not_found");
    json_object_put(o);
    fx_stop();
}

static void lists__edr_agent_status_is_flagged_not_alarmed(void)
{
    fx_start();
    fx_add_asset("edr-host", "CRITICAL", FX_DAY, NULL);
    fx_add_asset("kes-host", "CRITICAL", FX_DAY, NULL);
    fx_add_device(FX.assets[0].device_id, "edr-host", "Running")->edr = 1;
    fx_add_device(FX.assets[1].device_id, "kes-host", "Running");
    health_sync_result r;
    CU_ASSERT_EQUAL_FATAL(fx_sync(0, &r), HEALTH_SYNC_OK);
    json_object *o;
    CU_ASSERT_EQUAL(fx_call(mdr_health_assets, NULL, "{\"sort\": \"host_name:asc\"}", &o), KSC_OK);
    json_object *edr = json_object_array_get_idx(items_of(o), 0),
                *kes = json_object_array_get_idx(items_of(o), 1);
    CU_ASSERT_STRING_EQUAL(s_of(edr, "host_name"), "edr-host");
    CU_ASSERT_FALSE(json_object_get_boolean(json_object_object_get(edr, "status_reliable")));
    CU_ASSERT_TRUE(json_object_get_boolean(json_object_object_get(edr, "edr_agent")));
    CU_ASSERT_TRUE(strlen(s_of(edr, "status_note")) > 10);
    CU_ASSERT_TRUE(json_object_get_boolean(json_object_object_get(kes, "status_reliable")));
    CU_ASSERT_STRING_EQUAL(s_of(json_object_object_get(kes, "device"), "ksc_server"), "main");
    json_object_put(o);
    fx_stop();
}

/* A minimal RFC 4180 reader: the fields of record `want` (0 = header). */
static int csv_record(const char *csv, int want, char fields[][256], int max)
{
    int rec = 0, n = 0;
    const char *p = csv;
    while (*p) {
        char buf[256];
        size_t l = 0;
        if (*p == '"') {
            for (p++; *p; p++) {
                if (*p == '"' && p[1] == '"')
                    buf[l++] = *p++;
                else if (*p == '"')
                    break;
                else
                    buf[l++] = *p;
            }
            p++;
        } else {
            while (*p && *p != ',' && *p != '\r')
                buf[l++] = *p++;
        }
        buf[l] = '\0';
        if (rec == want && n < max)
            snprintf(fields[n++], 256, "%s", buf);
        if (*p == ',') {
            p++;
        } else if (*p == '\r' && p[1] == '\n') {
            p += 2;
            if (rec++ == want)
                return n;
        } else {
            return -1; /* a bare LF or junk: not RFC 4180 */
        }
    }
    return rec == want && n > 0 ? n : -1;
}

static void export__csv_quotes_commas_quotes_and_newlines(void)
{
    fx_start();
    fx_add_asset("plain", "OK", FX_DAY, "Contoso, Ltd.");
    fx_add_asset("has,comma", "WARNING", 2 * FX_DAY, NULL);
    fx_add_asset("has \"quotes\"", "CRITICAL", 3 * FX_DAY, NULL);
    fx_add_asset("two\nlines\r\nthree", "OK", 4 * FX_DAY, NULL);
    fx_add_asset("=HYPERLINK(\"x\")", "OK", 5 * FX_DAY, "@tenant");
    health_sync_result r;
    CU_ASSERT_EQUAL_FATAL(fx_sync(0, &r), HEALTH_SYNC_OK);
    json_object *o;
    char *file;
    size_t len;
    CU_ASSERT_EQUAL(fx_call_file(mdr_health_export, "en",
                                 "{\"list\": \"assets\", \"sort\": \"last_seen:desc\"}", &o, &file,
                                 &len),
                    KSC_OK);
    CU_ASSERT_EQUAL(i_of(o, "rows"), 5);
    char f[20][256];
    CU_ASSERT_EQUAL(csv_record(file, 0, f, 20), 15);
    CU_ASSERT_STRING_EQUAL(f[0], "Asset name");
    CU_ASSERT_EQUAL(csv_record(file, 1, f, 20), 15);
    CU_ASSERT_STRING_EQUAL(f[0], "plain");
    CU_ASSERT_STRING_EQUAL(f[7], "Contoso, Ltd.");
    csv_record(file, 2, f, 20);
    CU_ASSERT_STRING_EQUAL(f[0], "has,comma");
    CU_ASSERT_STRING_EQUAL(f[1], "Warning");
    csv_record(file, 3, f, 20);
    CU_ASSERT_STRING_EQUAL(f[0], "has \"quotes\"");
    CU_ASSERT_EQUAL(csv_record(file, 4, f, 20), 15);
    CU_ASSERT_STRING_EQUAL(f[0], "two\nlines\r\nthree");
    /* cells a spreadsheet would run as a formula stay text (csv_writer.h's guard) */
    CU_ASSERT_EQUAL(csv_record(file, 5, f, 20), 15);
    CU_ASSERT_STRING_EQUAL(f[0], "'=HYPERLINK(\"x\")");
    CU_ASSERT_STRING_EQUAL(f[7], "'@tenant");
    CU_ASSERT_EQUAL(csv_record(file, 6, f, 20), -1); /* five records, no more */
    CU_ASSERT_TRUE(len > 2 && strcmp(file + len - 2, "\r\n") == 0);
    free(file);
    json_object_put(o);
    /* localized headers and statuses */
    CU_ASSERT_EQUAL(
        fx_call_file(mdr_health_export, "ru",
                     "{\"list\": \"assets\", \"filter\": {\"statuses\": [\"WARNING\"]}}", &o, &file,
                     &len),
        KSC_OK);
    csv_record(file, 0, f, 20);
    CU_ASSERT_STRING_EQUAL(f[0], "Имя актива");
    csv_record(file, 1, f, 20);
    CU_ASSERT_STRING_EQUAL(f[1], "Предупреждение");
    CU_ASSERT_EQUAL(csv_record(file, 2, f, 20), -1);
    free(file);
    json_object_put(o);
    /* the export validates like the lists */
    CU_ASSERT_EQUAL(fx_call_file(mdr_health_export, "en",
                                 "{\"list\": \"assets\", \"filter\": {\"page\": 2}}", &o, &file,
                                 &len),
                    KSC_ERR_INVALID);
    CU_ASSERT_STRING_EQUAL(error_code(o), "unknown_field");
    CU_ASSERT_EQUAL(len, 0);
    free(file);
    json_object_put(o);
    fx_stop();
}

static void export__malfunctioning_list(void)
{
    start_seeded();
    json_object *o;
    char *file;
    size_t len;
    CU_ASSERT_EQUAL(fx_call_file(mdr_health_export, "de",
                                 "{\"list\": \"malfunctioning\", \"filter\": {\"preset\": "
                                 "\"license_missing\"}}",
                                 &o, &file, &len),
                    KSC_OK);
    CU_ASSERT_EQUAL(i_of(o, "rows"), SILENT / 8);
    int records = 0;
    for (size_t i = 0; i + 1 < len; i++)
        records += file[i] == '\r' && file[i + 1] == '\n';
    CU_ASSERT_EQUAL(records, SILENT / 8 + 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(file, "Keine Lizenz"));
    free(file);
    json_object_put(o);
    fx_stop();
}

static void summary__counts_by_status_match_the_list(void)
{
    start_seeded();
    json_object *o, *l;
    CU_ASSERT_EQUAL(fx_call(mdr_health_summary, NULL, "{\"per_tenant\": true}", &o), KSC_OK);
    CU_ASSERT_EQUAL(i_of(o, "total"), SEEDED);
    CU_ASSERT_EQUAL(i_of(o, "malfunctioning"), SILENT);
    json_object *by = json_object_object_get(o, "by_status");
    for (size_t i = 0; i < json_object_array_length(by); i++) {
        json_object *s = json_object_array_get_idx(by, i);
        char req[128];
        snprintf(req, sizeof req, "{\"statuses\": [\"%s\"], \"last_seen\": {\"all\": true}}",
                 s_of(s, "status"));
        fx_call(mdr_health_assets, NULL, req, &l);
        CU_ASSERT_EQUAL(i_of(s, "count"), total_of(l));
        json_object_put(l);
    }
    json_object *tenants = json_object_object_get(o, "tenants");
    CU_ASSERT_EQUAL(json_object_array_length(tenants), 4);
    CU_ASSERT_EQUAL(i_of(json_object_array_get_idx(tenants, 0), "total"), SEEDED / 4);
    json_object_put(o);
    fx_stop();
}

static int grant(sqlite3 *db, void *ctx)
{
    (void)ctx;
    json_object *t = json_tokener_parse("[{\"tenant_id\": \"t-1\", \"name\": \"Contoso\"}]");
    int rc = mdr_tenant_access_set(db, "olga", 0, t, "admin", FX_NOW);
    json_object_put(t);
    return rc;
}

static void tenants__a_user_sees_only_granted_tenants(void)
{
    start_seeded();
    CU_ASSERT_EQUAL_FATAL(mdr_store_tx(FX.m->store, grant, NULL), 0);
    json_object *o;
    CU_ASSERT_EQUAL(fx_call(mdr_health_assets, "olga",
                            "{\"last_seen\": {\"all\": true}, "
                            "\"page_size\": 500}",
                            &o),
                    KSC_OK);
    CU_ASSERT_EQUAL(total_of(o), SEEDED / 4);
    json_object *items = items_of(o);
    for (size_t i = 0; i < json_object_array_length(items); i++)
        CU_ASSERT_STRING_EQUAL(s_of(json_object_array_get_idx(items, i), "tenant"), "Contoso");
    json_object_put(o);
    CU_ASSERT_EQUAL(fx_call(mdr_health_summary, "olga", "{}", &o), KSC_OK);
    CU_ASSERT_EQUAL(i_of(o, "total"), SEEDED / 4);
    CU_ASSERT_EQUAL(i_of(o, "malfunctioning"), SILENT / 4);
    json_object_put(o);
    CU_ASSERT_EQUAL(fx_call(mdr_health_malfunctioning, "olga", "{}", &o), KSC_OK);
    CU_ASSERT_EQUAL(total_of(o), SILENT / 4);
    json_object_put(o);
    /* a device of another tenant does not exist for her */
    const char *other = NULL;
    for (size_t i = 0; i < FX.device_n && !other; i++)
        if (strcmp(FX.devices[i].tenant, "Fabrikam") == 0)
            other = FX.devices[i].id;
    char req[128];
    snprintf(req, sizeof req, "{\"device_id\": \"%s\"}", other);
    CU_ASSERT_EQUAL(fx_call(mdr_health_device, "olga", req, &o), KSC_ERR_NOT_FOUND);
    json_object_put(o);
    CU_ASSERT_EQUAL(fx_call(mdr_health_device, "admin", req, &o), KSC_OK);
    json_object_put(o);
    fx_stop();
}

/* Issue 12: grants hold ids. The cloud renames Contoso (t-1) to "Contoso old" and gives
 * Fabrikam (t-3) the name "Contoso": after the sync olga (granted t-1) sees t-1's assets under
 * the new name, and none of t-3's, though no tenant list was asked for in between. */
static void tenants__grants_follow_ids_through_renames(void)
{
    start_seeded();
    CU_ASSERT_EQUAL_FATAL(mdr_store_tx(FX.m->store, grant, NULL), 0);
    for (size_t i = 0; i < FX.asset_n; i++) {
        if (strcmp(FX.assets[i].tenant, "Contoso") == 0)
            snprintf(FX.assets[i].tenant, sizeof FX.assets[i].tenant, "Contoso old");
        else if (strcmp(FX.assets[i].tenant, "Fabrikam") == 0)
            snprintf(FX.assets[i].tenant, sizeof FX.assets[i].tenant, "Contoso");
    }
    snprintf(FX.tenants_json, sizeof FX.tenants_json,
             "[{\"tenant_id\": \"t-1\", \"name\": \"Contoso old\"}, {\"tenant_id\": "
             "\"t-2\", \"name\": \"Northwind Traders\"}, {\"tenant_id\": \"t-3\", "
             "\"name\": \"Contoso\"}]");
    health_sync_result r;
    CU_ASSERT_EQUAL_FATAL(fx_sync(0, &r), HEALTH_SYNC_OK);
    CU_ASSERT_EQUAL(r.full, 1); /* a changed tenant list reads everything again */
    CU_ASSERT_STRING_EQUAL(r.reason, "tenants_changed");
    json_object *o;
    CU_ASSERT_EQUAL(fx_call(mdr_health_assets, "olga",
                            "{\"last_seen\": {\"all\": true}, \"page_size\": 500}", &o),
                    KSC_OK);
    CU_ASSERT_EQUAL(total_of(o), SEEDED / 4);
    json_object *items = items_of(o);
    for (size_t i = 0; i < json_object_array_length(items); i++)
        CU_ASSERT_STRING_EQUAL(s_of(json_object_array_get_idx(items, i), "tenant"), "Contoso old");
    json_object_put(o);
    CU_ASSERT_EQUAL(fx_call(mdr_health_status, "olga", "{}", &o), KSC_OK);
    CU_ASSERT_EQUAL(i_of(o, "assets"), SEEDED / 4);
    json_object_put(o);
    /* no tenant list at all (a tenant unknown to the map): fail closed */
    snprintf(FX.tenants_json, sizeof FX.tenants_json, "[]");
    CU_ASSERT_EQUAL_FATAL(fx_sync(0, &r), HEALTH_SYNC_OK);
    CU_ASSERT_EQUAL(fx_call(mdr_health_summary, "olga", "{}", &o), KSC_OK);
    CU_ASSERT_EQUAL(i_of(o, "total"), 0);
    json_object_put(o);
    fx_stop();
}

int main(void)
{
    static const unit_test tests[] = {
        {"lists__count_equals_rows_paged_through", lists__count_equals_rows_paged_through},
        {"lists__status_filter_and_period_match_the_cloud_data",
         lists__status_filter_and_period_match_the_cloud_data},
        {"lists__every_sort_column_orders_both_ways", lists__every_sort_column_orders_both_ways},
        {"lists__search_is_a_case_insensitive_substring",
         lists__search_is_a_case_insensitive_substring},
        {"lists__malfunctioning_presets_and_indication",
         lists__malfunctioning_presets_and_indication},
        {"lists__edr_agent_status_is_flagged_not_alarmed",
         lists__edr_agent_status_is_flagged_not_alarmed},
        {"export__csv_quotes_commas_quotes_and_newlines",
         export__csv_quotes_commas_quotes_and_newlines},
        {"export__malfunctioning_list", export__malfunctioning_list},
        {"summary__counts_by_status_match_the_list", summary__counts_by_status_match_the_list},
        {"tenants__a_user_sees_only_granted_tenants", tenants__a_user_sees_only_granted_tenants},
        {"tenants__grants_follow_ids_through_renames", tenants__grants_follow_ids_through_renames},
        {NULL, NULL}};
    return run_tests("health_lists", tests);
}
