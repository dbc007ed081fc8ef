/* cache.h — the organization's licenses as the cloud last listed them (table
 * license_cache, migration 004) and when (setting "licenses.refreshed_ms", host clock).
 * Saving a fresh list reports what changed since the last one, so a refresh can say
 * "license X: Active → Expired". */
#ifndef MDR_LICENSE_CACHE_H
#define MDR_LICENSE_CACHE_H

#include <json-c/json.h>
#include <sqlite3.h>
#include <stdint.h>

#define MDR_LICENSES_REFRESH_INTERVAL_MS (15LL * 60 * 1000) /* the periodic timer's pace */

/* Replaces the cache by `list` (cloud licenses, borrowed) inside the caller's transaction.
 * *changes (when not NULL) = [{license_id, name, from (null = new), to}] (new). 0 or -1. */
int mdr_license_cache_save(sqlite3 *db, json_object *list, int64_t now_ms, json_object **changes);

/* The cached list (new array; empty when never refreshed) and the refresh time (0 = never).
 * NULL on a store error. */
json_object *mdr_license_cache_load(sqlite3 *db, int64_t *refreshed_ms);

#endif
