/* server.h — `ksc-host serve`: the web console over HTTPS (libmicrohttpd). */
#ifndef KSC_HOST_WEB_SERVER_H
#define KSC_HOST_WEB_SERVER_H

#include "host.h"

#include <limits.h>
#include <stddef.h>

#define WEB_BODY_MAX (1024u * 1024) /* an API request body */

typedef struct web_server_conf {
    char listen[128]; /* "127.0.0.1" */
    unsigned port;    /* 0 = any free port (printed in the ready line) */
    char cert[PATH_MAX], key[PATH_MAX], root[PATH_MAX];
    unsigned threads;
} web_server_conf;

/* One answer: status, JSON or bytes, and the extra headers API answers need. */
typedef struct web_reply {
    int status;
    char *body; /* malloc'd */
    size_t len;
    const char *content_type;
    char disposition[400]; /* Content-Disposition, or "" */
    char set_cookie[256];  /* Set-Cookie, or "" */
    char retry_after[32];  /* Retry-After, or "" */
    int api;               /* Cache-Control: no-store */
} web_reply;

/* The request as the API handlers see it. */
typedef struct web_request {
    const char *method, *url;
    const char *body; /* NUL-terminated */
    const char *cookie_session, *csrf_header, *content_type, *origin, *host;
    const char *accept_language;
} web_request;

/* Handles one /api/ request (api.c). */
void web_api_handle(host_ctx *ctx, const web_request *req, web_reply *reply);

/* Runs the server until SIGINT or SIGTERM; prints {"url": …} on stdout once listening. */
int web_server_run(host_ctx *ctx, const web_server_conf *conf);

#endif
