/* tenants: every rule at its edge, the view on the host clock, the list order. */
#include "core/i18n.h"
#include "licenses/view.h"
#include "tenants/rules.h"
#include "unit.h"
#include "core/utc_date.h"

#define DAY MDR_DAY_MS
static int64_t NOW;     /* 2027-01-15 08:00 UTC */
static int64_t LIC_END; /* the license ends 2027-06-30 12:00 UTC: last day 2027-06-30 */

static json_object *licenses(void)
{
    json_object *list = json_object_new_array();
    const char *ids[] = {"LA", "LX"}, *st[] = {"Active", "Expired"};
    for (int i = 0; i < 2; i++) {
        json_object *l = json_object_new_object();
        json_object_object_add(l, "license_id", json_object_new_string(ids[i]));
        json_object_object_add(l, "tier", json_object_new_string("expert"));
        json_object_object_add(l, "assets_limit", json_object_new_int64(100));
        json_object_object_add(l, "expiration_time",
                               json_object_new_int64(i ? NOW - DAY : LIC_END));
        json_object_object_add(l, "status", json_object_new_string(st[i]));
        json_object_array_add(list, l);
    }
    return list;
}

static char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

static void expect_code(int rc, mdr_rule_error *e, const char *code)
{
    CU_ASSERT_EQUAL(rc, -1);
    if (rc == -1 && e->code) {
        CU_ASSERT_STRING_EQUAL(e->code, code);
        if (strcmp(e->code, code) != 0)
            fprintf(stderr, "\n  got %s, expected %s\n", e->code, code);
    }
    mdr_rule_error_clear(e);
}

static void tenants__name_100_ok_101_refused(void)
{
    mdr_rule_error e = {0};
    char *n100 = repeat('a', 100), *n101 = repeat('a', 101);
    CU_ASSERT_EQUAL(mdr_tenant_name_check(n100, &e), 0);
    expect_code(mdr_tenant_name_check(n101, &e), &e, "tenant_name_too_long");
    CU_ASSERT_EQUAL(mdr_tenant_name_check("Acme Corp. #1 (EU) & Co_-+=!?", &e), 0);
    expect_code(mdr_tenant_name_check("Société", &e), &e, "tenant_name_invalid");
    expect_code(mdr_tenant_name_check("   ", &e), &e, "tenant_name_invalid");
    expect_code(mdr_tenant_name_check("", &e), &e, "tenant_name_invalid");
    expect_code(mdr_tenant_name_check("tab\there", &e), &e, "tenant_name_invalid");
    free(n100);
    free(n101);
}

static void tenants__description_2000_ok_2001_refused(void)
{
    mdr_rule_error e = {0};
    char *d2000 = repeat('d', 2000), *d2001 = repeat('d', 2001);
    CU_ASSERT_EQUAL(mdr_tenant_description_check(d2000, &e), 0);
    expect_code(mdr_tenant_description_check(d2001, &e), &e, "tenant_description_too_long");
    CU_ASSERT_EQUAL(mdr_tenant_description_check("", &e), 0);
    CU_ASSERT_EQUAL(mdr_tenant_description_check("line 1\r\nline 2\tend", &e), 0);
    expect_code(mdr_tenant_description_check("emoji \xF0\x9F\x98\x80", &e), &e,
                "tenant_description_invalid");
    free(d2000);
    free(d2001);
}

static void tenants__at_most_100(void)
{
    mdr_rule_error e = {0};
    CU_ASSERT_EQUAL(mdr_tenant_count_check(99, &e), 0); /* the 100th may be made */
    expect_code(mdr_tenant_count_check(100, &e), &e, "tenant_limit");
}

static void tenants__name_unique_regardless_of_case(void)
{
    json_object *list = json_object_new_array(), *t = json_object_new_object();
    json_object_object_add(t, "tenant_id", json_object_new_string("T1"));
    json_object_object_add(t, "name", json_object_new_string("Acme"));
    json_object_array_add(list, t);
    mdr_rule_error e = {0};
    expect_code(mdr_tenant_name_free(list, "ACME", NULL, &e), &e, "tenant_name_taken");
    CU_ASSERT_EQUAL(mdr_tenant_name_free(list, "ACME", "T1", &e), 0); /* renaming itself */
    CU_ASSERT_EQUAL(mdr_tenant_name_free(list, "Acme2", NULL, &e), 0);
    json_object_put(list);
}

static void tenants__expiry_before_the_license_last_day(void)
{
    json_object *lic = licenses();
    mdr_rule_error e = {0};
    int64_t day_before, last_day, past;
    mdr_utc_date_parse("2027-06-29", &day_before);
    mdr_utc_date_parse("2027-06-30", &last_day);
    CU_ASSERT_EQUAL(mdr_tenant_config_file_check(lic, "LA", day_before, NOW, "f", &e), 0);
    expect_code(mdr_tenant_config_file_check(lic, "LA", last_day, NOW, "f", &e), &e,
                "tenant_expires_after_license");
    CU_ASSERT_EQUAL(mdr_tenant_config_file_check(lic, "LA", last_day - 1, NOW, "f", &e), 0);
    expect_code(mdr_tenant_config_file_check(lic, "LA", last_day + DAY, NOW, "f", &e), &e,
                "tenant_expires_after_license");
    mdr_utc_date_parse("2027-01-15", &past); /* 00:00 today: already behind the host clock */
    expect_code(mdr_tenant_config_file_check(lic, "LA", past, NOW, "f", &e), &e,
                "tenant_expires_past");
    expect_code(mdr_tenant_config_file_check(lic, "LX", day_before, NOW, "f", &e), &e,
                "tenant_license_not_current");
    expect_code(mdr_tenant_config_file_check(lic, "NOPE", day_before, NOW, "f", &e), &e,
                "tenant_license_not_found");
    /* the refusal names the latest day that would do */
    mdr_tenant_config_file_check(lic, "LA", last_day, NOW, "f", &e);
    CU_ASSERT_STRING_EQUAL(mdr_json_str(e.details, "latest", ""), "2027-06-29");
    CU_ASSERT_STRING_EQUAL(mdr_json_str(e.details, "last_day", ""), "2027-06-30");
    mdr_rule_error_clear(&e);
    json_object_put(lic);
}

static void tenants__config_files_build(void)
{
    json_object *lic = licenses(), *cloud = NULL;
    mdr_rule_error e = {0};
    json_object *files = json_tokener_parse("[{\"license_id\":\"LA\",\"expires\":\"2027-06-29\"},{"
                                            "\"license_id\":\"LA\",\"expires\":1805000000000}]");
    CU_ASSERT_EQUAL(mdr_tenant_config_files_build(files, lic, NOW, &cloud, &e), 0);
    CU_ASSERT_EQUAL(json_object_array_length(cloud), 2);
    int64_t d;
    mdr_utc_date_parse("2027-06-29", &d);
    CU_ASSERT_EQUAL(mdr_json_int(json_object_array_get_idx(cloud, 0), "expiration_time", 0), d);
    json_object_put(cloud);
    json_object_put(files);
    files = json_tokener_parse("[]");
    expect_code(mdr_tenant_config_files_build(files, lic, NOW, &cloud, &e), &e,
                "tenant_config_file_required");
    json_object_put(files);
    files = json_tokener_parse("[{\"license_id\":\"LA\",\"expires\":\"2027-06-29\",\"x\":1}]");
    expect_code(mdr_tenant_config_files_build(files, lic, NOW, &cloud, &e), &e,
                "tenant_config_file_invalid");
    json_object_put(files);
    files = json_tokener_parse("[{\"license_id\":\"LA\",\"expires\":\"29.06.2027\"}]");
    expect_code(mdr_tenant_config_files_build(files, lic, NOW, &cloud, &e), &e,
                "tenant_expires_invalid");
    json_object_put(files);
    files = json_tokener_parse("[{\"license_id\":\"LA\",\"expires\":\"2027-06-29\"},"
                               "{\"license_id\":\"LA\",\"expires\":\"2027-06-30\"}]");
    expect_code(mdr_tenant_config_files_build(files, lic, NOW, &cloud, &e), &e,
                "tenant_expires_after_license");
    CU_ASSERT_PTR_NULL(cloud);
    json_object_put(files);
    json_object_put(lic);
}

static json_object *tenant(const char *id, const char *name, int active, int64_t exp, int files)
{
    json_object *t = json_object_new_object(), *fl = json_object_new_array();
    json_object_object_add(t, "tenant_id", json_object_new_string(id));
    json_object_object_add(t, "name", json_object_new_string(name));
    json_object_object_add(t, "active", json_object_new_boolean(active));
    json_object_object_add(t, "status", json_object_new_string("Active"));
    json_object_object_add(t, "assets", json_object_new_int64(7));
    json_object_object_add(t, "created_time", json_object_new_int64(NOW - DAY));
    if (exp)
        json_object_object_add(t, "expiration_time", json_object_new_int64(exp));
    for (int i = 0; i < files; i++) {
        json_object *f = json_object_new_object();
        char fid[16];
        snprintf(fid, sizeof fid, "F%d", i);
        json_object_object_add(f, "file_id", json_object_new_string(fid));
        json_object_object_add(f, "license_id", json_object_new_string("LA"));
        json_object_object_add(f, "expiration_time", json_object_new_int64(exp));
        json_object_array_add(fl, f);
    }
    json_object_object_add(t, "config_files", fl);
    return t;
}

static void tenants__config_file_deleted_only_while_another_remains(void)
{
    mdr_rule_error e = {0};
    json_object *one = tenant("T", "One", 1, NOW + DAY, 1),
                *two = tenant("U", "Two", 1, NOW + DAY, 2);
    expect_code(mdr_tenant_config_file_delete_check(one, "F0", &e), &e, "tenant_last_config_file");
    CU_ASSERT_EQUAL(mdr_tenant_config_file_delete_check(two, "F0", &e), 0);
    expect_code(mdr_tenant_config_file_delete_check(two, "F9", &e), &e,
                "tenant_config_file_not_found");
    json_object_put(one);
    json_object_put(two);
}

static void tenants__inactive_at_end_of_lifetime_on_host_clock(void)
{
    json_object *lic = licenses();
    json_object *t = tenant("T", "Acme", 1, NOW + DAY, 1);
    json_object *v = mdr_tenant_view(t, lic, NOW + DAY - 1, "en");
    CU_ASSERT_STRING_EQUAL(mdr_json_str(v, "status", ""), "Active");
    CU_ASSERT_STRING_EQUAL(
        mdr_json_str(json_object_array_get_idx(json_object_object_get(v, "config_files"), 0),
                     "license_name", ""),
        "MDR Expert, 100 assets");
    json_object_put(v);
    v = mdr_tenant_view(t, lic, NOW + DAY, "de");
    CU_ASSERT_STRING_EQUAL(mdr_json_str(v, "status", ""), "Inactive");
    CU_ASSERT_STRING_EQUAL(mdr_json_str(v, "status_text", ""), "Inaktiv");
    CU_ASSERT_STRING_EQUAL(mdr_json_str(v, "inactive_reason", ""), "lifetime_ended");
    CU_ASSERT_TRUE(mdr_json_bool(v, "lifetime_ended", 0));
    json_object_put(v);
    json_object_put(t);
    t = tenant("T", "Acme", 0, NOW + 10 * DAY, 1);
    v = mdr_tenant_view(t, lic, NOW, "en");
    CU_ASSERT_STRING_EQUAL(mdr_json_str(v, "status", ""), "Inactive");
    CU_ASSERT_STRING_EQUAL(mdr_json_str(v, "inactive_reason", ""), "switched_off");
    json_object_put(v);
    json_object_put(t);
    json_object_put(lic);
}

static void tenants__sorted_by_expiration_descending(void)
{
    json_object *list = json_object_new_array();
    json_object_array_add(list, tenant("1", "b", 1, NOW + 5 * DAY, 1));
    json_object_array_add(list, tenant("2", "none", 1, 0, 0));
    json_object_array_add(list, tenant("3", "c", 1, NOW + 50 * DAY, 1));
    json_object_array_add(list, tenant("4", "a", 1, NOW + 5 * DAY, 1));
    mdr_tenants_sort(list);
    const char *order[] = {"3", "4", "1", "2"};
    for (int i = 0; i < 4; i++)
        CU_ASSERT_STRING_EQUAL(mdr_json_str(json_object_array_get_idx(list, i), "tenant_id", ""),
                               order[i]);
    json_object_put(list);
}

int main(void)
{
    char err[256];
    if (mdr_i18n_load(err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    mdr_utc_date_parse("2027-01-15", &NOW);
    NOW += 8 * 3600 * 1000LL;
    mdr_utc_date_parse("2027-06-30", &LIC_END);
    LIC_END += 12 * 3600 * 1000LL;
    static const unit_test tests[] = {
        {"tenants__name_100_ok_101_refused", tenants__name_100_ok_101_refused},
        {"tenants__description_2000_ok_2001_refused", tenants__description_2000_ok_2001_refused},
        {"tenants__at_most_100", tenants__at_most_100},
        {"tenants__name_unique_regardless_of_case", tenants__name_unique_regardless_of_case},
        {"tenants__expiry_before_the_license_last_day",
         tenants__expiry_before_the_license_last_day},
        {"tenants__config_files_build", tenants__config_files_build},
        {"tenants__config_file_deleted_only_while_another_remains",
         tenants__config_file_deleted_only_while_another_remains},
        {"tenants__inactive_at_end_of_lifetime_on_host_clock",
         tenants__inactive_at_end_of_lifetime_on_host_clock},
        {"tenants__sorted_by_expiration_descending", tenants__sorted_by_expiration_descending},
        {NULL, NULL}};
    return run_tests("tenants_rules", tests);
}
