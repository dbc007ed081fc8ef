/* passwords.h — console users' web passwords: PBKDF2-HMAC-SHA256 with a random salt (never
 * the password), and the sign-in failure counter behind the slow-down and the lockout. */
#ifndef KSC_HOST_WEB_PASSWORDS_H
#define KSC_HOST_WEB_PASSWORDS_H

#include "host.h"

#define WEB_PASSWORD_MIN 8
#define WEB_PASSWORD_MAX 1024
#define WEB_PBKDF2_ITERATIONS 600000 /* OWASP's figure for PBKDF2-HMAC-SHA256 */

/* After this many failures in a row, each next attempt must wait (doubling from
 * WEB_THROTTLE_BASE_MS); at WEB_LOCK_AFTER failures the user is locked for WEB_LOCK_MS.
 * All on the host clock, so `clock advance` moves them. */
#define WEB_THROTTLE_AFTER 3
#define WEB_THROTTLE_BASE_MS 30000
#define WEB_LOCK_AFTER 5
#define WEB_LOCK_MS (15 * 60 * 1000)

/* Sets (or replaces) the password of an existing user. KSC_ERR_NOT_FOUND for an unknown
 * user, KSC_ERR_INVALID for a length outside WEB_PASSWORD_MIN..MAX. Clears the user's
 * failures and ends their web sessions (a changed password signs everyone out). */
ksc_status web_password_set(host_ctx *ctx, const char *user, const char *password);

typedef enum web_sign_in_result {
    WEB_SIGN_IN_OK,
    WEB_SIGN_IN_WRONG,     /* unknown user, no password set or a wrong one: one answer */
    WEB_SIGN_IN_THROTTLED, /* too soon after repeated failures; *wait_ms says how long */
    WEB_SIGN_IN_LOCKED,    /* locked; *wait_ms until the lock ends */
    WEB_SIGN_IN_ERROR
} web_sign_in_result;

/* Checks the password, counting failures per user name (known or not, so that an attacker
 * learns nothing from the answers). */
web_sign_in_result web_password_check(host_ctx *ctx, const char *user, const char *password,
                                      int64_t *wait_ms);

#endif
