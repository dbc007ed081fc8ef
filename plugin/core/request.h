/* request.h — declarative validation of an action's JSON request. An action lists its
 * fields once:
 *
 *   static const char *const REGIONS[] = {"europe", "russia", "saudi_arabia", NULL};
 *   static const mdr_field FIELDS[] = {
 *       {.name = "code", .type = MDR_FIELD_STRING, .required = 1, .min_len = 20, .max_len = 23},
 *       {.name = "region", .type = MDR_FIELD_ENUM, .required = 1, .choices = REGIONS},
 *       {.name = "limit", .type = MDR_FIELD_INT, .min = 1, .max = 1000},
 *       {0}};
 *
 * and calls mdr_request_parse(); on failure the error reply is ready and the action returns
 * the status. Unknown fields are refused (a typo is an error, not a silent default). */
#ifndef MDR_REQUEST_H
#define MDR_REQUEST_H

#include <json-c/json.h>
#include <ksc/plugin.h>
#include <stdint.h>

#define MDR_REQUEST_MAX_BYTES (1024 * 1024)
#define MDR_STRING_DEFAULT_MAX 1024 /* characters, when max_len is 0 */

typedef enum mdr_field_type {
    MDR_FIELD_STRING = 1, /* min_len..max_len characters (UTF-8 code points), no NUL */
    MDR_FIELD_INT,        /* min..max inclusive (both 0: any 64-bit integer) */
    MDR_FIELD_BOOL,
    MDR_FIELD_ENUM,   /* a string, one of choices */
    MDR_FIELD_OBJECT, /* any object; validate its members with mdr_request_validate_object */
    MDR_FIELD_ARRAY   /* at most max_len elements (0: any) */
} mdr_field_type;

typedef struct mdr_field {
    const char *name; /* NULL ends the list */
    mdr_field_type type;
    int required;
    size_t min_len, max_len;
    int64_t min, max;
    const char *const *choices; /* NULL-terminated, for MDR_FIELD_ENUM */
} mdr_field;

/* A validation failure: the error code (a key "error.<code>" of the catalogs) and details
 * ({"field": …, …}), owned by the caller once returned. */
typedef struct mdr_request_error {
    const char *code;
    json_object *details;
} mdr_request_error;

/* Parses `json` (strict JSON, UTF-8, at most MDR_REQUEST_MAX_BYTES, an object) and checks it
 * against `fields`. Returns 0 with *request (a new reference), or -1 with *error filled. */
int mdr_request_validate(const char *json, const mdr_field *fields, json_object **request,
                         mdr_request_error *error);

/* Checks an already parsed object (e.g. a nested one); `prefix` names it in details
 * ("filter." → "filter.limit"). */
int mdr_request_validate_object(json_object *object, const mdr_field *fields, const char *prefix,
                                mdr_request_error *error);

/* validate + the localized error reply in call->lang. KSC_OK, or KSC_ERR_INVALID (or
 * KSC_ERR_NO_MEMORY) with *response set. */
ksc_status mdr_request_parse(const ksc_host_services *services, const ksc_call *call,
                             const mdr_field *fields, json_object **request, char **response);

/* For actions that take no fields: the request must be an empty object (or absent); anything
 * else gets the same localized error reply as mdr_request_parse. */
ksc_status mdr_request_none(const ksc_host_services *services, const ksc_call *call,
                            char **response);

/* Typed getters for validated requests: the value, or `fallback` when absent. */
const char *mdr_req_string(json_object *request, const char *name, const char *fallback);
int64_t mdr_req_int(json_object *request, const char *name, int64_t fallback);
int mdr_req_bool(json_object *request, const char *name, int fallback);

#endif
