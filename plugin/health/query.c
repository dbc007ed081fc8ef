/* health/query.c — the two lists' parameters (validated) and their SQL: every filter is a
 * bound parameter, every sort an indexed column with the rowid as the tie-breaker, so pages
 * are stable and a count always equals the rows paged through. */
#include "health.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const health_status_codes[HEALTH_STATUS_COUNT + 1] = {"CRITICAL", "WARNING", "OK",
                                                                  "ABSENT",   "OFFLINE", NULL};
const char *const health_state_names[HEALTH_STATE_COUNT + 1] = {
    "Unknown", "Stopped",       "Paused",     "Starting", "Running",
    "Failed",  "Not installed", "No license", NULL};

int health_status_index(const char *code)
{
    for (int i = 0; code && i < HEALTH_STATUS_COUNT; i++)
        if (strcmp(health_status_codes[i], code) == 0)
            return i;
    return -1;
}

int health_state_index(const char *name)
{
    for (int i = 0; name && i < HEALTH_STATE_COUNT; i++)
        if (strcmp(health_state_names[i], name) == 0)
            return i;
    return -1;
}

int health_state_color(const char *state)
{
    static const char *const yellow[] = {"Paused", "Starting", "Unknown", NULL};
    static const char *const red[] = {"Stopped", "Failed", "No license", "Not installed", NULL};
    for (int i = 0; state && yellow[i]; i++)
        if (strcmp(state, yellow[i]) == 0)
            return 1;
    for (int i = 0; state && red[i]; i++)
        if (strcmp(state, red[i]) == 0)
            return 2;
    return state && strcmp(state, "Running") == 0 ? 0 : 1; /* an unknown word: not "fine" */
}

int health_problem_is_telemetry_loss(const char *problem)
{
    char lc[256];
    health_lower(problem ? problem : "", lc, sizeof lc);
    return strstr(lc, "telemetry") && (strstr(lc, "loss") || strstr(lc, "lost"));
}

/* ---- sort columns: public name → SQL column */

static const char *const asset_sorts[] = {"host_name",  "domain",   "status",     "last_seen",
                                          "first_seen", "tenant",   "os_version", "product",
                                          "ksc_server", "isolated", NULL};
static const char *const asset_sort_sql[] = {"host_lc",    "domain",  "status",     "last_seen",
                                             "first_seen", "tenant",  "os_version", "product",
                                             "ksc_server", "isolated"};
static const char *const device_sorts[] = {"host_name", "epp",      "mdr_state", "ksc_server",
                                           "tenant",    "critical", NULL};
static const char *const device_sort_sql[] = {"name_lc", "epp",    "mdr_state",
                                              "server",  "tenant", "severity"};
/* The index each sort walks (resources/sql/003_health.sql), by sort column. */
static const char *const asset_sort_index[] = {
    "health_assets_host",      "health_assets_domain",     "health_assets_status",
    "health_assets_last_seen", "health_assets_first_seen", "health_assets_tenant",
    "health_assets_os",        "health_assets_product",    "health_assets_server",
    "health_assets_isolated"};
static const char *const device_sort_index[] = {"health_devices_name",   "health_devices_epp",
                                                "health_devices_state",  "health_devices_server",
                                                "health_devices_tenant", "health_devices_severity"};

const char *const *health_sort_columns(health_list list)
{
    return list == HEALTH_ASSETS ? asset_sorts : device_sorts;
}

static const char *const STATUS_CHOICES[] = {"CRITICAL", "WARNING", "OK",
                                             "ABSENT",   "OFFLINE", NULL};
static const char *const PRESETS[] = {HEALTH_PRESET_INSTALLED, HEALTH_PRESET_NO_LICENSE, NULL};

const mdr_field health_list_fields[] = {
    {.name = "search", .type = MDR_FIELD_STRING, .max_len = 200},
    {.name = "statuses", .type = MDR_FIELD_ARRAY, .max_len = HEALTH_STATUS_COUNT},
    {.name = "mdr_states", .type = MDR_FIELD_ARRAY, .max_len = HEALTH_STATE_COUNT},
    {.name = "preset", .type = MDR_FIELD_ENUM, .choices = PRESETS},
    {.name = "last_seen", .type = MDR_FIELD_OBJECT},
    {.name = "sort", .type = MDR_FIELD_STRING, .max_len = 64},
    {.name = "page", .type = MDR_FIELD_INT, .min = 1, .max = 100000000},
    {.name = "page_size", .type = MDR_FIELD_INT, .min = 1, .max = HEALTH_PAGE_SIZE_MAX},
    {0}};

static const mdr_field PERIOD_FIELDS[] = {
    {.name = "days", .type = MDR_FIELD_INT, .min = 1, .max = 365},
    {.name = "from", .type = MDR_FIELD_INT, .min = 0, .max = 253402300799999},
    {.name = "to", .type = MDR_FIELD_INT, .min = 0, .max = 253402300799999},
    {.name = "all", .type = MDR_FIELD_BOOL},
    {0}};

static int fail(mdr_request_error *e, const char *code, const char *field)
{
    e->code = code;
    e->details = json_object_new_object();
    json_object_object_add(e->details, "field", json_object_new_string(field));
    return -1;
}

/* not_allowed with {allowed}: the choices, each followed by `suffix`. */
static int fail_choices_sfx(mdr_request_error *e, const char *field, const char *const *choices,
                            const char *suffix)
{
    fail(e, "not_allowed", field);
    char allowed[600] = "";
    for (int i = 0; choices[i]; i++) {
        size_t n = strlen(allowed);
        snprintf(allowed + n, sizeof allowed - n, "%s%s%s", i ? ", " : "", choices[i], suffix);
    }
    json_object_object_add(e->details, "allowed", json_object_new_string(allowed));
    return -1;
}

static int fail_choices(mdr_request_error *e, const char *field, const char *const *choices)
{
    return fail_choices_sfx(e, field, choices, "");
}

/* A bit mask from an array of names; -1 with err on a non-string or unknown element. */
static int names_mask(json_object *arr, const char *field, const char *const *names, unsigned *mask,
                      mdr_request_error *e)
{
    *mask = 0;
    size_t n = json_object_array_length(arr);
    for (size_t i = 0; i < n; i++) {
        json_object *v = json_object_array_get_idx(arr, i);
        char name[64];
        snprintf(name, sizeof name, "%s[%zu]", field, i);
        if (!json_object_is_type(v, json_type_string)) {
            fail(e, "wrong_type", name);
            json_object_object_add(e->details, "expected", json_object_new_string("string"));
            return -1;
        }
        int k = 0;
        while (names[k] && strcmp(names[k], json_object_get_string(v)) != 0)
            k++;
        if (!names[k])
            return fail_choices(e, name, names);
        *mask |= 1u << k;
    }
    return 0;
}

/* Appends the lower-case form of one code point; covers ASCII, Latin-1, Greek and Cyrillic
 * (the console's languages); other characters are kept as they are. */
static size_t put_lower(unsigned cp, char *out)
{
    if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) ||
        (cp >= 0x391 && cp <= 0x3A9) || (cp >= 0x410 && cp <= 0x42F))
        cp += 0x20;
    else if (cp >= 0x400 && cp <= 0x40F)
        cp += 0x50;
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t health_lower(const char *in, char *out, size_t out_size)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t o = 0;
    while (*s && o + 5 < out_size) {
        unsigned cp = *s, len = 1;
        if (cp >= 0xF0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 && (s[3] & 0xC0) == 0x80) {
            cp =
                ((cp & 7u) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3Fu);
            len = 4;
        } else if (cp >= 0xE0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
            cp = ((cp & 0xFu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
            len = 3;
        } else if (cp >= 0xC0 && (s[1] & 0xC0) == 0x80) {
            cp = ((cp & 0x1Fu) << 6) | (s[1] & 0x3Fu);
            len = 2;
        }
        o += put_lower(cp, out + o);
        s += len;
    }
    out[o] = '\0';
    return o;
}

static int parse_period(json_object *obj, int64_t now_ms, health_query *q, mdr_request_error *e)
{
    static const int presets[] = {1, 7, 30, 90, 180, 365};
    if (mdr_request_validate_object(obj, PERIOD_FIELDS, "last_seen.", e) != 0)
        return -1;
    int has_days = json_object_object_get_ex(obj, "days", NULL);
    int has_from = json_object_object_get_ex(obj, "from", NULL);
    int has_to = json_object_object_get_ex(obj, "to", NULL);
    int all = mdr_req_bool(obj, "all", 0);
    if (has_days + (has_from || has_to) + all != 1)
        return fail(e, "invalid_value", "last_seen");
    if (has_days) {
        int64_t d = mdr_req_int(obj, "days", 30);
        int ok = 0;
        for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
            ok |= presets[i] == d;
        if (!ok) {
            static const char *const days[] = {"1", "7", "30", "90", "180", "365", NULL};
            return fail_choices(e, "last_seen.days", days);
        }
        q->from_ms = now_ms - d * 86400000LL;
    } else if (!all) {
        q->from_ms = mdr_req_int(obj, "from", INT64_MIN);
        q->to_ms = mdr_req_int(obj, "to", INT64_MAX);
        if (q->from_ms > q->to_ms)
            return fail(e, "invalid_value", "last_seen");
    }
    return 0;
}

int health_query_from_json(json_object *req, health_list list, int64_t now_ms, health_query *q,
                           mdr_request_error *e)
{
    memset(q, 0, sizeof *q);
    e->code = NULL;
    e->details = NULL;
    q->list = list;
    q->from_ms = INT64_MIN;
    q->to_ms = INT64_MAX;
    q->page = mdr_req_int(req, "page", 1);
    q->page_size = mdr_req_int(req, "page_size", HEALTH_PAGE_SIZE_DEFAULT);
    health_lower(mdr_req_string(req, "search", ""), q->search, sizeof q->search);

    json_object *v;
    if (list == HEALTH_ASSETS) {
        static const char *const other[] = {"mdr_states", "preset", NULL};
        for (int i = 0; other[i]; i++)
            if (json_object_object_get_ex(req, other[i], NULL))
                return fail(e, "unknown_field", other[i]);
        if (json_object_object_get_ex(req, "statuses", &v) &&
            names_mask(v, "statuses", STATUS_CHOICES, &q->status_mask, e) != 0)
            return -1;
        if (json_object_object_get_ex(req, "last_seen", &v)) {
            if (parse_period(v, now_ms, q, e) != 0)
                return -1;
        } else {
            q->from_ms = now_ms - HEALTH_DEFAULT_PERIOD_DAYS * 86400000LL;
        }
    } else {
        static const char *const other[] = {"statuses", "last_seen", NULL};
        for (int i = 0; other[i]; i++)
            if (json_object_object_get_ex(req, other[i], NULL))
                return fail(e, "unknown_field", other[i]);
        int has_states = json_object_object_get_ex(req, "mdr_states", &v);
        if (has_states && names_mask(v, "mdr_states", health_state_names, &q->state_mask, e) != 0)
            return -1;
        const char *preset = mdr_req_string(req, "preset", NULL);
        if (preset && strcmp(preset, HEALTH_PRESET_INSTALLED) != 0 &&
            strcmp(preset, HEALTH_PRESET_NO_LICENSE) != 0)
            return fail_choices(e, "preset", PRESETS);
        if (preset && has_states)
            return fail(e, "invalid_value", "preset");
        if (preset && strcmp(preset, HEALTH_PRESET_INSTALLED) == 0)
            for (int i = 0; i < HEALTH_STATE_COUNT; i++) {
                const char *s = health_state_names[i];
                if (strcmp(s, "Not installed") != 0 && strcmp(s, "No license") != 0)
                    q->state_mask |= 1u << i;
            }
        else if (preset)
            q->state_mask = 1u << health_state_index("No license");
    }

    const char *sort = mdr_req_string(req, "sort", NULL);
    const char *const *cols = health_sort_columns(list);
    if (!sort) {
        q->sort = list == HEALTH_ASSETS ? 3 : 0; /* last_seen:desc, host_name:asc */
        q->desc = list == HEALTH_ASSETS;
    } else {
        const char *colon = strchr(sort, ':');
        size_t n = colon ? (size_t)(colon - sort) : strlen(sort);
        int k = 0;
        while (cols[k] && !(strlen(cols[k]) == n && strncmp(cols[k], sort, n) == 0))
            k++;
        const char *dir = colon ? colon + 1 : "asc";
        if (!cols[k] || (strcmp(dir, "asc") != 0 && strcmp(dir, "desc") != 0))
            return fail_choices_sfx(e, "sort", cols, ":asc|desc");
        q->sort = k;
        q->desc = strcmp(dir, "desc") == 0;
    }
    return 0;
}

void health_query_clear(health_query *q)
{
    free(q->visible_tenants);
    q->visible_tenants = NULL;
}

/* ---- SQL */

#define ASSET_COLUMNS                                                                              \
    "asset_id, host_name, domain, os_version, product, ksc_host_id, tenant, status, first_seen, "  \
    "last_seen, isolated, problems, telemetry_loss, device_name, ksc_server, edr_agent"
#define DEVICE_COLUMNS                                                                             \
    "device_id, name, grp, server, tenant, mdr_state, self_defense, epp, critical, severity, "     \
    "edr_agent"

typedef struct sql_text {
    char s[2048];
    size_t n;
} sql_text;

static void put(sql_text *t, const char *s)
{
    size_t l = strlen(s);
    if (t->n + l < sizeof t->s) {
        memcpy(t->s + t->n, s, l + 1);
        t->n += l;
    }
}

/* "prefix 0,2)" from a bit mask: the planner can use the column's index for IN. */
static void put_in(sql_text *t, const char *prefix, unsigned mask)
{
    put(t, prefix);
    const char *sep = "";
    for (int i = 0; i < 32; i++)
        if (mask & (1u << i)) {
            char num[16];
            snprintf(num, sizeof num, "%s%d", sep, i);
            put(t, num);
            sep = ",";
        }
    put(t, ")");
}

/* WHERE clause with ?1.. in a fixed order: bind_filters binds the same order. */
static void where_clause(sql_text *t, const health_query *q)
{
    if (q->list == HEALTH_ASSETS) {
        put(t, " WHERE 1");
        if (q->from_ms != INT64_MIN)
            put(t, " AND last_seen >= ?1");
        if (q->to_ms != INT64_MAX)
            put(t, " AND last_seen <= ?2");
        if (q->status_mask)
            put_in(t, " AND status IN (", q->status_mask);
        if (q->search[0])
            put(t, " AND instr(host_lc, ?4) > 0");
        if (q->visible_tenants)
            put(t, " AND tenant IN (SELECT value FROM json_each(?5))");
        if (q->server[0])
            put(t, " AND ksc_server = ?6");
    } else {
        put(t, " WHERE has_asset = 0");
        if (q->state_mask)
            put_in(t, " AND mdr_state IN (", q->state_mask);
        if (q->search[0])
            put(t, " AND instr(name_lc, ?4) > 0");
        if (q->visible_tenants)
            put(t, " AND tenant IN (SELECT value FROM json_each(?5))");
        if (q->server[0])
            put(t, " AND server = ?6");
    }
}

static void bind_filters(sqlite3_stmt *st, const health_query *q)
{
    if (q->list == HEALTH_ASSETS) {
        if (q->from_ms != INT64_MIN)
            sqlite3_bind_int64(st, 1, q->from_ms);
        if (q->to_ms != INT64_MAX)
            sqlite3_bind_int64(st, 2, q->to_ms);
    }
    if (q->server[0])
        sqlite3_bind_text(st, 6, q->server, -1, SQLITE_STATIC);
    if (q->search[0])
        sqlite3_bind_text(st, 4, q->search, -1, SQLITE_STATIC);
    if (q->visible_tenants)
        sqlite3_bind_text(st, 5, q->visible_tenants, -1, SQLITE_STATIC);
}

int health_query_count(sqlite3 *db, const health_query *q, int64_t *count)
{
    sql_text t = {.n = 0};
    put(&t, q->list == HEALTH_ASSETS ? "SELECT count(*) FROM health_assets"
                                     : "SELECT count(*) FROM health_devices");
    /* A search's count over a period: (last_seen, host_lc) answers it from the index alone;
     * left to itself the planner may pick a sort index and read every row (~100 ms at
     * 100,000 assets instead of a few). */
    if (q->list == HEALTH_ASSETS && q->search[0] && q->from_ms != INT64_MIN)
        put(&t, " INDEXED BY health_assets_last_seen");
    where_clause(&t, q);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, t.s, -1, &st, NULL) != SQLITE_OK)
        return -1;
    bind_filters(st, q);
    int rc = sqlite3_step(st);
    *count = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* The rows' SELECT. Every sort walks its column's index (INDEXED BY): rows come in order
 * and a page stops after its rows. Left to itself the planner took a filter's index when the
 * filter looked selective (CRITICAL+WARNING: ~20,000 of 100,000 rows) and sorted them all
 * for every page (60 ms instead of 1 ms); a test checks every page's plan. */
static void rows_sql(sql_text *t, const health_query *q, int all)
{
    const char *dir = q->desc ? " DESC" : "";
    if (q->list == HEALTH_ASSETS) {
        put(t, "SELECT " ASSET_COLUMNS " FROM health_assets INDEXED BY ");
        put(t, asset_sort_index[q->sort]);
        where_clause(t, q);
        put(t, " ORDER BY ");
        put(t, asset_sort_sql[q->sort]);
        put(t, dir);
        /* the second column of the sort's index: rows in index order need no sorting */
        put(t, q->sort == 3 ? ", host_lc" : ", last_seen");
    } else {
        put(t, "SELECT " DEVICE_COLUMNS " FROM health_devices INDEXED BY ");
        put(t, device_sort_index[q->sort]);
        where_clause(t, q);
        put(t, " ORDER BY ");
        put(t, device_sort_sql[q->sort]);
    }
    put(t, dir);
    put(t, ", id");
    put(t, dir);
    if (!all)
        put(t, " LIMIT ?7 OFFSET ?8");
}

int health_query_plan(sqlite3 *db, const health_query *q, char *out, size_t out_size)
{
    sql_text t = {.n = 0};
    put(&t, "EXPLAIN QUERY PLAN ");
    rows_sql(&t, q, 0);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, t.s, -1, &st, NULL) != SQLITE_OK)
        return -1;
    bind_filters(st, q);
    size_t n = 0;
    int rc;
    out[0] = '\0';
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < out_size)
        n += (size_t)snprintf(out + n, out_size - n, "%s\n", sqlite3_column_text(st, 3));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

int health_query_rows(sqlite3 *db, const health_query *q, int all, health_row_fn fn, void *ctx)
{
    sql_text t = {.n = 0};
    rows_sql(&t, q, all);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, t.s, -1, &st, NULL) != SQLITE_OK)
        return -1;
    bind_filters(st, q);
    if (!all) {
        sqlite3_bind_int64(st, 7, q->page_size);
        sqlite3_bind_int64(st, 8, (q->page - 1) * q->page_size);
    }
    int rc, result = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if ((result = fn(ctx, st)) != 0)
            break;
    sqlite3_finalize(st);
    if (result)
        return result;
    return rc == SQLITE_DONE ? 0 : -1;
}
