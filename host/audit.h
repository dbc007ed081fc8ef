/* audit.h — the console's audit trail: records of changes made through modules
 * (services->audit, ABI 1.2) and of the host's own rights refusals of module actions, kept
 * append-only in the store and listed by `ksc-host audit` (main administrators only). */
#ifndef KSC_HOST_AUDIT_H
#define KSC_HOST_AUDIT_H

#include "host.h"

#include <json-c/json.h>

#define AUDIT_MAX_RECORD (64 * 1024)

/* services->audit: checks the record (a JSON object of at most AUDIT_MAX_RECORD bytes with
 * string "user", "action", "result"; "server" a string or null), replaces the value of any
 * member whose name says secret by "***" (a second guard: the module must not send one),
 * and appends it with the host clock's time and the next sequence number. `module` is the
 * sender's name. KSC_ERR_INVALID or KSC_ERR_FAILED (store). */
ksc_status audit_append(host_ctx *ctx, const char *module, const char *record_json);

/* The host's own record of a call it refused for missing rights: result "denied". */
void audit_denied(host_ctx *ctx, const char *module, const char *user, const char *server,
                  const char *action, json_object *missing_areas);

typedef struct audit_filter {
    const char *user, *server, *action; /* NULL = any */
    int64_t since_ms;                   /* records at or after; 0 = all */
    int64_t limit;                      /* 1.. */
} audit_filter;

/* The records matching `f`, newest first: each the stored record plus "seq", "time_ms",
 * "time" (ISO 8601 UTC) and "module". NULL on a store error. */
json_object *audit_list(host_ctx *ctx, const audit_filter *f);

/* "2026-12-02", "2026-12-02T10:00:00Z" (UTC) or ms since the epoch; 0 or -1. */
int audit_parse_since(const char *s, int64_t *out_ms);

#endif
