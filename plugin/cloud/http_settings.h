/* Settings of the cloud client and where they come from. Each value is taken from the
 * module configuration, else the console's .env (read afresh on every resolve, so an edit
 * applies to the next call), else the process environment. */
#ifndef MDR_HTTP_SETTINGS_H
#define MDR_HTTP_SETTINGS_H

#include "cloud_error.h"

#include <stddef.h>

/* The console's .env as a getter. env_get returns a value the caller releases with
 * env_free (free() when env_free is NULL), or NULL when the key is absent. */
typedef struct mdr_env_source {
    char *(*env_get)(void *ctx, const char *key);
    void (*env_free)(void *ctx, char *value);
    void *ctx;
} mdr_env_source;

/* The module configuration's values; NULL or 0 = not set there. */
typedef struct mdr_http_config {
    const char *base_url;      /* cloud.base_url, https only */
    const char *extra_ca_file; /* cloud.extra_ca_file */
    const char *proxy;         /* cloud.proxy: <protocol>://<user>:<password>@<host>:<port> */
    const char *no_proxy;      /* cloud.no_proxy: comma-separated hosts */
    long connect_timeout_ms;
    long total_timeout_ms;
    int max_attempts;     /* total attempts of an idempotent call, retries included */
    long backoff_base_ms; /* first backoff ceiling; doubles per retry */
    long backoff_max_ms;  /* cap on one sleep (and on an honoured Retry-After) */
} mdr_http_config;

#define MDR_HTTP_DEFAULT_BASE_URL "https://mdr.kaspersky.com/api/v1"
#define MDR_HTTP_DEFAULT_CONNECT_TIMEOUT_MS 10000L
#define MDR_HTTP_DEFAULT_TOTAL_TIMEOUT_MS 60000L
#define MDR_HTTP_DEFAULT_MAX_ATTEMPTS 4
#define MDR_HTTP_DEFAULT_BACKOFF_BASE_MS 500L
#define MDR_HTTP_DEFAULT_BACKOFF_MAX_MS 30000L

typedef struct mdr_proxy {
    char *url;         /* <protocol>://<host>:<port> without credentials; NULL = direct */
    char *user;        /* percent-decoded, or NULL */
    char *password;    /* percent-decoded, or NULL. Secret: never log or show it */
    char *masked;      /* <protocol>://<user>:***@<host>:<port>, safe to show */
    char setting[160]; /* where it came from, e.g. "HTTPS_PROXY in the console's .env" */
} mdr_proxy;

typedef struct mdr_http_settings {
    char *base_url;             /* without a trailing slash */
    char *extra_ca_file;        /* NULL = system store only */
    char extra_ca_setting[160]; /* the setting that names the extra CA file (for messages) */
    mdr_proxy proxy;
    char *no_proxy; /* NULL = none */
    long connect_timeout_ms;
    long total_timeout_ms;
    int max_attempts;
    long backoff_base_ms;
    long backoff_max_ms;
} mdr_http_settings;

/* Resolves every setting now (cfg and env may be NULL). On failure (a malformed proxy URL,
 * a base URL that is not https) `out` is left empty and err names the setting. */
mdr_cloud_status mdr_http_settings_resolve(const mdr_http_config *cfg, const mdr_env_source *env,
                                           mdr_http_settings *out, mdr_cloud_error *err);

/* Frees what resolve allocated (the password is wiped first) and zeroes `s`. */
void mdr_http_settings_clear(mdr_http_settings *s);

/* A proxy URL cut into spans of its text: offsets from its start, a length of 0 = absent. */
typedef struct mdr_proxy_spans {
    size_t scheme, scheme_len; /* scheme_len 0: none written (http is meant) */
    size_t user, user_len;
    size_t password, password_len;
    int has_user, has_password; /* "u@h": has_user only; "u:@h": both, password_len 0 */
    size_t host, host_len;
    size_t port, port_len; /* port_len 0: none written */
    size_t end;            /* just past the URL: n, or the first byte <= ' ' or DEL */
} mdr_proxy_spans;

/* THE grammar of a proxy URL, shared by mdr_proxy_parse and the log scrubber (so whatever
 * the parser takes for a password the scrubber masks):
 *     [scheme "://"] [user [":" password] "@"] host [":" port] [rest]
 * The URL ends at `n` or at the first byte <= ' ' or DEL. The authority (after "://", or
 * from the start) ends at the first '/', '?' or '#'; the user part ends at the LAST '@' of
 * the authority (a raw '@' belongs to the password) and the user at its first ':'. Returns
 * 0 when there is an authority with a host span; checks no names, numbers or escapes (the
 * parser does). `rest` (a path, query…) starts at `host + host_len + port part`. */
int mdr_proxy_split(const char *s, size_t n, mdr_proxy_spans *out);

/* Parses a proxy URL `<protocol>://<user>:<password>@<host>:<port>` by mdr_proxy_split's
 * grammar: protocol http (default), https, socks4, socks4a, socks5 or socks5h; user and
 * password percent-decoded (no %00); a port 1-65535; nothing after the port but one '/'.
 * `setting` names its source for messages. */
mdr_cloud_status mdr_proxy_parse(const char *proxy_url, const char *setting, mdr_proxy *out,
                                 mdr_cloud_error *err);
void mdr_proxy_clear(mdr_proxy *p);

/* The setting names shown in messages when nothing was configured. */
#define MDR_SETTING_EXTRA_CA                                                                       \
    "NODE_EXTRA_CA_CERTS in the console's .env file (or cloud.extra_ca_file in the module "        \
    "configuration)"
#define MDR_SETTING_PROXY                                                                          \
    "HTTPS_PROXY in the console's .env file (or cloud.proxy in the module configuration)"

#endif
