/* health_csv.c — RFC 4180 CSV (CRLF records; a field with a comma, quote, CR or LF is quoted,
 * quotes doubled), UTF-8, written through the host's ksc_output in fixed-size chunks: the
 * export never holds more than one buffer of the file. */
#include "health.h"
#include "i18n.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct health_csv {
    ksc_output *out;
    char *buf;
    size_t len, cap;
    int fields; /* in the current record */
    int failed;
};

health_csv *health_csv_new(ksc_output *out, size_t buffer_size)
{
    health_csv *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->cap = buffer_size < 64 ? 64 : buffer_size;
    c->buf = malloc(c->cap);
    if (!c->buf) {
        free(c);
        return NULL;
    }
    c->out = out;
    return c;
}

static int flush(health_csv *c)
{
    if (c->failed)
        return -1;
    if (c->len && c->out->write(c->out->ctx, c->buf, c->len) != KSC_OK)
        c->failed = 1;
    c->len = 0;
    return c->failed ? -1 : 0;
}

static int put(health_csv *c, const char *s, size_t n)
{
    while (n) {
        if (c->len == c->cap && flush(c) != 0)
            return -1;
        size_t k = c->cap - c->len < n ? c->cap - c->len : n;
        memcpy(c->buf + c->len, s, k);
        c->len += k;
        s += k;
        n -= k;
    }
    return c->failed ? -1 : 0;
}

int health_csv_field(health_csv *c, const char *text)
{
    if (!text)
        text = "";
    if (c->fields++ && put(c, ",", 1) != 0)
        return -1;
    if (!text[strcspn(text, ",\"\r\n")])
        return put(c, text, strlen(text));
    if (put(c, "\"", 1) != 0)
        return -1;
    for (const char *p = text; *p;) {
        const char *q = strchr(p, '"');
        size_t n = q ? (size_t)(q - p + 1) : strlen(p);
        if (put(c, p, n) != 0 || (q && put(c, "\"", 1) != 0))
            return -1;
        p += n;
    }
    return put(c, "\"", 1);
}

int health_csv_end_record(health_csv *c)
{
    c->fields = 0;
    return put(c, "\r\n", 2);
}

int health_csv_finish(health_csv *c)
{
    int rc = flush(c);
    free(c->buf);
    free(c);
    return rc;
}

void health_csv_abort(health_csv *c)
{
    if (c) {
        free(c->buf);
        free(c);
    }
}

/* ---- the lists as CSV */

typedef struct export_ctx {
    health_csv *csv;
    const char *lang;
} export_ctx;

static const char *col(sqlite3_stmt *row, int i)
{
    const unsigned char *s = sqlite3_column_text(row, i);
    return s ? (const char *)s : "";
}

/* ISO 8601 UTC, what spreadsheets read as a time. */
static void iso_time(int64_t ms, char *out, size_t size)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (ms <= 0 || !gmtime_r(&t, &tm) || !strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, size, "%s", "");
}

/* A stored JSON array of strings → "a; b". */
static void joined(const char *stored, char *out, size_t size)
{
    out[0] = '\0';
    json_object *a = json_tokener_parse(stored);
    size_t n = a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(out);
        snprintf(out + l, size - l, "%s%s", i ? "; " : "",
                 json_object_get_string(json_object_array_get_idx(a, i)));
    }
    json_object_put(a);
}

static int asset_row(void *ctx, sqlite3_stmt *row)
{
    export_ctx *x = ctx;
    char first[32], last[32], problems[1024];
    int status = sqlite3_column_int(row, 7);
    iso_time(sqlite3_column_int64(row, 8), first, sizeof first);
    iso_time(sqlite3_column_int64(row, 9), last, sizeof last);
    if (status <= 2)
        joined(col(row, 11), problems, sizeof problems);
    else
        problems[0] = '\0';
    const char *yes = mdr_tr(x->lang, "health.yes"), *no = mdr_tr(x->lang, "health.no");
    int edr = sqlite3_column_int(row, 15);
    health_csv *c = x->csv;
    health_csv_field(c, col(row, 1));
    health_csv_field(c, health_status_title(x->lang, status));
    health_csv_field(c, problems);
    health_csv_field(c, sqlite3_column_int(row, 12) ? yes : no);
    health_csv_field(c, edr ? yes : no);
    health_csv_field(c, last);
    health_csv_field(c, first);
    health_csv_field(c, col(row, 6));
    health_csv_field(c, col(row, 2));
    health_csv_field(c, col(row, 3));
    health_csv_field(c, col(row, 4));
    health_csv_field(c, col(row, 14));
    health_csv_field(c, sqlite3_column_int(row, 10) ? yes : no);
    health_csv_field(c, col(row, 0));
    health_csv_field(c, col(row, 5));
    return health_csv_end_record(c) == 0 ? 0 : 2;
}

static int device_row(void *ctx, sqlite3_stmt *row)
{
    export_ctx *x = ctx;
    char critical[2048] = "";
    json_object *a = json_tokener_parse(col(row, 8));
    size_t n = a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(a, i), *v;
        const char *name =
            json_object_object_get_ex(e, "name", &v) ? json_object_get_string(v) : "";
        const char *state =
            json_object_object_get_ex(e, "state", &v) ? json_object_get_string(v) : "";
        int self_defense =
            json_object_object_get_ex(e, "self_defense", &v) && json_object_get_boolean(v);
        size_t l = strlen(critical);
        snprintf(critical + l, sizeof critical - l, "%s%s: %s", i ? "; " : "",
                 self_defense ? mdr_tr(x->lang, "health.self_defense") : name,
                 self_defense ? mdr_tr(x->lang, "health.disabled")
                              : health_state_title(x->lang, state));
    }
    json_object_put(a);
    int state = sqlite3_column_int(row, 5);
    health_csv *c = x->csv;
    health_csv_field(c, col(row, 1));
    health_csv_field(c, col(row, 7));
    health_csv_field(c, state >= 0 && state < HEALTH_STATE_COUNT
                            ? health_state_title(x->lang, health_state_names[state])
                            : "");
    health_csv_field(c, col(row, 3));
    health_csv_field(c, critical);
    health_csv_field(c, col(row, 4));
    health_csv_field(c, col(row, 2));
    health_csv_field(c, col(row, 0));
    return health_csv_end_record(c) == 0 ? 0 : 2;
}

int health_export_csv(sqlite3 *db, const health_query *q, const char *lang, ksc_output *out)
{
    static const char *const asset_headers[] = {
        "health.col.host_name",   "health.col.status",
        "health.col.problems",    "health.col.telemetry_loss",
        "health.col.edr_agent",   "health.col.last_seen",
        "health.col.first_seen",  "health.col.tenant",
        "health.col.domain",      "health.col.os_version",
        "health.col.product",     "health.col.ksc_server",
        "health.col.isolated",    "health.col.asset_id",
        "health.col.ksc_host_id", NULL};
    static const char *const device_headers[] = {
        "health.col.host_name",  "health.col.epp",       "health.col.mdr_state",
        "health.col.ksc_server", "health.col.critical",  "health.col.tenant",
        "health.col.group",      "health.col.device_id", NULL};
    health_csv *csv = health_csv_new(out, 64 * 1024);
    if (!csv)
        return -2;
    const char *const *h = q->list == HEALTH_ASSETS ? asset_headers : device_headers;
    for (int i = 0; h[i]; i++)
        health_csv_field(csv, mdr_tr(lang, h[i]));
    health_csv_end_record(csv);
    export_ctx x = {csv, lang};
    int rc = health_query_rows(db, q, 1, q->list == HEALTH_ASSETS ? asset_row : device_row, &x);
    if (rc != 0) {
        health_csv_abort(csv);
        return rc == 2 ? -2 : -1;
    }
    return health_csv_finish(csv) == 0 ? 0 : -2;
}
