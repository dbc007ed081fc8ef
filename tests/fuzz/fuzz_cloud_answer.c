/* The cloud's answers: an error body (mdr_http_parse_error_body, plugin/cloud/http_client.c)
 * turned into the English and the localized sentence (cloud_error.c, core/cloud_link.c), and
 * a 2xx body read as the session answer (tokens, whose JWT expiry is read) and as a file
 * answer (content_base64). The first byte picks the status and the language. Asserts: the
 * service's code and message are printable ASCII within their fields; every sentence is
 * NUL-terminated within its buffer. */
#include "cloud/encoding.h"
#include "cloud/http_client.h"
#include "cloud/jwt.h"
#include "core/cloud_link.h"
#include "core/i18n.h"
#include "core/json_get.h"
#include "fuzz.h"

#include <json-c/json.h>

static void printable(const char *s, size_t size)
{
    FUZZ_ASSERT(strnlen(s, size) < size);
    for (; *s; s++)
        FUZZ_ASSERT(*s >= 0x20 && *s < 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int loaded;
    if (!loaded) {
        char err[256];
        FUZZ_ASSERT(mdr_i18n_load(err, sizeof err) == 0);
        loaded = 1;
    }
    if (size < 1 || size > 65536)
        return 0;
    static const char *const langs[] = {"en", "ru", "de", "es", "fr", "it"};
    char *body = fuzz_cstr(data + 1, size - 1);
    mdr_cloud_error e;
    mdr_cloud_error_clear(&e);
    e.status = (mdr_cloud_status)(1 + data[0] % MDR_CLOUD_ERR_INTERNAL);
    e.http_status = 400 + data[0];
    mdr_http_parse_error_body(body, &e);
    printable(e.service_code, sizeof e.service_code);
    printable(e.service_message, sizeof e.service_message);

    char text[512], small[16];
    mdr_cloud_error_format(&e, text, sizeof text);
    FUZZ_ASSERT(strnlen(text, sizeof text) < sizeof text);
    mdr_cloud_error_fill(body, &e, small, sizeof small); /* the body as a template */
    FUZZ_ASSERT(strnlen(small, sizeof small) < sizeof small);
    char *msg = mdr_cloud_error_message(langs[data[0] % 6], &e);
    FUZZ_ASSERT(msg);
    free(msg);

    json_object *answer = json_tokener_parse(body);
    if (answer) {
        const char *access = mdr_json_str(answer, "access_token", NULL);
        int64_t exp;
        if (access && mdr_jwt_expiry_ms(access, &exp) == 0)
            FUZZ_ASSERT(exp > 0);
        unsigned char *file = NULL;
        size_t len = 0;
        if (mdr_base64_decode(mdr_json_str(answer, "content_base64", NULL), 1 << 20, &file, &len) ==
            0)
            free(file);
        json_object_put(answer);
    }
    free(body);
    return 0;
}
