/* rules.h — report delivery schedules' rules (help: "Setting up regular report delivery in
 * MDR Web Console"; product.md): the name, the addresses, the day and time (UTC) and their
 * local equivalent, the limits, and the period a report covers. Pure: no store, no cloud. */
#ifndef MDR_REPORTS_RULES_H
#define MDR_REPORTS_RULES_H

#include "core/rule_error.h"

#include <json-c/json.h>
#include <stdint.h>

#define MDR_REPORT_NAME_MAX 1000
#define MDR_REPORT_EMAILS_MAX 20
#define MDR_REPORTS_MAX 50 /* per organization */
#define MDR_REPORTS_PER_TENANT_MAX 10

/* 1..1000 printable ASCII characters, not only spaces. 0 or -1 with e filled. */
int mdr_report_name_check(const char *name, mdr_rule_error *e);

/* `emails`: a comma-separated text or an array of strings; each address trimmed and checked,
 * empty items skipped, at least one, at most 20. *out: a new array of the addresses. */
int mdr_report_emails_parse(json_object *emails, json_object **out, mdr_rule_error *e);

/* "HH:MM" (24-hour) to minutes of the day. 0 or -1 with e filled. */
int mdr_report_time_parse(const char *text, int *minute, mdr_rule_error *e);

/* 0..6 for monday..sunday, 7 for every_day, -1 when unknown. */
int mdr_report_day_index(const char *day);

/* The schedule's day and time seen from a UTC offset (minutes): {"local_day", "local_time"}
 * (the day moves when the offset crosses midnight; every_day stays). */
void mdr_report_local(int day, int minute, int offset_min, int *local_day, int *local_minute);

/* The next delivery at or after now_ms (UTC), or -1 for none. */
int64_t mdr_report_next_run(int day, int minute, int64_t now_ms);

/* The period a report made at `run_ms` covers: the previous seven days, not counting the day
 * it is made: [from 00:00 UTC, to 00:00 UTC of the report's day). */
void mdr_report_period(int64_t run_ms, int64_t *from_ms, int64_t *to_ms);

#endif
