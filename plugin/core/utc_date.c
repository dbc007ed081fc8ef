#include "utc_date.h"

#include <ksc_utc_time.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

void mdr_utc_date(int64_t ms, char *out, size_t out_size)
{
    /* floor(ms / 1000) without the overflow of (ms - 999) near INT64_MIN */
    int64_t s = ms / 1000 - (ms % 1000 < 0);
    time_t t = (time_t)s;
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(out, out_size, "%Y-%m-%d", &tm) == 0)
        snprintf(out, out_size, "?");
}

int mdr_utc_date_parse(const char *text, int64_t *ms)
{
    if (!text || strlen(text) != 10)
        return -1;
    return ksc_utc_parse(text, ms);
}

int64_t mdr_utc_day_start(int64_t ms)
{
    int64_t r = ms % MDR_DAY_MS;
    return ms - (r < 0 ? r + MDR_DAY_MS : r);
}
