/* reports: every schedule rule at its edge, the local equivalent of a UTC time, the next
 * report and the seven days it covers. */
#include "core/utc_date.h"
#include "reports/rules.h"
#include "unit.h"

#define MIN (60 * 1000LL)
static const int64_t NOW = 1800000000000LL; /* Friday 2027-01-15 08:00 UTC */

static void expect_code(int rc, mdr_rule_error *e, const char *code)
{
    CU_ASSERT_EQUAL(rc, -1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e->code);
    CU_ASSERT_STRING_EQUAL(e->code, code);
    mdr_rule_error_clear(e);
}

static void reports__name_1000_and_1001_characters(void)
{
    mdr_rule_error e = {0};
    char name[1002];
    memset(name, 'n', 1000);
    name[1000] = '\0';
    CU_ASSERT_EQUAL(mdr_report_name_check(name, &e), 0);
    name[1000] = 'n';
    name[1001] = '\0';
    expect_code(mdr_report_name_check(name, &e), &e, "reports_name_too_long");
    expect_code(mdr_report_name_check("", &e), &e, "reports_name_invalid");
    expect_code(mdr_report_name_check("   ", &e), &e, "reports_name_invalid");
    expect_code(mdr_report_name_check("Отчет", &e), &e, "reports_name_invalid");
    CU_ASSERT_EQUAL(mdr_report_name_check("Weekly: SOC #1 (all)", &e), 0);
}

static void reports__emails_each_validated(void)
{
    mdr_rule_error e = {0};
    json_object *out = NULL, *in = json_object_new_string(" a@b.example ,c@d.example,, ");
    CU_ASSERT_EQUAL(mdr_report_emails_parse(in, &out, &e), 0);
    CU_ASSERT_EQUAL(json_object_array_length(out), 2);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_array_get_idx(out, 0)),
                           "a@b.example");
    json_object_put(out);
    json_object_put(in);
    in = json_object_new_string("a@b.example, not-an-address, c@d.example");
    expect_code(mdr_report_emails_parse(in, &out, &e), &e, "reports_email_invalid");
    CU_ASSERT_PTR_NULL(out);
    json_object_put(in);
    in = json_object_new_string(" , ");
    expect_code(mdr_report_emails_parse(in, &out, &e), &e, "reports_emails_required");
    json_object_put(in);
    char text[1024] = "";
    for (int i = 0; i < MDR_REPORT_EMAILS_MAX; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%su%d@b.example", i ? "," : "",
                 i);
    in = json_object_new_string(text);
    CU_ASSERT_EQUAL(mdr_report_emails_parse(in, &out, &e), 0);
    json_object_put(out);
    json_object_put(in);
    strcat(text, ",one@more.example");
    in = json_object_new_string(text);
    expect_code(mdr_report_emails_parse(in, &out, &e), &e, "reports_emails_too_many");
    json_object_put(in);
}

static void reports__time_hh_mm(void)
{
    mdr_rule_error e = {0};
    int m = -1;
    CU_ASSERT_EQUAL(mdr_report_time_parse("00:00", &m, &e), 0);
    CU_ASSERT_EQUAL(m, 0);
    CU_ASSERT_EQUAL(mdr_report_time_parse("23:59", &m, &e), 0);
    CU_ASSERT_EQUAL(m, 23 * 60 + 59);
    const char *bad[] = {"24:00", "12:60", "7:30", "07:3", "07-30", "", "07:30:00", NULL};
    for (int i = 0; bad[i]; i++)
        expect_code(mdr_report_time_parse(bad[i], &m, &e), &e, "reports_time_invalid");
    CU_ASSERT_EQUAL(mdr_report_day_index("monday"), 0);
    CU_ASSERT_EQUAL(mdr_report_day_index("every_day"), 7);
    CU_ASSERT_EQUAL(mdr_report_day_index("Monday"), -1);
}

static void reports__local_equivalent_crosses_midnight(void)
{
    int d, m;
    mdr_report_local(0, 23 * 60 + 30, 60, &d, &m); /* Monday 23:30 UTC at UTC+1 */
    CU_ASSERT_EQUAL(d, 1);
    CU_ASSERT_EQUAL(m, 30);
    mdr_report_local(0, 30, -60, &d, &m); /* Monday 00:30 UTC at UTC-1 */
    CU_ASSERT_EQUAL(d, 6);
    CU_ASSERT_EQUAL(m, 23 * 60 + 30);
    mdr_report_local(7, 30, -60, &d, &m);
    CU_ASSERT_EQUAL(d, 7);
    mdr_report_local(2, 15 * 60, 330, &d, &m); /* Wednesday 15:00 UTC at UTC+5:30 */
    CU_ASSERT_EQUAL(d, 2);
    CU_ASSERT_EQUAL(m, 20 * 60 + 30);
}

static void reports__next_report_and_its_seven_days(void)
{
    char f[16], t[16];
    int64_t from, to;
    int64_t next = mdr_report_next_run(0, 7 * 60, NOW); /* Monday 07:00 */
    mdr_utc_date(next, f, sizeof f);
    CU_ASSERT_STRING_EQUAL(f, "2027-01-18");
    CU_ASSERT_EQUAL(next % MDR_DAY_MS, 7 * 60 * MIN);
    mdr_report_period(next, &from, &to);
    mdr_utc_date(from, f, sizeof f);
    mdr_utc_date(to - MDR_DAY_MS, t, sizeof t);
    CU_ASSERT_STRING_EQUAL(f, "2027-01-11");                   /* the previous seven days … */
    CU_ASSERT_STRING_EQUAL(t, "2027-01-17");                   /* … not the day it is made */
    CU_ASSERT_EQUAL(mdr_report_next_run(4, 8 * 60, NOW), NOW); /* Friday 08:00: now */
    CU_ASSERT_EQUAL(mdr_report_next_run(4, 7 * 60 + 59, NOW), NOW - MIN + 7 * MDR_DAY_MS);
    CU_ASSERT_EQUAL(mdr_report_next_run(7, 7 * 60, NOW), NOW - 60 * MIN + MDR_DAY_MS);
}

int main(void)
{
    static const unit_test tests[] = {
        {"reports__name_1000_and_1001_characters", reports__name_1000_and_1001_characters},
        {"reports__emails_each_validated", reports__emails_each_validated},
        {"reports__time_hh_mm", reports__time_hh_mm},
        {"reports__local_equivalent_crosses_midnight", reports__local_equivalent_crosses_midnight},
        {"reports__next_report_and_its_seven_days", reports__next_report_and_its_seven_days},
        {NULL, NULL}};
    return run_tests("reports_rules", tests);
}
