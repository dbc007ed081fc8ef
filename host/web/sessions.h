/* sessions.h — web console sessions: a random 256-bit id in an HttpOnly cookie, stored only
 * as its SHA-256, with idle and absolute timeouts on the host clock, and a CSRF token derived
 * from the id (HMAC with the host's key), so it needs no storage and dies with the session. */
#ifndef KSC_HOST_WEB_SESSIONS_H
#define KSC_HOST_WEB_SESSIONS_H

#include "host.h"

#define WEB_SESSION_ID_HEX 64
#define WEB_CSRF_HEX 64
#define WEB_SESSION_IDLE_MS (30 * 60 * 1000)          /* 30 minutes without a request */
#define WEB_SESSION_ABSOLUTE_MS (12 * 60 * 60 * 1000) /* 12 hours after sign-in */

typedef struct web_session {
    char id[WEB_SESSION_ID_HEX + 1];
    char csrf[WEB_CSRF_HEX + 1];
    char user[HOST_NAME_MAX_LEN + 1];
    char server[HOST_NAME_MAX_LEN + 1];
    char lang[8];
} web_session;

/* A new session for user on server in lang; fills s. 0 or -1. */
int web_session_create(host_ctx *ctx, const char *user, const char *server, const char *lang,
                       web_session *s);

/* Looks up the session of a cookie value, refreshing its idle time when `touch`. 0 when
 * valid; -1 when unknown, malformed or expired (an expired session is removed). */
int web_session_get(host_ctx *ctx, const char *cookie_id, web_session *s, int touch);

/* Stores a new server or language for the session. */
int web_session_update(host_ctx *ctx, const web_session *s);

void web_session_delete(host_ctx *ctx, const char *cookie_id);

/* Constant-time comparison of a request's CSRF header with the session's token. */
int web_csrf_ok(const web_session *s, const char *header);

#endif
