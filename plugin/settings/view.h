/* view.h — the cloud's settings (docs/cloud-api.md "Settings") read once per action, the
 * refusals of settings/update as the module's localized errors, and the shared update call. */
#ifndef MDR_SETTINGS_VIEW_H
#define MDR_SETTINGS_VIEW_H

#include "core/cloud_codes.h"

extern const mdr_cloud_code_map MDR_SETTINGS_CODES[];

/* settings/get: *out is the cloud's object (caller puts). */
mdr_cloud_status mdr_settings_fetch(ksc_module *m, json_object **out, mdr_cloud_error *err);

/* settings/update with `body` (borrowed): *out is the new settings (caller puts). Not retried:
 * a repeated update would answer no_changes. */
mdr_cloud_status mdr_settings_push(ksc_module *m, json_object *body, json_object **out,
                                   mdr_cloud_error *err);

#endif
