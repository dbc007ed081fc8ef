#include "utc_date.h"

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
    if (!text || strlen(text) != 10 || text[4] != '-' || text[7] != '-')
        return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9'))
            return -1;
    int y = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
    int mo = (text[5] - '0') * 10 + (text[6] - '0');
    int d = (text[8] - '0') * 10 + (text[9] - '0');
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31)
        return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d};
    time_t t = timegm(&tm);
    struct tm back;
    /* timegm normalizes 2027-02-30 into March: a day that does not exist is refused */
    if (t == (time_t)-1 || !gmtime_r(&t, &back) || back.tm_mday != d || back.tm_mon != mo - 1)
        return -1;
    *ms = (int64_t)t * 1000;
    return 0;
}

int64_t mdr_utc_day_start(int64_t ms)
{
    int64_t r = ms % MDR_DAY_MS;
    return ms - (r < 0 ? r + MDR_DAY_MS : r);
}
