/* Errors of the cloud client: one enum, a stable message key per value (for the module's
 * catalogs) and an English text that says what to do. No error ever carries a secret. */
#ifndef MDR_CLOUD_ERROR_H
#define MDR_CLOUD_ERROR_H

#include <stddef.h>

typedef enum mdr_cloud_status {
    MDR_CLOUD_OK = 0,
    MDR_CLOUD_ERR_CONFIG,           /* a setting is unusable (detail + setting name) */
    MDR_CLOUD_ERR_TLS_VERIFY,       /* the server certificate is not trusted */
    MDR_CLOUD_ERR_TLS,              /* another TLS failure (handshake, protocol) */
    MDR_CLOUD_ERR_PROXY_AUTH,       /* the proxy answered 407 */
    MDR_CLOUD_ERR_PROXY,            /* the proxy could not be resolved, reached, or refused */
    MDR_CLOUD_ERR_DNS,              /* the service's host name does not resolve */
    MDR_CLOUD_ERR_CONNECT,          /* the connection was refused or unreachable */
    MDR_CLOUD_ERR_TIMEOUT,          /* connect or total timeout */
    MDR_CLOUD_ERR_NETWORK,          /* connection dropped, body cut short */
    MDR_CLOUD_ERR_HTTP,             /* the service answered a non-2xx status */
    MDR_CLOUD_ERR_BAD_RESPONSE,     /* a 2xx answer that is not the JSON expected */
    MDR_CLOUD_ERR_SIGN_IN_REQUIRED, /* no usable refresh token: the user must sign in again */
    MDR_CLOUD_ERR_STORE,            /* the session store failed (nothing was changed) */
    MDR_CLOUD_ERR_ABORTED,          /* the caller's body callback stopped the transfer */
    MDR_CLOUD_ERR_INTERNAL          /* out of memory, library failure */
} mdr_cloud_status;

typedef struct mdr_cloud_error {
    mdr_cloud_status status;
    long http_status;          /* HTTP_STATUS / PROXY_AUTH: the status code, else 0 */
    int attempts;              /* attempts made by the call that failed */
    char setting[160];         /* the setting to fix (CONFIG, TLS_VERIFY, PROXY_AUTH), or "" */
    char service_code[64];     /* HTTP: the service's error code from its JSON body, or "" */
    char service_message[256]; /* HTTP: the service's error message, printable ASCII, or "" */
    char detail[256];          /* technical detail for logs (never a secret), or "" */
} mdr_cloud_error;

/* Resets `err` to MDR_CLOUD_OK with every field empty. */
void mdr_cloud_error_clear(mdr_cloud_error *err);

/* Sets status and a printf-style detail; returns `status` for `return mdr_cloud_fail(…)`. */
mdr_cloud_status mdr_cloud_fail(mdr_cloud_error *err, mdr_cloud_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The stable catalog key of a status, e.g. "cloud.error.tls_verify". */
const char *mdr_cloud_status_key(mdr_cloud_status status);

/* The English text of a status. Placeholders filled by mdr_cloud_error_format:
 * {{setting}}, {{http_status}}, {{service_code}}, {{service_message}}, {{detail}}. */
const char *mdr_cloud_status_text(mdr_cloud_status status);

/* Writes the English sentence for `err` (template with placeholders filled) into `out`
 * (always NUL-terminated, truncated to out_size). Returns `out`. The same substitution
 * works on a localized template: mdr_cloud_error_fill(template, err, out, out_size). */
char *mdr_cloud_error_format(const mdr_cloud_error *err, char *out, size_t out_size);
char *mdr_cloud_error_fill(const char *template_text, const mdr_cloud_error *err, char *out,
                           size_t out_size);

#endif
