/* utc_date: calendar days (UTC) both ways, down to the ends of int64. */
#include "core/utc_date.h"
#include "unit.h"

static void utc_date__known_days(void)
{
    char out[32];
    mdr_utc_date(0, out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "1970-01-01");
    mdr_utc_date(-1, out, sizeof out); /* one ms before the epoch: the day before */
    CU_ASSERT_STRING_EQUAL(out, "1969-12-31");
    mdr_utc_date(-1000, out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "1969-12-31");
    int64_t ms = 0;
    CU_ASSERT_EQUAL_FATAL(mdr_utc_date_parse("2027-02-28", &ms), 0);
    mdr_utc_date(ms + MDR_DAY_MS - 1, out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "2027-02-28");
    CU_ASSERT_EQUAL(mdr_utc_date_parse("2027-02-29", &ms), -1);
    mdr_utc_date(0, out, 4); /* too small: "?" rather than a cut date */
    CU_ASSERT_STRING_EQUAL(out, "?");
}

/* (ms - 999) / 1000 overflowed below INT64_MIN + 999 and wrapped to a date 292 million years
 * in the future (undefined behaviour, which the sanitizer build stops on). */
static void utc_date__int64_ends_do_not_wrap(void)
{
    char out[32];
    static const int64_t low[] = {INT64_MIN, INT64_MIN + 1, INT64_MIN + 998, INT64_MIN + 999};
    for (size_t i = 0; i < sizeof low / sizeof *low; i++) {
        mdr_utc_date(low[i], out, sizeof out);
        CU_ASSERT(out[0] == '-' || strcmp(out, "?") == 0);
    }
    mdr_utc_date(INT64_MAX, out, sizeof out);
    CU_ASSERT(out[0] != '-');
    mdr_utc_date(INT64_MIN, out, 16); /* the callers' size: no room for that year */
    CU_ASSERT_STRING_EQUAL(out, "?");
}

int main(void)
{
    static const unit_test tests[] = {
        {"utc_date__known_days", utc_date__known_days},
        {"utc_date__int64_ends_do_not_wrap", utc_date__int64_ends_do_not_wrap},
        {NULL, NULL}};
    return run_tests("utc_date", tests);
}
