#include "rules.h"
#include "core/i18n.h"
#include "licenses/view.h"
#include "core/utc_date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static json_object *details(const char *field)
{
    json_object *d = json_object_new_object();
    if (field)
        json_object_object_add(d, "field", json_object_new_string(field));
    return d;
}

static void put_int(json_object *d, const char *k, int64_t v)
{
    json_object_object_add(d, k, json_object_new_int64(v));
}

static void put_str(json_object *d, const char *k, const char *v)
{
    json_object_object_add(d, k, v ? json_object_new_string(v) : NULL);
}

static void put_date(json_object *d, const char *k, int64_t ms)
{
    char date[16];
    mdr_utc_date(ms, date, sizeof date);
    put_str(d, k, date);
}

/* Printable ASCII (Latin letters, digits, special characters); `multiline` also allows tab,
 * CR and LF. Returns the first offending byte offset, or -1 when all are fine. */
static long first_bad_char(const char *s, int multiline)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        int ok =
            (*p >= 0x20 && *p <= 0x7e) || (multiline && (*p == '\t' || *p == '\r' || *p == '\n'));
        if (!ok)
            return (long)(p - (const unsigned char *)s);
    }
    return -1;
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

int mdr_tenant_name_check(const char *name, mdr_rule_error *e)
{
    if (!name)
        return mdr_rule_fail(e, KSC_ERR_INVALID, "tenant_name_invalid", details("name"));
    size_t chars = utf8_chars(name);
    if (chars > MDR_TENANT_NAME_MAX) {
        json_object *d = details("name");
        put_int(d, "max", MDR_TENANT_NAME_MAX);
        put_int(d, "length", (int64_t)chars);
        return mdr_rule_fail(e, KSC_ERR_INVALID, "tenant_name_too_long", d);
    }
    int visible = 0;
    for (const char *p = name; *p; p++)
        visible |= *p != ' ';
    if (first_bad_char(name, 0) >= 0 || !visible)
        return mdr_rule_fail(e, KSC_ERR_INVALID, "tenant_name_invalid", details("name"));
    return 0;
}

int mdr_tenant_description_check(const char *description, mdr_rule_error *e)
{
    if (!description)
        return mdr_rule_fail(e, KSC_ERR_INVALID, "tenant_description_invalid",
                             details("description"));
    size_t chars = utf8_chars(description);
    if (chars > MDR_TENANT_DESCRIPTION_MAX) {
        json_object *d = details("description");
        put_int(d, "max", MDR_TENANT_DESCRIPTION_MAX);
        put_int(d, "length", (int64_t)chars);
        return mdr_rule_fail(e, KSC_ERR_INVALID, "tenant_description_too_long", d);
    }
    if (first_bad_char(description, 1) >= 0)
        return mdr_rule_fail(e, KSC_ERR_INVALID, "tenant_description_invalid",
                             details("description"));
    return 0;
}

int mdr_tenant_count_check(size_t existing, mdr_rule_error *e)
{
    if (existing < MDR_TENANT_MAX)
        return 0;
    json_object *d = details(NULL);
    put_int(d, "max", MDR_TENANT_MAX);
    return mdr_rule_fail(e, KSC_ERR_CONFLICT, "tenant_limit", d);
}

int mdr_tenant_name_free(json_object *tenants, const char *name, const char *self_id,
                         mdr_rule_error *e)
{
    size_t n =
        json_object_is_type(tenants, json_type_array) ? json_object_array_length(tenants) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *t = json_object_array_get_idx(tenants, i);
        const char *id = mdr_json_str(t, "tenant_id", "");
        if (self_id && strcmp(id, self_id) == 0)
            continue;
        if (strcasecmp(mdr_json_str(t, "name", ""), name) == 0) {
            json_object *d = details("name");
            put_str(d, "name", name);
            return mdr_rule_fail(e, KSC_ERR_CONFLICT, "tenant_name_taken", d);
        }
    }
    return 0;
}

int mdr_tenant_expires_parse(json_object *v, const char *field, int64_t *ms, mdr_rule_error *e)
{
    if (json_object_is_type(v, json_type_string) &&
        mdr_utc_date_parse(json_object_get_string(v), ms) == 0)
        return 0;
    if (json_object_is_type(v, json_type_int)) {
        int64_t x = json_object_get_int64(v);
        if (x > 0 && x < 253402300800000LL) { /* before year 10000 */
            *ms = x;
            return 0;
        }
    }
    return mdr_rule_fail(e, KSC_ERR_INVALID, "tenant_expires_invalid", details(field));
}

int mdr_tenant_config_file_check(json_object *licenses, const char *license_id, int64_t expires_ms,
                                 int64_t now_ms, const char *field, mdr_rule_error *e)
{
    json_object *l = mdr_licenses_find(licenses, license_id);
    if (!l) {
        json_object *d = details(field);
        put_str(d, "license_id", license_id);
        return mdr_rule_fail(e, KSC_ERR_NOT_FOUND, "tenant_license_not_found", d);
    }
    const char *status = mdr_license_status(l, now_ms);
    if (strcmp(status, "Active") != 0) {
        json_object *d = details(field);
        put_str(d, "license_id", license_id);
        put_str(d, "status", status);
        return mdr_rule_fail(e, KSC_ERR_CONFLICT, "tenant_license_not_current", d);
    }
    if (expires_ms <= now_ms) {
        json_object *d = details(field);
        put_date(d, "expires", expires_ms);
        return mdr_rule_fail(e, KSC_ERR_INVALID, "tenant_expires_past", d);
    }
    int64_t last_day = mdr_license_last_day_ms(mdr_json_int(l, "expiration_time", 0));
    if (expires_ms >= last_day) {
        json_object *d = details(field);
        put_date(d, "expires", expires_ms);
        put_str(d, "license_id", license_id);
        put_date(d, "last_day", last_day);
        put_date(d, "latest", last_day - MDR_DAY_MS);
        return mdr_rule_fail(e, KSC_ERR_INVALID, "tenant_expires_after_license", d);
    }
    return 0;
}

int mdr_tenant_config_files_build(json_object *files, json_object *licenses, int64_t now_ms,
                                  json_object **cloud_files, mdr_rule_error *e)
{
    *cloud_files = NULL;
    size_t n = json_object_array_length(files);
    if (n == 0)
        return mdr_rule_fail(e, KSC_ERR_INVALID, "tenant_config_file_required",
                             details("config_files"));
    if (n > MDR_TENANT_CONFIG_FILES_MAX) {
        json_object *d = details("config_files");
        put_int(d, "max", MDR_TENANT_CONFIG_FILES_MAX);
        return mdr_rule_fail(e, KSC_ERR_INVALID, "too_many", d);
    }
    json_object *out = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        char field[64];
        snprintf(field, sizeof field, "config_files[%zu]", i);
        json_object *f = json_object_array_get_idx(files, i), *lic = NULL, *exp = NULL;
        int shape_ok =
            json_object_is_type(f, json_type_object) && json_object_object_length(f) == 2 &&
            json_object_object_get_ex(f, "license_id", &lic) &&
            json_object_is_type(lic, json_type_string) && json_object_get_string_len(lic) > 0 &&
            json_object_get_string_len(lic) <= 64 && json_object_object_get_ex(f, "expires", &exp);
        int64_t ms = 0;
        if (!shape_ok) {
            json_object_put(out);
            return mdr_rule_fail(e, KSC_ERR_INVALID, "tenant_config_file_invalid", details(field));
        }
        if (mdr_tenant_expires_parse(exp, field, &ms, e) != 0 ||
            mdr_tenant_config_file_check(licenses, json_object_get_string(lic), ms, now_ms, field,
                                         e) != 0) {
            json_object_put(out);
            return -1;
        }
        json_object *c = json_object_new_object();
        put_str(c, "license_id", json_object_get_string(lic));
        put_int(c, "expiration_time", ms);
        json_object_array_add(out, c);
    }
    *cloud_files = out;
    return 0;
}

int mdr_tenant_config_file_delete_check(json_object *tenant, const char *file_id, mdr_rule_error *e)
{
    json_object *files = NULL;
    json_object_object_get_ex(tenant, "config_files", &files);
    size_t n = json_object_is_type(files, json_type_array) ? json_object_array_length(files) : 0;
    int found = 0;
    for (size_t i = 0; i < n; i++)
        found |=
            strcmp(mdr_json_str(json_object_array_get_idx(files, i), "file_id", ""), file_id) == 0;
    if (!found) {
        json_object *d = details("file_id");
        put_str(d, "file_id", file_id);
        return mdr_rule_fail(e, KSC_ERR_NOT_FOUND, "tenant_config_file_not_found", d);
    }
    if (n < 2)
        return mdr_rule_fail(e, KSC_ERR_CONFLICT, "tenant_last_config_file", details("file_id"));
    return 0;
}

int mdr_tenant_lifetime_ended(json_object *t, int64_t now_ms)
{
    int64_t exp = mdr_json_int(t, "expiration_time", 0);
    return exp > 0 && now_ms >= exp;
}

static void put_time(json_object *o, const char *ms_key, const char *date_key, int64_t ms)
{
    if (ms > 0) {
        put_int(o, ms_key, ms);
        put_date(o, date_key, ms);
    } else {
        json_object_object_add(o, ms_key, NULL);
        json_object_object_add(o, date_key, NULL);
    }
}

json_object *mdr_tenant_view(json_object *t, json_object *licenses, int64_t now_ms,
                             const char *lang)
{
    int active = mdr_json_bool(t, "active", 1);
    int ended = mdr_tenant_lifetime_ended(t, now_ms);
    const char *status = mdr_json_str(t, "status", "Active");
    const char *reason = NULL;
    if (!active)
        reason = "switched_off";
    else if (ended)
        reason = "lifetime_ended"; /* automatic, on the host clock */
    if (reason)
        status = "Inactive";
    else if (strcmp(status, "Deleted") != 0)
        status = "Active";

    json_object *v = json_object_new_object();
    put_str(v, "id", mdr_json_str(t, "tenant_id", ""));
    put_str(v, "name", mdr_json_str(t, "name", ""));
    put_str(v, "description", mdr_json_str(t, "description", ""));
    put_str(v, "status", status);
    char key[64];
    snprintf(key, sizeof key, "tenants.status.%s", status);
    put_str(v, "status_text", mdr_tr(lang, key));
    put_str(v, "inactive_reason", reason);
    if (reason) {
        snprintf(key, sizeof key, "tenants.inactive.%s", reason);
        put_str(v, "inactive_reason_text", mdr_tr(lang, key));
    } else {
        json_object_object_add(v, "inactive_reason_text", NULL);
    }
    json_object_object_add(v, "active", json_object_new_boolean(active));
    json_object_object_add(v, "lifetime_ended", json_object_new_boolean(ended));
    put_int(v, "assets", mdr_json_int(t, "assets", 0));
    put_time(v, "created_time", "created_date", mdr_json_int(t, "created_time", 0));
    put_time(v, "expiration_time", "expiration_date", mdr_json_int(t, "expiration_time", 0));
    put_int(v, "revision", mdr_json_int(t, "revision", 0));

    json_object *files = NULL, *out = json_object_new_array();
    json_object_object_get_ex(t, "config_files", &files);
    size_t n = json_object_is_type(files, json_type_array) ? json_object_array_length(files) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *f = json_object_array_get_idx(files, i), *c = json_object_new_object();
        const char *lic_id = mdr_json_str(f, "license_id", "");
        json_object *l = mdr_licenses_find(licenses, lic_id);
        put_str(c, "file_id", mdr_json_str(f, "file_id", ""));
        put_str(c, "license_id", lic_id);
        if (l) {
            json_object *lv = mdr_license_view(l, now_ms, lang);
            put_str(c, "license_name", mdr_json_str(lv, "name", ""));
            put_str(c, "license_status", mdr_json_str(lv, "status", ""));
            json_object_put(lv);
        } else {
            json_object_object_add(c, "license_name", NULL);
            put_str(c, "license_status", mdr_json_str(f, "license_status", NULL));
        }
        put_time(c, "expiration_time", "expiration_date", mdr_json_int(f, "expiration_time", 0));
        json_object_array_add(out, c);
    }
    json_object_object_add(v, "config_files", out);
    return v;
}

static int by_expiration_desc(const void *a, const void *b)
{
    json_object *x = *(json_object *const *)a, *y = *(json_object *const *)b;
    int64_t ex = mdr_json_int(x, "expiration_time", 0), ey = mdr_json_int(y, "expiration_time", 0);
    if (ex != ey)
        return ex > ey ? -1 : 1;
    return strcasecmp(mdr_json_str(x, "name", ""), mdr_json_str(y, "name", ""));
}

void mdr_tenants_sort(json_object *array)
{
    if (json_object_is_type(array, json_type_array))
        json_object_array_sort(array, by_expiration_desc);
}
