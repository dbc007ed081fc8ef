/* texts.h — the web console's own error objects (sign-in, session, CSRF, HTTP rules), in the
 * same {"error": {"code", "message", "details"}} shape and six languages as the rest. */
#ifndef KSC_HOST_WEB_TEXTS_H
#define KSC_HOST_WEB_TEXTS_H

#include <json-c/json.h>

/* `details` is consumed (may be NULL); unknown codes fall back to the call errors' table. */
json_object *web_error(const char *lang, const char *code, json_object *details);

#endif
