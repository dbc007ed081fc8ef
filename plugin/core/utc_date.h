/* utc_date.h — calendar dates (UTC) as the console shows them: "YYYY-MM-DD" ↔ ms since the
 * epoch at 00:00 UTC of that day. */
#ifndef MDR_UTC_DATE_H
#define MDR_UTC_DATE_H

#include <stddef.h>
#include <stdint.h>

#define MDR_DAY_MS (24LL * 3600 * 1000)

/* "YYYY-MM-DD" of the UTC day holding `ms` into out (at least 11 bytes). */
void mdr_utc_date(int64_t ms, char *out, size_t out_size);

/* Parses exactly "YYYY-MM-DD" (a real calendar day, years 1970..9999) to 00:00 UTC of that
 * day. Returns 0, or -1 when malformed. */
int mdr_utc_date_parse(const char *text, int64_t *ms);

/* 00:00 UTC of the day holding `ms`. */
int64_t mdr_utc_day_start(int64_t ms);

#endif
