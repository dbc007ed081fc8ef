/* bench_queries — MDR Health's answer times inside the module (what the console waits for,
 * without ksc-host's process start): the summary, a set of filtered and sorted pages of both
 * lists, and the CSV export of each list. Runs the actions on a synced store:
 *   bench_health_queries MDR_CONF   (the conf's store.path names the store)
 * Prints one JSON object. Not a test: bench/health/run.sh calls it. */
#include "core/actions.h"
#include "fake_host.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static ksc_module *M;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

typedef struct sink {
    size_t bytes;
} sink;

static ksc_status s_begin(void *c, const char *t, const char *n)
{
    (void)c, (void)t, (void)n;
    return KSC_OK;
}

static ksc_status s_write(void *c, const void *d, size_t n)
{
    (void)d;
    ((sink *)c)->bytes += n;
    return KSC_OK;
}

/* Best of `runs` (the first run warms the page cache like a console that is in use). */
static double timed(ksc_action_fn fn, const char *req, int runs, int64_t *total, size_t *bytes)
{
    double best = 1e18;
    for (int i = 0; i < runs; i++) {
        sink s = {0};
        ksc_output out = {sizeof out, &s, s_begin, s_write};
        ksc_call call = {sizeof call,
                         "bench",
                         "admin",
                         "main",
                         "en",
                         req,
                         fn == mdr_health_export ? &out : NULL};
        char *resp = NULL;
        double t0 = now_ms();
        ksc_status st = fn(M, &call, &resp);
        double t = now_ms() - t0;
        if (st != KSC_OK) {
            fprintf(stderr, "%s: %s\n", req, resp ? resp : "?");
            exit(1);
        }
        if (total) {
            json_object *o = json_tokener_parse(resp), *v;
            *total = json_object_object_get_ex(o, fn == mdr_health_export ? "rows" : "total", &v)
                         ? json_object_get_int64(v)
                         : -1;
            json_object_put(o);
        }
        if (bytes)
            *bytes = s.bytes;
        free(resp);
        best = t < best ? t : best;
    }
    return best;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_health_queries MDR_CONF\n");
        return 2;
    }
    fake_host *h = fake_host_new();
    char *err = NULL;
    if (mdr_module_init(fake_host_services(h), argv[1], &M, &err) != KSC_OK) {
        fprintf(stderr, "init: %s\n", err ? err : "?");
        return 1;
    }
    json_object *out = json_object_new_object(), *pages = json_object_new_array();
    int64_t total;
    json_object_object_add(out, "summary_ms",
                           json_object_new_double(timed(mdr_health_summary, "{}", 5, NULL, NULL)));
    json_object_object_add(
        out, "summary_per_tenant_ms",
        json_object_new_double(timed(mdr_health_summary, "{\"per_tenant\": true}", 5, NULL, NULL)));
    static const char *const asset_cols[] = {"host_name",  "domain",   "status",     "last_seen",
                                             "first_seen", "tenant",   "os_version", "product",
                                             "ksc_server", "isolated", NULL};
    static const char *const device_cols[] = {"host_name", "epp",      "mdr_state", "ksc_server",
                                              "tenant",    "critical", NULL};
    char req[512];
    double worst = 0;
    char worst_req[600] = ""; /* "malfunctioning " + a request of up to 512 */
    for (int list = 0; list < 2; list++) {
        const char *const *cols = list ? device_cols : asset_cols;
        ksc_action_fn fn = list ? mdr_health_malfunctioning : mdr_health_assets;
        for (int c = 0; cols[c]; c++)
            for (int d = 0; d < 2; d++) {
                snprintf(req, sizeof req, "{\"sort\": \"%s:%s\", \"page_size\": 100}", cols[c],
                         d ? "desc" : "asc");
                double t = timed(fn, req, 3, &total, NULL);
                json_object *p = json_object_new_object();
                json_object_object_add(p, "list",
                                       json_object_new_string(list ? "malfunctioning" : "assets"));
                json_object_object_add(p, "request", json_object_new_string(req));
                json_object_object_add(p, "ms", json_object_new_double(t));
                json_object_object_add(p, "total", json_object_new_int64(total));
                json_object_array_add(pages, p);
                if (t > worst) {
                    worst = t;
                    snprintf(worst_req, sizeof worst_req, "%s %s",
                             list ? "malfunctioning" : "assets", req);
                }
            }
    }
    static const char *const extra[][2] = {
        {"a",
         "{\"search\": \"ws-1\", \"last_seen\": {\"all\": true}, \"sort\": \"host_name:asc\"}"},
        {"a", "{\"search\": \"7\", \"sort\": \"last_seen:desc\"}"},
        {"a", "{\"statuses\": [\"CRITICAL\", \"WARNING\"], \"sort\": \"host_name:asc\"}"},
        {"a", "{\"statuses\": [\"OFFLINE\"], \"last_seen\": {\"days\": 365}, \"sort\": "
              "\"tenant:desc\"}"},
        {"a", "{\"last_seen\": {\"all\": true}, \"sort\": \"host_name:asc\", \"page\": 990, "
              "\"page_size\": 100}"},
        {"a", "{\"last_seen\": {\"all\": true}, \"sort\": \"os_version:desc\", \"page\": 199, "
              "\"page_size\": 500}"},
        {"a", "{\"last_seen\": {\"from\": 1700000000000, \"to\": 1900000000000}, \"sort\": "
              "\"status:asc\", \"page\": 500}"},
        {"m", "{\"preset\": \"installed_and_activated\", \"sort\": \"critical:desc\"}"},
        {"m", "{\"preset\": \"license_missing\", \"search\": \"ws\"}"},
        {"m", "{\"sort\": \"host_name:asc\", \"page\": 99, \"page_size\": 100}"},
        {NULL, NULL}};
    for (int i = 0; extra[i][0]; i++) {
        ksc_action_fn fn = extra[i][0][0] == 'a' ? mdr_health_assets : mdr_health_malfunctioning;
        double t = timed(fn, extra[i][1], 3, &total, NULL);
        json_object *p = json_object_new_object();
        json_object_object_add(
            p, "list", json_object_new_string(extra[i][0][0] == 'a' ? "assets" : "malfunctioning"));
        json_object_object_add(p, "request", json_object_new_string(extra[i][1]));
        json_object_object_add(p, "ms", json_object_new_double(t));
        json_object_object_add(p, "total", json_object_new_int64(total));
        json_object_array_add(pages, p);
        if (t > worst) {
            worst = t;
            snprintf(worst_req, sizeof worst_req, "%s %s",
                     extra[i][0][0] == 'a' ? "assets" : "malfunctioning", extra[i][1]);
        }
    }
    json_object_object_add(out, "pages", pages);
    json_object_object_add(out, "slowest_page_ms", json_object_new_double(worst));
    json_object_object_add(out, "slowest_page", json_object_new_string(worst_req));
    size_t bytes = 0;
    double t = timed(mdr_health_export,
                     "{\"list\": \"assets\", \"filter\": {\"last_seen\": {\"all\": true}}}", 2,
                     &total, &bytes);
    json_object_object_add(out, "csv_assets_ms", json_object_new_double(t));
    json_object_object_add(out, "csv_assets_rows", json_object_new_int64(total));
    json_object_object_add(out, "csv_assets_bytes", json_object_new_int64((int64_t)bytes));
    t = timed(mdr_health_export, "{\"list\": \"malfunctioning\"}", 2, &total, &bytes);
    json_object_object_add(out, "csv_malfunctioning_ms", json_object_new_double(t));
    json_object_object_add(out, "csv_malfunctioning_rows", json_object_new_int64(total));
    printf("%s\n", json_object_to_json_string_ext(out, JSON_C_TO_STRING_PRETTY));
    json_object_put(out);
    mdr_module_shutdown(M);
    fake_host_free(h);
    return 0;
}
