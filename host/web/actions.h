/* actions.h — one action run for the web console as the session's user: the same checks, in
 * the same order, with the same error objects as `ksc-host call` (docs/host.md, "call"). */
#ifndef KSC_HOST_WEB_ACTIONS_H
#define KSC_HOST_WEB_ACTIONS_H

#include "host.h"

#define WEB_FILE_MAX (512u * 1024 * 1024) /* an export larger than this fails */

typedef struct web_action_result {
    int http_status;
    char *json; /* the answer or error object (malloc'd); NULL when a file came */
    char *file; /* the file's bytes (malloc'd) when the action produced one */
    size_t file_len;
    char content_type[128];
    char file_name[256];
} web_action_result;

/* Runs `action` with `request` (a NUL-terminated body) as user on server in lang. */
void web_action_run(host_ctx *ctx, const char *action, const char *request, const char *user,
                    const char *server, const char *lang, web_action_result *out);

void web_action_result_free(web_action_result *r);

/* The HTTP status for a ksc_status (200, 400, 403, 404, 409, 500). */
int web_http_status(ksc_status status);

#endif
