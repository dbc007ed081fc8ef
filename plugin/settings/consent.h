/* consent.h — the record of who confirmed the extended email notifications' terms
 * (resources/sql/007_settings_notifications.sql): the text exactly as shown, the user, the time.
 * Written pending before the cloud is asked, confirmed or dropped after its answer. */
#ifndef MDR_SETTINGS_CONSENT_H
#define MDR_SETTINGS_CONSENT_H

#include <json-c/json.h>
#include <sqlite3.h>
#include <stdint.h>

/* Adds a pending row; *id is its id. 0 or -1. */
int mdr_consent_begin(sqlite3 *db, const char *user, int64_t now_ms, const char *lang,
                      const char *text, int64_t *id);
/* The cloud took it: the row becomes the record. 0 or -1. */
int mdr_consent_confirm(sqlite3 *db, int64_t id);
/* The cloud refused or failed: the row goes. 0 or -1. */
int mdr_consent_drop(sqlite3 *db, int64_t id);

/* The record that stands while the cloud says extended notifications are on: the newest row.
 * A pending row is the newest only while its change is in flight, or when its process died
 * after the cloud took the change (then it is the true record). {confirmed_by,
 * confirmed_time, language, text} (new), NULL when none; *err = 1 on a store error. */
json_object *mdr_consent_current(sqlite3 *db, int *err);

#endif
