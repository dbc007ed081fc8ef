/* health/csv.c — the two lists as CSV with localized headers, row by row from SQLite into the
 * module's one CSV writer (csv_writer.h: RFC 4180, the formula guard, output in blocks), so
 * the export never holds more than one block of the file. */
#include "core/csv_writer.h"
#include "health.h"
#include "core/i18n.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- the lists as CSV */

typedef struct export_ctx {
    mdr_csv *csv;
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
    mdr_csv *c = x->csv;
    mdr_csv_text(c, col(row, 1));
    mdr_csv_text(c, health_status_title(x->lang, status));
    mdr_csv_text(c, problems);
    mdr_csv_text(c, sqlite3_column_int(row, 12) ? yes : no);
    mdr_csv_text(c, edr ? yes : no);
    mdr_csv_text(c, last);
    mdr_csv_text(c, first);
    mdr_csv_text(c, col(row, 6));
    mdr_csv_text(c, col(row, 2));
    mdr_csv_text(c, col(row, 3));
    mdr_csv_text(c, col(row, 4));
    mdr_csv_text(c, col(row, 14));
    mdr_csv_text(c, sqlite3_column_int(row, 10) ? yes : no);
    mdr_csv_text(c, col(row, 0));
    mdr_csv_text(c, col(row, 5));
    mdr_csv_end_row(c);
    return c->status == KSC_OK ? 0 : 2;
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
    mdr_csv *c = x->csv;
    mdr_csv_text(c, col(row, 1));
    mdr_csv_text(c, col(row, 7));
    mdr_csv_text(c, state >= 0 && state < HEALTH_STATE_COUNT
                        ? health_state_title(x->lang, health_state_names[state])
                        : "");
    mdr_csv_text(c, col(row, 3));
    mdr_csv_text(c, critical);
    mdr_csv_text(c, col(row, 4));
    mdr_csv_text(c, col(row, 2));
    mdr_csv_text(c, col(row, 0));
    mdr_csv_end_row(c);
    return c->status == KSC_OK ? 0 : 2;
}

int health_export_csv(sqlite3 *db, const health_query *q, const char *lang, ksc_output *out,
                      const char *file_name)
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
    mdr_csv *csv = malloc(sizeof *csv);
    if (!csv)
        return -2;
    if (mdr_csv_begin(csv, out, file_name) != KSC_OK) {
        free(csv);
        return -2;
    }
    const char *const *h = q->list == HEALTH_ASSETS ? asset_headers : device_headers;
    for (int i = 0; h[i]; i++)
        mdr_csv_text(csv, mdr_tr(lang, h[i]));
    mdr_csv_end_row(csv);
    export_ctx x = {csv, lang};
    int rc = health_query_rows(db, q, 1, q->list == HEALTH_ASSETS ? asset_row : device_row, &x);
    if (rc == 0 && mdr_csv_finish(csv) != KSC_OK)
        rc = 2;
    free(csv);
    return rc == 0 ? 0 : rc == 2 ? -2 : -1;
}
