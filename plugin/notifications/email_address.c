/* email_address.c — see email_address.h. */
#include "email_address.h"

#include <string.h>

int mdr_email_address_valid(const char *s)
{
    if (!s || strlen(s) > MDR_EMAIL_MAX)
        return 0;
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@'))
        return 0;
    const char *domain = at + 1, *dot = strrchr(domain, '.');
    if (!dot || dot == domain || dot[1] == '\0' || domain[0] == '.' || strstr(domain, ".."))
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= 0x20 || *p > 0x7e || strchr(",;<>\"()[]\\:", *p))
            return 0;
    return 1;
}
