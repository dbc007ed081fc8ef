/*
 * cloud_link — the module's one door to the MDR cloud: the HTTP client built from the module
 * config and the console's .env (cloud/http_client.h), and the session (cloud/session.h)
 * bound to the module's SQLite store, with the refresh token sealed at rest.
 *
 * One session for everything: signing in (mdr.account.sign_in) gives the plug-in an API
 * connection of its own — a client_id and a single-use refresh token — which is exchanged
 * through session/confirm; the access token it yields authorises both the console service
 * endpoints ({base}/console/…) and the public REST API ({base}/{client_id}/…). Every area
 * calls the cloud through these functions and nothing else.
 *
 * Errors: a failed call returns the cloud status and fills *err; mdr_cloud_reply_error turns
 * that into the module's localized error reply (message keys cloud.error.* and the
 * service's own code). Thread-safe.
 */
#ifndef MDR_CLOUD_LINK_H
#define MDR_CLOUD_LINK_H

#include "cloud/cloud_error.h"
#include "cloud/http_client.h"
#include "ksc/plugin.h"

#include <json-c/json.h>

/* Made at init, freed at shutdown (called by the module's init/shutdown). */
int mdr_cloud_link_open(ksc_module *m, char *err, size_t err_size);
void mdr_cloud_link_close(ksc_module *m);

/* A console service call: POST {base}/console/{path} with the session's access token.
 * `request` is borrowed; *response is the parsed JSON body (caller puts). idempotent: safe to
 * retry (reads, and writes the service deduplicates). MDR_CLOUD_ERR_SIGN_IN_REQUIRED when
 * there is no usable session. */
mdr_cloud_status mdr_cloud_console(ksc_module *m, const char *path, json_object *request,
                                   int idempotent, json_object **response, mdr_cloud_error *err);

/* A public REST API call: POST {base}/{client_id}/{path} ("assets/list", …). */
mdr_cloud_status mdr_cloud_api(ksc_module *m, const char *path, json_object *request,
                               int idempotent, json_object **response, mdr_cloud_error *err);

/* The same, streaming the answer's body to `sink` (large lists, archives). */
mdr_cloud_status mdr_cloud_api_stream(ksc_module *m, const char *path, json_object *request,
                                      const mdr_http_sink *sink, mdr_cloud_error *err);

/* A call that needs no session (account sign-in): POST {base}/console/{path}. */
mdr_cloud_status mdr_cloud_anonymous(ksc_module *m, const char *path, json_object *request,
                                     json_object **response, mdr_cloud_error *err);

/* Starts the session from a fresh client_id + refresh token (after sign-in), replacing any
 * previous one; the refresh token is exchanged and the new one committed before returning. */
mdr_cloud_status mdr_cloud_session_start(ksc_module *m, const char *client_id,
                                         const char *refresh_token, mdr_cloud_error *err);

/* Forgets the session (sign-out, terminate). */
int mdr_cloud_session_forget(ksc_module *m);

/* 1 when a session exists and is not marked "sign-in required". */
int mdr_cloud_session_usable(ksc_module *m);

/* Builds the localized error reply for a failed cloud call (status KSC_ERR_FAILED, or
 * KSC_ERR_CONFLICT for sign-in required), with details {status, http_status, service_code,
 * setting}. Never includes a token or a proxy password. */
ksc_status mdr_cloud_reply_error(ksc_module *m, const char *lang, const mdr_cloud_error *err,
                                 char **response);

/* ---- appended by the activation area ------------------------------------------------- */

/* The stored session for display: {signed_in, sign_in_required, client_id, account,
 * organization: {id, name}, signed_in_by, signed_in_time, clock_skew_ms (the console clock
 * minus the service's at the last token exchange)} (new reference). 0 or -1. */
int mdr_cloud_session_describe(ksc_module *m, json_object **out);

/* Records who signed in and to which account (after mdr_cloud_session_start). 0 or -1. */
int mdr_cloud_session_set_account(ksc_module *m, const char *login, const char *organization_id,
                                  const char *organization_name, const char *signed_in_by);

/* The module's HTTP client (e.g. mdr_http_client_settings for display). NULL when closed. */
mdr_http_client *mdr_cloud_link_client(ksc_module *m);

/* The localized sentence for a failed call (malloc'd; for notifications and logs). */
char *mdr_cloud_error_message(const char *lang, const mdr_cloud_error *err);

#endif
