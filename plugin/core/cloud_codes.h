/* cloud_codes.h — the service's own refusals (docs/cloud-api.md: tier_mismatch,
 * tenant_limit, …) turned into the module's localized errors; anything else stays the cloud
 * link's generic error (mdr_cloud_reply_error). */
#ifndef MDR_CLOUD_CODES_H
#define MDR_CLOUD_CODES_H

#include "cloud_link.h"
#include "core/rule_error.h"

typedef struct mdr_cloud_code_map {
    const char *service_code; /* NULL ends the table */
    ksc_status status;
    const char *code; /* the module's error code (catalog key error.<code>) */
} mdr_cloud_code_map;

/* 1 with e filled (details = {"service_code"} plus `extra`'s members, consumed) when err is
 * an HTTP refusal listed in map (or not_activated); 0 otherwise (extra released). */
int mdr_cloud_code_lookup(const mdr_cloud_error *err, const mdr_cloud_code_map *map,
                          json_object *extra, mdr_rule_error *e);

/* The reply for a failed cloud call: the mapped error when there is one, else the generic. */
ksc_status mdr_cloud_fail_reply(ksc_module *m, const char *lang, const mdr_cloud_error *err,
                                const mdr_cloud_code_map *map, json_object *extra, char **response);

/* A failed cloud call in an activation/KSN action: the service's known refusals
 * (code_unknown, region_mismatch, account_tied_elsewhere, …) become the module's own
 * localized errors "error.<code>"; everything else is mdr_cloud_reply_error. */
ksc_status mdr_activation_reply_cloud(ksc_module *m, const ksc_call *call,
                                      const mdr_cloud_error *err, char **response);

#endif
