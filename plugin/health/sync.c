/* health/sync.c — assets from the cloud into the store.
 *
 * Full sync: the public API caps every query at 10,000 results, so the first_seen range is
 * split (with assets/count) into windows of at most that many; each window is paged with the
 * stable sort first_seen:asc, several pages in flight (HEALTH_FETCH_THREADS workers), a
 * failed page retried. Pages land in a TEMP table (temp.health_stage); one transaction then applies
 * the stage (upsert of what differs, delete of what vanished), refreshes the inventory copy
 * and the join. Any failure before that commit leaves the stored view as it was.
 *
 * Incremental sync: only assets with last_seen >= mark - HEALTH_OVERLAP_MS (the mark is the
 * newest last_seen stored: cloud time, so no clock skew), then checks that the cloud's totals
 * agree with the store (all assets, isolated ones, assets of the known tenant names); any
 * disagreement (an asset vanished, a tenant renamed, isolation changed without telemetry)
 * turns it into a full sync. A full reconcile also runs at least every HEALTH_FULL_EVERY_MS.
 *
 * One sync at a time across processes: a lease row in settings, taken in BEGIN IMMEDIATE. The
 * row names its holder (pid and the process's start time): a lease whose holder is dead (a
 * killed host) is taken over at once instead of blocking every sync until it expires. */
#include "health.h"
#include "core/json_get.h"
#include "core/log.h"
#include "core/test_point.h"

#include <errno.h>
#include <inttypes.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define K_LEASE "health.lease"
#define K_LAST_GOOD "health.last_good_ms"
#define K_LAST_FULL "health.last_full_ms"
#define K_LAST_ATTEMPT "health.last_attempt_ms"
#define K_LAST_ERROR "health.last_error"
#define K_LAST_RESULT "health.last_result"

static const char *const FETCH_FIELDS[] = {"asset_id",
                                           "host_name",
                                           "domain",
                                           "first_seen",
                                           "last_seen",
                                           "os_version",
                                           "installed_product_info",
                                           "ksc_host_id",
                                           "tenant_name",
                                           "isolation",
                                           "status",
                                           "protection_issues_integral",
                                           NULL};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t setting_int(sqlite3 *db, const char *key, int64_t fallback)
{
    char *v = NULL;
    int64_t r = fallback;
    if (mdr_setting_get(db, key, &v) == 0)
        r = strtoll(v, NULL, 10);
    free(v);
    return r;
}

static int setting_int_set(sqlite3 *db, const char *key, int64_t value)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, value);
    return mdr_setting_set(db, key, buf);
}

static int64_t scalar(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    int64_t r = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        r = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return r;
}

/* ---- the lease
 *
 * settings[health.lease] = "TOKEN EXPIRES_MS PID START": START is the holder's start time
 * (field 22 of /proc/PID/stat, clock ticks since boot), so a pid the system gave to another
 * process since is not taken for the holder. A row without PID (older module) is held until
 * it expires. */

/* The start time of process `pid`, or -1 when unknown (gone, no /proc). */
static long long proc_start_time(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')'); /* the command name may hold spaces and parentheses */
    if (!p)
        return -1;
    p++;
    for (int field = 2; field < 21 && p; field++) /* after ")": field 3 … field 22 */
        p = strchr(p + 1, ' ');
    if (!p)
        return -1;
    char *end = NULL;
    long long v = strtoll(p + 1, &end, 10);
    return end != p + 1 ? v : -1;
}

/* 0 when the lease's holder is certainly dead, 1 otherwise (alive, or nothing to judge by). */
static int holder_alive(const char *lease)
{
    long long exp, pid = 0, start = -1;
    if (sscanf(lease, "%*s %lld %lld %lld", &exp, &pid, &start) < 2 || pid <= 0)
        return 1;
    if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
        return 0;
    long long now_start = proc_start_time((pid_t)pid);
    return !(start >= 0 && now_start >= 0 && now_start != start); /* reused pid: dead */
}

/* 1 when `lease` (the setting's value) is held at `now` by a live holder. */
static int lease_held(const char *lease, int64_t now)
{
    const char *sp = strchr(lease, ' ');
    return sp && strtoll(sp + 1, NULL, 10) > now && holder_alive(lease);
}

typedef struct lease_ctx {
    const char *token;
    int64_t now, expires;
    int taken;
    int took_over; /* the previous holder had died */
} lease_ctx;

static int lease_take(sqlite3 *db, void *p)
{
    lease_ctx *l = p;
    char *cur = NULL;
    int got = mdr_setting_get(db, K_LEASE, &cur);
    if (got < 0)
        return -1;
    if (got == 0) {
        char *sp = strchr(cur, ' ');
        int unexpired = sp && strtoll(sp + 1, NULL, 10) > l->now;
        int held = lease_held(cur, l->now);
        free(cur);
        if (held)
            return 0; /* another sync runs; taken stays 0 */
        l->took_over = unexpired;
    }
    char v[160];
    pid_t self = getpid();
    snprintf(v, sizeof v, "%s %" PRId64 " %ld %lld", l->token, l->expires, (long)self,
             proc_start_time(self));
    if (mdr_setting_set(db, K_LEASE, v) != 0)
        return -1;
    l->taken = 1;
    return 0;
}

static int lease_drop(sqlite3 *db, void *p)
{
    lease_ctx *l = p;
    char *cur = NULL;
    int got = mdr_setting_get(db, K_LEASE, &cur);
    if (got < 0)
        return -1;
    int mine = got == 0 && strncmp(cur, l->token, strlen(l->token)) == 0;
    free(cur);
    return mine ? mdr_setting_delete(db, K_LEASE) : 0;
}

/* ---- cloud requests */

/* What every request of one query shares. Plain C values, not a json_object: Debian's
 * json-c counts references without atomics, so an object several fetch workers took
 * references on (as the requests once did) was a data race that crashed a 1M-asset sync.
 * Every json-c object of the sync belongs to the one thread that made it. */
typedef struct asset_filter {
    int64_t min_last_seen;     /* INT64_MIN: none */
    int isolated_only;         /* 1: is_isolated = true */
    const char *tenants_names; /* JSON array text of tenant names, NULL: none */
} asset_filter;

/* A fresh request of `filter` (NULL = everything), owned by the calling thread. */
static json_object *base_request(const asset_filter *filter)
{
    json_object *r = json_object_new_object();
    json_object_object_add(r, "version", json_object_new_int(2));
    if (!filter)
        return r;
    if (filter->min_last_seen != INT64_MIN)
        json_object_object_add(r, "min_last_seen", json_object_new_int64(filter->min_last_seen));
    if (filter->isolated_only)
        json_object_object_add(r, "is_isolated", json_object_new_boolean(1));
    if (filter->tenants_names)
        json_object_object_add(r, "tenants_names", json_tokener_parse(filter->tenants_names));
    return r;
}

typedef struct sync_run {
    ksc_module *m;
    const health_source *src;
    pthread_mutex_t lock;
    int64_t requests;
    int64_t page_size; /* assets per assets/list call */
} sync_run;

static void count_request(sync_run *r)
{
    pthread_mutex_lock(&r->lock);
    r->requests++;
    pthread_mutex_unlock(&r->lock);
}

static int retryable(mdr_cloud_status st, const mdr_cloud_error *e)
{
    if (st == MDR_CLOUD_ERR_HTTP)
        return e->http_status >= 500 || e->http_status == 429;
    return st == MDR_CLOUD_ERR_TIMEOUT || st == MDR_CLOUD_ERR_NETWORK ||
           st == MDR_CLOUD_ERR_CONNECT || st == MDR_CLOUD_ERR_BAD_RESPONSE;
}

static void backoff(int attempt)
{
    struct timespec ts = {0, (long)attempt * 100 * 1000000L};
    nanosleep(&ts, NULL);
}

static mdr_cloud_status count_with(sync_run *r, json_object *req, int64_t *n, mdr_cloud_error *e)
{
    mdr_cloud_status st = MDR_CLOUD_OK;
    for (int a = 1; a <= HEALTH_PAGE_ATTEMPTS; a++) {
        count_request(r);
        memset(e, 0, sizeof *e);
        st = r->src->count(r->src->ctx, req, n, e);
        if (st == MDR_CLOUD_OK || !retryable(st, e))
            break;
        if (a < HEALTH_PAGE_ATTEMPTS)
            backoff(a);
    }
    return st;
}

static mdr_cloud_status count_filter(sync_run *r, const asset_filter *base, int64_t min_first,
                                     int64_t max_first, int64_t *n, mdr_cloud_error *e)
{
    json_object *req = base_request(base);
    if (min_first != INT64_MIN)
        json_object_object_add(req, "min_first_seen", json_object_new_int64(min_first));
    if (max_first != INT64_MAX)
        json_object_object_add(req, "max_first_seen", json_object_new_int64(max_first));
    mdr_cloud_status st = count_with(r, req, n, e);
    json_object_put(req);
    return st;
}

static mdr_cloud_status list_with(sync_run *r, json_object *req, json_object **out,
                                  mdr_cloud_error *e)
{
    mdr_cloud_status st = MDR_CLOUD_OK;
    for (int a = 1; a <= HEALTH_PAGE_ATTEMPTS; a++) {
        count_request(r);
        memset(e, 0, sizeof *e);
        *out = NULL;
        st = r->src->list(r->src->ctx, req, out, e);
        if (st == MDR_CLOUD_OK && (!*out || !json_object_is_type(*out, json_type_array))) {
            json_object_put(*out);
            *out = NULL;
            st = MDR_CLOUD_ERR_BAD_RESPONSE;
            e->status = st;
            snprintf(e->detail, sizeof e->detail, "assets/list did not answer an array");
        }
        if (st == MDR_CLOUD_OK || !retryable(st, e))
            break;
        if (a < HEALTH_PAGE_ATTEMPTS)
            backoff(a);
    }
    return st;
}

/* The first_seen of the oldest (desc = 0) or newest asset matching base; 1 when none. */
static int edge_first_seen(sync_run *r, const asset_filter *base, int desc, int64_t *out,
                           mdr_cloud_error *e, mdr_cloud_status *st)
{
    json_object *req = base_request(base), *arr = NULL;
    json_object_object_add(req, "sort",
                           json_object_new_string(desc ? "first_seen:desc" : "first_seen:asc"));
    json_object_object_add(req, "page", json_object_new_int(1));
    json_object_object_add(req, "page_size", json_object_new_int(1));
    json_object *fields = json_object_new_array();
    json_object_array_add(fields, json_object_new_string("first_seen"));
    json_object_object_add(req, "fields", fields);
    *st = list_with(r, req, &arr, e);
    json_object_put(req);
    if (*st != MDR_CLOUD_OK)
        return -1;
    int rc = 1;
    json_object *v;
    if (json_object_array_length(arr) > 0 &&
        json_object_object_get_ex(json_object_array_get_idx(arr, 0), "first_seen", &v)) {
        *out = json_object_get_int64(v);
        rc = 0;
    }
    json_object_put(arr);
    return rc;
}

/* ---- windows: first_seen ranges of at most HEALTH_RESULT_CAP assets */

typedef struct window {
    int64_t lo, hi; /* first_seen, inclusive */
    int64_t count;
} window;

typedef struct window_list {
    window *w;
    size_t n, cap;
} window_list;

static int window_add(window_list *l, int64_t lo, int64_t hi, int64_t count)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        window *g = realloc(l->w, cap * sizeof *g);
        if (!g)
            return -1;
        l->w = g;
        l->cap = cap;
    }
    l->w[l->n++] = (window){lo, hi, count};
    return 0;
}

static mdr_cloud_status split(sync_run *r, const asset_filter *base, int64_t lo, int64_t hi,
                              int64_t count, window_list *out, mdr_cloud_error *e, int depth)
{
    if (count == 0)
        return MDR_CLOUD_OK;
    if (count <= HEALTH_RESULT_CAP || lo >= hi || depth > 60) {
        if (count > HEALTH_RESULT_CAP) {
            /* more than the cap share one millisecond of first_seen: cannot be split */
            e->status = MDR_CLOUD_ERR_BAD_RESPONSE;
            snprintf(e->detail, sizeof e->detail, "more than %d assets share first_seen %" PRId64,
                     HEALTH_RESULT_CAP, lo);
            return MDR_CLOUD_ERR_BAD_RESPONSE;
        }
        return window_add(out, lo, hi, count) == 0 ? MDR_CLOUD_OK : MDR_CLOUD_ERR_INTERNAL;
    }
    int64_t mid = lo + (hi - lo) / 2, left = 0;
    mdr_cloud_status st = count_filter(r, base, lo, mid, &left, e);
    if (st != MDR_CLOUD_OK)
        return st;
    st = split(r, base, lo, mid, left, out, e, depth + 1);
    if (st != MDR_CLOUD_OK)
        return st;
    return split(r, base, mid + 1, hi, count - left > 0 ? count - left : 0, out, e, depth + 1);
}

static mdr_cloud_status plan_windows(sync_run *r, const asset_filter *base, window_list *out,
                                     int64_t *total, mdr_cloud_error *e)
{
    mdr_cloud_status st = count_filter(r, base, INT64_MIN, INT64_MAX, total, e);
    if (st != MDR_CLOUD_OK || *total == 0)
        return st;
    if (*total <= HEALTH_RESULT_CAP)
        return window_add(out, INT64_MIN, INT64_MAX, *total) == 0 ? MDR_CLOUD_OK
                                                                  : MDR_CLOUD_ERR_INTERNAL;
    int64_t lo = 0, hi = 0;
    if (edge_first_seen(r, base, 0, &lo, e, &st) != 0 ||
        edge_first_seen(r, base, 1, &hi, e, &st) != 0)
        return st != MDR_CLOUD_OK ? st : MDR_CLOUD_OK;
    /* the edges are open so that assets first seen meanwhile still fall in a window */
    window_list inner = {0};
    st = split(r, base, lo, hi, *total, &inner, e, 0);
    if (st == MDR_CLOUD_OK && inner.n) {
        inner.w[0].lo = INT64_MIN;
        inner.w[inner.n - 1].hi = INT64_MAX;
        for (size_t i = 0; i < inner.n; i++)
            if (window_add(out, inner.w[i].lo, inner.w[i].hi, inner.w[i].count) != 0)
                st = MDR_CLOUD_ERR_INTERNAL;
    }
    free(inner.w);
    return st;
}

/* ---- fetching pages: workers fetch and convert, the calling thread stages (its connection) */

typedef struct page_job {
    size_t window;
    int64_t page;
} page_job;

/* One asset as its stage row, converted by the worker that fetched it (so parsing and
 * converting run on other cores while the calling thread writes). Strings point into the
 * page's JSON, kept until the page is staged, or into the row. */
typedef struct stage_row {
    const char *id, *host, *domain, *os, *product, *tenant;
    char *problems; /* JSON array text (malloc'd); NULL = none */
    int64_t first, last;
    int status, isolated, loss;
    char host_lc[512], ksc_id[64];
} stage_row;

typedef struct page_done {
    json_object *assets;
    stage_row *rows;
    size_t n;
    int bad; /* a malformed asset: the sync fails (a cloud answering garbage must not
              * overwrite good data) */
    struct page_done *next;
} page_done;

typedef struct fetch_state {
    sync_run *run;
    const asset_filter *base;
    window_list *windows;
    /* under lock */
    page_job *jobs;
    size_t job_n, job_cap, job_next;
    int64_t *last_page; /* per window: the highest page queued */
    page_done *done_head, *done_tail;
    size_t done_n, active;
    int failed, stop;
    mdr_cloud_status error_status;
    mdr_cloud_error error;
    pthread_cond_t changed;
} fetch_state;

#define DONE_MAX 8 /* pages converted but not yet staged: bounds memory */

static int job_push(fetch_state *f, size_t win, int64_t page)
{
    if (f->job_n == f->job_cap) {
        size_t cap = f->job_cap ? f->job_cap * 2 : 64;
        page_job *g = realloc(f->jobs, cap * sizeof *g);
        if (!g)
            return -1;
        f->jobs = g;
        f->job_cap = cap;
    }
    f->jobs[f->job_n++] = (page_job){win, page};
    if (page > f->last_page[win])
        f->last_page[win] = page;
    return 0;
}

/* One asset → its stage row; -1 when it is malformed. */
static int convert_asset(json_object *a, stage_row *r)
{
    if (!json_object_is_type(a, json_type_object))
        return -1;
    r->id = mdr_json_str(a, "asset_id", NULL);
    r->host = mdr_json_str(a, "host_name", NULL);
    if (!r->id || !*r->id || strlen(r->id) > 50 || !r->host)
        return -1;
    /* a time that is missing or not an integer: malformed */
    r->first = mdr_json_int(a, "first_seen", INT64_MIN);
    r->last = mdr_json_int(a, "last_seen", INT64_MIN);
    if (r->first == INT64_MIN || r->last == INT64_MIN)
        return -1;
    r->status = health_status_index(mdr_json_str(a, "status", NULL));
    if (r->status < 0)
        r->status = 4; /* BLOCKED of older docs, or unknown: shown as offline */
    health_lower(r->host, r->host_lc, sizeof r->host_lc);
    snprintf(r->ksc_id, sizeof r->ksc_id, "%s", mdr_json_str(a, "ksc_host_id", ""));
    for (char *c = r->ksc_id; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c + 32);
    r->isolated = mdr_json_bool(a, "isolation", 0);
    r->domain = mdr_json_str(a, "domain", "");
    r->os = mdr_json_str(a, "os_version", "");
    r->product = mdr_json_str(a, "installed_product_info", "");
    r->tenant = mdr_json_str(a, "tenant_name", "");
    r->problems = NULL;
    r->loss = 0;
    json_object *pii, *v, *problems = NULL;
    if (json_object_object_get_ex(a, "protection_issues_integral", &pii) &&
        json_object_is_type(pii, json_type_object)) {
        static const char *const lists[] = {"reasons", "additional_problems", NULL};
        for (int l = 0; lists[l]; l++) {
            if (!json_object_object_get_ex(pii, lists[l], &v) ||
                !json_object_is_type(v, json_type_array))
                continue;
            for (size_t i = 0; i < json_object_array_length(v); i++) {
                json_object *p = json_object_array_get_idx(v, i);
                if (!json_object_is_type(p, json_type_string))
                    continue;
                r->loss |= health_problem_is_telemetry_loss(json_object_get_string(p));
                if (!problems)
                    problems = json_object_new_array();
                json_object_array_add(problems, json_object_get(p));
            }
        }
    }
    if (problems) {
        r->problems = strdup(json_object_to_json_string_ext(problems, JSON_C_TO_STRING_PLAIN));
        json_object_put(problems);
        if (!r->problems)
            return -1;
    }
    return 0;
}

static void page_free(page_done *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->rows[i].problems);
    free(d->rows);
    json_object_put(d->assets);
    free(d);
}

/* The page's assets as stage rows; NULL only when out of memory. */
static page_done *page_convert(json_object *arr)
{
    page_done *d = calloc(1, sizeof *d);
    size_t n = json_object_array_length(arr);
    if (d)
        d->rows = calloc(n ? n : 1, sizeof *d->rows);
    if (!d || !d->rows) {
        free(d);
        json_object_put(arr);
        return NULL;
    }
    d->assets = arr;
    for (; d->n < n; d->n++)
        if (convert_asset(json_object_array_get_idx(arr, d->n), &d->rows[d->n]) != 0) {
            free(d->rows[d->n].problems);
            d->bad = 1;
            break;
        }
    return d;
}

static void *fetch_worker(void *p)
{
    fetch_state *f = p;
    sync_run *r = f->run;
    pthread_mutex_lock(&r->lock);
    for (;;) {
        while (!f->stop && !f->failed && f->job_next == f->job_n && f->active > 0)
            pthread_cond_wait(&f->changed, &r->lock); /* an active page may queue another */
        if (f->stop || f->failed || f->job_next == f->job_n)
            break;
        page_job job = f->jobs[f->job_next++];
        f->active++;
        window w = f->windows->w[job.window];
        pthread_mutex_unlock(&r->lock);

        json_object *req = base_request(f->base), *arr = NULL;
        if (w.lo != INT64_MIN)
            json_object_object_add(req, "min_first_seen", json_object_new_int64(w.lo));
        if (w.hi != INT64_MAX)
            json_object_object_add(req, "max_first_seen", json_object_new_int64(w.hi));
        json_object_object_add(req, "sort", json_object_new_string("first_seen:asc"));
        json_object_object_add(req, "page", json_object_new_int64(job.page));
        json_object_object_add(req, "page_size", json_object_new_int64(r->page_size));
        json_object *fields = json_object_new_array();
        for (int i = 0; FETCH_FIELDS[i]; i++)
            json_object_array_add(fields, json_object_new_string(FETCH_FIELDS[i]));
        json_object_object_add(req, "fields", fields);
        mdr_cloud_error e;
        mdr_cloud_status st = list_with(r, req, &arr, &e);
        json_object_put(req);
        size_t n = st == MDR_CLOUD_OK ? json_object_array_length(arr) : 0;
        page_done *d = NULL;
        if (n) {
            d = page_convert(arr); /* outside the lock: the workers convert in parallel */
            if (!d) {
                st = MDR_CLOUD_ERR_INTERNAL;
                memset(&e, 0, sizeof e);
                e.status = st;
                snprintf(e.detail, sizeof e.detail, "out of memory");
            }
        } else {
            json_object_put(arr);
        }

        pthread_mutex_lock(&r->lock);
        f->active--;
        if (st != MDR_CLOUD_OK) {
            if (!f->failed) {
                f->failed = 1;
                f->error_status = st;
                f->error = e;
            }
            pthread_cond_broadcast(&f->changed);
            break;
        }
        /* A full last page: assets arrived since the count; read on (within the cap). */
        if ((int64_t)n == r->page_size && job.page == f->last_page[job.window] &&
            job.page * r->page_size < HEALTH_RESULT_CAP)
            job_push(f, job.window, job.page + 1);
        while (!f->stop && !f->failed && f->done_n >= DONE_MAX)
            pthread_cond_wait(&f->changed, &r->lock);
        if (d && (f->stop || f->failed)) {
            page_free(d);
        } else if (d) {
            if (f->done_tail)
                f->done_tail->next = d;
            else
                f->done_head = d;
            f->done_tail = d;
            f->done_n++;
        }
        pthread_cond_broadcast(&f->changed);
    }
    pthread_cond_broadcast(&f->changed);
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

/* ---- staging: a TEMP table of this connection (never journaled into the store, gone with
 * the connection), written in statements of STAGE_ROWS rows */

#define STAGE_COLUMNS 14
#define STAGE_ROWS 50

/* The stage stays in SQLite's temp file: in memory (temp_store = MEMORY) it saved 2.5-4 s
 * of a 100k sync but took the peak RSS from 114 to 170 MB, over the 150 MB budget
 * (bench/results/health.txt); the full-sync rewrite that appends into a fresh table is the
 * way to both. */
static int stage_create(sqlite3 *db)
{
    return sqlite3_exec(db,
                        "CREATE TEMP TABLE IF NOT EXISTS health_stage ("
                        "asset_id TEXT PRIMARY KEY NOT NULL, host_name TEXT NOT NULL, "
                        "host_lc TEXT NOT NULL, domain TEXT NOT NULL, os_version TEXT NOT NULL, "
                        "product TEXT NOT NULL, ksc_host_id TEXT NOT NULL, tenant TEXT NOT NULL, "
                        "status INTEGER NOT NULL, first_seen INTEGER NOT NULL, "
                        "last_seen INTEGER NOT NULL, isolated INTEGER NOT NULL, "
                        "problems TEXT NOT NULL, telemetry_loss INTEGER NOT NULL) WITHOUT ROWID; "
                        "DELETE FROM temp.health_stage",
                        NULL, NULL, NULL) == SQLITE_OK
               ? 0
               : -1;
}

static void stage_drop(sqlite3 *db)
{
    sqlite3_exec(db, "DROP TABLE IF EXISTS temp.health_stage", NULL, NULL, NULL);
}

/* INSERT OR REPLACE of `rows` rows (an asset read twice keeps its last version). */
static sqlite3_stmt *stage_statement(sqlite3 *db, int rows)
{
    char sql[STAGE_ROWS * 64 + 256];
    size_t n =
        (size_t)snprintf(sql, sizeof sql, "INSERT OR REPLACE INTO temp.health_stage VALUES ");
    for (int r = 0; r < rows; r++)
        n += (size_t)snprintf(sql + n, sizeof sql - n, "%s(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                              r ? "," : "");
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    return st;
}

static void stage_bind(sqlite3_stmt *st, int at, const stage_row *r)
{
    sqlite3_bind_text(st, at + 1, r->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, at + 2, r->host, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, at + 3, r->host_lc, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, at + 4, r->domain, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, at + 5, r->os, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, at + 6, r->product, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, at + 7, r->ksc_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, at + 8, r->tenant, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, at + 9, r->status);
    sqlite3_bind_int64(st, at + 10, r->first);
    sqlite3_bind_int64(st, at + 11, r->last);
    sqlite3_bind_int(st, at + 12, r->isolated);
    sqlite3_bind_text(st, at + 13, r->problems ? r->problems : "[]", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, at + 14, r->loss);
}

/* Writes a page's rows; 0 or -1 (store error). */
static int stage_page(sqlite3_stmt *one, sqlite3_stmt *many, const page_done *d,
                      int64_t *max_last_seen)
{
    size_t i = 0;
    for (; many && i + STAGE_ROWS <= d->n; i += STAGE_ROWS) {
        sqlite3_reset(many);
        for (int k = 0; k < STAGE_ROWS; k++)
            stage_bind(many, k * STAGE_COLUMNS, &d->rows[i + (size_t)k]);
        if (sqlite3_step(many) != SQLITE_DONE)
            return -1;
    }
    for (; i < d->n; i++) {
        sqlite3_reset(one);
        stage_bind(one, 0, &d->rows[i]);
        if (sqlite3_step(one) != SQLITE_DONE)
            return -1;
    }
    for (i = 0; i < d->n; i++)
        if (d->rows[i].last > *max_last_seen)
            *max_last_seen = d->rows[i].last;
    return 0;
}

/* Fetches every window's pages into the stage. MDR_CLOUD_OK, a cloud error (e filled), or
 * MDR_CLOUD_ERR_STORE / _BAD_RESPONSE. */
static mdr_cloud_status fetch_all(sync_run *r, sqlite3 *db, const asset_filter *base,
                                  window_list *windows, int64_t *staged, int64_t *max_last_seen,
                                  mdr_cloud_error *e)
{
    fetch_state f = {.run = r, .base = base, .windows = windows};
    pthread_cond_init(&f.changed, NULL);
    f.last_page = calloc(windows->n ? windows->n : 1, sizeof *f.last_page);
    mdr_cloud_status result = MDR_CLOUD_OK;
    for (size_t w = 0; f.last_page && w < windows->n; w++) {
        int64_t pages = (windows->w[w].count + r->page_size - 1) / r->page_size;
        for (int64_t p = 1; p <= (pages ? pages : 1); p++)
            if (job_push(&f, w, p) != 0)
                result = MDR_CLOUD_ERR_INTERNAL;
    }
    if (!f.last_page)
        result = MDR_CLOUD_ERR_INTERNAL;
    /* one transaction over the whole stage: it only writes the TEMP table, so it takes no
     * lock on the store */
    sqlite3_stmt *one = NULL, *many = NULL;
    if (result == MDR_CLOUD_OK &&
        (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
         !(one = stage_statement(db, 1)) || !(many = stage_statement(db, STAGE_ROWS))))
        result = MDR_CLOUD_ERR_STORE;
    pthread_t threads[HEALTH_FETCH_THREADS];
    int started = 0;
    for (; result == MDR_CLOUD_OK && started < HEALTH_FETCH_THREADS; started++)
        if (pthread_create(&threads[started], NULL, fetch_worker, &f) != 0)
            break;
    if (result == MDR_CLOUD_OK && started == 0)
        result = MDR_CLOUD_ERR_INTERNAL;

    /* stage pages as they come */
    pthread_mutex_lock(&r->lock);
    while (result == MDR_CLOUD_OK) {
        while (!f.done_head && !f.failed && (f.job_next < f.job_n || f.active > 0))
            pthread_cond_wait(&f.changed, &r->lock);
        if (f.failed)
            break;
        page_done *d = f.done_head;
        if (!d)
            break; /* every job done */
        f.done_head = d->next;
        if (!f.done_head)
            f.done_tail = NULL;
        f.done_n--;
        pthread_cond_broadcast(&f.changed);
        pthread_mutex_unlock(&r->lock);
        int rc = d->bad ? 1 : stage_page(one, many, d, max_last_seen);
        if (rc == 0)
            *staged += (int64_t)d->n;
        page_free(d);
        pthread_mutex_lock(&r->lock);
        if (rc != 0) {
            result = rc == 1 ? MDR_CLOUD_ERR_BAD_RESPONSE : MDR_CLOUD_ERR_STORE;
            if (rc == 1) {
                memset(e, 0, sizeof *e);
                e->status = result;
                snprintf(e->detail, sizeof e->detail, "assets/list returned a malformed asset");
            }
        }
    }
    f.stop = 1;
    pthread_cond_broadcast(&f.changed);
    pthread_mutex_unlock(&r->lock);
    for (int i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    if (result == MDR_CLOUD_OK && f.failed) {
        result = f.error_status;
        *e = f.error;
    }
    while (f.done_head) {
        page_done *d = f.done_head;
        f.done_head = d->next;
        page_free(d);
    }
    sqlite3_finalize(one);
    sqlite3_finalize(many);
    if (sqlite3_get_autocommit(db) == 0 &&
        sqlite3_exec(db, result == MDR_CLOUD_OK ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL) !=
            SQLITE_OK &&
        result == MDR_CLOUD_OK)
        result = MDR_CLOUD_ERR_STORE;
    free(f.jobs);
    free(f.last_page);
    pthread_cond_destroy(&f.changed);
    return result;
}

/* ---- apply */

/* A table's own indexes (not its UNIQUE constraints'), dropped for a bulk change and built
 * again from their SQL: writing the table once and sorting each index once is several
 * times faster than updating eleven b-trees row by row. Inside the apply transaction, so a
 * failure rolls the drop back with everything else. */
#define SAVED_MAX 32
typedef struct saved_indexes {
    char *sql[SAVED_MAX];
    int n;
} saved_indexes;

static void indexes_forget(saved_indexes *s)
{
    for (int i = 0; i < s->n; i++)
        free(s->sql[i]);
    s->n = 0;
}

static int indexes_drop(sqlite3 *db, const char *table, const char *keep, saved_indexes *s)
{
    sqlite3_stmt *st;
    char *names[SAVED_MAX];
    int n = 0, rc, failed = 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                           "tbl_name = ?1 AND sql IS NOT NULL AND name IS NOT ?2",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, keep, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < SAVED_MAX && s->n < SAVED_MAX) {
        names[n] = strdup((const char *)sqlite3_column_text(st, 0));
        s->sql[s->n] = strdup((const char *)sqlite3_column_text(st, 1));
        failed |= !names[n] || !s->sql[s->n];
        n++;
        s->n++;
    }
    sqlite3_finalize(st);
    failed |= rc != SQLITE_DONE;
    for (int i = 0; i < n; i++) {
        char *drop = names[i] ? sqlite3_mprintf("DROP INDEX \"%w\"", names[i]) : NULL;
        failed |= !drop || sqlite3_exec(db, drop, NULL, NULL, NULL) != SQLITE_OK;
        sqlite3_free(drop);
        free(names[i]);
    }
    return failed ? -1 : 0;
}

static int indexes_restore(sqlite3 *db, saved_indexes *s)
{
    int failed = 0;
    for (int i = 0; i < s->n && !failed; i++)
        failed = sqlite3_exec(db, s->sql[i], NULL, NULL, NULL) != SQLITE_OK;
    indexes_forget(s);
    return failed ? -1 : 0;
}

typedef struct apply_ctx {
    ksc_module *m;
    json_object *tenants; /* the cloud's tenant list read by this sync, or NULL */
    int full;
    int64_t now;
    health_sync_result *res;
    int host_failed;
    char err[256];
} apply_ctx;

static int apply_stage(sqlite3 *db, void *p)
{
    apply_ctx *a = p;
    saved_indexes asset_ix = {.n = 0}, device_ix = {.n = 0};
    int64_t stored = scalar(db, "SELECT count(*) FROM health_assets");
    int64_t changing = scalar(db, "SELECT count(*) FROM temp.health_stage s LEFT JOIN "
                                  "health_assets a ON a.asset_id = s.asset_id WHERE a.id IS NULL "
                                  "OR " HEALTH_STAGE_DIFFERS);
    int rc = -1;
    /* a first load, or most rows change (a daily reconcile: every last_seen moved); the
     * ksc_host_id index stays: the inventory copy looks assets up by it */
    if (changing > 1000 && changing * 4 > stored &&
        indexes_drop(db, "health_assets", "health_assets_ksc_host", &asset_ix) != 0)
        goto out;
    if (a->full) {
        if (sqlite3_exec(db,
                         "DELETE FROM health_assets WHERE asset_id NOT IN "
                         "(SELECT asset_id FROM temp.health_stage)",
                         NULL, NULL, NULL) != SQLITE_OK)
            goto out;
        a->res->removed = sqlite3_changes(db);
    }
    /* the inventory first, so that the assets written below take their device's columns */
    if (scalar(db, "SELECT count(*) FROM health_devices") == 0 &&
        indexes_drop(db, "health_devices", NULL, &device_ix) != 0)
        goto out; /* the first copy: 110,000 rows into an unindexed table */
    /* the inventory copy asks whether some asset reports a device: indexed once the stage
     * is complete (one sort, instead of a second b-tree updated while staging) */
    if (sqlite3_exec(db,
                     "CREATE INDEX IF NOT EXISTS temp.health_stage_host ON health_stage "
                     "(ksc_host_id)",
                     NULL, NULL, NULL) != SQLITE_OK)
        goto out;
    health_inventory_result inv;
    if (health_inventory_refresh(a->m, db, &inv, a->err, sizeof a->err) != 0) {
        a->host_failed = strncmp(a->err, "store:", 6) != 0;
        rc = a->host_failed ? 1 : -1;
        goto out;
    }
    a->res->devices = inv.devices;
    static const char *const upsert =
        "INSERT INTO health_assets (asset_id, host_name, host_lc, domain, os_version, product, "
        "ksc_host_id, tenant, status, first_seen, last_seen, isolated, problems, telemetry_loss, "
        "device_name, ksc_server, edr_agent) "
        "SELECT s.*, coalesce(d.name, ''), coalesce(d.server, ''), coalesce(d.edr_agent, 0) "
        "FROM temp.health_stage s LEFT JOIN health_assets a ON a.asset_id = s.asset_id "
        "LEFT JOIN health_devices d ON d.device_id = s.ksc_host_id "
        "WHERE a.id IS NULL OR " HEALTH_STAGE_DIFFERS " "
        "ON CONFLICT (asset_id) DO UPDATE SET "
        "host_name = excluded.host_name, host_lc = excluded.host_lc, domain = excluded.domain, "
        "os_version = excluded.os_version, product = excluded.product, "
        "ksc_host_id = excluded.ksc_host_id, tenant = excluded.tenant, status = excluded.status, "
        "first_seen = excluded.first_seen, last_seen = excluded.last_seen, "
        "isolated = excluded.isolated, problems = excluded.problems, "
        "telemetry_loss = excluded.telemetry_loss, device_name = excluded.device_name, "
        "ksc_server = excluded.ksc_server, edr_agent = excluded.edr_agent";
    /* An incremental sync over a complete summary follows only what it changes (a few
     * thousand rows of 100,000); a full one reconciles everything. */
    int delta = !a->full && stored > 0 && scalar(db, "SELECT count(*) FROM health_summary") > 0;
    if (delta && (changing || inv.changed) && health_delta_note(db) != 0)
        goto out;
    if (changing && sqlite3_exec(db, upsert, NULL, NULL, NULL) != SQLITE_OK)
        goto out;
    a->res->changed = changing;
    /* What the writes above left to do: assets not rewritten follow a changed inventory;
     * devices not rewritten (or rewritten before the assets changed) follow the assets. A
     * first load of both wrote every row right already. */
    int first_load = inv.first_copy && stored == 0;
    int asset_devices = inv.changed && stored > 0;
    int device_assets = (changing || a->res->removed) && !first_load;
    if (delta) {
        if ((changing || inv.changed) && health_delta_apply(db, asset_devices) != 0)
            goto out;
    } else if ((changing || a->res->removed || inv.changed ||
                scalar(db, "SELECT count(*) FROM health_summary") == 0) &&
               health_join_and_summarize(db, asset_devices, device_assets) != 0) {
        goto out;
    }
    if (indexes_restore(db, &device_ix) != 0 || indexes_restore(db, &asset_ix) != 0)
        goto out;
    a->res->assets = scalar(db, "SELECT count(*) FROM health_assets");
    /* the names the assets now carry and their tenant ids, as one (tenants.c) */
    if (a->tenants && health_tenants_store(db, a->tenants) != 0)
        goto out;
    if (setting_int_set(db, K_LAST_GOOD, a->now) != 0 ||
        (a->full && setting_int_set(db, K_LAST_FULL, a->now) != 0) ||
        mdr_setting_delete(db, K_LAST_ERROR) != 0)
        goto out;
    mdr_test_point("health.before_apply_commit"); /* all written, nothing committed */
    rc = 0;
out:
    indexes_forget(&asset_ix);
    indexes_forget(&device_ix);
    return rc;
}

/* ---- incremental checks */

/* The tenant names the store holds (before this sync), as JSON array text (malloc'd; NULL
 * when out of memory). Text, not a json_object: the totals thread makes its own. */
static char *stored_tenants(sqlite3 *db)
{
    json_object *a = json_object_new_array();
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT DISTINCT tenant FROM health_summary WHERE kind = 0", -1, &st,
                           NULL) == SQLITE_OK)
        while (sqlite3_step(st) == SQLITE_ROW)
            json_object_array_add(a,
                                  json_object_new_string((const char *)sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
    char *text = strdup(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN));
    json_object_put(a);
    return text;
}

/* The cloud's side of the totals check: three counts that do not depend on the pages, so a
 * thread of their own asks them while the pages are fetched (they took ~60 ms each one
 * after the other; now they hide behind the fetch). */
typedef struct totals_job {
    sync_run *run;
    char *tenants; /* the stored tenant names, JSON text (owned) */
    int64_t total, isolated, known;
    mdr_cloud_status status;
    mdr_cloud_error error;
    pthread_t thread;
    int started;
} totals_job;

static void *totals_worker(void *p)
{
    totals_job *t = p;
    t->status = count_filter(t->run, NULL, INT64_MIN, INT64_MAX, &t->total, &t->error);
    if (t->status == MDR_CLOUD_OK) {
        asset_filter iso = {.min_last_seen = INT64_MIN, .isolated_only = 1};
        t->status = count_filter(t->run, &iso, INT64_MIN, INT64_MAX, &t->isolated, &t->error);
    }
    if (t->status == MDR_CLOUD_OK) {
        asset_filter known = {.min_last_seen = INT64_MIN, .tenants_names = t->tenants};
        t->status = count_filter(t->run, &known, INT64_MIN, INT64_MAX, &t->known, &t->error);
    }
    return NULL;
}

/* Starts the cloud counts (the stored tenant names read now, before anything changes). */
static void totals_start(totals_job *t, sync_run *r, sqlite3 *db)
{
    memset(t, 0, sizeof *t);
    t->run = r;
    t->tenants = stored_tenants(db);
    if (!t->tenants) {
        t->status = MDR_CLOUD_ERR_INTERNAL;
        return;
    }
    t->started = pthread_create(&t->thread, NULL, totals_worker, t) == 0;
    if (!t->started)
        totals_worker(t); /* no thread to be had: ask them here */
}

static void totals_wait(totals_job *t)
{
    if (t->started)
        pthread_join(t->thread, NULL);
    t->started = 0;
    free(t->tenants);
    t->tenants = NULL;
}

/* After an incremental fetch: do the cloud's totals match what the store will hold? The
 * store's side comes from the stage (a few thousand rows) and the summary, not from a pass
 * over every asset. Returns 1 when they do, 0 when a full sync is needed (reason set), -1 on
 * a cloud error (*e, *st filled). */
static int totals_agree(totals_job *t, sqlite3 *db, char *reason, size_t reason_size,
                        mdr_cloud_error *e, mdr_cloud_status *st)
{
    totals_wait(t);
    if ((*st = t->status) != MDR_CLOUD_OK) {
        *e = t->error;
        return -1;
    }
    /* One pass over the stage (a few thousand rows) and the summary, which counts every
     * stored asset by tenant (kept exact by every sync; were it not, the mismatch would
     * bring a full sync, which rebuilds it). */
    static const char *const sql =
        "SELECT (SELECT coalesce(sum(n), 0) FROM health_summary WHERE kind = 0), "
        "(SELECT count(*) FROM health_assets WHERE isolated = 1), "
        "count(*) FILTER (WHERE a.id IS NULL), count(a.id), "
        "count(*) FILTER (WHERE a.isolated = 1), count(*) FILTER (WHERE s.isolated = 1), "
        "count(*) FILTER (WHERE s.tenant IN (SELECT tenant FROM health_summary WHERE kind = 0)) "
        "FROM temp.health_stage s LEFT JOIN health_assets a ON a.asset_id = s.asset_id";
    sqlite3_stmt *q = NULL;
    int64_t v[7] = {0};
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK || sqlite3_step(q) != SQLITE_ROW) {
        sqlite3_finalize(q);
        *st = MDR_CLOUD_ERR_STORE;
        return -1;
    }
    for (int i = 0; i < 7; i++)
        v[i] = sqlite3_column_int64(q, i);
    sqlite3_finalize(q);
    int64_t stored = v[0], stored_isolated = v[1], fresh = v[2], restaged = v[3];
    int64_t restaged_isolated = v[4], staged_isolated = v[5], staged_known = v[6];
    if (t->total != stored + fresh) {
        snprintf(reason, reason_size, "count_mismatch");
        return 0;
    }
    /* the stage's rows replace their stored versions */
    if (t->isolated != stored_isolated - restaged_isolated + staged_isolated) {
        snprintf(reason, reason_size, "isolation_changed");
        return 0;
    }
    /* Assets under the tenant names already stored, as the store will hold them after this
     * sync: a tenant renamed without new telemetry makes the cloud's count smaller. */
    if (t->known != stored - restaged + staged_known) {
        snprintf(reason, reason_size, "tenants_changed");
        return 0;
    }
    return 1;
}

/* ---- the run */

static void record_failure(ksc_module *m, sqlite3 *db, const char *code, const char *detail)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "code", json_object_new_string(code));
    json_object_object_add(o, "detail", json_object_new_string(detail ? detail : ""));
    json_object_object_add(o, "time",
                           json_object_new_int64(m->services->now_ms(m->services->host)));
    mdr_setting_set(db, K_LAST_ERROR, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
    json_object_put(o);
    mdr_log(m->services, KSC_LOG_WARNING, "health sync failed: %s %s", code, detail ? detail : "");
}

static void record_result(sqlite3 *db, const health_sync_result *res)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "mode", json_object_new_string(res->full ? "full" : "incremental"));
    json_object_object_add(o, "reason", json_object_new_string(res->reason));
    json_object_object_add(o, "fetched", json_object_new_int64(res->fetched));
    json_object_object_add(o, "changed", json_object_new_int64(res->changed));
    json_object_object_add(o, "removed", json_object_new_int64(res->removed));
    json_object_object_add(o, "requests", json_object_new_int64(res->requests));
    json_object_object_add(o, "duration_ms", json_object_new_int64(res->duration_ms));
    json_object_object_add(o, "plan_ms", json_object_new_int64(res->plan_ms));
    json_object_object_add(o, "fetch_ms", json_object_new_int64(res->fetch_ms));
    json_object_object_add(o, "apply_ms", json_object_new_int64(res->apply_ms));
    mdr_setting_set(db, K_LAST_RESULT, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
    json_object_put(o);
}

health_sync_status health_sync_run(ksc_module *m, const health_source *src,
                                   const health_sync_options *opt, health_sync_result *res,
                                   mdr_cloud_error *cloud_err)
{
    memset(res, 0, sizeof *res);
    memset(cloud_err, 0, sizeof *cloud_err);
    int64_t t0 = mono_ms();
    sqlite3 *db = mdr_store_conn(m->store);
    if (!db)
        return HEALTH_SYNC_STORE_ERROR;
    int64_t now = m->services->now_ms(m->services->host);

    unsigned char rnd[8];
    char token[40];
    RAND_bytes(rnd, sizeof rnd);
    snprintf(token, sizeof token, "%02x%02x%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2],
             rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
    lease_ctx lease = {token, now, now + HEALTH_LEASE_MS, 0, 0};
    if (mdr_store_tx(m->store, lease_take, &lease) != 0)
        return HEALTH_SYNC_STORE_ERROR;
    if (!lease.taken)
        return HEALTH_SYNC_RUNNING;
    if (lease.took_over)
        mdr_log(m->services, KSC_LOG_WARNING,
                "health sync: the previous sync's process died; its lease is taken over");
    mdr_test_point("health.after_lease");
    setting_int_set(db, K_LAST_ATTEMPT, now);

    sync_run run = {.m = m, .src = src, .page_size = HEALTH_FETCH_PAGE_SIZE};
    if (opt && opt->page_size > 0 && opt->page_size < HEALTH_FETCH_PAGE_SIZE)
        run.page_size = opt->page_size;
    pthread_mutex_init(&run.lock, NULL);
    health_sync_status status = HEALTH_SYNC_OK;
    int64_t last_good = setting_int(db, K_LAST_GOOD, 0);
    int64_t last_full = setting_int(db, K_LAST_FULL, 0);
    int full = 1;
    if (opt && opt->force_full)
        snprintf(res->reason, sizeof res->reason, "forced");
    else if (!last_good)
        snprintf(res->reason, sizeof res->reason, "first");
    else if (now - last_full >= HEALTH_FULL_EVERY_MS || now < last_full)
        snprintf(res->reason, sizeof res->reason, "daily");
    else
        full = 0;

    /* The tenants first: names in assets are resolved to ids through this list, stored with
     * the assets. A list that differs from the stored one (a rename, a new or deleted tenant)
     * needs every asset read again under the new names. */
    json_object *tenant_list = NULL;
    if (src->tenants) {
        mdr_cloud_status ts = src->tenants(src->ctx, &tenant_list, cloud_err);
        run.requests++;
        if (ts == MDR_CLOUD_OK && !json_object_is_type(tenant_list, json_type_array))
            ts =
                mdr_cloud_fail(cloud_err, MDR_CLOUD_ERR_BAD_RESPONSE, "tenants/list: not an array");
        int differ = ts == MDR_CLOUD_OK ? health_tenants_differ(db, tenant_list) : 0;
        if (ts != MDR_CLOUD_OK || differ < 0) {
            json_object_put(tenant_list);
            status = differ < 0 ? HEALTH_SYNC_STORE_ERROR : HEALTH_SYNC_CLOUD_ERROR;
            if (differ < 0) {
                record_failure(m, db, "store", sqlite3_errmsg(db));
            } else {
                cloud_err->status = ts;
                record_failure(m, db, "cloud", cloud_err->detail);
            }
            mdr_store_tx(m->store, lease_drop, &lease);
            pthread_mutex_destroy(&run.lock);
            res->duration_ms = mono_ms() - t0;
            return status;
        }
        if (differ && !full) {
            full = 1;
            snprintf(res->reason, sizeof res->reason, "tenants_changed");
        }
    }

    for (int attempt = 0; attempt < 2; attempt++) {
        res->full = full;
        res->fetched = 0;
        int64_t mark = scalar(db, "SELECT coalesce(max(last_seen), 0) FROM health_assets");
        asset_filter recent = {.min_last_seen = mark - HEALTH_OVERLAP_MS};
        const asset_filter *base = full ? NULL : &recent;
        window_list windows = {0};
        int64_t total = 0, max_last = 0;
        mdr_cloud_status st = MDR_CLOUD_OK;
        if (stage_create(db) != 0)
            st = MDR_CLOUD_ERR_STORE;
        totals_job totals = {.started = 0};
        if (!full && st == MDR_CLOUD_OK)
            totals_start(&totals, &run, db);
        int64_t tp = mono_ms();
        if (st == MDR_CLOUD_OK)
            st = plan_windows(&run, base, &windows, &total, cloud_err);
        int64_t tf = mono_ms();
        res->plan_ms += tf - tp;
        if (st == MDR_CLOUD_OK)
            st = fetch_all(&run, db, base, &windows, &res->fetched, &max_last, cloud_err);
        res->fetch_ms += mono_ms() - tf;
        free(windows.w);
        if (!full && st == MDR_CLOUD_OK) {
            int agree = totals_agree(&totals, db, res->reason, sizeof res->reason, cloud_err, &st);
            if (agree == 0) {
                full = 1; /* something vanished or moved: reconcile everything */
                continue;
            }
        } else if (!full && totals.tenants) {
            totals_wait(&totals); /* the fetch failed: its error is the one reported */
        }
        if (st == MDR_CLOUD_ERR_STORE) {
            status = HEALTH_SYNC_STORE_ERROR;
            record_failure(m, db, "store", sqlite3_errmsg(db));
        } else if (st != MDR_CLOUD_OK) {
            status = HEALTH_SYNC_CLOUD_ERROR;
            cloud_err->status = st;
            record_failure(m, db, "cloud", cloud_err->detail);
        }
        break;
    }
    res->requests = run.requests;
    if (status == HEALTH_SYNC_OK) {
        apply_ctx a = {.m = m, .tenants = tenant_list, .full = full, .now = now, .res = res};
        int64_t ta = mono_ms();
        int rc = mdr_store_tx(m->store, apply_stage, &a);
        if (rc == 0)
            mdr_test_point("health.after_apply"); /* applied, the lease not yet dropped */
        res->apply_ms = mono_ms() - ta;
        if (rc != 0) {
            status = a.host_failed ? HEALTH_SYNC_HOST_ERROR : HEALTH_SYNC_STORE_ERROR;
            record_failure(m, db, a.host_failed ? "inventory" : "store",
                           a.err[0] ? a.err : sqlite3_errmsg(db));
        }
    }
    /* the stage is scratch: never keep 100,000 rows in memory */
    stage_drop(db);
    if (status == HEALTH_SYNC_OK && full) /* planner statistics, sampled: fast */
        sqlite3_exec(db,
                     "PRAGMA analysis_limit = 1000; ANALYZE health_assets; "
                     "ANALYZE health_devices",
                     NULL, NULL, NULL);
    res->duration_ms = mono_ms() - t0;
    if (status == HEALTH_SYNC_OK) {
        if (!full && !res->reason[0])
            snprintf(res->reason, sizeof res->reason, "interval");
        record_result(db, res);
    }
    json_object_put(tenant_list);
    mdr_store_tx(m->store, lease_drop, &lease);
    pthread_mutex_destroy(&run.lock);
    return status;
}

/* ---- status */

json_object *health_status_json(ksc_module *m, sqlite3 *db, const char *lang,
                                const health_query *scope)
{
    (void)lang;
    json_object *o = json_object_new_object();
    int64_t now = m->services->now_ms(m->services->host);
    int64_t good = setting_int(db, K_LAST_GOOD, 0), attempt = setting_int(db, K_LAST_ATTEMPT, 0);
    json_object_object_add(o, "last_good_sync", good ? json_object_new_int64(good) : NULL);
    json_object_object_add(o, "last_full_sync",
                           setting_int(db, K_LAST_FULL, 0)
                               ? json_object_new_int64(setting_int(db, K_LAST_FULL, 0))
                               : NULL);
    json_object_object_add(o, "last_attempt", attempt ? json_object_new_int64(attempt) : NULL);
    char *v = NULL;
    json_object *err = NULL, *last = NULL;
    if (mdr_setting_get(db, K_LAST_ERROR, &v) == 0)
        err = json_tokener_parse(v);
    free(v);
    v = NULL;
    if (mdr_setting_get(db, K_LAST_RESULT, &v) == 0)
        last = json_tokener_parse(v);
    free(v);
    v = NULL;
    int limited = scope && health_scope_limited(scope);
    if (limited && last) {
        /* the sync's figures count everything: not for a caller who sees a part */
        static const char *const counts[] = {"fetched", "assets",   "changed", "removed",
                                             "devices", "requests", NULL};
        for (int i = 0; counts[i]; i++)
            json_object_object_del(last, counts[i]);
    }
    json_object_object_add(o, "last_error", err);
    json_object_object_add(o, "last_result", last);
    int running = 0;
    if (mdr_setting_get(db, K_LEASE, &v) == 0)
        running = lease_held(v, now);
    free(v);
    json_object_object_add(o, "running", json_object_new_boolean(running));
    int64_t assets = 0, malfunctioning = 0, devices = 0;
    if (limited) {
        health_query q = *scope;
        q.list = HEALTH_ASSETS;
        q.from_ms = INT64_MIN;
        q.to_ms = INT64_MAX;
        q.status_mask = q.state_mask = 0;
        q.search[0] = '\0';
        int bad = health_query_count(db, &q, &assets) != 0;
        q.list = HEALTH_MALFUNCTIONING;
        bad = bad || health_query_count(db, &q, &malfunctioning) != 0;
        sqlite3_stmt *st = NULL;
        bad = bad || sqlite3_prepare_v2(db,
                                        "SELECT count(*) FROM health_devices WHERE (?1 IS NULL OR "
                                        "tenant IN (SELECT value FROM json_each(?1))) AND "
                                        "(?2 = '' OR server = ?2)",
                                        -1, &st, NULL) != SQLITE_OK;
        if (!bad) {
            sqlite3_bind_text(st, 1, q.visible_tenants, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, q.server, -1, SQLITE_STATIC);
            bad = sqlite3_step(st) != SQLITE_ROW;
            devices = bad ? 0 : sqlite3_column_int64(st, 0);
        }
        sqlite3_finalize(st);
        if (bad) {
            json_object_put(o);
            return NULL;
        }
    } else {
        assets = scalar(db, "SELECT coalesce(sum(n), 0) FROM health_summary WHERE kind = 0");
        malfunctioning =
            scalar(db, "SELECT coalesce(sum(n), 0) FROM health_summary WHERE kind = 1");
        devices = scalar(db, "SELECT count(*) FROM health_devices");
    }
    json_object_object_add(o, "assets", json_object_new_int64(assets));
    json_object_object_add(o, "malfunctioning", json_object_new_int64(malfunctioning));
    json_object_object_add(o, "devices", json_object_new_int64(devices));
    json_object_object_add(o, "sync_interval_s",
                           json_object_new_int64(m->config->health_sync_interval_s));
    return o;
}
