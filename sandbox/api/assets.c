/*
 * assets.c — assets/count, assets/list, assets/details. Pre-sorted index arrays per sort
 * field and a small cache of filtered+sorted results (keyed by the canonical filter, the
 * caller's tenant view and the data generation) keep paging cheap; JSON is written by hand.
 */
#define _GNU_SOURCE /* strcasestr */
#include "api/api.h"

#include <stdlib.h>
#include <string.h>

#define CACHE_SLOTS 8

enum {
    SF_NONE = -1,
    SF_FIRST_SEEN,
    SF_LAST_SEEN,
    SF_HOST,
    SF_DOMAIN,
    SF_OS,
    SF_STATUS,
    SF_ASSET_ID,
    SF_TENANT,
    SF_COUNT
};
static const char *const sort_names[SF_COUNT] = {"first_seen", "last_seen",  "host_name",
                                                 "domain",     "os_version", "status",
                                                 "asset_id",   "tenant_name"};

enum {
    F_ASSET_ID,
    F_HOST,
    F_DOMAIN,
    F_NICS,
    F_FIRST,
    F_LAST,
    F_OS,
    F_PRODUCT_INFO,
    F_PRODUCT_MAP,
    F_KSC_HOST,
    F_TENANT,
    F_ISOLATION,
    F_ISO_TASK,
    F_STATUS,
    F_PI,
    F_PII,
    F_STATUS_REASONS,
    F_COUNT
};
static const char *const field_names[F_COUNT + 1] = {"asset_id",
                                                     "host_name",
                                                     "domain",
                                                     "network_interfaces",
                                                     "first_seen",
                                                     "last_seen",
                                                     "os_version",
                                                     "installed_product_info",
                                                     "product_map",
                                                     "ksc_host_id",
                                                     "tenant_name",
                                                     "isolation",
                                                     "isolation_task_id",
                                                     "status",
                                                     "protection_issues",
                                                     "protection_issues_integral",
                                                     "status_reasons",
                                                     NULL};

typedef struct list_cache {
    char *key;
    uint64_t gen;
    uint32_t *idx;
    size_t n;
    int owned;
    uint64_t used;
} list_cache;

static uint64_t cache_tick;
static sbx_ctx *sort_ctx; /* qsort has no user pointer; sorting runs under the lock */

static int cmp_i64(int64_t a, int64_t b)
{
    return a < b ? -1 : a > b;
}

static int sort_cmp(int field, uint32_t x, uint32_t y)
{
    core_state *cs = core_of(sort_ctx);
    const asset *a = &cs->assets[x], *b = &cs->assets[y];
    int r = 0;
    switch (field) {
    case SF_FIRST_SEEN:
        r = cmp_i64(a->first_seen, b->first_seen);
        break;
    case SF_LAST_SEEN:
        r = cmp_i64(a->last_seen, b->last_seen);
        break;
    case SF_HOST:
        r = strcasecmp(asset_str(cs, a, AS_HOST), asset_str(cs, b, AS_HOST));
        break;
    case SF_DOMAIN:
        r = strcmp(cs->domains[a->domain_id], cs->domains[b->domain_id]);
        break;
    case SF_OS:
        r = strcmp(a->os_version, b->os_version);
        break;
    case SF_STATUS:
        r = strcmp(asset_status_names[a->status], asset_status_names[b->status]);
        break;
    case SF_ASSET_ID:
        r = strcmp(asset_str(cs, a, AS_ID), asset_str(cs, b, AS_ID));
        break;
    case SF_TENANT:
        r = strcmp(asset_tenant_name(sort_ctx, a), asset_tenant_name(sort_ctx, b));
        break;
    }
    return r ? r : cmp_i64(x, y); /* ties: seed order, so pages are stable */
}

static int sort_field_cur;
static int qcmp(const void *p, const void *q)
{
    return sort_cmp(sort_field_cur, *(const uint32_t *)p, *(const uint32_t *)q);
}

static const uint32_t *sorted_index(sbx_ctx *ctx, int field)
{
    core_state *cs = core_of(ctx);
    static uint64_t built_gen[SF_COUNT];
    if (field == SF_TENANT && cs->sort_index[field] && built_gen[field] != ctx->generation) {
        free(cs->sort_index[field]); /* tenant renames change this order */
        cs->sort_index[field] = NULL;
    }
    if (!cs->sort_index[field]) {
        uint32_t *idx = malloc((cs->asset_n ? cs->asset_n : 1) * sizeof *idx);
        if (!idx)
            abort();
        for (size_t i = 0; i < cs->asset_n; i++)
            idx[i] = (uint32_t)i;
        sort_ctx = ctx;
        sort_field_cur = field;
        qsort(idx, cs->asset_n, sizeof *idx, qcmp);
        cs->sort_index[field] = idx;
        built_gen[field] = ctx->generation;
    }
    return cs->sort_index[field];
}

/* ---- writing one asset */

static void key(sbuf *b, int *first, const char *k)
{
    if (!*first)
        sb_putc(b, ',');
    *first = 0;
    sb_jstr(b, k);
    sb_putc(b, ':');
}

static void write_issues(sbuf *b, const asset *a, int hours)
{
    sb_puts(b, "{\"status\":");
    sb_jstr(b, asset_status_names[a->status]);
    sb_puts(b, ",\"reasons\":[");
    for (int p = 0; p < a->problem_count; p++) {
        if (p)
            sb_putc(b, ',');
        sb_jstr(b, asset_problem_names[a->problems[p]]);
    }
    sb_puts(b, "],\"additional_problems\":[],\"last_seen\":");
    sb_int(b, a->last_seen);
    sb_puts(b, ",\"hours\":");
    sb_int(b, hours);
    sb_putc(b, '}');
}

static void write_asset(sbuf *b, sbx_ctx *ctx, const asset *a, int version, uint32_t mask)
{
    core_state *cs = core_of(ctx);
    int first = 1;
    const char *host = asset_str(cs, a, AS_HOST), *domain = cs->domains[a->domain_id];
    sb_putc(b, '{');
    if (mask & (1u << F_ASSET_ID)) {
        key(b, &first, "asset_id");
        sb_jstr(b, asset_str(cs, a, AS_ID));
    }
    if (mask & (1u << F_HOST)) {
        key(b, &first, "host_name");
        sb_jstr(b, host);
    }
    if (mask & (1u << F_DOMAIN)) {
        key(b, &first, "domain");
        sb_jstr(b, domain);
    }
    if (mask & (1u << F_NICS)) {
        const char *v4 = asset_str(cs, a, AS_IPV4), *v6 = asset_str(cs, a, AS_IPV6);
        char gw[20];
        const char *dot = strrchr(v4, '.');
        snprintf(gw, sizeof gw, "%.*s.1", dot ? (int)(dot - v4) : 0, v4);
        key(b, &first, "network_interfaces");
        sb_puts(b, "[{\"dsc\":\"Ethernet adapter\",\"dnsd\":");
        sb_jstr(b, domain);
        sb_puts(b, ",\"defg\":");
        sb_jstr(b, gw);
        sb_puts(b, ",\"mac\":");
        sb_jstr(b, asset_str(cs, a, AS_MAC));
        sb_puts(b, ",\"ipcm\":\"255.255.255.0\",\"ip\":\"");
        sb_puts(b, v4);
        if (*v6) {
            sb_putc(b, '|');
            sb_puts(b, v6);
        }
        sb_puts(b, "\"}]");
    }
    if (mask & (1u << F_FIRST)) {
        key(b, &first, "first_seen");
        sb_int(b, a->first_seen);
    }
    if (mask & (1u << F_LAST)) {
        key(b, &first, "last_seen");
        sb_int(b, a->last_seen);
    }
    if (mask & (1u << F_OS)) {
        key(b, &first, "os_version");
        sb_jstr(b, a->os_version);
    }
    if (mask & (1u << F_PRODUCT_INFO)) {
        key(b, &first, "installed_product_info");
        sb_putc(b, '"');
        sb_puts(b, a->product_short);
        sb_putc(b, ' ');
        sb_puts(b, a->product_version);
        sb_putc(b, '"');
    }
    if (mask & (1u << F_PRODUCT_MAP)) {
        key(b, &first, "product_map");
        sb_putc(b, '{');
        sb_jstr(b, a->product_short);
        sb_puts(b, ":{\"last_seen\":");
        sb_int(b, a->last_seen);
        sb_puts(b, ",\"version\":");
        sb_jstr(b, a->product_version);
        sb_puts(b, "}}");
    }
    if (mask & (1u << F_KSC_HOST)) {
        key(b, &first, "ksc_host_id");
        sb_jstr(b, asset_str(cs, a, AS_DEVICE));
    }
    if (mask & (1u << F_TENANT)) {
        key(b, &first, "tenant_name");
        sb_jstr(b, asset_tenant_name(ctx, a));
    }
    if (mask & (1u << F_ISOLATION)) {
        key(b, &first, "isolation");
        sb_puts(b, a->isolated ? "true" : "false");
    }
    if (mask & (1u << F_ISO_TASK)) {
        key(b, &first, "isolation_task_id");
        if (a->isolated)
            sb_printf(b, "\"%08x-0000-4000-8000-%012x\"", a->isolation_task, a->seed_index);
        else
            sb_puts(b, "\"\"");
    }
    if (mask & (1u << F_STATUS)) {
        key(b, &first, "status");
        sb_jstr(b, asset_status_names[a->status]);
    }
    if (version == 2) {
        if (mask & (1u << F_PI)) {
            key(b, &first, "protection_issues");
            write_issues(b, a, 0);
        }
        if (mask & (1u << F_PII)) {
            key(b, &first, "protection_issues_integral");
            write_issues(b, a, 72);
        }
    } else if (mask & (1u << F_STATUS_REASONS)) {
        key(b, &first, "status_reasons");
        sb_putc(b, '[');
        for (int p = 0; p < a->problem_count; p++) {
            if (p)
                sb_putc(b, ',');
            sb_jstr(b, asset_problem_names[a->problems[p]]);
        }
        sb_putc(b, ']');
    }
    sb_putc(b, '}');
}

/* ---- request parsing */

typedef struct asset_query {
    const char *domain, *network_interface, *os_version, *product, *search;
    json_object *host_names, *statuses, *tenants, *incidents, *fields;
    int isolated; /* -1 any */
    int64_t min_first, max_first, min_last, max_last;
    int has_min_first, has_max_first, has_min_last, has_max_last;
    int version;
    int sort_field, sort_desc;
    int64_t page, page_size;
    uint32_t mask;
} asset_query;

static int in_list(json_object *list, const char *v, int nocase)
{
    size_t n = json_object_array_length(list);
    for (size_t i = 0; i < n; i++) {
        const char *s = json_object_get_string(json_object_array_get_idx(list, i));
        if (nocase ? strcasecmp(s, v) == 0 : strcmp(s, v) == 0)
            return 1;
    }
    return 0;
}

static int parse_query(sbx_request *req, sbx_reply *rep, asset_query *q, int listing, int details)
{
    memset(q, 0, sizeof *q);
    q->isolated = -1;
    q->version = 2;
    q->sort_field = SF_NONE;
    q->page = 1;
    q->page_size = 100;
    int64_t version = 2;
    int iso = 0, h;
    if (sbx_body_int64(req, rep, "version", &version) < 0)
        return -1;
    if (version != 1 && version != 2) {
        sbx_reply_error(rep, 400, "invalid_parameter", "version must be 1 or 2");
        return -1;
    }
    q->version = (int)version;
    if (listing || details) {
        if (sbx_body_strings(req, rep, "fields", &q->fields) < 0)
            return -1;
        q->mask = 0;
        if (!q->fields)
            q->mask = ~0u;
        for (size_t i = 0; q->fields && i < json_object_array_length(q->fields); i++) {
            const char *f = json_object_get_string(json_object_array_get_idx(q->fields, i));
            int found = 0;
            for (int k = 0; k < F_COUNT; k++)
                if (strcmp(field_names[k], f) == 0) {
                    q->mask |= 1u << k;
                    found = 1;
                }
            if (!found) {
                sbx_reply_error(rep, 400, "invalid_parameter", "unknown field \"%s\"", f);
                return -1;
            }
        }
    }
    if (details)
        return 0;
    if (sbx_body_string(req, rep, "domain", &q->domain) < 0 ||
        sbx_body_string(req, rep, "network_interface", &q->network_interface) < 0 ||
        sbx_body_string(req, rep, "os_version", &q->os_version) < 0 ||
        sbx_body_string(req, rep, "product", &q->product) < 0 ||
        sbx_body_string(req, rep, "search_phrase", &q->search) < 0 ||
        sbx_body_strings(req, rep, "host_names", &q->host_names) < 0 ||
        sbx_body_strings(req, rep, "statuses", &q->statuses) < 0 ||
        sbx_body_strings(req, rep, "tenants_names", &q->tenants) < 0 ||
        sbx_body_strings(req, rep, "related_incidents_ids", &q->incidents) < 0 ||
        (h = sbx_body_bool(req, rep, "is_isolated", &iso)) < 0 ||
        (q->has_min_first = sbx_body_int64(req, rep, "min_first_seen", &q->min_first)) < 0 ||
        (q->has_max_first = sbx_body_int64(req, rep, "max_first_seen", &q->max_first)) < 0 ||
        (q->has_min_last = sbx_body_int64(req, rep, "min_last_seen", &q->min_last)) < 0 ||
        (q->has_max_last = sbx_body_int64(req, rep, "max_last_seen", &q->max_last)) < 0)
        return -1;
    if (h == 1)
        q->isolated = iso;
    for (size_t i = 0; q->statuses && i < json_object_array_length(q->statuses); i++) {
        const char *s = json_object_get_string(json_object_array_get_idx(q->statuses, i));
        /* BLOCKED: a status of older documentation that public clients still list; no
         * asset has it today, so it matches none. */
        int ok = strcmp(s, "BLOCKED") == 0;
        for (int k = 0; k < 5; k++)
            ok |= strcmp(asset_status_names[k], s) == 0;
        if (!ok) {
            sbx_reply_error(rep, 400, "invalid_parameter", "unknown asset status \"%s\"", s);
            return -1;
        }
    }
    if (!listing)
        return 0;
    const char *sort = NULL;
    if (sbx_body_string(req, rep, "sort", &sort) < 0 ||
        sbx_body_int64(req, rep, "page", &q->page) < 0 ||
        sbx_body_int64(req, rep, "page_size", &q->page_size) < 0)
        return -1;
    if (q->page < 1 || q->page_size < 1 || q->page_size > RESULT_CAP) {
        sbx_reply_error(rep, 400, "invalid_parameter",
                        "page must be >= 1 and page_size between 1 and %d", RESULT_CAP);
        return -1;
    }
    if (sort && *sort) {
        const char *colon = strchr(sort, ':');
        size_t fl = colon ? (size_t)(colon - sort) : strlen(sort);
        for (int k = 0; k < SF_COUNT; k++)
            if (strlen(sort_names[k]) == fl && strncmp(sort_names[k], sort, fl) == 0)
                q->sort_field = k;
        const char *dir = colon ? colon + 1 : "asc";
        if (q->sort_field == SF_NONE || (strcmp(dir, "asc") != 0 && strcmp(dir, "desc") != 0)) {
            sbx_reply_error(rep, 400, "invalid_parameter",
                            "sort must be FIELD:asc or FIELD:desc with FIELD one of first_seen, "
                            "last_seen, host_name, domain, os_version, status, asset_id, "
                            "tenant_name");
            return -1;
        }
        q->sort_desc = strcmp(dir, "desc") == 0;
    }
    return 0;
}

static int nics_contain(core_state *cs, const asset *a, const char *needle)
{
    return strcasestr(asset_str(cs, a, AS_IPV4), needle) ||
           strcasestr(asset_str(cs, a, AS_IPV6), needle) ||
           strcasestr(asset_str(cs, a, AS_MAC), needle);
}

static int product_contains(const asset *a, const char *needle)
{
    char info[96];
    snprintf(info, sizeof info, "%s %s", a->product_short, a->product_version);
    return strcasestr(info, needle) != NULL;
}

static int matches(sbx_ctx *ctx, const asset_query *q, const asset *a, const char *visible,
                   const unsigned char *related)
{
    core_state *cs = core_of(ctx);
    int t =
        a->tenant >= 0 && a->tenant < ctx->tenant_name_count ? a->tenant : ctx->tenant_name_count;
    if (!visible[t])
        return 0;
    if (q->has_min_first && a->first_seen < q->min_first)
        return 0;
    if (q->has_max_first && a->first_seen > q->max_first)
        return 0;
    if (q->has_min_last && a->last_seen < q->min_last)
        return 0;
    if (q->has_max_last && a->last_seen > q->max_last)
        return 0;
    if (q->isolated >= 0 && a->isolated != q->isolated)
        return 0;
    if (q->statuses && json_object_array_length(q->statuses) &&
        !in_list(q->statuses, asset_status_names[a->status], 0))
        return 0;
    if (q->tenants && json_object_array_length(q->tenants) &&
        !in_list(q->tenants, asset_tenant_name(ctx, a), 0))
        return 0;
    const char *domain = cs->domains[a->domain_id];
    if (q->domain && *q->domain && !strcasestr(domain, q->domain))
        return 0;
    if (q->os_version && *q->os_version && !strcasestr(a->os_version, q->os_version))
        return 0;
    if (q->product && *q->product && !product_contains(a, q->product))
        return 0;
    if (q->network_interface && *q->network_interface && !nics_contain(cs, a, q->network_interface))
        return 0;
    if (q->host_names && json_object_array_length(q->host_names) &&
        !in_list(q->host_names, asset_str(cs, a, AS_HOST), 1))
        return 0;
    if (related && !related[a - cs->assets])
        return 0;
    if (q->search && *q->search) {
        const char *s = q->search;
        if (!strcasestr(asset_str(cs, a, AS_HOST), s) && !strcasestr(domain, s) &&
            !product_contains(a, s) && !nics_contain(cs, a, s) && !strcasestr(a->os_version, s) &&
            !strcasestr("Ethernet adapter", s))
            return 0;
    }
    return 1;
}

static int has_filters(const asset_query *q)
{
    return (q->domain && *q->domain) || (q->network_interface && *q->network_interface) ||
           (q->os_version && *q->os_version) || (q->product && *q->product) ||
           (q->search && *q->search) ||
           (q->host_names && json_object_array_length(q->host_names)) ||
           (q->statuses && json_object_array_length(q->statuses)) ||
           (q->tenants && json_object_array_length(q->tenants)) || q->incidents ||
           q->isolated >= 0 || q->has_min_first || q->has_max_first || q->has_min_last ||
           q->has_max_last;
}

static char *cache_key(sbx_request *req, const asset_query *q)
{
    static const char *const keys[] = {
        "domain",        "network_interface", "os_version",
        "product",       "search_phrase",     "host_names",
        "statuses",      "tenants_names",     "related_incidents_ids",
        "is_isolated",   "min_first_seen",    "max_first_seen",
        "min_last_seen", "max_last_seen",     NULL};
    sbuf b = {0};
    sb_printf(&b, "%d|", q->sort_field);
    sbx_conn *c = req->conn;
    sb_puts(&b, c ? c->client_id : "-");
    for (size_t i = 0; c && i < c->tenant_count; i++) {
        sb_putc(&b, '\x1f');
        sb_puts(&b, c->tenants[i]);
    }
    for (int i = 0; keys[i]; i++) {
        json_object *v = NULL;
        if (req->json && json_object_object_get_ex(req->json, keys[i], &v) && v) {
            sb_printf(&b, "|%s=", keys[i]);
            sb_puts(&b, json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
        }
    }
    return b.data;
}

/* The matching asset indexes in ascending sort order (all of them: count needs them). */
static const list_cache *run_query(sbx_request *req, const asset_query *q)
{
    sbx_ctx *ctx = req->ctx;
    core_state *cs = core_of(ctx);
    if (!cs->caches) {
        cs->caches = calloc(CACHE_SLOTS, sizeof(list_cache));
        if (!cs->caches)
            abort();
    }
    char *k = cache_key(req, q);
    list_cache *slot = NULL, *oldest = &cs->caches[0];
    for (int i = 0; i < CACHE_SLOTS; i++) {
        list_cache *c = &cs->caches[i];
        if (c->key && c->gen == ctx->generation && strcmp(c->key, k) == 0) {
            free(k);
            c->used = ++cache_tick;
            return c;
        }
        if (c->used < oldest->used)
            oldest = c;
    }
    slot = oldest;
    if (slot->owned)
        free(slot->idx);
    free(slot->key);
    slot->key = k;
    slot->gen = ctx->generation;
    slot->used = ++cache_tick;

    int field = q->sort_field == SF_NONE ? -1 : q->sort_field;
    const uint32_t *order = field >= 0 ? sorted_index(ctx, field) : NULL;
    char *visible = malloc((size_t)ctx->tenant_name_count + 1);
    int all_visible = 1;
    for (int t = 0; t <= ctx->tenant_name_count; t++) {
        visible[t] = (char)ctx->tenant_visible(
            ctx, req->conn, t < ctx->tenant_name_count ? ctx->tenant_names[t] : "");
        all_visible &= visible[t];
    }
    if (!has_filters(q) && all_visible && order) {
        slot->idx = (uint32_t *)order; /* the index itself: nothing to copy */
        slot->n = cs->asset_n;
        slot->owned = 0;
        free(visible);
        return slot;
    }
    unsigned char *related = NULL;
    if (q->incidents) {
        related = calloc(cs->asset_n ? cs->asset_n : 1, 1);
        for (size_t i = 0; i < json_object_array_length(q->incidents); i++) {
            long n = incident_find(
                cs, json_object_get_string(json_object_array_get_idx(q->incidents, i)));
            const incident *inc = n >= 0 ? cs->incidents[n] : NULL;
            for (size_t h = 0; inc && h < inc->host_count; h++)
                related[inc->hosts[h]] = 1;
        }
    }
    slot->idx = malloc((cs->asset_n ? cs->asset_n : 1) * sizeof(uint32_t));
    slot->owned = 1;
    slot->n = 0;
    for (size_t i = 0; i < cs->asset_n; i++) {
        uint32_t ai = order ? order[i] : (uint32_t)i;
        if (matches(ctx, q, &cs->assets[ai], visible, related))
            slot->idx[slot->n++] = ai;
    }
    free(related);
    free(visible);
    return slot;
}

static void assets_count(sbx_request *req, sbx_reply *rep)
{
    asset_query q;
    if (parse_query(req, rep, &q, 0, 0) != 0)
        return;
    const list_cache *c = run_query(req, &q);
    sbuf b = {0};
    sb_puts(&b, "{\"count\":");
    sb_int(&b, (int64_t)c->n);
    sb_putc(&b, '}');
    sbx_reply_json_text(rep, 200, b.data, b.len);
}

static void assets_list(sbx_request *req, sbx_reply *rep)
{
    asset_query q;
    if (parse_query(req, rep, &q, 1, 0) != 0)
        return;
    const list_cache *c = run_query(req, &q);
    size_t total = c->n < RESULT_CAP ? c->n : RESULT_CAP; /* the per-query cap */
    size_t start = (size_t)((q.page - 1) * q.page_size);
    size_t end = start + (size_t)q.page_size;
    if (start > total || q.page - 1 > RESULT_CAP)
        start = total;
    if (end > total)
        end = total;
    sbuf b = {0};
    sb_reserve(&b, (end - start) * 900 + 2);
    sb_putc(&b, '[');
    core_state *cs = core_of(req->ctx);
    for (size_t i = start; i < end; i++) {
        /* descending = the ascending result read from the end */
        size_t pos = q.sort_desc ? c->n - 1 - i : i;
        if (i > start)
            sb_putc(&b, ',');
        write_asset(&b, req->ctx, &cs->assets[c->idx[pos]], q.version, q.mask);
    }
    sb_putc(&b, ']');
    sbx_reply_json_text(rep, 200, b.data, b.len);
}

static void assets_details(sbx_request *req, sbx_reply *rep)
{
    asset_query q;
    if (parse_query(req, rep, &q, 0, 1) != 0)
        return;
    const char *id = NULL;
    if (sbx_body_string(req, rep, "asset_id", &id) < 0)
        return;
    if (!id || !*id || strlen(id) > 50) {
        sbx_reply_error(rep, 400, "invalid_parameter",
                        "asset_id is required and has at most 50 characters");
        return;
    }
    core_state *cs = core_of(req->ctx);
    long i = asset_find(cs, id);
    if (i >= 0 &&
        !req->ctx->tenant_visible(req->ctx, req->conn, asset_tenant_name(req->ctx, &cs->assets[i])))
        i = -1; /* another tenant's asset does not exist for this caller */
    if (i < 0) {
        sbx_reply_error(rep, 404, "not_found", "no asset %s", id);
        return;
    }
    sbuf b = {0};
    write_asset(&b, req->ctx, &cs->assets[i], q.version, q.mask);
    sbx_reply_json_text(rep, 200, b.data, b.len);
}

/* The cache lives in the core state (ctx->core) but only this file knows it: its module
 * frees it at the end, before the core's state goes. */
static void assets_cache_free(sbx_ctx *ctx)
{
    core_state *cs = core_of(ctx);
    for (int i = 0; cs->caches && i < CACHE_SLOTS; i++) {
        if (cs->caches[i].owned)
            free(cs->caches[i].idx);
        free(cs->caches[i].key);
    }
    free(cs->caches);
    cs->caches = NULL;
}

/* Admin: POST /admin/assets/touch {"fraction": 0.01} or {"count": N}. N assets, spread
 * evenly over the seed order (the same ones for the same N: repeatable figures), report now:
 * last_seen moves to the sandbox clock and the status changes (OK -> WARNING, any other ->
 * OK), so an incremental sync has real changes to fetch. In memory only: --state does not
 * keep it (assets are regenerated from the seed). */
static void admin_assets_touch(sbx_request *req, sbx_reply *rep)
{
    core_state *cs = core_of(req->ctx);
    int64_t count = -1;
    json_object *fraction = NULL;
    int hc = sbx_body_int64(req, rep, "count", &count);
    if (hc < 0)
        return;
    int hf = req->json && json_object_object_get_ex(req->json, "fraction", &fraction) &&
             fraction != NULL;
    if (hf && !json_object_is_type(fraction, json_type_double) &&
        !json_object_is_type(fraction, json_type_int))
        hf = -1;
    double f = hf == 1 ? json_object_get_double(fraction) : 0;
    if (hc + (hf != 0) != 1 || hf < 0 || (hf && (f < 0 || f > 1)) ||
        (hc && (count < 0 || count > (int64_t)cs->asset_n))) {
        sbx_reply_error(rep, 400, "invalid_parameter",
                        "give exactly one of fraction (0 to 1) or count (0 to %zu)", cs->asset_n);
        return;
    }
    if (hf)
        count = (int64_t)(f * (double)cs->asset_n + 0.5);
    int64_t now = sbx_now_ms(req->ctx);
    for (int64_t j = 0; j < count; j++) {
        asset *a = &cs->assets[(size_t)(j * (int64_t)cs->asset_n / count)];
        a->last_seen = now;
        a->status = a->status == 0 ? 1 : 0; /* asset_status_names: OK = 0, WARNING = 1 */
    }
    if (count) {
        /* the orders that depend on what changed are rebuilt on the next query */
        static const int stale[] = {SF_LAST_SEEN, SF_STATUS};
        for (size_t i = 0; i < sizeof stale / sizeof stale[0]; i++) {
            free(cs->sort_index[stale[i]]);
            cs->sort_index[stale[i]] = NULL;
        }
        sbx_touch(req->ctx); /* cached result lists are stale */
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "touched", json_object_new_int64(count));
    json_object_object_add(o, "now_ms", json_object_new_int64(now));
    sbx_reply_json(rep, 200, o);
}

static const sbx_module assets_module = {
    .name = "assets", .init = NULL, .save = NULL, .load = NULL, .fini = assets_cache_free};

void api_register_assets(sbx_router *r)
{
    sbx_add_module(r, &assets_module); /* no state to keep: fini only */
    sbx_route(r, "POST", "/admin/assets/touch", SBX_AUTH_ADMIN, SBX_BODY_JSON, admin_assets_touch);
    sbx_route(r, "POST", "/api/v1/{client_id}/assets/count", SBX_AUTH_ACCESS, SBX_BODY_JSON,
              assets_count);
    sbx_route(r, "POST", "/api/v1/{client_id}/assets/list", SBX_AUTH_ACCESS, SBX_BODY_JSON,
              assets_list);
    sbx_route(r, "POST", "/api/v1/{client_id}/assets/details", SBX_AUTH_ACCESS, SBX_BODY_JSON,
              assets_details);
}
