/*
 * svc.h — what the service-side files (svc_*.c) share: the service state kept in
 * ctx->svc, the account session check, and reply helpers over org_err.
 */
#ifndef SBX_SVC_H
#define SBX_SVC_H

#include "ksnsign.h"
#include "org.h"
#include "sbx.h"

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

void sbx_register_svc_core(sbx_router *r);
void sbx_register_svc_console(sbx_router *r);

#endif
