/* rules.c — report schedules' rules (rules.h). */
#include "rules.h"

#include "core/reply.h"
#include "core/utc_date.h"
#include "notifications/email_address.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *const DAYS[] = {"monday",   "tuesday", "wednesday", "thursday", "friday",
                                   "saturday", "sunday",  "every_day", NULL};

int mdr_report_day_index(const char *day)
{
    for (int i = 0; day && DAYS[i]; i++)
        if (strcmp(day, DAYS[i]) == 0)
            return i;
    return -1;
}

int mdr_report_name_check(const char *name, mdr_rule_error *e)
{
    size_t len = name ? strlen(name) : 0;
    int blank = 1, printable = 1;
    for (size_t i = 0; i < len; i++) {
        printable &= name[i] >= 0x20 && name[i] <= 0x7e;
        blank &= name[i] == ' ';
    }
    if (len > MDR_REPORT_NAME_MAX && printable) {
        json_object *d = mdr_details_field("name");
        json_object_object_add(d, "length", json_object_new_int64((int64_t)len));
        json_object_object_add(d, "max", json_object_new_int(MDR_REPORT_NAME_MAX));
        return mdr_rule_fail(e, KSC_ERR_INVALID, "reports_name_too_long", d);
    }
    if (len == 0 || blank || !printable)
        return mdr_rule_fail(e, KSC_ERR_INVALID, "reports_name_invalid", mdr_details_field("name"));
    return 0;
}

/* One address from `item` (trimmed); empty items are skipped. */
static int add_address(json_object *out, const char *item, size_t len, mdr_rule_error *e)
{
    while (len && item[0] == ' ')
        item++, len--;
    while (len && item[len - 1] == ' ')
        len--;
    if (len == 0)
        return 0;
    char addr[300];
    int fits = len < sizeof addr;
    if (fits) {
        memcpy(addr, item, len);
        addr[len] = '\0';
    }
    if (!fits || !mdr_email_address_valid(addr)) {
        json_object *d = mdr_details_field("emails");
        char shown[80];
        size_t n = len < 60 ? len : 60;
        for (size_t i = 0; i < n; i++) /* the refused address, printable only */
            shown[i] = item[i] >= 0x20 && item[i] <= 0x7e ? item[i] : '?';
        shown[n] = '\0';
        json_object_object_add(d, "address", json_object_new_string(shown));
        return mdr_rule_fail(e, KSC_ERR_INVALID, "reports_email_invalid", d);
    }
    if (json_object_array_length(out) == MDR_REPORT_EMAILS_MAX) {
        json_object *d = mdr_details_field("emails");
        json_object_object_add(d, "max", json_object_new_int(MDR_REPORT_EMAILS_MAX));
        return mdr_rule_fail(e, KSC_ERR_INVALID, "reports_emails_too_many", d);
    }
    json_object_array_add(out, json_object_new_string(addr));
    return 0;
}

static int add_text(json_object *out, const char *text, mdr_rule_error *e)
{
    for (const char *p = text;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (add_address(out, p, len, e) != 0)
            return -1;
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

int mdr_report_emails_parse(json_object *emails, json_object **out, mdr_rule_error *e)
{
    *out = json_object_new_array();
    int rc = 0;
    if (json_object_is_type(emails, json_type_string)) {
        rc = add_text(*out, json_object_get_string(emails), e);
    } else if (json_object_is_type(emails, json_type_array)) {
        for (size_t i = 0; rc == 0 && i < json_object_array_length(emails); i++) {
            json_object *x = json_object_array_get_idx(emails, i);
            if (!json_object_is_type(x, json_type_string)) {
                json_object *d = mdr_details_field("emails");
                json_object_object_add(d, "expected", json_object_new_string("string"));
                rc = mdr_rule_fail(e, KSC_ERR_INVALID, "wrong_type", d);
            } else {
                rc = add_text(*out, json_object_get_string(x), e);
            }
        }
    }
    if (rc == 0 && json_object_array_length(*out) == 0)
        rc = mdr_rule_fail(e, KSC_ERR_INVALID, "reports_emails_required",
                           mdr_details_field("emails"));
    if (rc != 0) {
        json_object_put(*out);
        *out = NULL;
    }
    return rc;
}

int mdr_report_time_parse(const char *t, int *minute, mdr_rule_error *e)
{
    int ok = t && strlen(t) == 5 && t[2] == ':' && isdigit((unsigned char)t[0]) &&
             isdigit((unsigned char)t[1]) && isdigit((unsigned char)t[3]) &&
             isdigit((unsigned char)t[4]);
    int hh = ok ? (t[0] - '0') * 10 + t[1] - '0' : 0, mm = ok ? (t[3] - '0') * 10 + t[4] - '0' : 0;
    if (!ok || hh > 23 || mm > 59)
        return mdr_rule_fail(e, KSC_ERR_INVALID, "reports_time_invalid", mdr_details_field("time"));
    *minute = hh * 60 + mm;
    return 0;
}

void mdr_report_local(int day, int minute, int offset_min, int *local_day, int *local_minute)
{
    int m = minute + offset_min, shift = 0;
    while (m < 0)
        m += 24 * 60, shift--;
    while (m >= 24 * 60)
        m -= 24 * 60, shift++;
    *local_minute = m;
    *local_day = day == 7 ? 7 : ((day + shift) % 7 + 7) % 7;
}

int64_t mdr_report_next_run(int day, int minute, int64_t now_ms)
{
    int64_t today = mdr_utc_day_start(now_ms);
    /* 1970-01-01 was a Thursday: monday = 0 is (days + 3) % 7. */
    for (int i = 0; i < 8; i++) {
        int64_t d = today + i * MDR_DAY_MS;
        int weekday = (int)(((d / MDR_DAY_MS) + 3) % 7);
        int64_t at = d + (int64_t)minute * 60 * 1000;
        if ((day == 7 || weekday == day) && at >= now_ms)
            return at;
    }
    return -1;
}

void mdr_report_period(int64_t run_ms, int64_t *from_ms, int64_t *to_ms)
{
    *to_ms = mdr_utc_day_start(run_ms);
    *from_ms = *to_ms - 7 * MDR_DAY_MS;
}
