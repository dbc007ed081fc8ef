/* view.h — the Licenses tab as the module shows it, built from the cloud's license
 * objects (docs/cloud-api.md, "Licenses") on the HOST clock: name = tier + asset limit,
 * connected / limit with "exceeded", the "expired or expiring within 14 days" flag, the
 * status (a license the cloud still calls Active is Expired once the host clock passes its
 * expiry), what its expiry means (trial: every feature off; commercial and subscription:
 * limited, telemetry not provided), and the top panel's totals. Pure: no I/O. */
#ifndef MDR_LICENSE_VIEW_H
#define MDR_LICENSE_VIEW_H

#include "core/json_get.h"

#include "core/rule_error.h"

#include <json-c/json.h>
#include <stdint.h>

#define MDR_LICENSE_WARN_DAYS 14
#define MDR_ACTIVATION_CODE_CHARS 20

/* An activation code as the console takes it: 20 Latin letters and digits, optionally in
 * groups separated by dashes (XXXXX-XXXXX-XXXXX-XXXXX). `out` gets the 20 characters,
 * upper-cased. 0, or -1 with e = license_code_format. */
int mdr_license_code_normalize(const char *code, char out[MDR_ACTIVATION_CODE_CHARS + 1],
                               mdr_rule_error *e);

/* "MDR Expert" for "expert"; the tier itself when unknown. */
const char *mdr_license_tier_title(const char *tier);

/* 00:00 UTC of the license's last day (expiration_ms is the instant it ends). */
int64_t mdr_license_last_day_ms(int64_t expiration_ms);

/* The status on the host clock: the cloud's, but Active past expiration_time is Expired. */
const char *mdr_license_status(json_object *cloud_license, int64_t now_ms);

/* One row of the tab (new object) in `lang`. */
json_object *mdr_license_view(json_object *cloud_license, int64_t now_ms, const char *lang);

/* The tab: {"view", "licenses": [rows], "summary": {…}} (new object). view_all = 0 keeps
 * the current (Active) licenses only; the summary always covers every license given. */
json_object *mdr_licenses_view(json_object *cloud_list, int view_all, int64_t now_ms,
                               const char *lang);

/* The organization's tier and region: those of its current licenses (first one found), or
 * of any license when none is current. Borrowed strings, NULL when the list is empty. */
void mdr_licenses_org_terms(json_object *cloud_list, int64_t now_ms, const char **tier,
                            const char **region);

/* The cloud license with this id in the list, or NULL (borrowed). */
json_object *mdr_licenses_find(json_object *cloud_list, const char *license_id);

#endif
