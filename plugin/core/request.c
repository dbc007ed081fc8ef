#include "audit.h"
#include "request.h"
#include "reply.h"

#include <ksc_utf8.h>
#include <stdio.h>
#include <string.h>

static int fail(mdr_request_error *e, const char *code, const char *prefix, const char *field)
{
    e->code = code;
    e->details = json_object_new_object();
    if (field) {
        /* A name from the request may be long or non-ASCII: cut it at a character boundary
         * so the reply stays valid UTF-8. */
        char full[256], shown[256];
        snprintf(full, sizeof full, "%s", prefix ? prefix : "");
        size_t used = strlen(full);
        ksc_utf8_printable(full + used, sizeof full - used, field, 100);
        ksc_utf8_printable(shown, sizeof shown, full, 200);
        json_object_object_add(e->details, "field", json_object_new_string(shown));
    }
    return -1;
}

static void detail_int(mdr_request_error *e, const char *key, int64_t v)
{
    json_object_object_add(e->details, key, json_object_new_int64(v));
}

static void detail_str(mdr_request_error *e, const char *key, const char *v)
{
    json_object_object_add(e->details, key, json_object_new_string(v));
}

/* json-c cuts object keys at a NUL ("id\u0000x" is read as "id"), so such a key would pass
 * for a known field. Finds one in the (well-formed) JSON text: 1 with its raw text in key. */
static int nul_in_key(const char *s, size_t len, char *key, size_t size)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '"')
            continue;
        size_t start = ++i;
        int nul = 0;
        while (i < len && s[i] != '"') {
            if (s[i] == '\\') {
                if (i + 5 < len && s[i + 1] == 'u' && strncmp(s + i + 2, "0000", 4) == 0)
                    nul = 1;
                i += 2;
            } else {
                i++;
            }
        }
        size_t end = i < len ? i : len, next = end + 1;
        while (next < len && strchr(" \t\r\n", s[next]))
            next++;
        if (nul && next < len && s[next] == ':') {
            char raw[512];
            snprintf(raw, sizeof raw, "%.*s", (int)(end - start < 400 ? end - start : 400),
                     s + start);
            ksc_utf8_printable(key, size, raw, 100);
            return 1;
        }
    }
    return 0;
}

static size_t utf8_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

static const char *type_name(mdr_field_type t)
{
    switch (t) {
    case MDR_FIELD_STRING:
    case MDR_FIELD_ENUM:
        return "string";
    case MDR_FIELD_INT:
        return "integer";
    case MDR_FIELD_BOOL:
        return "boolean";
    case MDR_FIELD_OBJECT:
        return "object";
    case MDR_FIELD_ARRAY:
        return "array";
    }
    return "?";
}

static int check_field(const mdr_field *f, json_object *v, const char *prefix, mdr_request_error *e)
{
    json_type want;
    switch (f->type) {
    case MDR_FIELD_INT:
        want = json_type_int;
        break;
    case MDR_FIELD_BOOL:
        want = json_type_boolean;
        break;
    case MDR_FIELD_OBJECT:
        want = json_type_object;
        break;
    case MDR_FIELD_ARRAY:
        want = json_type_array;
        break;
    default:
        want = json_type_string;
    }
    if (!json_object_is_type(v, want)) {
        fail(e, "wrong_type", prefix, f->name);
        detail_str(e, "expected", type_name(f->type));
        return -1;
    }
    if (f->type == MDR_FIELD_STRING) {
        const char *s = json_object_get_string(v);
        size_t len = (size_t)json_object_get_string_len(v);
        if (strlen(s) != len) {
            fail(e, "invalid_value", prefix, f->name);
            return -1;
        }
        size_t chars = utf8_chars(s, len);
        size_t max = f->max_len ? f->max_len : MDR_STRING_DEFAULT_MAX;
        if (chars > max) {
            fail(e, "too_long", prefix, f->name);
            detail_int(e, "max", (int64_t)max);
            return -1;
        }
        if (chars < f->min_len) {
            fail(e, "too_short", prefix, f->name);
            detail_int(e, "min", (int64_t)f->min_len);
            return -1;
        }
    } else if (f->type == MDR_FIELD_ENUM) {
        const char *s = json_object_get_string(v);
        for (size_t i = 0; f->choices && f->choices[i]; i++)
            if (strcmp(s, f->choices[i]) == 0)
                return 0;
        char allowed[512] = "";
        for (size_t i = 0; f->choices && f->choices[i]; i++) {
            size_t used = strlen(allowed);
            snprintf(allowed + used, sizeof allowed - used, "%s%s", i ? ", " : "", f->choices[i]);
        }
        fail(e, "not_allowed", prefix, f->name);
        detail_str(e, "allowed", allowed);
        return -1;
    } else if (f->type == MDR_FIELD_INT && (f->min || f->max)) {
        int64_t n = json_object_get_int64(v);
        /* json-c clamps values beyond int64 to the limits: also out of range for us */
        if (n < f->min || n > f->max || n == INT64_MAX || n == INT64_MIN) {
            fail(e, "out_of_range", prefix, f->name);
            detail_int(e, "min", f->min);
            detail_int(e, "max", f->max);
            return -1;
        }
    } else if (f->type == MDR_FIELD_ARRAY && f->max_len &&
               json_object_array_length(v) > f->max_len) {
        fail(e, "too_many", prefix, f->name);
        detail_int(e, "max", (int64_t)f->max_len);
        return -1;
    }
    return 0;
}

int mdr_request_validate_object(json_object *obj, const mdr_field *fields, const char *prefix,
                                mdr_request_error *e)
{
    e->code = NULL;
    e->details = NULL;
    json_object_object_foreach(obj, key, value)
    {
        (void)value;
        const mdr_field *f = fields;
        while (f->name && strcmp(f->name, key) != 0)
            f++;
        if (!f->name)
            return fail(e, "unknown_field", prefix, key);
    }
    for (const mdr_field *f = fields; f->name; f++) {
        json_object *v = NULL;
        if (!json_object_object_get_ex(obj, f->name, &v)) {
            if (f->required)
                return fail(e, "missing_field", prefix, f->name);
            continue;
        }
        if (check_field(f, v, prefix, e) != 0)
            return -1;
    }
    return 0;
}

int mdr_request_validate(const char *json, const mdr_field *fields, json_object **request,
                         mdr_request_error *e)
{
    *request = NULL;
    e->code = NULL;
    e->details = NULL;
    size_t len = json ? strlen(json) : 0;
    if (len > MDR_REQUEST_MAX_BYTES) {
        fail(e, "too_large", NULL, NULL);
        detail_int(e, "max", MDR_REQUEST_MAX_BYTES);
        return -1;
    }
    /* json-c's own UTF-8 check lets overlong forms and encoded surrogates through. */
    size_t bad_byte = ksc_utf8_invalid_at(json ? json : "", len);
    if (bad_byte != len) {
        fail(e, "invalid_json", NULL, NULL);
        detail_int(e, "offset", (int64_t)bad_byte);
        return -1;
    }
    json_tokener *tok = json_tokener_new_ex(32);
    if (!tok)
        return fail(e, "no_memory", NULL, NULL);
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    /* The terminating NUL goes in too, so a bare number or literal ends instead of waiting
     * for more input; "null" parses to NULL with success. */
    json_object *obj = len ? json_tokener_parse_ex(tok, json, (int)len + 1) : NULL;
    enum json_tokener_error jerr = len ? json_tokener_get_error(tok) : json_tokener_continue;
    size_t end = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    /* Only whitespace may follow the value. */
    while (jerr == json_tokener_success && end < len && strchr(" \t\r\n", json[end]))
        end++;
    if (jerr != json_tokener_success || end != len) {
        json_object_put(obj);
        fail(e, "invalid_json", NULL, NULL);
        detail_int(e, "offset", (int64_t)end);
        return -1;
    }
    if (!obj || !json_object_is_type(obj, json_type_object)) {
        json_object_put(obj);
        return fail(e, "not_object", NULL, NULL);
    }
    char nul_key[256];
    if (nul_in_key(json, len, nul_key, sizeof nul_key)) {
        json_object_put(obj);
        return fail(e, "unknown_field", NULL, nul_key);
    }
    if (mdr_request_validate_object(obj, fields, NULL, e) != 0) {
        json_object_put(obj);
        return -1;
    }
    *request = obj;
    return 0;
}

ksc_status mdr_request_parse(const ksc_host_services *services, const ksc_call *call,
                             const mdr_field *fields, json_object **request, char **response)
{
    mdr_request_error e;
    if (mdr_request_validate(call->request_json, fields, request, &e) == 0) {
        mdr_audit_request_valid(*request); /* from here the call may change something */
        return KSC_OK;
    }
    ksc_status status = strcmp(e.code, "no_memory") == 0 ? KSC_ERR_NO_MEMORY : KSC_ERR_INVALID;
    return mdr_reply_error(services, call->lang, status, e.code, e.details, response);
}

const char *mdr_req_string(json_object *request, const char *name, const char *fallback)
{
    json_object *v;
    return json_object_object_get_ex(request, name, &v) && json_object_is_type(v, json_type_string)
               ? json_object_get_string(v)
               : fallback;
}

int64_t mdr_req_int(json_object *request, const char *name, int64_t fallback)
{
    json_object *v;
    return json_object_object_get_ex(request, name, &v) && json_object_is_type(v, json_type_int)
               ? json_object_get_int64(v)
               : fallback;
}

int mdr_req_bool(json_object *request, const char *name, int fallback)
{
    json_object *v;
    return json_object_object_get_ex(request, name, &v) && json_object_is_type(v, json_type_boolean)
               ? json_object_get_boolean(v)
               : fallback;
}

ksc_status mdr_request_none(const ksc_host_services *services, const ksc_call *call,
                            char **response)
{
    static const mdr_field none[] = {{0}};
    json_object *req = NULL;
    ksc_status st = mdr_request_parse(services, call, none, &req, response);
    json_object_put(req);
    return st;
}
