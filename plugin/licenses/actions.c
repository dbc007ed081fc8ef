/* licenses/actions.c — the Licenses tab (MDR Administrator: Application Integration):
 * mdr.licenses.list, .refresh, .add, .remove, .export_by_tenant (CSV), .archive (ZIP).
 * Rules and the view live in view.c; the cache in cache.c; the cloud calls
 * are docs/cloud-api.md "Licenses". Reference: docs/actions/licenses.md. */
#include "core/actions.h"
#include "delivery.h"
#include "core/cloud_codes.h"
#include "archive.h"
#include "core/csv_writer.h"
#include "core/i18n.h"
#include "view.h"
#include "sync.h"
#include "core/reply.h"
#include "core/request.h"
#include "core/tenant_access.h"
#include "core/utc_date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const mdr_cloud_code_map LICENSE_CODES[] = {
    {"invalid_code_format", KSC_ERR_INVALID, "license_code_format"},
    {"code_unknown", KSC_ERR_NOT_FOUND, "license_code_unknown"},
    {"code_in_use", KSC_ERR_CONFLICT, "license_code_in_use"},
    {"trial_used", KSC_ERR_CONFLICT, "license_trial_used"},
    {"tier_mismatch", KSC_ERR_INVALID, "license_tier_mismatch"},
    {"region_mismatch", KSC_ERR_INVALID, "license_region_mismatch"},
    {"license_limit", KSC_ERR_CONFLICT, "license_limit"},
    {"license_not_found", KSC_ERR_NOT_FOUND, "license_not_found"},
    {"license_not_current", KSC_ERR_CONFLICT, "license_not_current"},
    {NULL, 0, NULL}};

static void add_time(json_object *o, const char *ms_key, const char *date_key, int64_t ms)
{
    char date[16];
    mdr_utc_date(ms, date, sizeof date);
    json_object_object_add(o, ms_key, ms > 0 ? json_object_new_int64(ms) : NULL);
    json_object_object_add(o, date_key, ms > 0 ? json_object_new_string(date) : NULL);
}

static ksc_status need_output(ksc_module *m, const ksc_call *call, char **response)
{
    if (call->output && call->output->begin && call->output->write)
        return KSC_OK;
    return mdr_reply_error(m->services, call->lang, KSC_ERR_INVALID, "file_output_required", NULL,
                           response);
}

/* ---------------------------------------------------------------- list, refresh */

static const char *const VIEWS[] = {"active", "all", NULL};
static const mdr_field LIST_FIELDS[] = {{.name = "view", .type = MDR_FIELD_ENUM, .choices = VIEWS},
                                        {.name = "refresh", .type = MDR_FIELD_BOOL},
                                        {0}};

ksc_status mdr_licenses_list(ksc_module *m, const ksc_call *call, char **response)
{
    json_object *req;
    ksc_status st = mdr_request_parse(m->services, call, LIST_FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    int all = strcmp(mdr_req_string(req, "view", "active"), "all") == 0;
    int force = mdr_req_bool(req, "refresh", 0);
    json_object_put(req);

    int64_t now = mdr_now(m), refreshed = 0;
    json_object *list = NULL;
    mdr_cloud_error err;
    if (mdr_licenses_get(m, now, force, &list, &refreshed, &err) != MDR_CLOUD_OK)
        return mdr_cloud_fail_reply(m, call->lang, &err, LICENSE_CODES, NULL, response);
    json_object *out = mdr_licenses_view(list, all, now, call->lang);
    add_time(out, "refreshed_time", "refreshed_date", refreshed);
    json_object_put(list);
    return mdr_reply_ok(m->services, out, response);
}

ksc_status mdr_licenses_refresh(ksc_module *m, const ksc_call *call, char **response)
{
    ksc_status st = mdr_request_none(m->services, call, response);
    if (st != KSC_OK)
        return st;
    int64_t now = mdr_now(m);
    json_object *list = NULL, *changes = NULL;
    mdr_cloud_error err;
    mdr_cloud_error_clear(&err);
    if (mdr_licenses_sync(m, now, &list, &changes, &err) != MDR_CLOUD_OK)
        return mdr_cloud_fail_reply(m, call->lang, &err, LICENSE_CODES, NULL, response);
    json_object *out = mdr_licenses_view(list, 1, now, call->lang);
    add_time(out, "refreshed_time", "refreshed_date", now);
    json_object_object_add(out, "changes", changes);
    json_object_put(list);
    return mdr_reply_ok(m->services, out, response);
}

/* ---------------------------------------------------------------- add, remove */

static const mdr_field ADD_FIELDS[] = {
    {.name = "code", .type = MDR_FIELD_STRING, .required = 1, .max_len = 64}, {0}};

/* The organization's tier and region for a mismatch message ("" when unknown). */
static json_object *terms_details(json_object *list, int64_t now)
{
    const char *tier = NULL, *region = NULL;
    mdr_licenses_org_terms(list, now, &tier, &region);
    json_object *d = json_object_new_object();
    json_object_object_add(d, "tier",
                           json_object_new_string(tier ? mdr_license_tier_title(tier) : ""));
    json_object_object_add(d, "region", json_object_new_string(region ? region : ""));
    return d;
}

static json_object *license_result(json_object *list, const char *id, int64_t now, const char *lang)
{
    json_object *out = json_object_new_object();
    json_object *l = mdr_licenses_find(list, id);
    json_object_object_add(out, "license", l ? mdr_license_view(l, now, lang) : NULL);
    json_object *tab = mdr_licenses_view(list, 0, now, lang), *summary = NULL;
    json_object_object_get_ex(tab, "summary", &summary);
    json_object_object_add(out, "summary", json_object_get(summary));
    json_object_put(tab);
    return out;
}

ksc_status mdr_licenses_add(ksc_module *m, const ksc_call *call, char **response)
{
    json_object *req;
    ksc_status st = mdr_request_parse(m->services, call, ADD_FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    char code[MDR_ACTIVATION_CODE_CHARS + 1];
    mdr_rule_error e = {0};
    int bad = mdr_license_code_normalize(mdr_req_string(req, "code", ""), code, &e);
    json_object_put(req);
    if (bad)
        return mdr_rule_reply(m->services, call->lang, &e, response);

    int64_t now = mdr_now(m), refreshed;
    json_object *before = NULL;
    mdr_cloud_error err;
    if (mdr_licenses_get(m, now, 1, &before, &refreshed, &err) != MDR_CLOUD_OK)
        return mdr_cloud_fail_reply(m, call->lang, &err, LICENSE_CODES, NULL, response);

    json_object *body = json_object_new_object(), *added = NULL;
    json_object_object_add(body, "activation_code", json_object_new_string(code));
    mdr_cloud_status cs = mdr_cloud_console(m, "licenses/add", body, 0, &added, &err);
    json_object_put(body);
    if (cs != MDR_CLOUD_OK) {
        json_object *d = terms_details(before, now);
        json_object_put(before);
        return mdr_cloud_fail_reply(m, call->lang, &err, LICENSE_CODES, d, response);
    }
    json_object_put(before);
    char id[128];
    snprintf(id, sizeof id, "%s", mdr_json_str(added, "license_id", ""));
    json_object_put(added);

    json_object *list = NULL;
    if (mdr_licenses_sync(m, now, &list, NULL, &err) != MDR_CLOUD_OK)
        return mdr_cloud_fail_reply(m, call->lang, &err, LICENSE_CODES, NULL, response);
    json_object *out = license_result(list, id, now, call->lang);
    json_object_put(list);
    return mdr_reply_ok(m->services, out, response);
}

static const mdr_field REMOVE_FIELDS[] = {
    {.name = "id", .type = MDR_FIELD_STRING, .required = 1, .min_len = 1, .max_len = 128},
    {.name = "confirm", .type = MDR_FIELD_BOOL},
    {0}};

static ksc_status license_unknown(ksc_module *m, const ksc_call *call, const char *id,
                                  char **response)
{
    json_object *d = json_object_new_object();
    json_object_object_add(d, "license_id", json_object_new_string(id));
    return mdr_reply_error(m->services, call->lang, KSC_ERR_NOT_FOUND, "license_not_found", d,
                           response);
}

static ksc_status license_not_current(ksc_module *m, const ksc_call *call, json_object *l,
                                      int64_t now, char **response)
{
    json_object *d = json_object_new_object();
    json_object_object_add(d, "license_id",
                           json_object_new_string(mdr_json_str(l, "license_id", "")));
    json_object_object_add(d, "status", json_object_new_string(mdr_license_status(l, now)));
    return mdr_reply_error(m->services, call->lang, KSC_ERR_CONFLICT, "license_not_current", d,
                           response);
}

ksc_status mdr_licenses_remove(ksc_module *m, const ksc_call *call, char **response)
{
    json_object *req;
    ksc_status st = mdr_request_parse(m->services, call, REMOVE_FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    char id[129];
    snprintf(id, sizeof id, "%s", mdr_req_string(req, "id", ""));
    int confirmed = mdr_req_bool(req, "confirm", 0);
    json_object_put(req);

    int64_t now = mdr_now(m), refreshed;
    json_object *list = NULL;
    mdr_cloud_error err;
    if (mdr_licenses_get(m, now, 1, &list, &refreshed, &err) != MDR_CLOUD_OK)
        return mdr_cloud_fail_reply(m, call->lang, &err, LICENSE_CODES, NULL, response);
    json_object *l = mdr_licenses_find(list, id);
    if (!l) {
        json_object_put(list);
        return license_unknown(m, call, id, response);
    }
    if (strcmp(mdr_license_status(l, now), "Active") != 0) {
        st = license_not_current(m, call, l, now, response);
        json_object_put(list);
        return st;
    }
    if (!confirmed) {
        json_object *d = json_object_new_object();
        json_object *v = mdr_license_view(l, now, call->lang);
        json_object_object_add(d, "license_id", json_object_new_string(id));
        json_object_object_add(d, "name", json_object_new_string(mdr_json_str(v, "name", "")));
        json_object_put(v);
        json_object_put(list);
        return mdr_reply_error(m->services, call->lang, KSC_ERR_INVALID, "license_confirm_required",
                               d, response);
    }
    json_object_put(list);

    json_object *body = json_object_new_object(), *answer = NULL;
    json_object_object_add(body, "license_id", json_object_new_string(id));
    mdr_cloud_status cs = mdr_cloud_console(m, "licenses/remove", body, 0, &answer, &err);
    json_object_put(body);
    json_object_put(answer);
    if (cs != MDR_CLOUD_OK)
        return mdr_cloud_fail_reply(m, call->lang, &err, LICENSE_CODES, NULL, response);
    if (mdr_licenses_sync(m, now, &list, NULL, &err) != MDR_CLOUD_OK)
        return mdr_cloud_fail_reply(m, call->lang, &err, LICENSE_CODES, NULL, response);
    json_object *out = license_result(list, id, now, call->lang);
    json_object_object_add(out, "message",
                           json_object_new_string(mdr_tr(call->lang, "licenses.removed")));
    json_object_put(list);
    return mdr_reply_ok(m->services, out, response);
}

/* ---------------------------------------------------------------- export by tenant (CSV) */

ksc_status mdr_licenses_export_by_tenant(ksc_module *m, const ksc_call *call, char **response)
{
    ksc_status st = mdr_request_none(m->services, call, response);
    if (st != KSC_OK)
        return st;
    if ((st = need_output(m, call, response)) != KSC_OK)
        return st;

    int64_t now = mdr_now(m), refreshed;
    json_object *licenses = NULL, *rows = NULL, *body = json_object_new_object();
    mdr_cloud_error err;
    mdr_cloud_status cs = mdr_licenses_get(m, now, 1, &licenses, &refreshed, &err);
    if (cs == MDR_CLOUD_OK)
        cs = mdr_cloud_console(m, "licenses/by-tenant", body, 1, &rows, &err);
    json_object_put(body);
    if (cs == MDR_CLOUD_OK && !json_object_is_type(rows, json_type_array))
        cs = mdr_cloud_fail(&err, MDR_CLOUD_ERR_BAD_RESPONSE, "licenses/by-tenant: not an array");
    if (cs != MDR_CLOUD_OK) {
        json_object_put(licenses);
        json_object_put(rows);
        return mdr_cloud_fail_reply(m, call->lang, &err, LICENSE_CODES, NULL, response);
    }

    char file_name[64], date[16];
    mdr_utc_date(now, date, sizeof date);
    snprintf(file_name, sizeof file_name, "mdr_licenses_by_tenant_%s.csv", date);
    sqlite3 *db = mdr_store_conn(m->store);
    mdr_csv *csv = malloc(sizeof *csv);
    if (!db || !csv) {
        free(csv);
        json_object_put(licenses);
        json_object_put(rows);
        return mdr_reply_internal(m->services, call->lang, response);
    }
    mdr_csv_begin(csv, call->output, file_name);
    static const char *const HEADERS[] = {"licenses.csv.license",
                                          "licenses.csv.license_id",
                                          "licenses.csv.tenant",
                                          "licenses.csv.tenant_id",
                                          "licenses.csv.assets",
                                          "licenses.csv.assets_limit",
                                          NULL};
    for (const char *const *h = HEADERS; *h; h++)
        mdr_csv_text(csv, mdr_tr(call->lang, *h));
    mdr_csv_end_row(csv);

    int64_t written = 0, assets_total = 0, hidden = 0, store_failed = 0;
    size_t n = json_object_array_length(rows);
    for (size_t i = 0; i < n; i++) {
        json_object *r = json_object_array_get_idx(rows, i);
        const char *tenant_id = mdr_json_str(r, "tenant_id", "");
        int visible = mdr_tenant_access_visible_id(db, call->user, tenant_id);
        if (visible < 0)
            store_failed = 1;
        if (visible != 1) {
            hidden++;
            continue;
        }
        json_object *l = mdr_licenses_find(licenses, mdr_json_str(r, "license_id", ""));
        json_object *v = l ? mdr_license_view(l, now, call->lang) : NULL;
        int root = !*tenant_id;
        mdr_csv_text(csv, v ? mdr_json_str(v, "name", "") : "");
        mdr_csv_text(csv, mdr_json_str(r, "license_id", ""));
        mdr_csv_text(csv, root ? mdr_tr(call->lang, "tenants.root")
                               : mdr_json_str(r, "tenant_name", ""));
        mdr_csv_text(csv, tenant_id);
        mdr_csv_int(csv, mdr_json_int(r, "assets", 0));
        mdr_csv_int(csv, v ? mdr_json_int(v, "assets_limit", 0) : 0);
        mdr_csv_end_row(csv);
        json_object_put(v);
        written++;
        assets_total += mdr_json_int(r, "assets", 0);
    }
    st = mdr_csv_finish(csv);
    free(csv);
    json_object_put(licenses);
    json_object_put(rows);
    if (store_failed)
        return mdr_reply_store_error(m->services, call->lang, response);
    if (st != KSC_OK)
        return mdr_reply_error(m->services, call->lang, KSC_ERR_FAILED, "file_write_failed", NULL,
                               response);
    json_object *out = json_object_new_object();
    json_object_object_add(out, "file_name", json_object_new_string(file_name));
    json_object_object_add(out, "content_type", json_object_new_string("text/csv; charset=utf-8"));
    json_object_object_add(out, "rows", json_object_new_int64(written));
    json_object_object_add(out, "assets", json_object_new_int64(assets_total));
    json_object_object_add(out, "hidden_rows", json_object_new_int64(hidden));
    return mdr_reply_ok(m->services, out, response);
}

/* ---------------------------------------------------------------- configuration archive */

static const char *const WITH[] = {"blob", "bat", NULL};
static const mdr_field ARCHIVE_FIELDS[] = {
    {.name = "id", .type = MDR_FIELD_STRING, .required = 1, .min_len = 1, .max_len = 128},
    {.name = "with", .type = MDR_FIELD_ENUM, .choices = WITH},
    {0}};

ksc_status mdr_licenses_archive(ksc_module *m, const ksc_call *call, char **response)
{
    json_object *req;
    ksc_status st = mdr_request_parse(m->services, call, ARCHIVE_FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    char id[129];
    snprintf(id, sizeof id, "%s", mdr_req_string(req, "id", ""));
    int bat = strcmp(mdr_req_string(req, "with", "blob"), "bat") == 0;
    json_object_put(req);
    if ((st = need_output(m, call, response)) != KSC_OK)
        return st;

    int64_t now = mdr_now(m), refreshed;
    json_object *list = NULL;
    mdr_cloud_error err;
    if (mdr_licenses_get(m, now, 0, &list, &refreshed, &err) != MDR_CLOUD_OK)
        return mdr_cloud_fail_reply(m, call->lang, &err, LICENSE_CODES, NULL, response);
    json_object *l = mdr_licenses_find(list, id);
    if (!l) { /* maybe added elsewhere since the last refresh */
        json_object_put(list);
        if (mdr_licenses_get(m, now, 1, &list, &refreshed, &err) != MDR_CLOUD_OK)
            return mdr_cloud_fail_reply(m, call->lang, &err, LICENSE_CODES, NULL, response);
        l = mdr_licenses_find(list, id);
    }
    if (!l) {
        json_object_put(list);
        return license_unknown(m, call, id, response);
    }
    if (strcmp(mdr_license_status(l, now), "Active") != 0) {
        st = license_not_current(m, call, l, now, response);
        json_object_put(list);
        return st;
    }
    json_object_put(list);
    json_object *body = json_object_new_object(), *extra = json_object_new_object();
    json_object_object_add(body, "license_id", json_object_new_string(id));
    json_object_object_add(body, "variant", json_object_new_string(bat ? "bat" : "blob"));
    json_object_object_add(extra, "license_id", json_object_new_string(id));
    st = mdr_config_archive_deliver(m, call, "licenses/archive", body,
                                    bat ? MDR_ARCHIVE_BAT : MDR_ARCHIVE_BLOB, LICENSE_CODES, extra,
                                    response);
    json_object_put(body);
    return st;
}
