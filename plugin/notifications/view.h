/* view.h — the signed-in console user's own notifications (docs/actions/notifications.md,
 * "Whose notifications"): every cloud call names them as the recipient; the view the actions
 * answer; the host-clock record of the last code mailed (resources/sql/007). */
#ifndef MDR_NOTIFICATIONS_VIEW_H
#define MDR_NOTIFICATIONS_VIEW_H

#include "core/cloud_codes.h"

#include <sqlite3.h>

#define MDR_CODE_TTL_MS (10 * 60 * 1000)

extern const mdr_cloud_code_map MDR_NOTIFICATION_CODES[];

/* POST console/notifications/{path} with `body` (consumed; may be NULL) plus the caller as
 * the recipient. */
mdr_cloud_status mdr_notifications_call(ksc_module *m, const ksc_call *call, const char *path,
                                        json_object *body, json_object **out, mdr_cloud_error *err);

/* The caller's view of the cloud's notifications object (borrowed): the cloud's fields, the
 * verification's status also "expired" once the host clock passed the code's 10 minutes, and
 * `resend_offered`. NULL on a store error. */
json_object *mdr_notifications_view(ksc_module *m, const ksc_call *call, json_object *cloud);

/* The host-clock record of the code mailed to the caller: set at start/resend, dropped when
 * verified or disabled. 0 or -1; get: 1 found, 0 none, -1 error. */
int mdr_notification_code_sent(sqlite3 *db, const char *user, int64_t now_ms);
int mdr_notification_code_forget(sqlite3 *db, const char *user);
int mdr_notification_code_get(sqlite3 *db, const char *user, int64_t *sent_ms);

/* The three categories of a request ({incidents, comments, responses}: bools) copied into
 * `body`; KSC_OK when at least one is true, else the error reply is ready. */
ksc_status mdr_notification_categories(ksc_module *m, const ksc_call *call, json_object *req,
                                       json_object *body, char **response);

#endif
