/* fixture.c — see fixture.h. */
#include "fixture.h"

#include <stdlib.h>
#include <string.h>

fx FX;

/* ---- the inventory */

static void make_device(const fx_device *d, ksc_device *out, ksc_application *app,
                        ksc_component comps[2])
{
    comps[0] =
        (ksc_component){sizeof(ksc_component), "Managed Detection and Response", d->mdr_state};
    comps[1] = (ksc_component){sizeof(ksc_component), "File Threat Protection", d->comp_state};
    *app = (ksc_application){sizeof(ksc_application),
                             d->edr ? "Kaspersky Endpoint Security for Windows (EDR Agent "
                                      "configuration)"
                                    : "Kaspersky Endpoint Security for Windows",
                             d->edr ? "EDR" : "KES",
                             "12.4.0.467",
                             strcmp(d->mdr_state, "Not installed") != 0,
                             2,
                             comps};
    *out = (ksc_device){
        sizeof(ksc_device), d->id, d->name, "Managed devices", d->server, d->tenant, d->mdr_state,
        d->self_defense,    1,     app};
}

static ksc_status fx_devices_foreach(ksc_host *h, const char *server, ksc_device_cb cb, void *ctx)
{
    (void)h;
    for (size_t i = 0; i < FX.device_n; i++) {
        if (server && strcmp(server, FX.devices[i].server) != 0)
            continue;
        ksc_device d;
        ksc_application a;
        ksc_component c[2];
        make_device(&FX.devices[i], &d, &a, c);
        if (cb(ctx, &d))
            break;
    }
    return KSC_OK;
}

static ksc_status fx_device_get(ksc_host *h, const char *id, ksc_device_cb cb, void *ctx)
{
    (void)h;
    for (size_t i = 0; i < FX.device_n; i++)
        if (strcasecmp(FX.devices[i].id, id) == 0) {
            ksc_device d;
            ksc_application a;
            ksc_component c[2];
            make_device(&FX.devices[i], &d, &a, c);
            cb(ctx, &d);
            return KSC_OK;
        }
    return KSC_ERR_NOT_FOUND;
}

/* ---- the asset source */

typedef struct filter {
    int64_t min_first, max_first, min_last, max_last;
    int iso; /* -1 any */
    json_object *tenants;
} filter;

static void read_filter(json_object *req, filter *f)
{
    json_object *v;
    f->min_first =
        json_object_object_get_ex(req, "min_first_seen", &v) ? json_object_get_int64(v) : INT64_MIN;
    f->max_first =
        json_object_object_get_ex(req, "max_first_seen", &v) ? json_object_get_int64(v) : INT64_MAX;
    f->min_last =
        json_object_object_get_ex(req, "min_last_seen", &v) ? json_object_get_int64(v) : INT64_MIN;
    f->max_last =
        json_object_object_get_ex(req, "max_last_seen", &v) ? json_object_get_int64(v) : INT64_MAX;
    f->iso = json_object_object_get_ex(req, "is_isolated", &v) ? json_object_get_boolean(v) : -1;
    f->tenants = json_object_object_get_ex(req, "tenants_names", &v) ? v : NULL;
}

static int match(const fx_asset *a, const filter *f)
{
    if (a->deleted || a->first_seen < f->min_first || a->first_seen > f->max_first ||
        a->last_seen < f->min_last || a->last_seen > f->max_last ||
        (f->iso >= 0 && a->isolated != f->iso))
        return 0;
    if (f->tenants) {
        for (size_t i = 0; i < json_object_array_length(f->tenants); i++)
            if (strcmp(json_object_get_string(json_object_array_get_idx(f->tenants, i)),
                       a->tenant) == 0)
                return 1;
        return 0;
    }
    return 1;
}

static mdr_cloud_status src_count(void *ctx, json_object *req, int64_t *count, mdr_cloud_error *err)
{
    (void)ctx, (void)err;
    filter f;
    read_filter(req, &f);
    pthread_mutex_lock(&FX.lock);
    FX.count_calls++;
    int64_t n = 0;
    for (size_t i = 0; i < FX.asset_n; i++)
        n += match(&FX.assets[i], &f);
    pthread_mutex_unlock(&FX.lock);
    *count = n;
    return MDR_CLOUD_OK;
}

static int by_first_seen(const void *x, const void *y)
{
    const fx_asset *a = *(const fx_asset *const *)x, *b = *(const fx_asset *const *)y;
    if (a->first_seen != b->first_seen)
        return a->first_seen < b->first_seen ? -1 : 1;
    return a < b ? -1 : a > b; /* ties: insertion order, so pages are stable */
}

static json_object *asset_json(const fx_asset *a)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "asset_id", json_object_new_string(a->asset_id));
    json_object_object_add(o, "host_name", json_object_new_string(a->host_name));
    json_object_object_add(o, "domain", json_object_new_string("corp.example.com"));
    json_object_object_add(o, "first_seen", json_object_new_int64(a->first_seen));
    json_object_object_add(o, "last_seen", json_object_new_int64(a->last_seen));
    json_object_object_add(o, "os_version", json_object_new_string("Windows 11 Pro"));
    json_object_object_add(o, "installed_product_info", json_object_new_string("KES 12.4.0.467"));
    json_object_object_add(o, "ksc_host_id", json_object_new_string(a->device_id));
    json_object_object_add(o, "tenant_name", json_object_new_string(a->tenant));
    json_object_object_add(o, "isolation", json_object_new_boolean(a->isolated));
    json_object_object_add(o, "status", json_object_new_string(a->status));
    json_object *pii = json_object_new_object(), *reasons = json_object_new_array();
    if (strcmp(a->status, "OK") != 0)
        json_object_array_add(reasons,
                              json_object_new_string("Protection components are disabled"));
    if (a->loss)
        json_object_array_add(reasons, json_object_new_string("Telemetry loss detected"));
    json_object_object_add(pii, "status", json_object_new_string(a->status));
    json_object_object_add(pii, "reasons", reasons);
    json_object_object_add(pii, "additional_problems", json_object_new_array());
    json_object_object_add(pii, "hours", json_object_new_int(72));
    json_object_object_add(o, "protection_issues_integral", pii);
    return o;
}

static mdr_cloud_status src_list(void *ctx, json_object *req, json_object **out,
                                 mdr_cloud_error *err)
{
    (void)ctx;
    filter f;
    read_filter(req, &f);
    json_object *v;
    int64_t page = json_object_object_get_ex(req, "page", &v) ? json_object_get_int64(v) : 1;
    int64_t size = json_object_object_get_ex(req, "page_size", &v) ? json_object_get_int64(v) : 100;
    const char *sort =
        json_object_object_get_ex(req, "sort", &v) ? json_object_get_string(v) : "first_seen:asc";
    pthread_mutex_lock(&FX.lock);
    FX.list_calls++;
    if (FX.fail_list_after > 0) {
        FX.fail_list_after--;
    } else if (FX.fail_list > 0) {
        FX.fail_list--;
        pthread_mutex_unlock(&FX.lock);
        err->http_status = 503;
        return mdr_cloud_fail(err, MDR_CLOUD_ERR_HTTP, "injected 503");
    }
    const fx_asset **hits = malloc((FX.asset_n + 1) * sizeof *hits);
    size_t n = 0;
    for (size_t i = 0; i < FX.asset_n; i++)
        if (match(&FX.assets[i], &f))
            hits[n++] = &FX.assets[i];
    qsort(hits, n, sizeof *hits, by_first_seen);
    int desc = strstr(sort, ":desc") != NULL;
    size_t total = n < HEALTH_RESULT_CAP ? n : HEALTH_RESULT_CAP;
    json_object *arr = json_object_new_array();
    for (int64_t i = (page - 1) * size; i < page * size && i < (int64_t)total; i++)
        json_object_array_add(arr, asset_json(hits[desc ? n - 1 - (size_t)i : (size_t)i]));
    free(hits);
    pthread_mutex_unlock(&FX.lock);
    *out = arr;
    return MDR_CLOUD_OK;
}

/* The organization's tenants: the seeded names (fx_seed), ids t-1, t-2, t-3. */
static mdr_cloud_status src_tenants(void *ctx, json_object **out, mdr_cloud_error *err)
{
    (void)ctx;
    (void)err;
    pthread_mutex_lock(&FX.lock);
    *out = json_tokener_parse(FX.tenants_json[0] ? FX.tenants_json
                                                 : "[{\"tenant_id\": \"t-1\", \"name\": "
                                                   "\"Contoso\"}, {\"tenant_id\": \"t-2\", "
                                                   "\"name\": \"Northwind Traders\"}, "
                                                   "{\"tenant_id\": \"t-3\", \"name\": "
                                                   "\"Fabrikam\"}]");
    pthread_mutex_unlock(&FX.lock);
    return MDR_CLOUD_OK;
}

health_source fx_source(void)
{
    return (health_source){NULL, src_count, src_list, src_tenants};
}

/* ---- lifecycle */

void fx_start(void)
{
    memset(&FX, 0, sizeof FX);
    pthread_mutex_init(&FX.lock, NULL);
    FX.host = fake_host_new();
    FX.services = *fake_host_services(FX.host);
    FX.services.devices_foreach = fx_devices_foreach;
    FX.services.device_get = fx_device_get;
    char *err = NULL;
    CU_ASSERT_EQUAL_FATAL(mdr_module_init(&FX.services, NULL, &FX.m, &err), KSC_OK);
    free(err);
}

void fx_stop(void)
{
    mdr_module_shutdown(FX.m);
    fake_host_free(FX.host);
    free(FX.assets);
    free(FX.devices);
    pthread_mutex_destroy(&FX.lock);
    memset(&FX, 0, sizeof FX);
}

/* Room for one more element, doubling: the seeds add tens of thousands one by one, and a
 * realloc per element is quadratic under ASan (1,953 s for plugin__health_sync). */
static void *grow(void *array, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return array;
    *cap = *cap ? *cap * 2 : 256;
    void *more = realloc(array, *cap * size);
    if (!more) {
        fprintf(stderr, "fixture: out of memory\n");
        abort();
    }
    return more;
}

fx_asset *fx_add_asset(const char *host, const char *status, int64_t last_seen_ago_ms,
                       const char *tenant)
{
    FX.assets = grow(FX.assets, FX.asset_n, &FX.asset_cap, sizeof *FX.assets);
    fx_asset *a = &FX.assets[FX.asset_n];
    memset(a, 0, sizeof *a);
    snprintf(a->asset_id, sizeof a->asset_id, "0x%032zX", FX.asset_n + 1);
    snprintf(a->host_name, sizeof a->host_name, "%s", host);
    snprintf(a->device_id, sizeof a->device_id, "00000000-0000-4000-8000-%012zx", FX.asset_n);
    snprintf(a->tenant, sizeof a->tenant, "%s", tenant ? tenant : "");
    a->status = status;
    a->last_seen = FX_NOW - last_seen_ago_ms;
    a->first_seen = a->last_seen - 400 * FX_DAY + (int64_t)(FX.asset_n % 97) * 3600000;
    FX.asset_n++;
    return a;
}

fx_device *fx_add_device(const char *id, const char *name, const char *mdr_state)
{
    FX.devices = grow(FX.devices, FX.device_n, &FX.device_cap, sizeof *FX.devices);
    fx_device *d = &FX.devices[FX.device_n++];
    memset(d, 0, sizeof *d);
    snprintf(d->id, sizeof d->id, "%s", id);
    snprintf(d->name, sizeof d->name, "%s", name);
    snprintf(d->server, sizeof d->server, "main");
    d->mdr_state = mdr_state;
    d->self_defense = 1;
    d->comp_state = "Running";
    return d;
}

void fx_seed(size_t n, size_t silent)
{
    static const char *const statuses[] = {"OK", "WARNING", "CRITICAL", "ABSENT", "OFFLINE"};
    static const char *const tenants[] = {"", "Contoso", "Northwind Traders", "Fabrikam"};
    static const char *const states[] = {"Unknown", "Stopped", "Paused",        "Starting",
                                         "Running", "Failed",  "Not installed", "No license"};
    for (size_t i = 0; i < n; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s-%05zu", i % 3 ? "WS" : "srv", (i * 7919) % 100000);
        uint64_t r = (uint64_t)i * 2654435761u;
        fx_asset *a =
            fx_add_asset(name, statuses[r % 5], (int64_t)(r % 400) * FX_DAY / 3, tenants[i % 4]);
        a->isolated = i % 17 == 0;
        a->loss = i % 13 == 0;
        fx_device *d = fx_add_device(a->device_id, name, "Running");
        snprintf(d->tenant, sizeof d->tenant, "%s", a->tenant);
        d->edr = i % 11 == 0;
    }
    for (size_t i = 0; i < silent; i++) {
        char id[64], name[64];
        snprintf(id, sizeof id, "11111111-0000-4000-8000-%012zx", i);
        snprintf(name, sizeof name, "silent-%04zu", i);
        fx_device *d = fx_add_device(id, name, states[i % 8]);
        d->comp_state = states[(i / 8) % 8];
        d->self_defense = i % 5 != 0;
        snprintf(d->tenant, sizeof d->tenant, "%s", tenants[i % 4]);
        snprintf(d->server, sizeof d->server, "%s", i % 2 ? "main" : "vs1");
    }
}

health_sync_status fx_sync(int full, health_sync_result *res)
{
    health_source src = fx_source();
    health_sync_options opt = {.force_full = full, .owner = "test"};
    mdr_cloud_error ce;
    return health_sync_run(FX.m, &src, &opt, res, &ce);
}

/* ---- calls */

typedef struct mem_out {
    char *data;
    size_t len;
    int begun;
} mem_out;

static ksc_status mem_begin(void *ctx, const char *type, const char *name)
{
    (void)type, (void)name;
    ((mem_out *)ctx)->begun = 1;
    return KSC_OK;
}

static ksc_status mem_write(void *ctx, const void *data, size_t len)
{
    mem_out *o = ctx;
    o->data = realloc(o->data, o->len + len + 1);
    memcpy(o->data + o->len, data, len);
    o->len += len;
    o->data[o->len] = '\0';
    return KSC_OK;
}

static ksc_status call_with(ksc_action_fn fn, const char *user, const char *lang,
                            const char *request, ksc_output *output, json_object **out)
{
    ksc_call call = {sizeof call, "mdr.health.x", user ? user : "admin", "main", lang ? lang : "en",
                     request,     output};
    char *resp = NULL;
    ksc_status st = fn(FX.m, &call, &resp);
    *out = resp ? json_tokener_parse(resp) : NULL;
    free(resp);
    return st;
}

ksc_status fx_call(ksc_action_fn fn, const char *user, const char *request, json_object **out)
{
    return call_with(fn, user, "en", request, NULL, out);
}

ksc_status fx_call_file(ksc_action_fn fn, const char *lang, const char *request, json_object **out,
                        char **file, size_t *len)
{
    mem_out m = {NULL, 0, 0};
    ksc_output o = {sizeof o, &m, mem_begin, mem_write};
    ksc_status st = call_with(fn, "admin", lang, request, &o, out);
    *file = m.data ? m.data : calloc(1, 1);
    *len = m.len;
    return st;
}
