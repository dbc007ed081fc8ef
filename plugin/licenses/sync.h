/* sync.h — keeping the license cache in step with the cloud: on demand
 * (mdr.licenses.refresh, and after every add/remove), when the cache is empty, and on the
 * periodic timer (at most every MDR_LICENSES_REFRESH_INTERVAL_MS of host time). */
#ifndef MDR_LICENSES_SYNC_H
#define MDR_LICENSES_SYNC_H

#include "core/cloud_link.h"

/* Asks the cloud for every license (licenses/list, all) and stores it. *list (new; may be
 * NULL when not wanted) and *changes (new; may be NULL) as mdr_license_cache_save gives them.
 * A store failure is MDR_CLOUD_ERR_STORE. */
mdr_cloud_status mdr_licenses_sync(ksc_module *m, int64_t now_ms, json_object **list,
                                   json_object **changes, mdr_cloud_error *err);

/* The cached list, fetched first when never refreshed (or force). *refreshed_ms = when. */
mdr_cloud_status mdr_licenses_get(ksc_module *m, int64_t now_ms, int force, json_object **list,
                                  int64_t *refreshed_ms, mdr_cloud_error *err);

/* The periodic timer's work (worker thread). */
void mdr_licenses_on_timer(ksc_module *m, int64_t now_ms);

#endif
