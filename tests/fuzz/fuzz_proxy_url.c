/* The proxy URL parser (mdr_proxy_parse, plugin/cloud/http_settings.c) and the masking of
 * cloud.proxy (mdr_url_mask_password). Asserts: what the parser accepts it accepts again in
 * its own output (url, and masked with the password "***"), with the same host and user;
 * the masked form is exactly the URL with "<user>:***@", and the configuration's masking
 * exactly the input with the password span (mdr_proxy_split) replaced by "***". */
#include "cloud/http_settings.h"
#include "core/config.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *url = fuzz_cstr(data, size);
    mdr_proxy p;
    mdr_cloud_error err;
    if (mdr_proxy_parse(url, "fuzz", &p, &err) == MDR_CLOUD_OK) {
        FUZZ_ASSERT(p.url && p.masked && strstr(p.url, "://"));
        FUZZ_ASSERT((p.user == NULL) == (p.password == NULL));
        mdr_proxy again;
        FUZZ_ASSERT(mdr_proxy_parse(p.url, "fuzz", &again, &err) == MDR_CLOUD_OK);
        FUZZ_ASSERT(strcmp(again.url, p.url) == 0 && !again.user);
        mdr_proxy_clear(&again);
        FUZZ_ASSERT(mdr_proxy_parse(p.masked, "fuzz", &again, &err) == MDR_CLOUD_OK);
        FUZZ_ASSERT(strcmp(again.url, p.url) == 0);
        if (p.user) {
            FUZZ_ASSERT(again.user && strcmp(again.user, p.user) == 0);
            FUZZ_ASSERT(strcmp(again.password, "***") == 0);
        }
        mdr_proxy_clear(&again);

        mdr_proxy_spans sp;
        FUZZ_ASSERT(mdr_proxy_split(url, strlen(url), &sp) == 0);
        /* masked = the URL libcurl gets with "<raw user>:***@" put in, nothing else */
        if (sp.has_user) {
            const char *rest = strstr(p.url, "://") + 3;
            size_t scheme_len = (size_t)(rest - p.url);
            size_t n = strlen(p.masked);
            FUZZ_ASSERT(n == scheme_len + sp.user_len + 5 + strlen(rest));
            FUZZ_ASSERT(memcmp(p.masked, p.url, scheme_len) == 0);
            FUZZ_ASSERT(memcmp(p.masked + scheme_len, url + sp.user, sp.user_len) == 0);
            FUZZ_ASSERT(memcmp(p.masked + scheme_len + sp.user_len, ":***@", 5) == 0);
            FUZZ_ASSERT(strcmp(p.masked + scheme_len + sp.user_len + 5, rest) == 0);
        } else {
            FUZZ_ASSERT(strcmp(p.masked, p.url) == 0);
        }
        /* the configuration's masking: the password span replaced, nothing else */
        char *masked = mdr_url_mask_password(url);
        FUZZ_ASSERT(masked);
        size_t n = strlen(url);
        if (sp.has_password)
            FUZZ_ASSERT(strlen(masked) == n - sp.password_len + 3 &&
                        memcmp(masked, url, sp.password) == 0 &&
                        memcmp(masked + sp.password, "***", 3) == 0 &&
                        strcmp(masked + sp.password + 3, url + sp.password + sp.password_len) == 0);
        else
            FUZZ_ASSERT(strcmp(masked, url) == 0);
        free(masked);
        mdr_proxy_clear(&p);
    } else {
        FUZZ_ASSERT(!p.url && !p.password && !p.masked);
        FUZZ_ASSERT(!strstr(err.detail, url) || !url[0] || strlen(url) < 4);
    }
    free(url);
    return 0;
}
