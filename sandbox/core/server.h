/* server.h — the HTTPS server of the sandbox core. */
#ifndef KSC_SANDBOX_SERVER_H
#define KSC_SANDBOX_SERVER_H

#include "core/router.h"

#include <netinet/in.h>

typedef struct sbx_server {
    sbx_ctx *ctx;
    sbx_router *router;
    struct MHD_Daemon *daemon;
    unsigned port;
} sbx_server;

/* Starts listening on addr with the PEM certificate chain and key; 0 on success. */
int server_start(sbx_server *srv, const struct sockaddr_in *addr, const char *cert_pem,
                 const char *key_pem);
void server_stop(sbx_server *srv);

#endif
