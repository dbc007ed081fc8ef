#include "reply.h"
#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PARAMS 16

char *mdr_host_strdup(const ksc_host_services *services, const char *text)
{
    size_t n = strlen(text) + 1;
    char *copy = services->alloc(n);
    if (copy)
        memcpy(copy, text, n);
    return copy;
}

ksc_status mdr_reply_ok(const ksc_host_services *services, json_object *result, char **response)
{
    if (!result)
        result = json_object_new_object();
    const char *text =
        result ? json_object_to_json_string_ext(result, JSON_C_TO_STRING_PLAIN) : NULL;
    *response = text ? mdr_host_strdup(services, text) : NULL;
    json_object_put(result);
    return *response ? KSC_OK : KSC_ERR_NO_MEMORY;
}

json_object *mdr_error_object(const char *lang, const char *code, json_object *details)
{
    if (!details)
        details = json_object_new_object();
    /* The details' scalar values are the message's parameters. */
    const char *params[2 * MAX_PARAMS + 1];
    size_t n = 0;
    json_object_object_foreach(details, k, v)
    {
        if (n / 2 < MAX_PARAMS && !json_object_is_type(v, json_type_object) &&
            !json_object_is_type(v, json_type_array) && !json_object_is_type(v, json_type_null)) {
            params[n++] = k;
            params[n++] = json_object_get_string(v);
        }
    }
    params[n] = NULL;
    char key[96];
    snprintf(key, sizeof key, "error.%s", code);
    char *message = mdr_trf(lang, key, params);
    json_object *inner = json_object_new_object();
    json_object_object_add(inner, "code", json_object_new_string(code));
    json_object_object_add(inner, "message", json_object_new_string(message ? message : key));
    json_object_object_add(inner, "details", details);
    free(message);
    json_object *outer = json_object_new_object();
    json_object_object_add(outer, "error", inner);
    return outer;
}

ksc_status mdr_reply_error(const ksc_host_services *services, const char *lang, ksc_status status,
                           const char *code, json_object *details, char **response)
{
    json_object *err = mdr_error_object(lang, code, details);
    if (mdr_reply_ok(services, err, response) != KSC_OK)
        return KSC_ERR_NO_MEMORY;
    return status;
}

ksc_status mdr_reply_internal(const ksc_host_services *services, const char *lang, char **response)
{
    return mdr_reply_error(services, lang, KSC_ERR_FAILED, "internal", NULL, response);
}

ksc_status mdr_reply_store_error(const ksc_host_services *services, const char *lang,
                                 char **response)
{
    return mdr_reply_error(services, lang, KSC_ERR_FAILED, "store", NULL, response);
}

json_object *mdr_details_field(const char *field)
{
    json_object *d = json_object_new_object();
    json_object_object_add(d, "field", json_object_new_string(field));
    return d;
}
