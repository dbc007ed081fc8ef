/* call_access.h — the rights check before an action, shared by `ksc-host call` and the web
 * console (`ksc-host serve`), so both refuse with the same error object and audit record. */
#ifndef KSC_HOST_CALL_ACCESS_H
#define KSC_HOST_CALL_ACCESS_H

#include "host.h"

#include <json-c/json.h>

/* NULL when `user` holds every area of `action` on `server`. Otherwise records the refusal
 * in the audit trail ("denied") and returns {"error": {"code": "access_denied", "message",
 * "details": {"user", "server", "action", "missing_rights": [{"id", "title"}]}}} in `lang`
 * (caller puts). */
json_object *call_access_denial(host_ctx *ctx, const char *module, const ksc_action *action,
                                const char *user, const char *server, const char *lang);

/* Whether `user` holds every area of `action` on `server` (no audit record). */
int call_access_allowed(host_ctx *ctx, const ksc_action *action, const char *user,
                        const char *server);

#endif
