/* reports/actions.c — report delivery schedules (help: "Setting up regular report delivery
 * in MDR Web Console"; area Incident summary scheduling, MDR Administrator):
 * mdr.reports.list, .create, .update, .enable, .delete. A schedule sends the incident summary
 * of one tenant or of all tenants, by unencrypted email, on a weekday or every day at HH:MM
 * UTC; each answer also shows the caller's local time and the period the next report covers.
 * Rules: rules.c; tenants the caller may see: core/tenant_access; cloud calls:
 * docs/cloud-api.md "Report schedules". Reference: docs/actions/reports.md. */
#include "core/actions.h"
#include "core/cloud_codes.h"
#include "core/i18n.h"
#include "core/json_get.h"
#include "core/module.h"
#include "core/reply.h"
#include "core/request.h"
#include "core/store.h"
#include "core/tenant_access.h"
#include "core/utc_date.h"
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const DAYS[] = {"monday",   "tuesday", "wednesday", "thursday", "friday",
                                   "saturday", "sunday",  "every_day", NULL};

static const mdr_cloud_code_map REPORT_CODES[] = {
    {"acknowledgement_required", KSC_ERR_INVALID, "reports_acknowledgement_required"},
    {"invalid_name", KSC_ERR_INVALID, "reports_name_invalid"},
    {"invalid_email", KSC_ERR_INVALID, "reports_emails_required"},
    {"invalid_time", KSC_ERR_INVALID, "reports_time_invalid"},
    {"schedule_limit", KSC_ERR_CONFLICT, "reports_limit"},
    {"tenant_schedule_limit", KSC_ERR_CONFLICT, "reports_tenant_limit"},
    {"tenant_not_found", KSC_ERR_NOT_FOUND, "tenant_not_found"},
    {"schedule_not_found", KSC_ERR_NOT_FOUND, "reports_schedule_not_found"},
    {NULL, 0, NULL}};

/* What one action works from: the cloud's schedules and tenants, the caller's store. */
typedef struct reports_ctx {
    json_object *schedules, *tenants;
    sqlite3 *db;
    int restricted;
} reports_ctx;

static void ctx_free(reports_ctx *c)
{
    json_object_put(c->schedules);
    json_object_put(c->tenants);
}

static ksc_status ctx_load(ksc_module *m, const ksc_call *call, reports_ctx *c, char **response)
{
    memset(c, 0, sizeof *c);
    mdr_cloud_error err;
    json_object *body = json_object_new_object();
    mdr_cloud_status st = mdr_cloud_console(m, "reports/list", body, 1, &c->schedules, &err);
    if (st == MDR_CLOUD_OK)
        st = mdr_cloud_console(m, "tenants/list", body, 1, &c->tenants, &err);
    json_object_put(body);
    if (st != MDR_CLOUD_OK) {
        ctx_free(c);
        return mdr_cloud_fail_reply(m, call->lang, &err, REPORT_CODES, NULL, response);
    }
    if (!json_object_is_type(c->schedules, json_type_array) ||
        !json_object_is_type(c->tenants, json_type_array)) {
        ctx_free(c);
        return mdr_reply_internal(m->services, call->lang, response);
    }
    c->db = mdr_store_conn(m->store);
    c->restricted = c->db ? mdr_tenant_access_restricted(c->db, call->user) : -1;
    if (c->restricted < 0) {
        ctx_free(c);
        return mdr_reply_store_error(m->services, call->lang, response);
    }
    return KSC_OK;
}

static json_object *tenant_of(reports_ctx *c, const char *id)
{
    for (size_t i = 0; id && i < json_object_array_length(c->tenants); i++) {
        json_object *t = json_object_array_get_idx(c->tenants, i);
        if (strcmp(mdr_json_str(t, "tenant_id", ""), id) == 0 &&
            strcmp(mdr_json_str(t, "status", ""), "Deleted") != 0)
            return t;
    }
    return NULL;
}

/* A schedule of All tenants is seen by a caller who sees every tenant; one of a tenant by a
 * caller who may see that tenant. Store errors hide (fail closed). */
static int schedule_visible(reports_ctx *c, const ksc_call *call, json_object *s)
{
    const char *tid = mdr_json_str(s, "tenant_id", NULL);
    if (!tid)
        return c->restricted == 0;
    return mdr_tenant_access_visible_id(c->db, call->user, tid) == 1;
}

static json_object *find_schedule(reports_ctx *c, const char *id)
{
    for (size_t i = 0; id && i < json_object_array_length(c->schedules); i++) {
        json_object *s = json_object_array_get_idx(c->schedules, i);
        if (strcmp(mdr_json_str(s, "schedule_id", ""), id) == 0)
            return s;
    }
    return NULL;
}

static const char *day_text(const char *lang, int day)
{
    char key[48];
    snprintf(key, sizeof key, "reports.day.%s", DAYS[day]);
    return mdr_tr(lang, key);
}

static json_object *view(ksc_module *m, const ksc_call *call, reports_ctx *c, json_object *s,
                         int offset)
{
    const char *lang = call->lang, *tid = mdr_json_str(s, "tenant_id", NULL);
    int day = mdr_report_day_index(mdr_json_str(s, "day", "")), minute = 0, lday, lmin;
    mdr_rule_error ignored = {0};
    if (day < 0 || mdr_report_time_parse(mdr_json_str(s, "time", ""), &minute, &ignored) != 0) {
        mdr_rule_error_clear(&ignored);
        day = day < 0 ? 7 : day;
    }
    json_object *v = json_object_new_object(), *em = NULL;
    json_object_object_add(v, "id", json_object_new_string(mdr_json_str(s, "schedule_id", "")));
    json_object_object_add(v, "name", json_object_new_string(mdr_json_str(s, "name", "")));
    json_object_object_add(v, "enabled", json_object_new_boolean(mdr_json_bool(s, "enabled", 0)));
    json_object *t = tenant_of(c, tid);
    json_object_object_add(v, "tenant_id", tid ? json_object_new_string(tid) : NULL);
    json_object_object_add(v, "tenant",
                           json_object_new_string(tid ? mdr_json_str(t, "name", tid)
                                                      : mdr_tr(lang, "reports.all_tenants")));
    json_object_object_get_ex(s, "emails", &em);
    json_object_object_add(v, "emails", json_object_get(em));
    json_object_object_add(v, "day", json_object_new_string(DAYS[day]));
    json_object_object_add(v, "day_text", json_object_new_string(day_text(lang, day)));
    char hhmm[24];
    snprintf(hhmm, sizeof hhmm, "%02d:%02d", minute / 60, minute % 60);
    json_object_object_add(v, "time_utc", json_object_new_string(hhmm));
    mdr_report_local(day, minute, offset, &lday, &lmin);
    snprintf(hhmm, sizeof hhmm, "%02d:%02d", lmin / 60, lmin % 60);
    json_object *local = json_object_new_object();
    json_object_object_add(local, "utc_offset_minutes", json_object_new_int(offset));
    json_object_object_add(local, "day", json_object_new_string(DAYS[lday]));
    json_object_object_add(local, "day_text", json_object_new_string(day_text(lang, lday)));
    json_object_object_add(local, "time", json_object_new_string(hhmm));
    json_object_object_add(v, "local", local);
    int64_t next = mdr_report_next_run(day, minute, mdr_now(m)), from, to;
    json_object_object_add(v, "next_report_time", json_object_new_int64(next));
    mdr_report_period(next, &from, &to);
    char f[16], l[16];
    mdr_utc_date(from, f, sizeof f);
    mdr_utc_date(to - MDR_DAY_MS, l, sizeof l);
    const char *params[] = {"from", f, "to", l, NULL};
    char *text = mdr_trf(lang, "reports.covers", params);
    json_object *covers = json_object_new_object();
    json_object_object_add(covers, "from", json_object_new_string(f));
    json_object_object_add(covers, "to", json_object_new_string(l));
    json_object_object_add(covers, "text", json_object_new_string(text ? text : ""));
    free(text);
    json_object_object_add(v, "next_report_covers", covers);
    json_object_object_add(v, "created_time",
                           json_object_new_int64(mdr_json_int(s, "created_time", 0)));
    return v;
}

static int offset_of(json_object *req)
{
    return (int)mdr_req_int(req, "utc_offset_minutes", 0);
}

static ksc_status reply_list(ksc_module *m, const ksc_call *call, reports_ctx *c, int offset,
                             char **response)
{
    json_object *rows = json_object_new_array();
    int64_t hidden = 0;
    for (size_t i = 0; i < json_object_array_length(c->schedules); i++) {
        json_object *s = json_object_array_get_idx(c->schedules, i);
        if (!schedule_visible(c, call, s)) {
            hidden++;
            continue;
        }
        json_object_array_add(rows, view(m, call, c, s, offset));
    }
    json_object *out = json_object_new_object();
    json_object_object_add(out, "count", json_object_new_int64(json_object_array_length(rows)));
    json_object_object_add(out, "organization_schedules",
                           json_object_new_int64(json_object_array_length(c->schedules)));
    json_object_object_add(out, "max", json_object_new_int(MDR_REPORTS_MAX));
    json_object_object_add(out, "max_per_tenant", json_object_new_int(MDR_REPORTS_PER_TENANT_MAX));
    json_object_object_add(out, "hidden", json_object_new_int64(hidden));
    json_object_object_add(out, "schedules", rows);
    return mdr_reply_ok(m->services, out, response);
}

static const mdr_field LIST_FIELDS[] = {
    {.name = "utc_offset_minutes", .type = MDR_FIELD_INT, .min = -720, .max = 840}, {0}};

ksc_status mdr_reports_list(ksc_module *m, const ksc_call *call, char **response)
{
    json_object *req;
    ksc_status st = mdr_request_parse(m->services, call, LIST_FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    reports_ctx c;
    st = ctx_load(m, call, &c, response);
    if (st == KSC_OK) {
        st = reply_list(m, call, &c, offset_of(req), response);
        ctx_free(&c);
    }
    json_object_put(req);
    return st;
}

/* ---------------------------------------------------------------- create, update */

static const mdr_field CREATE_FIELDS[] = {
    {.name = "name", .type = MDR_FIELD_STRING, .required = 1, .max_len = 4096},
    {.name = "tenant", .type = MDR_FIELD_STRING, .max_len = 64},
    {.name = "emails", .type = MDR_FIELD_STRING, .required = 1, .max_len = 8192},
    {.name = "day", .type = MDR_FIELD_ENUM, .required = 1, .choices = DAYS},
    {.name = "time", .type = MDR_FIELD_STRING, .required = 1, .max_len = 16},
    {.name = "acknowledged", .type = MDR_FIELD_BOOL},
    {.name = "enabled", .type = MDR_FIELD_BOOL},
    {.name = "utc_offset_minutes", .type = MDR_FIELD_INT, .min = -720, .max = 840},
    {0}};

static const mdr_field UPDATE_FIELDS[] = {
    {.name = "id", .type = MDR_FIELD_STRING, .required = 1, .min_len = 1, .max_len = 64},
    {.name = "name", .type = MDR_FIELD_STRING, .max_len = 4096},
    {.name = "tenant", .type = MDR_FIELD_STRING, .max_len = 64},
    {.name = "emails", .type = MDR_FIELD_STRING, .max_len = 8192},
    {.name = "day", .type = MDR_FIELD_ENUM, .choices = DAYS},
    {.name = "time", .type = MDR_FIELD_STRING, .max_len = 16},
    {.name = "acknowledged", .type = MDR_FIELD_BOOL},
    {.name = "enabled", .type = MDR_FIELD_BOOL},
    {.name = "utc_offset_minutes", .type = MDR_FIELD_INT, .min = -720, .max = 840},
    {0}};

/* Counts the schedules of `tenant_id` (NULL: all) other than `skip`. */
static size_t count_tenant(reports_ctx *c, const char *tenant_id, const char *skip)
{
    size_t n = 0;
    for (size_t i = 0; i < json_object_array_length(c->schedules); i++) {
        json_object *s = json_object_array_get_idx(c->schedules, i);
        if (skip && strcmp(mdr_json_str(s, "schedule_id", ""), skip) == 0)
            continue;
        n += !tenant_id || strcmp(mdr_json_str(s, "tenant_id", ""), tenant_id) == 0;
    }
    return n;
}

/* Checks the request's fields and builds the cloud's body. `current`: the schedule updated
 * (NULL on create). Every rule is checked before the cloud is asked. */
static int build_body(reports_ctx *c, const ksc_call *call, json_object *req, json_object *current,
                      json_object **body, mdr_rule_error *e)
{
    json_object *v;
    *body = json_object_new_object();
    if (!mdr_req_bool(req, "acknowledged", 0))
        return mdr_rule_fail(e, KSC_ERR_INVALID, "reports_acknowledgement_required",
                             mdr_details_field("acknowledged"));
    json_object_object_add(*body, "acknowledged", json_object_new_boolean(1));
    if (json_object_object_get_ex(req, "name", &v)) {
        if (mdr_report_name_check(json_object_get_string(v), e) != 0)
            return -1;
        json_object_object_add(*body, "name", json_object_get(v));
    }
    if (json_object_object_get_ex(req, "emails", &v)) {
        json_object *list;
        if (mdr_report_emails_parse(v, &list, e) != 0)
            return -1;
        json_object_object_add(*body, "emails", list);
    }
    if (json_object_object_get_ex(req, "day", &v))
        json_object_object_add(*body, "day", json_object_get(v));
    if (json_object_object_get_ex(req, "time", &v)) {
        int minute;
        if (mdr_report_time_parse(json_object_get_string(v), &minute, e) != 0)
            return -1;
        json_object_object_add(*body, "time", json_object_get(v));
    }
    if (json_object_object_get_ex(req, "enabled", &v))
        json_object_object_add(*body, "enabled", json_object_get(v));
    /* the tenant: "all" (the default on create) or one the caller may see */
    const char *tenant = mdr_req_string(req, "tenant", current ? NULL : "all");
    const char *tid = current ? mdr_json_str(current, "tenant_id", NULL) : NULL;
    if (tenant) {
        if (strcmp(tenant, "all") == 0) {
            if (c->restricted)
                return mdr_rule_fail(e, KSC_ERR_DENIED, "reports_all_tenants_not_allowed",
                                     mdr_details_field("tenant"));
            tid = NULL;
        } else {
            if (!tenant_of(c, tenant) ||
                mdr_tenant_access_visible_id(c->db, call->user, tenant) != 1) {
                json_object *d = mdr_details_field("tenant");
                json_object_object_add(d, "tenant_id", json_object_new_string(tenant));
                return mdr_rule_fail(e, KSC_ERR_NOT_FOUND, "tenant_not_found", d);
            }
            tid = tenant;
        }
        json_object_object_add(*body, "tenant_id", tid ? json_object_new_string(tid) : NULL);
    }
    /* the limits, at the edge: the 50th schedule is taken, the 51st refused */
    const char *self = current ? mdr_json_str(current, "schedule_id", NULL) : NULL;
    if (!current && count_tenant(c, NULL, NULL) >= MDR_REPORTS_MAX) {
        json_object *d = json_object_new_object();
        json_object_object_add(d, "max", json_object_new_int(MDR_REPORTS_MAX));
        return mdr_rule_fail(e, KSC_ERR_CONFLICT, "reports_limit", d);
    }
    if (tid && count_tenant(c, tid, self) >= MDR_REPORTS_PER_TENANT_MAX) {
        json_object *d = mdr_details_field("tenant");
        json_object_object_add(d, "max", json_object_new_int(MDR_REPORTS_PER_TENANT_MAX));
        json_object_object_add(
            d, "tenant", json_object_new_string(mdr_json_str(tenant_of(c, tid), "name", tid)));
        return mdr_rule_fail(e, KSC_ERR_CONFLICT, "reports_tenant_limit", d);
    }
    return 0;
}

/* Finds the caller's schedule `id` in a loaded context, or answers not found. */
static json_object *visible_schedule(ksc_module *m, const ksc_call *call, reports_ctx *c,
                                     const char *id, char **response, ksc_status *st)
{
    json_object *s = find_schedule(c, id);
    if (s && schedule_visible(c, call, s))
        return s;
    json_object *d = mdr_details_field("id");
    json_object_object_add(d, "id", json_object_new_string(id));
    *st = mdr_reply_error(m->services, call->lang, KSC_ERR_NOT_FOUND, "reports_schedule_not_found",
                          d, response);
    return NULL;
}

/* Sends `body` (taken) to the console API at `path` and answers the schedules as they are
 * after it; frees the context and the request whatever happens. */
static ksc_status send_and_answer(ksc_module *m, const ksc_call *call, reports_ctx *c,
                                  json_object *req, const char *path, json_object *body,
                                  char **response)
{
    json_object *answer = NULL;
    mdr_cloud_error err;
    mdr_cloud_status cs = mdr_cloud_console(m, path, body, 0, &answer, &err);
    json_object_put(body);
    ksc_status st;
    if (cs != MDR_CLOUD_OK)
        st = mdr_cloud_fail_reply(m, call->lang, &err, REPORT_CODES, NULL, response);
    else
        st = mdr_reply_ok(m->services, view(m, call, c, answer, offset_of(req)), response);
    json_object_put(answer);
    ctx_free(c);
    json_object_put(req);
    return st;
}

static ksc_status save(ksc_module *m, const ksc_call *call, const mdr_field *fields, int update,
                       char **response)
{
    json_object *req, *body = NULL;
    ksc_status st = mdr_request_parse(m->services, call, fields, &req, response);
    if (st != KSC_OK)
        return st;
    reports_ctx c;
    st = ctx_load(m, call, &c, response);
    if (st != KSC_OK) {
        json_object_put(req);
        return st;
    }
    json_object *current = NULL;
    if (update &&
        !(current = visible_schedule(m, call, &c, mdr_req_string(req, "id", ""), response, &st))) {
        ctx_free(&c);
        json_object_put(req);
        return st;
    }
    mdr_rule_error e = {0};
    if (build_body(&c, call, req, current, &body, &e) != 0) {
        json_object_put(body);
        ctx_free(&c);
        json_object_put(req);
        return mdr_rule_reply(m->services, call->lang, &e, response);
    }
    if (update)
        json_object_object_add(body, "schedule_id",
                               json_object_new_string(mdr_req_string(req, "id", "")));
    return send_and_answer(m, call, &c, req, update ? "reports/update" : "reports/create", body,
                           response);
}

ksc_status mdr_reports_create(ksc_module *m, const ksc_call *call, char **response)
{
    return save(m, call, CREATE_FIELDS, 0, response);
}

ksc_status mdr_reports_update(ksc_module *m, const ksc_call *call, char **response)
{
    return save(m, call, UPDATE_FIELDS, 1, response);
}

/* ---------------------------------------------------------------- enable, delete */

static const mdr_field ENABLE_FIELDS[] = {
    {.name = "id", .type = MDR_FIELD_STRING, .required = 1, .min_len = 1, .max_len = 64},
    {.name = "enabled", .type = MDR_FIELD_BOOL, .required = 1},
    {.name = "utc_offset_minutes", .type = MDR_FIELD_INT, .min = -720, .max = 840},
    {0}};

static const mdr_field DELETE_FIELDS[] = {
    {.name = "id", .type = MDR_FIELD_STRING, .required = 1, .min_len = 1, .max_len = 64}, {0}};

ksc_status mdr_reports_enable(ksc_module *m, const ksc_call *call, char **response)
{
    json_object *req;
    ksc_status st = mdr_request_parse(m->services, call, ENABLE_FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    reports_ctx c;
    if ((st = ctx_load(m, call, &c, response)) != KSC_OK) {
        json_object_put(req);
        return st;
    }
    const char *id = mdr_req_string(req, "id", "");
    if (!visible_schedule(m, call, &c, id, response, &st)) {
        ctx_free(&c);
        json_object_put(req);
        return st;
    }
    /* Switching delivery on or off changes neither what is sent nor where: the
     * acknowledgement given for this schedule stands. */
    json_object *body = json_object_new_object();
    json_object_object_add(body, "schedule_id", json_object_new_string(id));
    json_object_object_add(body, "enabled",
                           json_object_new_boolean(mdr_req_bool(req, "enabled", 1)));
    json_object_object_add(body, "acknowledged", json_object_new_boolean(1));
    return send_and_answer(m, call, &c, req, "reports/update", body, response);
}

ksc_status mdr_reports_delete(ksc_module *m, const ksc_call *call, char **response)
{
    json_object *req, *answer = NULL;
    ksc_status st = mdr_request_parse(m->services, call, DELETE_FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    reports_ctx c;
    if ((st = ctx_load(m, call, &c, response)) != KSC_OK) {
        json_object_put(req);
        return st;
    }
    const char *id = mdr_req_string(req, "id", "");
    json_object *s = visible_schedule(m, call, &c, id, response, &st);
    if (!s) {
        ctx_free(&c);
        json_object_put(req);
        return st;
    }
    json_object *out = json_object_new_object();
    json_object_object_add(out, "id", json_object_new_string(id));
    json_object_object_add(out, "name", json_object_new_string(mdr_json_str(s, "name", "")));
    json_object *body = json_object_new_object();
    json_object_object_add(body, "schedule_id", json_object_new_string(id));
    mdr_cloud_error err;
    mdr_cloud_status cs = mdr_cloud_console(m, "reports/delete", body, 0, &answer, &err);
    json_object_put(body);
    json_object_put(answer);
    ctx_free(&c);
    json_object_put(req);
    if (cs != MDR_CLOUD_OK) {
        json_object_put(out);
        return mdr_cloud_fail_reply(m, call->lang, &err, REPORT_CODES, NULL, response);
    }
    json_object_object_add(out, "deleted", json_object_new_boolean(1));
    return mdr_reply_ok(m->services, out, response);
}
