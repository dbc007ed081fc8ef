/* ksc_utc_time.h — a UTC date "YYYY-MM-DD" or time "YYYY-MM-DDThh:mm:ssZ" to milliseconds since
 * the epoch, strictly: digits only where digits belong, years from 1970, and no day that does
 * not exist (timegm would turn 2026-02-30 into March 2). Header-only so the host, the module and
 * its self-contained ksn/ library share one parser without a link dependency. */
#ifndef KSC_UTC_TIME_H
#define KSC_UTC_TIME_H

#include <stdint.h>
#include <string.h>
#include <time.h>

static inline int ksc_utc_digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* 0 and *ms set when text is one of the two forms; -1 otherwise. */
static inline int ksc_utc_parse(const char *text, int64_t *ms)
{
    size_t len = text ? strlen(text) : 0;
    if ((len != 10 && len != 20) || text[4] != '-' || text[7] != '-')
        return -1;
    int y, mo, d, h = 0, mi = 0, s = 0;
    if (ksc_utc_digits(text, 4, &y) || ksc_utc_digits(text + 5, 2, &mo) ||
        ksc_utc_digits(text + 8, 2, &d))
        return -1;
    if (len == 20 && (text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z' ||
                      ksc_utc_digits(text + 11, 2, &h) || ksc_utc_digits(text + 14, 2, &mi) ||
                      ksc_utc_digits(text + 17, 2, &s)))
        return -1;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59)
        return -1;
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    time_t t = timegm(&tm);
    struct tm back;
    if (t == (time_t)-1 || !gmtime_r(&t, &back) || back.tm_mday != d || back.tm_mon != mo - 1)
        return -1;
    *ms = (int64_t)t * 1000;
    return 0;
}

#endif
