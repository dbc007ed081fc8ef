/* notifications.h — per-user notifications (shown at the user's next login). */
#ifndef KSC_HOST_NOTIFICATIONS_H
#define KSC_HOST_NOTIFICATIONS_H

#include "host.h"

#include <json-c/json.h>

ksc_status notifications_add(host_ctx *ctx, const char *user, ksc_notification_severity severity,
                             const char *title, const char *text);

/* The user's notifications, oldest first: only unread ones when unread_only; with
 * mark_read the returned ones are marked read in the same transaction. NULL on error. */
json_object *notifications_list(host_ctx *ctx, const char *user, int unread_only, int mark_read);

#endif
