/* The HTTPS client of the MDR cloud: libcurl over OpenSSL, TLS always verified against the
 * system store plus the extra CA file, proxy with credentials, connections shared between
 * threads, timeouts, and retries with backoff for idempotent calls. Thread-safe: one client
 * serves every thread of the module. */
#ifndef MDR_HTTP_CLIENT_H
#define MDR_HTTP_CLIENT_H

#include "cloud_error.h"
#include "http_settings.h"

#include <json-c/json.h>
#include <stddef.h>

typedef struct mdr_http_client mdr_http_client;

/* A client; `cfg` is copied, `env` (may be NULL) is kept by value and its ctx must outlive
 * the client. Settings are resolved afresh at every call. NULL when out of memory. */
mdr_http_client *mdr_http_client_new(const mdr_http_config *cfg, const mdr_env_source *env);
void mdr_http_client_free(mdr_http_client *c);

/* The settings a call made now would use (for display: show proxy.masked, never the
 * password). Release with mdr_http_settings_clear. */
mdr_cloud_status mdr_http_client_settings(mdr_http_client *c, mdr_http_settings *out,
                                          mdr_cloud_error *err);

typedef struct mdr_http_request {
    const char *method;       /* "POST" (default when NULL) or "GET" */
    const char *path;         /* appended to the base URL after a '/' */
    const char *json_body;    /* POST body sent as application/json; NULL = "{}" */
    const char *bearer_token; /* Authorization: Bearer …; NULL = none. Never logged */
    int idempotent;           /* 1: safe to repeat, retried on 5xx/429/network errors */
} mdr_http_request;

/* POST/GET expecting a JSON answer: on a 2xx answer *out is the parsed JSON (caller
 * json_object_put). A 2xx answer that is not JSON → MDR_CLOUD_ERR_BAD_RESPONSE. */
mdr_cloud_status mdr_http_call_json(mdr_http_client *c, const mdr_http_request *req,
                                    json_object **out, mdr_cloud_error *err);

/* Shorthand for mdr_http_call_json with POST. */
mdr_cloud_status mdr_http_post_json(mdr_http_client *c, const char *path, const char *json_body,
                                    const char *bearer_token, int idempotent, json_object **out,
                                    mdr_cloud_error *err);

/* Where a streamed 2xx body goes. write returns 0 to go on, non-zero to stop the transfer
 * (→ MDR_CLOUD_ERR_ABORTED). A retry after body bytes were delivered first calls restart
 * (return 0 when the sink has discarded what it got); without restart, no such retry. */
typedef struct mdr_http_sink {
    int (*write)(void *ctx, const void *data, size_t len);
    int (*restart)(void *ctx);
    void *ctx;
} mdr_http_sink;

/* A call whose 2xx body (of any size) is streamed to `sink`. Error answers are not
 * streamed: they become MDR_CLOUD_ERR_HTTP with the service's code and message. */
mdr_cloud_status mdr_http_call_stream(mdr_http_client *c, const mdr_http_request *req,
                                      const mdr_http_sink *sink, mdr_cloud_error *err);

typedef struct mdr_http_stats {
    long requests;    /* attempts sent, retries included */
    long connections; /* new connections opened (the rest reused one) */
    long retries;
} mdr_http_stats;

void mdr_http_client_stats(mdr_http_client *c, mdr_http_stats *out);

/* The service's error body: {"error": {"code", "message"}}, tolerating {"error": "…",
 * "message": "…"} and {"code", "message"}; fills err->service_code and service_message with
 * printable ASCII (left as they are when the body says nothing). Public for the fuzz target. */
void mdr_http_parse_error_body(const char *body, mdr_cloud_error *err);

/* The largest JSON answer accepted (a larger one → MDR_CLOUD_ERR_BAD_RESPONSE). */
#define MDR_HTTP_MAX_JSON_BODY (64L * 1024 * 1024)

#endif
