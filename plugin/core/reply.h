/* reply.h — what an action hands back: JSON text allocated with services->alloc (the host
 * frees it with services->free). Errors are {"error": {"code", "message", "details"}} with the
 * message from the catalog key "error.<code>" in the caller's language; the string and
 * number values of `details` fill the message's {placeholders}. */
#ifndef MDR_REPLY_H
#define MDR_REPLY_H

#include <json-c/json.h>
#include <ksc/plugin.h>

/* Serializes `result` (consumed, may be NULL for {}) into *response. KSC_OK, or
 * KSC_ERR_NO_MEMORY with *response NULL. */
ksc_status mdr_reply_ok(const ksc_host_services *services, json_object *result, char **response);

/* Builds the error object for `code` in `lang`; `details` is consumed (NULL for {}). Returns
 * `status` (KSC_ERR_NO_MEMORY when even the error cannot be allocated; *response NULL). */
ksc_status mdr_reply_error(const ksc_host_services *services, const char *lang, ksc_status status,
                           const char *code, json_object *details, char **response);

/* The error object alone (new reference), e.g. to embed or to log. */
json_object *mdr_error_object(const char *lang, const char *code, json_object *details);

/* Shortcuts for failures whose details belong in the log, not in the reply. */
ksc_status mdr_reply_internal(const ksc_host_services *services, const char *lang, char **response);
ksc_status mdr_reply_store_error(const ksc_host_services *services, const char *lang,
                                 char **response);

/* A copy of `text` in host memory (services->alloc); NULL when out of memory. */
char *mdr_host_strdup(const ksc_host_services *services, const char *text);

/* details helpers: {"field": name} and {"field": name, key: value}. */
json_object *mdr_details_field(const char *field);

#endif
