/* licenses: the Licenses tab's view model on the host clock, the activation code's form. */
#include "core/i18n.h"
#include "licenses/view.h"
#include "unit.h"
#include "core/utc_date.h"

#define DAY MDR_DAY_MS
static const int64_t NOW = 1800000000000LL; /* 2027-01-15 08:00 UTC */

static json_object *license(const char *id, const char *tier, const char *type, int64_t limit,
                            int64_t connected, int64_t expires, const char *status)
{
    json_object *l = json_object_new_object();
    json_object_object_add(l, "license_id", json_object_new_string(id));
    json_object_object_add(l, "tier", json_object_new_string(tier));
    json_object_object_add(l, "region", json_object_new_string("europe"));
    json_object_object_add(l, "type", json_object_new_string(type));
    json_object_object_add(l, "assets_limit", json_object_new_int64(limit));
    json_object_object_add(l, "connected_assets", json_object_new_int64(connected));
    json_object_object_add(l, "activation_time", json_object_new_int64(NOW - 30 * DAY));
    json_object_object_add(l, "expiration_time", json_object_new_int64(expires));
    json_object_object_add(l, "status", json_object_new_string(status));
    return l;
}

static void licenses__code_form(void)
{
    char out[21];
    mdr_rule_error e = {0};
    CU_ASSERT_EQUAL(mdr_license_code_normalize("abcde-12345-fghij-67890", out, &e), 0);
    CU_ASSERT_STRING_EQUAL(out, "ABCDE12345FGHIJ67890");
    CU_ASSERT_EQUAL(mdr_license_code_normalize("ABCDE12345FGHIJ67890", out, &e), 0);
    const char *bad[] = {"ABCDE12345FGHIJ6789",
                         "ABCDE12345FGHIJ678901",
                         "-ABCDE12345FGHIJ67890",
                         "ABCDE--12345FGHIJ67890",
                         "ABCDE12345FGHIJ67890-",
                         "ABCDE 12345FGHIJ6789",
                         "ÄBCDE12345FGHIJ6789",
                         "",
                         NULL};
    for (int i = 0; bad[i]; i++) {
        CU_ASSERT_EQUAL(mdr_license_code_normalize(bad[i], out, &e), -1);
        CU_ASSERT_STRING_EQUAL(e.code, "license_code_format");
        CU_ASSERT_EQUAL(e.status, KSC_ERR_INVALID);
        mdr_rule_error_clear(&e);
    }
    CU_ASSERT_EQUAL(mdr_license_code_normalize(NULL, out, &e), -1);
    mdr_rule_error_clear(&e);
}

static void licenses__name_limit_and_exceeded(void)
{
    json_object *l = license("L1", "expert", "commercial", 500, 500, NOW + 100 * DAY, "Active");
    json_object *v = mdr_license_view(l, NOW, "en");
    CU_ASSERT_STRING_EQUAL(mdr_json_str(v, "name", ""), "MDR Expert, 500 assets");
    CU_ASSERT_FALSE(mdr_json_bool(v, "limit_exceeded", 1)); /* at the limit: not exceeded */
    json_object_put(v);
    json_object_object_add(l, "connected_assets", json_object_new_int64(501));
    v = mdr_license_view(l, NOW, "en");
    CU_ASSERT_TRUE(mdr_json_bool(v, "limit_exceeded", 0));
    json_object_put(v);
    v = mdr_license_view(l, NOW, "ru");
    CU_ASSERT_STRING_EQUAL(mdr_json_str(v, "name", ""), "MDR Expert, активов: 500");
    CU_ASSERT_STRING_EQUAL(mdr_json_str(v, "status_text", ""), "Активна");
    json_object_put(v);
    json_object_put(l);
}

static void licenses__expiry_warning_at_14_days(void)
{
    json_object *l = license("L1", "expert", "commercial", 10, 1, NOW + 14 * DAY, "Active");
    json_object *v = mdr_license_view(l, NOW, "en");
    CU_ASSERT_TRUE(mdr_json_bool(v, "expiration_warning", 0));
    CU_ASSERT_EQUAL(mdr_json_int(v, "days_left", -1), 14);
    json_object_put(v);
    v = mdr_license_view(l, NOW - 1, "en"); /* 14 days and 1 ms left */
    CU_ASSERT_FALSE(mdr_json_bool(v, "expiration_warning", 1));
    json_object_put(v);
    json_object_put(l);
}

static void licenses__host_clock_decides_expiry(void)
{
    int64_t exp = NOW + 5 * DAY;
    json_object *l = license("L1", "expert", "commercial", 10, 1, exp, "Active");
    CU_ASSERT_STRING_EQUAL(mdr_license_status(l, exp - 1), "Active");
    CU_ASSERT_STRING_EQUAL(mdr_license_status(l, exp), "Expired");
    json_object *v = mdr_license_view(l, exp + DAY, "en");
    CU_ASSERT_STRING_EQUAL(mdr_json_str(v, "status", ""), "Expired");
    CU_ASSERT_FALSE(mdr_json_bool(v, "current", 1));
    CU_ASSERT_TRUE(mdr_json_bool(v, "expiration_warning", 0));
    CU_ASSERT_STRING_EQUAL(mdr_json_str(v, "at_expiry", ""), "telemetry_stopped");
    json_object_put(v);
    json_object_put(l);
    /* the cloud's other statuses are kept as they are */
    l = license("L2", "expert", "commercial", 10, 1, NOW - DAY, "Removed");
    CU_ASSERT_STRING_EQUAL(mdr_license_status(l, NOW), "Removed");
    json_object_put(l);
}

static void licenses__last_day(void)
{
    int64_t exp;
    CU_ASSERT_EQUAL(mdr_utc_date_parse("2027-06-30", &exp), 0);
    exp += 15 * 3600 * 1000LL; /* ends 2027-06-30 15:00 → last day 2027-06-30 */
    char d[16];
    mdr_utc_date(mdr_license_last_day_ms(exp), d, sizeof d);
    CU_ASSERT_STRING_EQUAL(d, "2027-06-30");
    CU_ASSERT_EQUAL(mdr_utc_date_parse("2027-07-01", &exp), 0); /* ends at midnight */
    mdr_utc_date(mdr_license_last_day_ms(exp), d, sizeof d);
    CU_ASSERT_STRING_EQUAL(d, "2027-06-30");
    CU_ASSERT_EQUAL(mdr_utc_date_parse("2027-02-30", &exp), -1);
    CU_ASSERT_EQUAL(mdr_utc_date_parse("2027-2-03", &exp), -1);
}

static void licenses__active_and_all_views_with_totals(void)
{
    json_object *list = json_object_new_array();
    json_object_array_add(list,
                          license("A", "expert", "commercial", 500, 120, NOW + 10 * DAY, "Active"));
    json_object_array_add(
        list, license("B", "expert", "subscription", 100, 150, NOW + 200 * DAY, "Active"));
    json_object_array_add(list, license("C", "expert", "commercial", 50, 0, NOW - DAY, "Expired"));
    json_object_array_add(list,
                          license("D", "expert", "commercial", 50, 0, NOW + 90 * DAY, "Removed"));
    json_object *tab = mdr_licenses_view(list, 0, NOW, "en"), *rows, *s;
    json_object_object_get_ex(tab, "licenses", &rows);
    json_object_object_get_ex(tab, "summary", &s);
    CU_ASSERT_EQUAL(json_object_array_length(rows), 2);
    CU_ASSERT_EQUAL(mdr_json_int(s, "licenses", 0), 4);
    CU_ASSERT_EQUAL(mdr_json_int(s, "current_licenses", 0), 2);
    CU_ASSERT_EQUAL(mdr_json_int(s, "assets_limit", 0), 600);
    CU_ASSERT_EQUAL(mdr_json_int(s, "connected_assets", 0), 270);
    CU_ASSERT_EQUAL(mdr_json_int(s, "limit_exceeded", 0), 1);
    CU_ASSERT_EQUAL(mdr_json_int(s, "expiring", 0), 1);
    CU_ASSERT_STRING_EQUAL(mdr_json_str(s, "tier_title", ""), "MDR Expert");
    CU_ASSERT_STRING_EQUAL(mdr_json_str(s, "functionality", ""), "full");
    json_object_put(tab);
    tab = mdr_licenses_view(list, 1, NOW, "en");
    json_object_object_get_ex(tab, "licenses", &rows);
    CU_ASSERT_EQUAL(json_object_array_length(rows), 4);
    CU_ASSERT_STRING_EQUAL(mdr_json_str(tab, "view", ""), "all");
    json_object_put(tab);
    json_object_put(list);
}

static void licenses__trial_and_commercial_expiry(void)
{
    json_object *list = json_object_new_array();
    json_object_array_add(list, license("T", "expert", "trial", 10, 0, NOW - DAY, "Expired"));
    json_object *tab = mdr_licenses_view(list, 1, NOW, "en"), *s, *rows;
    json_object_object_get_ex(tab, "summary", &s);
    json_object_object_get_ex(tab, "licenses", &rows);
    CU_ASSERT_STRING_EQUAL(mdr_json_str(s, "functionality", ""), "disabled");
    CU_ASSERT_STRING_EQUAL(mdr_json_str(json_object_array_get_idx(rows, 0), "at_expiry", ""),
                           "features_disabled");
    CU_ASSERT_PTR_NOT_NULL(strstr(mdr_json_str(s, "functionality_text", ""), "turned off"));
    json_object_put(tab);
    json_object_array_add(list, license("C", "expert", "commercial", 10, 0, NOW - DAY, "Expired"));
    tab = mdr_licenses_view(list, 1, NOW, "en");
    json_object_object_get_ex(tab, "summary", &s);
    CU_ASSERT_STRING_EQUAL(mdr_json_str(s, "functionality", ""), "limited");
    CU_ASSERT_PTR_NOT_NULL(strstr(mdr_json_str(s, "functionality_text", ""), "telemetry"));
    json_object_put(tab);
    json_object_put(list);
}

int main(void)
{
    char err[256];
    if (mdr_i18n_load(err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    static const unit_test tests[] = {
        {"licenses__code_form", licenses__code_form},
        {"licenses__name_limit_and_exceeded", licenses__name_limit_and_exceeded},
        {"licenses__expiry_warning_at_14_days", licenses__expiry_warning_at_14_days},
        {"licenses__host_clock_decides_expiry", licenses__host_clock_decides_expiry},
        {"licenses__last_day", licenses__last_day},
        {"licenses__active_and_all_views_with_totals", licenses__active_and_all_views_with_totals},
        {"licenses__trial_and_commercial_expiry", licenses__trial_and_commercial_expiry},
        {NULL, NULL}};
    return run_tests("licenses_view", tests);
}
