/*
 * console.h — what the service-side files (console/) share: the service state kept in
 * ctx->svc, the account session check, reply helpers over org_err, and their registrations.
 * The service side uses the core through core/sbx.h only; its rules are console/org/.
 */
#ifndef SBX_SVC_H
#define SBX_SVC_H

#include "console/ksnsign.h"
#include "console/org/org.h"
#include "core/sbx.h"

#define SVC_BASE "/api/v1/console"
#define SVC_KSN_VALIDITY_MS (180LL * 24 * 3600 * 1000)
#define SVC_ACCOUNT_TOKEN_S (30LL * 24 * 3600)

enum svc_ksn_variant { KSN_NORMAL = 0, KSN_EXPIRED = 1, KSN_UNTRUSTED = 2, KSN_LOWER = 3 };

typedef struct svc_ksn_record { /* one publication of the KSN configuration file */
    unsigned version;
    int64_t issued_ms, expires_ms;
    int variant;
    unsigned char *spki; /* telemetry public key, DER */
    size_t spki_len;
} svc_ksn_record;

typedef struct svc_state {
    org_world *world;
    ksn_pki *pki;       /* the signer the trust anchor vouches for */
    ksn_pki *untrusted; /* a signer chained to another root: for refusal tests */
    char anchor_path[600];
    size_t ksn_count;
    svc_ksn_record *ksn; /* the last one is served */
    /* owner organization of each core tenant index (-2: deleted tenant) */
    int *owner;
    int owner_len;
    unsigned owner_stamp, tenants_stamp;
    /* assets per core tenant index (+ root at [counts_len]), for ctx->generation */
    size_t *counts;
    int counts_len;
    uint64_t counts_gen;
    /* per account: client_id of the plug-in's API connection made at sign-in ("" = none) */
    char plugin_conn[ORG_MAX_ACCOUNTS][33];
} svc_state;

svc_state *svc_of(sbx_ctx *ctx);
/* The account behind an SBX_AUTH_ACCOUNT request (an account token, or the access token of
 * the plug-in connection made at sign-in); -1 after answering 401. */
int svc_account(sbx_request *req, sbx_reply *rep);
/* Same, and the account's MDR must be activated (409 not_activated otherwise). */
int svc_active_account(sbx_request *req, sbx_reply *rep);
void svc_reply_err(sbx_reply *rep, const org_err *e);
/* Tenants changed (create/delete/rename): the visibility map is rebuilt. */
void svc_tenants_changed(sbx_ctx *ctx);
/* The KSN file served to organization `org`; NULL on failure. Borrowed (cached in org). */
const char *svc_ksn_pem(sbx_ctx *ctx, int org, const svc_ksn_record **rec);
/* Base64 of bytes (malloc'd). */
char *svc_base64(const unsigned char *data, size_t len);

/* Publishes a new KSN configuration file (enum svc_ksn_variant); 0 = ok (ksn.c). */
int svc_ksn_publish(svc_state *s, int variant, int64_t now_ms);

/* ---- the console tabs (service.c) */
org_org *svc_org_of(sbx_request *req, int account); /* the account's organization */
int svc_org_idx(sbx_request *req, int account);     /* its index */
/* An optional boolean of the body (0 when absent); -1 after a 400. */
int svc_all_flag(sbx_request *req, sbx_reply *rep, const char *key, int *out);
/* The MDR configuration archive of a license (t NULL) or a tenant as the answer (archive.c). */
void svc_reply_zip(sbx_request *req, sbx_reply *rep, int org, const org_license *l,
                   const org_tenant *t, int64_t expires, const char *variant_name,
                   int default_variant);

typedef struct console_route {
    const char *path; /* after SVC_BASE */
    sbx_handler handler;
} console_route;
/* Registers POST SVC_BASE<path> with the account session, up to a NULL path. */
void console_routes(sbx_router *r, const console_route *routes);

/* ---- registrations (routes.c calls them, in this order) */
void console_register_service(sbx_router *r); /* the "service" module (service.c) */
void console_register_account(sbx_router *r);
void console_register_activation(sbx_router *r);
void console_register_ksn(sbx_router *r);
void console_register_admin(sbx_router *r); /* /admin/… of the service side */
void console_register_licenses(sbx_router *r);
void console_register_tenants(sbx_router *r);
void console_register_usage(sbx_router *r);
void console_register_connections(sbx_router *r);
void console_register_settings(sbx_router *r);
void console_register_notifications(sbx_router *r);
void console_register_reports(sbx_router *r);

#endif
