/* audit.h — the audit trail: one record per change (or export) made through the module, handed
 * to the host through services->audit (ABI 1.2; a 1.0/1.1 host has none and gets nothing).
 *
 * An action is audited by its line in mdr_action_table (core/actions.c): MDR_AUDIT_CHANGE or
 * MDR_AUDIT_EXPORT. The descriptor then runs it through mdr_audit_run, which records, once the
 * handler returns: who (call->user), where (call->server), the action, the object, before →
 * after and the result ("ok" or the error code of the reply). What goes into object and
 * before/after is the action's line in audit.c's spec table — an allowlist of fields of the
 * request, the reply and the state the handler saw before the change — so nothing else of a
 * request (passwords) ever reaches a record; activation codes are masked to their last 4
 * characters, and any member whose name says secret (password, token, secret, …) is replaced
 * by "***" as a second guard.
 *
 * A call is recorded when its request passed validation (mdr_request_parse/none succeeded:
 * from then on it may change something), whatever the outcome; a malformed request changes
 * nothing and is not recorded. Rights refusals never reach the module: the host audits them. */
#ifndef MDR_AUDIT_H
#define MDR_AUDIT_H

#include <json-c/json.h>
#include <ksc/plugin.h>

typedef enum mdr_audit_kind {
    MDR_AUDIT_NONE = 0, /* a read: not recorded */
    MDR_AUDIT_CHANGE,   /* changes state (the cloud's, the host's or the module's store) */
    MDR_AUDIT_EXPORT    /* hands out data as a file (CSV, configuration archive) */
} mdr_audit_kind;

/* The ksc_action.run of every audited action: runs the handler of call->action, then records. */
ksc_status mdr_audit_run(ksc_module *module, const ksc_call *call, char **response);

/* Inside an audited action: the state of the object as the handler found it before changing
 * it (e.g. the tenant before an update). The spec's "before:" fields are picked from it; it is
 * copied, the caller keeps its reference. Outside an audited run it does nothing. */
void mdr_audit_before(json_object *state);

/* request.c: the request passed validation (request may be NULL for "no fields"). */
void mdr_audit_request_valid(json_object *request);

/* Records a change made outside an action (event work, e.g. the KSN file rotated at a user's
 * login): `trigger` ("login") says what made it. object_id/name may be NULL; before/after are
 * borrowed and scrubbed; result is "ok" or an error code. */
void mdr_audit_event(ksc_module *module, const char *trigger, const char *user, const char *server,
                     const char *action, const char *object_kind, const char *object_id,
                     const char *object_name, json_object *before, json_object *after,
                     const char *result);

/* An activation code as records show it: "****" and its last 4 letters or digits (dashes and
 * case ignored); fewer than 8 of them show none. Writes at most out_size bytes. */
void mdr_audit_mask_code(const char *code, char *out, size_t out_size);

/* Replaces in place, at any depth, the value of every member whose name says secret by "***"
 * and masks members named code/activation_code. Returns the number of values replaced. */
size_t mdr_audit_scrub(json_object *obj);

#endif
