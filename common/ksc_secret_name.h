/* ksc_secret_name.h — whether a JSON key names a secret (password, token, …), so an audit
 * record never keeps its value. Header-only so the module (plugin/core/audit.c) and the host
 * (host/audit.c) apply one list: the module scrubs what it sends, the host what it stores. */
#ifndef KSC_SECRET_NAME_H
#define KSC_SECRET_NAME_H

#include <ctype.h>
#include <string.h>

/* 1 when `key` contains, in any case, a word that names a secret. */
static inline int ksc_secret_name(const char *key)
{
    static const char *const words[] = {"password",   "passwd",        "secret",
                                        "token",      "authorization", "cookie",
                                        "credential", "private_key",   "refresh"};
    char low[64];
    size_t i = 0;
    for (; key[i] && i + 1 < sizeof low; i++)
        low[i] = (char)tolower((unsigned char)key[i]);
    low[i] = '\0';
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++)
        if (strstr(low, words[w]))
            return 1;
    return 0;
}

#endif
