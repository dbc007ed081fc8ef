/*
 * svc_core.c — the service side's state (organizations, KSN signer) as an sbx module, the
 * account session, activation, the KSN configuration file, and the admin calls tests use.
 * Paths and answers: docs/cloud-api.md.
 */
#include "svc.h"

#include <openssl/evp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const ksn_server ksn_servers[] = {{"ksn-1.mdr.sandbox.invalid", 443},
                                         {"ksn-2.mdr.sandbox.invalid", 443}};

svc_state *svc_of(sbx_ctx *ctx)
{
    return (svc_state *)ctx->svc;
}

void svc_reply_err(sbx_reply *rep, const org_err *e)
{
    sbx_reply_error(rep, e->status ? e->status : 500, e->code[0] ? e->code : "internal", "%s",
                    e->message);
}

char *svc_base64(const unsigned char *data, size_t len)
{
    char *out = malloc(4 * ((len + 2) / 3) + 1);
    if (out)
        EVP_EncodeBlock((unsigned char *)out, data, (int)len);
    return out;
}

static int b64_decode(const char *text, unsigned char **out, size_t *len)
{
    size_t n = strlen(text);
    if (n == 0 || n % 4)
        return -1;
    *out = malloc(n / 4 * 3 + 1);
    if (!*out)
        return -1;
    int k = EVP_DecodeBlock(*out, (const unsigned char *)text, (int)n);
    if (k < 0) {
        free(*out);
        return -1;
    }
    size_t pad = (text[n - 1] == '=') + (text[n - 2] == '=');
    *len = (size_t)k - pad;
    return 0;
}

/* ---------------------------------------------------------------- account session */

int svc_account(sbx_request *req, sbx_reply *rep)
{
    svc_state *s = svc_of(req->ctx);
    json_object *sub = NULL, *ep = NULL;
    int a = -1;
    if (req->conn && !req->claims) {
        /* The plug-in's own connection acts for the account that signed in with it. */
        for (int i = 0; i < s->world->account_count; i++)
            if (strcmp(s->plugin_conn[i], req->conn->client_id) == 0)
                return i;
        sbx_reply_error(rep, 401, "unauthorized", "the account session is missing or invalid");
        return -1;
    }
    if (req->claims && json_object_object_get_ex(req->claims, "sub", &sub))
        a = org_account_find(s->world, json_object_get_string(sub));
    if (a < 0 || !json_object_object_get_ex(req->claims, "ep", &ep) ||
        (unsigned)json_object_get_int64(ep) != s->world->accounts[a].session_epoch) {
        sbx_reply_error(rep, 401, "unauthorized", "the account session is missing or invalid");
        return -1;
    }
    return a;
}

int svc_active_account(sbx_request *req, sbx_reply *rep)
{
    int a = svc_account(req, rep);
    org_err e = {0};
    if (a >= 0 && org_require_active(svc_of(req->ctx)->world, a, &e)) {
        svc_reply_err(rep, &e);
        return -1;
    }
    return a;
}

static json_object *org_brief(const org_org *o)
{
    json_object *j = json_object_new_object();
    json_object_object_add(j, "id", json_object_new_string(o->id));
    json_object_object_add(j, "name", json_object_new_string(o->name));
    return j;
}

static void h_sign_in(sbx_request *req, sbx_reply *rep)
{
    svc_state *s = svc_of(req->ctx);
    const char *login = NULL, *password = NULL;
    if (sbx_body_string(req, rep, "login", &login) < 0 ||
        sbx_body_string(req, rep, "password", &password) < 0)
        return;
    if (!login || !password) {
        sbx_reply_error(rep, 400, "missing_parameter", "login and password are required");
        return;
    }
    int a = org_account_check(s->world, login, password);
    if (a < 0) {
        sbx_reply_error(rep, 401, "invalid_credentials", "wrong login or password");
        return;
    }
    org_account *acc = &s->world->accounts[a];
    json_object *claims = json_object_new_object();
    int64_t exp = req->now_ms / 1000 + SVC_ACCOUNT_TOKEN_S;
    json_object_object_add(claims, "typ", json_object_new_string("account"));
    json_object_object_add(claims, "sub", json_object_new_string(acc->login));
    json_object_object_add(claims, "ep", json_object_new_int64(acc->session_epoch));
    json_object_object_add(claims, "exp", json_object_new_int64(exp));
    char *token = sbx_jwt_make(req->ctx, claims);
    json_object_put(claims);
    if (!token) {
        sbx_reply_error(rep, 500, "internal", "cannot make the account token");
        return;
    }
    /* The plug-in's own API connection ("MDR Plug-in", full rights): one per account; a new
     * sign-in issues a fresh console refresh token (older tokens of it fail). */
    sbx_conn *conn = s->plugin_conn[a][0] ? sbx_conn_find(req->ctx, s->plugin_conn[a]) : NULL;
    char *refresh = NULL;
    if (conn)
        refresh = sbx_conn_issue_refresh(req->ctx, conn);
    else if ((conn = sbx_conn_create(req->ctx, "MDR Plug-in", SBX_RIGHTS_FULL, NULL, 0, acc->org,
                                     &refresh)))
        snprintf(s->plugin_conn[a], sizeof s->plugin_conn[a], "%s", conn->client_id);
    if (!refresh) {
        free(token);
        sbx_reply_error(rep, 500, "internal", "cannot make the plug-in connection");
        return;
    }
    sbx_touch(req->ctx);
    json_object *out = json_object_new_object();
    json_object_object_add(out, "account_token", json_object_new_string(token));
    json_object_object_add(out, "expires_time", json_object_new_int64(exp * 1000));
    json_object_object_add(out, "organization", org_brief(s->world->orgs[acc->org]));
    json_object_object_add(out, "client_id", json_object_new_string(conn->client_id));
    json_object_object_add(out, "refresh_token", json_object_new_string(refresh));
    free(refresh);
    free(token);
    sbx_reply_json(rep, 200, out);
}

static void h_sign_out(sbx_request *req, sbx_reply *rep)
{
    int a = svc_account(req, rep);
    if (a < 0)
        return;
    svc_of(req->ctx)->world->accounts[a].session_epoch++;
    sbx_conn *conn = sbx_conn_find(req->ctx, svc_of(req->ctx)->plugin_conn[a]);
    if (conn)
        sbx_conn_revoke(req->ctx, conn); /* the plug-in's session ends with the account's */
    sbx_touch(req->ctx);
    sbx_reply_ok(rep);
}

static void h_account_info(sbx_request *req, sbx_reply *rep)
{
    svc_state *s = svc_of(req->ctx);
    int a = svc_account(req, rep);
    if (a < 0)
        return;
    org_account *acc = &s->world->accounts[a];
    json_object *out = json_object_new_object();
    json_object_object_add(out, "login", json_object_new_string(acc->login));
    json_object_object_add(out, "organization", org_brief(s->world->orgs[acc->org]));
    json_object_object_add(out, "tied_elsewhere", json_object_new_boolean(acc->tied_elsewhere));
    sbx_reply_json(rep, 200, out);
}

/* ---------------------------------------------------------------- activation */

static void reply_status(sbx_request *req, sbx_reply *rep, int a)
{
    sbx_reply_json(rep, 200, org_activation_status(svc_of(req->ctx)->world, a, req->now_ms));
}

static void h_act_status(sbx_request *req, sbx_reply *rep)
{
    int a = svc_account(req, rep);
    if (a >= 0)
        reply_status(req, rep, a);
}

static void h_act_activate(sbx_request *req, sbx_reply *rep)
{
    svc_state *s = svc_of(req->ctx);
    const char *code = NULL, *region = NULL;
    int a = svc_account(req, rep);
    if (a < 0 || sbx_body_string(req, rep, "activation_code", &code) < 0 ||
        sbx_body_string(req, rep, "region", &region) < 0)
        return;
    org_err e = {0};
    if (org_activation_activate(s->world, a, code, region, req->now_ms, NULL, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    reply_status(req, rep, a);
}

static void h_act_select(sbx_request *req, sbx_reply *rep)
{
    svc_state *s = svc_of(req->ctx);
    json_object *ids = NULL;
    int a = svc_account(req, rep);
    if (a < 0 || sbx_body_strings(req, rep, "tenants", &ids) < 0)
        return;
    org_err e = {0};
    if (org_activation_select_tenants(s->world, a, ids, req->now_ms, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    reply_status(req, rep, a);
}

static void h_act_agreements(sbx_request *req, sbx_reply *rep)
{
    svc_state *s = svc_of(req->ctx);
    json_object *ids = NULL;
    int a = svc_account(req, rep);
    if (a < 0 || sbx_body_strings(req, rep, "agreements", &ids) < 0)
        return;
    org_err e = {0};
    if (org_activation_accept_agreements(s->world, a, ids, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    reply_status(req, rep, a);
}

static void h_act_ksn(sbx_request *req, sbx_reply *rep)
{
    svc_state *s = svc_of(req->ctx);
    int accepted = 0;
    int a = svc_account(req, rep);
    if (a < 0)
        return;
    int has = sbx_body_bool(req, rep, "accepted", &accepted);
    if (has < 0)
        return;
    if (has == 0) {
        sbx_reply_error(rep, 400, "missing_parameter", "accepted (true or false) is required");
        return;
    }
    org_err e = {0};
    if (org_activation_accept_ksn(s->world, a, accepted, req->now_ms, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    sbx_touch(req->ctx);
    reply_status(req, rep, a);
}

static void h_act_cancel(sbx_request *req, sbx_reply *rep)
{
    int a = svc_account(req, rep);
    if (a < 0)
        return;
    org_activation_cancel(svc_of(req->ctx)->world, a);
    reply_status(req, rep, a);
}

static void h_act_new_code(sbx_request *req, sbx_reply *rep)
{
    svc_state *s = svc_of(req->ctx);
    const char *code = NULL, *region = NULL;
    int a = svc_account(req, rep);
    if (a < 0 || sbx_body_string(req, rep, "activation_code", &code) < 0 ||
        sbx_body_string(req, rep, "region", &region) < 0)
        return;
    org_err e = {0};
    json_object *lic = NULL;
    if (org_activation_new_code(s->world, a, code, region, req->now_ms, &lic, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    sbx_touch(req->ctx);
    sbx_reply_json(rep, 200, lic);
}

static void h_act_revoke(sbx_request *req, sbx_reply *rep)
{
    int a = svc_account(req, rep);
    if (a < 0)
        return;
    org_err e = {0};
    if (org_activation_revoke(svc_of(req->ctx)->world, a, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    json_object *out = org_activation_status(svc_of(req->ctx)->world, a, req->now_ms);
    json_object_object_add(out, "ksn_disabled", json_object_new_boolean(1));
    json_object_object_add(
        out, "message",
        json_object_new_string("Consent revoked: KPSN is disabled. The organization's data stays "
                               "in the MDR cloud; to delete it, contact Technical Support."));
    sbx_reply_json(rep, 200, out);
}

static void h_act_terminate(sbx_request *req, sbx_reply *rep)
{
    int a = svc_account(req, rep);
    if (a < 0)
        return;
    org_err e = {0};
    if (org_activation_terminate(svc_of(req->ctx)->world, a, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    json_object *out = org_activation_status(svc_of(req->ctx)->world, a, req->now_ms);
    json_object_object_add(out, "telemetry_stopped", json_object_new_boolean(1));
    json_object_object_add(
        out, "message",
        json_object_new_string("MDR terminated: telemetry stopped and consent revoked. Remove "
                               "the KSN configuration file from the Administration Server. To "
                               "delete the organization's data, contact Technical Support."));
    sbx_reply_json(rep, 200, out);
}

/* ---------------------------------------------------------------- KSN configuration file */

static int ksn_publish(svc_state *s, int variant, int64_t now_ms)
{
    unsigned max = 0;
    for (size_t i = 0; i < s->ksn_count; i++)
        if (s->ksn[i].version > max)
            max = s->ksn[i].version;
    svc_ksn_record r = {0};
    r.variant = variant;
    r.version = variant == KSN_LOWER ? (max > 1 ? max - 1 : 1) : max + 1;
    r.issued_ms = now_ms - now_ms % 1000;
    r.expires_ms = r.issued_ms + SVC_KSN_VALIDITY_MS;
    if (variant == KSN_EXPIRED) {
        r.issued_ms -= SVC_KSN_VALIDITY_MS + 24LL * 3600 * 1000;
        r.expires_ms = now_ms - now_ms % 1000 - 24LL * 3600 * 1000;
    }
    if (ksn_telemetry_key_new(&r.spki, &r.spki_len))
        return -1;
    svc_ksn_record *grown = realloc(s->ksn, sizeof *grown * (s->ksn_count + 1));
    if (!grown) {
        free(r.spki);
        return -1;
    }
    s->ksn = grown;
    s->ksn[s->ksn_count++] = r;
    return 0;
}

const char *svc_ksn_pem(sbx_ctx *ctx, int org, const svc_ksn_record **rec)
{
    svc_state *s = svc_of(ctx);
    org_org *o = s->world->orgs[org];
    const svc_ksn_record *r = &s->ksn[s->ksn_count - 1];
    *rec = r;
    if (o->ksn_pem && o->ksn_version == (unsigned)s->ksn_count)
        return o->ksn_pem;
    ksn_payload p = {0};
    p.version = r->version;
    p.issued_ms = r->issued_ms;
    p.expires_ms = r->expires_ms;
    p.org_id = o->id;
    p.region = o->region[0] ? o->region : "other";
    p.server_count = 2;
    p.servers[0] = ksn_servers[0];
    p.servers[1] = ksn_servers[1];
    p.telemetry_spki = r->spki;
    p.telemetry_spki_len = r->spki_len;
    char err[200] = "";
    char *pem =
        ksn_sign_file(r->variant == KSN_UNTRUSTED ? s->untrusted : s->pki, &p, err, sizeof err);
    if (!pem)
        return NULL;
    free(o->ksn_pem);
    o->ksn_pem = pem;
    o->ksn_version = (unsigned)s->ksn_count; /* cache key: the publication, not the number */
    return pem;
}

static void ksn_fields(json_object *out, const svc_ksn_record *r, const char *pem, int64_t now)
{
    char sha[65];
    ksn_sha256_hex((const unsigned char *)pem, strlen(pem), sha);
    json_object_object_add(out, "version", json_object_new_int64(r->version));
    json_object_object_add(out, "issued_time", json_object_new_int64(r->issued_ms));
    json_object_object_add(out, "expires_time", json_object_new_int64(r->expires_ms));
    json_object_object_add(out, "expired", json_object_new_boolean(now >= r->expires_ms));
    json_object_object_add(out, "expires_soon",
                           json_object_new_boolean(r->expires_ms - now <= 30LL * 24 * 3600 * 1000));
    json_object_object_add(out, "sha256", json_object_new_string(sha));
}

static int ksn_ready(sbx_request *req, sbx_reply *rep, int *a_out)
{
    int a = svc_account(req, rep);
    if (a < 0)
        return -1;
    const org_org *o = svc_of(req->ctx)->world->orgs[svc_of(req->ctx)->world->accounts[a].org];
    /* Needed from the KSN Statement step on, so an activation can apply the file. */
    if (o->state != ORG_ACTIVE) {
        sbx_reply_error(rep, 409,
                        o->state == ORG_CONSENT_REVOKED ? "consent_revoked" : "not_activated",
                        "no KSN configuration file: MDR is not active for this organization");
        return -1;
    }
    *a_out = a;
    return 0;
}

static void h_ksn_current(sbx_request *req, sbx_reply *rep)
{
    int a;
    if (ksn_ready(req, rep, &a))
        return;
    const svc_ksn_record *r;
    const char *pem = svc_ksn_pem(req->ctx, svc_of(req->ctx)->world->accounts[a].org, &r);
    if (!pem) {
        sbx_reply_error(rep, 500, "internal", "cannot sign the KSN configuration file");
        return;
    }
    json_object *out = json_object_new_object();
    ksn_fields(out, r, pem, req->now_ms);
    sbx_reply_json(rep, 200, out);
}

static void h_ksn_file(sbx_request *req, sbx_reply *rep)
{
    int a;
    if (ksn_ready(req, rep, &a))
        return;
    const svc_ksn_record *r;
    const char *pem = svc_ksn_pem(req->ctx, svc_of(req->ctx)->world->accounts[a].org, &r);
    char *b64 = pem ? svc_base64((const unsigned char *)pem, strlen(pem)) : NULL;
    if (!b64) {
        sbx_reply_error(rep, 500, "internal", "cannot sign the KSN configuration file");
        return;
    }
    json_object *out = json_object_new_object();
    ksn_fields(out, r, pem, req->now_ms);
    char name[64];
    snprintf(name, sizeof name, "ksn_configuration_v%u.pem", r->version);
    json_object_object_add(out, "file_name", json_object_new_string(name));
    json_object_object_add(out, "content_base64", json_object_new_string(b64));
    free(b64);
    sbx_reply_json(rep, 200, out);
}

/* ---------------------------------------------------------------- admin */

static void h_admin_ksn_publish(sbx_request *req, sbx_reply *rep)
{
    svc_state *s = svc_of(req->ctx);
    const char *v = NULL;
    if (sbx_body_string(req, rep, "variant", &v) < 0)
        return;
    int variant = KSN_NORMAL;
    if (v && !strcmp(v, "expired"))
        variant = KSN_EXPIRED;
    else if (v && !strcmp(v, "untrusted"))
        variant = KSN_UNTRUSTED;
    else if (v && !strcmp(v, "lower_version"))
        variant = KSN_LOWER;
    else if (v && strcmp(v, "normal")) {
        sbx_reply_error(rep, 400, "invalid_parameter",
                        "variant is normal, expired, untrusted or lower_version");
        return;
    }
    if (ksn_publish(s, variant, req->now_ms)) {
        sbx_reply_error(rep, 500, "internal", "cannot make a telemetry key");
        return;
    }
    sbx_touch(req->ctx);
    const svc_ksn_record *r = &s->ksn[s->ksn_count - 1];
    json_object *out = json_object_new_object();
    json_object_object_add(out, "version", json_object_new_int64(r->version));
    json_object_object_add(out, "expires_time", json_object_new_int64(r->expires_ms));
    sbx_reply_json(rep, 200, out);
}

static void h_admin_license_expire(sbx_request *req, sbx_reply *rep)
{
    const char *id = NULL;
    if (sbx_body_string(req, rep, "id", &id) < 0)
        return;
    org_err e = {0};
    if (!id) {
        sbx_reply_error(rep, 400, "missing_parameter", "id is required");
        return;
    }
    if (org_license_expire(svc_of(req->ctx)->world, id, req->now_ms, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    sbx_touch(req->ctx);
    sbx_reply_ok(rep);
}

static void h_admin_codes_create(sbx_request *req, sbx_reply *rep)
{
    svc_state *s = svc_of(req->ctx);
    const char *tier = NULL, *region = NULL, *type = NULL;
    int64_t limit = 1000, term = 365;
    if (sbx_body_string(req, rep, "tier", &tier) < 0 ||
        sbx_body_string(req, rep, "region", &region) < 0 ||
        sbx_body_string(req, rep, "type", &type) < 0 ||
        sbx_body_int64(req, rep, "assets_limit", &limit) < 0 ||
        sbx_body_int64(req, rep, "term_days", &term) < 0)
        return;
    int t = type ? org_type_parse(type) : 1;
    if (!org_tier_valid(tier ? tier : "expert") ||
        (region && *region && !org_region_valid(region)) || t < 0 || limit < 1 ||
        limit > 10000000 || term < 1 || term > 3650) {
        sbx_reply_error(rep, 400, "invalid_parameter",
                        "tier (expert|optimum|basic|advanced|prime), region, type "
                        "(trial|commercial|subscription), assets_limit 1.., term_days 1..3650");
        return;
    }
    char code[21];
    if (org_code_add(s->world, tier ? tier : "expert", region ? region : "", t, (int)limit,
                     (int)term, 0, code) < 0) {
        sbx_reply_error(rep, 409, "code_limit", "too many activation codes");
        return;
    }
    sbx_touch(req->ctx);
    json_object *out = json_object_new_object();
    json_object_object_add(out, "activation_code", json_object_new_string(code));
    sbx_reply_json(rep, 200, out);
}

static void h_admin_accounts(sbx_request *req, sbx_reply *rep)
{
    svc_state *s = svc_of(req->ctx);
    const char *create = NULL;
    if (sbx_body_string(req, rep, "create", &create) < 0)
        return;
    if (create) { /* a fresh organization with one account and no license */
        char name[160];
        snprintf(name, sizeof name, "Organization of %s", create);
        int o = org_org_add(s->world, name);
        if (o < 0 || org_account_add(s->world, create, NULL, o, "fresh") < 0) {
            sbx_reply_error(rep, 409, "account_exists", "cannot create this account");
            return;
        }
        sbx_touch(req->ctx);
    }
    json_object *arr = json_object_new_array();
    for (int i = 0; i < s->world->account_count; i++) {
        const org_account *a = &s->world->accounts[i];
        json_object *j = json_object_new_object();
        json_object_object_add(j, "login", json_object_new_string(a->login));
        json_object_object_add(j, "password", json_object_new_string(a->password));
        json_object_object_add(j, "kind", json_object_new_string(a->kind));
        json_object_object_add(j, "organization_id",
                               json_object_new_string(s->world->orgs[a->org]->id));
        json_object_object_add(j, "tied_elsewhere", json_object_new_boolean(a->tied_elsewhere));
        json_object_array_add(arr, j);
    }
    json_object *out = json_object_new_object();
    json_object_object_add(out, "accounts", arr);
    sbx_reply_json(rep, 200, out);
}

static int org_of_login(sbx_request *req, sbx_reply *rep)
{
    const char *login = NULL;
    if (sbx_body_string(req, rep, "login", &login) < 0)
        return -1;
    int a = org_account_find(svc_of(req->ctx)->world, login);
    if (a < 0) {
        sbx_reply_error(rep, 404, "account_not_found", "unknown login");
        return -1;
    }
    return svc_of(req->ctx)->world->accounts[a].org;
}

static void h_admin_email_code(sbx_request *req, sbx_reply *rep)
{
    int o = org_of_login(req, rep);
    if (o < 0)
        return;
    const org_org *org = svc_of(req->ctx)->world->orgs[o];
    if (!org->email_code[0]) {
        sbx_reply_error(rep, 404, "no_code", "no verification code outstanding");
        return;
    }
    json_object *out = json_object_new_object();
    json_object_object_add(out, "code", json_object_new_string(org->email_code));
    json_object_object_add(out, "address", json_object_new_string(org->email_pending_address));
    sbx_reply_json(rep, 200, out);
}

static void h_admin_telegram_use(sbx_request *req, sbx_reply *rep)
{
    const char *token = NULL;
    if (sbx_body_string(req, rep, "token", &token) < 0)
        return;
    org_err e = {0};
    if (org_telegram_use_link(svc_of(req->ctx)->world, token, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    sbx_touch(req->ctx);
    sbx_reply_ok(rep);
}

/* ---------------------------------------------------------------- tenant visibility */

void svc_tenants_changed(sbx_ctx *ctx)
{
    svc_of(ctx)->tenants_stamp++;
    sbx_touch(ctx);
}

/* owner[i]: the organization owning core tenant i (-2 when its tenant was deleted: its
 * assets are disconnected from MDR and nobody sees them). */
static void owner_rebuild(sbx_ctx *ctx, svc_state *s)
{
    if (s->owner && s->owner_len == ctx->tenant_name_count && s->owner_stamp == s->tenants_stamp)
        return;
    free(s->owner);
    s->owner_len = ctx->tenant_name_count;
    s->owner = malloc(sizeof(int) * (size_t)(s->owner_len + 1));
    for (int i = 0; s->owner && i < s->owner_len; i++)
        s->owner[i] = 0; /* seeded tenants beyond the organization's 100 stay with it */
    for (int o = 0; s->owner && o < s->world->org_count; o++) {
        const org_org *org = s->world->orgs[o];
        for (int t = 0; t < org->tenant_slots; t++) {
            int ci = org->tenants[t]->core_index;
            if (ci >= 0 && ci < s->owner_len && (s->owner[ci] == 0 || !org->tenants[t]->deleted))
                s->owner[ci] = org->tenants[t]->deleted ? -2 : o;
        }
    }
    s->owner_stamp = s->tenants_stamp;
}

static int svc_tenant_visible(sbx_ctx *ctx, const sbx_conn *conn, const char *tenant_name)
{
    svc_state *s = svc_of(ctx);
    if (!conn || !s)
        return sbx_default_tenant_visible(ctx, conn, tenant_name);
    owner_rebuild(ctx, s);
    int owner = 0; /* assets without a tenant: the seeded organization's root */
    if (tenant_name && *tenant_name && s->owner) {
        int idx = -1;
        /* the core passes ctx->tenant_names[i] itself: pointer first, text as fallback */
        for (int i = 0; i < ctx->tenant_name_count && idx < 0; i++)
            if (ctx->tenant_names[i] == tenant_name)
                idx = i;
        if (idx < 0)
            idx = sbx_tenant_find(ctx, tenant_name);
        owner = idx >= 0 && idx < s->owner_len ? s->owner[idx] : 0;
    }
    if (owner != conn->org)
        return 0;
    return sbx_default_tenant_visible(ctx, conn, tenant_name);
}

/* ---------------------------------------------------------------- module */

static size_t assets_of(void *ud, int core_index)
{
    sbx_ctx *ctx = ud;
    svc_state *s = svc_of(ctx);
    /* recomputed only when the data generation changes: a count walks every asset */
    if (!s->counts || s->counts_gen != ctx->generation || s->counts_len != ctx->tenant_name_count) {
        free(s->counts);
        s->counts_len = ctx->tenant_name_count;
        s->counts = calloc((size_t)s->counts_len + 1, sizeof *s->counts);
        if (!s->counts)
            return 0;
        sbx_assets_by_tenant(ctx, s->counts);
        s->counts_gen = ctx->generation;
    }
    if (core_index < 0)
        return s->counts[s->counts_len];
    return core_index < s->counts_len ? s->counts[core_index] : 0;
}

static int seed_world(sbx_ctx *ctx, svc_state *s, int64_t now)
{
    org_world *w = s->world;
    char code[21];
    int n_lic = ctx->license_count > 0 ? ctx->license_count : 1;
    int limit =
        (int)(ctx->asset_count / (uint32_t)n_lic + ctx->asset_count / (uint32_t)(10 * n_lic) + 100);
    org_err e = {0};

    /* 0: the seeded organization; its licenses wait for the activation code */
    int o0 = org_org_add(w, "Seeded Organization");
    for (int i = 0; i < n_lic; i++) {
        if (org_code_add(w, "expert", "", ORG_COMMERCIAL, limit, 365,
                         ctx->seed * 131 + (uint64_t)i + 1, code) < 0 ||
            org_license_provision(w, o0, code, &e))
            return -1;
        if (i == 0)
            sbx_set_str(&ctx->ready.activation_code, code);
    }
    for (int t = 0;
         t < ctx->tenant_name_count && t < ctx->tenant_count_seeded && t < ORG_MAX_TENANTS; t++)
        org_tenant_adopt(w, o0, ctx->tenant_names[t], t,
                         ctx->seeded_at_ms ? ctx->seeded_at_ms : now);
    int a0 = org_account_add(w, "admin@seeded-org.example", NULL, o0, "seeded");

    /* 1: an organization already using MDR, with tenants (the tenant-selection branch) */
    int o1 = org_org_add(w, "Existing Organization");
    if (org_code_add(w, "expert", "europe", ORG_COMMERCIAL, 500, 365, ctx->seed * 131 + 977, code) <
        0)
        return -1;
    json_object *sel = NULL;
    int a1 = org_account_add(w, "admin@existing-org.example", NULL, o1, "existing");
    int helper = org_account_add(w, "first-admin@existing-org.example", NULL, o1, "existing");
    if (a0 < 0 || a1 < 0 || helper < 0 ||
        org_activation_activate(w, helper, code, "europe", now, NULL, &e))
        return -1;
    sel = json_object_new_array();
    json_object_array_add(sel, json_object_new_string("mdr_agreement"));
    json_object_array_add(sel, json_object_new_string("dpa"));
    int rc = org_activation_accept_agreements(w, helper, sel, &e);
    json_object_put(sel);
    if (rc || org_activation_accept_ksn(w, helper, 1, now, &e))
        return -1;
    const char *names[] = {"Existing Branch North", "Existing Branch South", "Existing Lab"};
    for (int i = 0; i < 3; i++) {
        int ci = sbx_tenant_find(ctx, names[i]);
        if (ci < 0)
            ci = sbx_tenant_add(ctx, names[i]);
        json_object *in = json_object_new_object();
        json_object_object_add(in, "name", json_object_new_string(names[i]));
        org_tenant *t = org_tenant_create(w, o1, in, ci, now, &e);
        json_object_put(in);
        if (!t)
            return -1;
    }

    /* 2: an account tied to another organization's MDR data */
    int o2 = org_org_add(w, "Organization of a reused account");
    if (org_account_add(w, "reused@tied-org.example", NULL, o2, "tied") < 0)
        return -1;
    w->accounts[w->account_count - 1].tied_elsewhere = 1;
    return 0;
}

static int svc_init(sbx_ctx *ctx, int loaded)
{
    svc_state *s = svc_of(ctx);
    char err[256] = "";
    (void)loaded;
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s)
            return -1;
        ctx->svc = s;
    }
    int64_t now = sbx_now_ms(ctx);
    if (!s->pki && !(s->pki = ksn_pki_generate("MDR Sandbox KSN", err, sizeof err))) {
        fprintf(stderr, "mdr-sandbox: %s\n", err);
        return -1;
    }
    if (!s->untrusted && !(s->untrusted = ksn_pki_generate("Untrusted Test", err, sizeof err))) {
        fprintf(stderr, "mdr-sandbox: %s\n", err);
        return -1;
    }
    if (!s->ksn_count && ksn_publish(s, KSN_NORMAL, now))
        return -1;
    if (!s->world) {
        s->world = org_world_new();
        if (!s->world || seed_world(ctx, s, now)) {
            fprintf(stderr, "mdr-sandbox: cannot seed the organizations\n");
            return -1;
        }
    }
    s->world->assets = assets_of;
    s->world->assets_ud = ctx;
    snprintf(s->anchor_path, sizeof s->anchor_path, "%s/ksn-trust-anchor.pem", ctx->files_dir);
    if (ksn_pki_write_anchor(s->pki, s->anchor_path, err, sizeof err)) {
        fprintf(stderr, "mdr-sandbox: %s\n", err);
        return -1;
    }
    sbx_set_str(&ctx->ready.ksn_trust_anchor, s->anchor_path);
    for (int i = 0; i < s->world->account_count; i++) {
        const org_account *a = &s->world->accounts[i];
        if (!strcmp(a->kind, "seeded") && !ctx->ready.account_login) {
            sbx_set_str(&ctx->ready.account_login, a->login);
            sbx_set_str(&ctx->ready.account_password, a->password);
        }
        if (!strcmp(a->kind, "existing") && !a->activated && !ctx->ready.existing_login) {
            sbx_set_str(&ctx->ready.existing_login, a->login);
            sbx_set_str(&ctx->ready.existing_password, a->password);
        }
    }
    if (!ctx->ready.activation_code && s->world->code_count)
        sbx_set_str(&ctx->ready.activation_code, s->world->codes[0].code);
    ctx->tenant_visible = svc_tenant_visible;
    return 0;
}

static json_object *svc_save(sbx_ctx *ctx)
{
    svc_state *s = svc_of(ctx);
    if (!s || !s->world)
        return NULL;
    json_object *j = json_object_new_object();
    json_object_object_add(j, "world", org_world_save(s->world));
    char *b = ksn_pki_bundle_pem(s->pki);
    char *u = ksn_pki_bundle_pem(s->untrusted);
    json_object_object_add(j, "pki", json_object_new_string(b ? b : ""));
    json_object_object_add(j, "untrusted", json_object_new_string(u ? u : ""));
    free(b);
    free(u);
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < s->ksn_count; i++) {
        const svc_ksn_record *r = &s->ksn[i];
        json_object *x = json_object_new_object();
        char *k = svc_base64(r->spki, r->spki_len);
        json_object_object_add(x, "version", json_object_new_int64(r->version));
        json_object_object_add(x, "issued", json_object_new_int64(r->issued_ms));
        json_object_object_add(x, "expires", json_object_new_int64(r->expires_ms));
        json_object_object_add(x, "variant", json_object_new_int(r->variant));
        json_object_object_add(x, "key", json_object_new_string(k ? k : ""));
        free(k);
        json_object_array_add(arr, x);
    }
    json_object_object_add(j, "ksn", arr);
    json_object *pc = json_object_new_object();
    for (int i = 0; i < s->world->account_count; i++)
        if (s->plugin_conn[i][0])
            json_object_object_add(pc, s->world->accounts[i].login,
                                   json_object_new_string(s->plugin_conn[i]));
    json_object_object_add(j, "plugin_connections", pc);
    return j;
}

static int svc_load(sbx_ctx *ctx, json_object *state)
{
    svc_state *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    ctx->svc = s;
    json_object *v;
    char err[256] = "";
    org_err e = {0};
    if (!json_object_object_get_ex(state, "world", &v) || !(s->world = org_world_load(v, &e)) ||
        !json_object_object_get_ex(state, "pki", &v) ||
        !(s->pki = ksn_pki_from_bundle(json_object_get_string(v), err, sizeof err)) ||
        !json_object_object_get_ex(state, "untrusted", &v) ||
        !(s->untrusted = ksn_pki_from_bundle(json_object_get_string(v), err, sizeof err))) {
        fprintf(stderr, "mdr-sandbox: the service state is unreadable %s%s\n", err, e.message);
        return -1;
    }
    json_object *arr;
    if (json_object_object_get_ex(state, "ksn", &arr) &&
        json_object_is_type(arr, json_type_array)) {
        size_t n = json_object_array_length(arr);
        s->ksn = calloc(n ? n : 1, sizeof *s->ksn);
        for (size_t i = 0; s->ksn && i < n; i++) {
            json_object *x = json_object_array_get_idx(arr, i), *f;
            svc_ksn_record *r = &s->ksn[s->ksn_count];
            if (!json_object_object_get_ex(x, "key", &f) ||
                b64_decode(json_object_get_string(f), &r->spki, &r->spki_len))
                continue;
            json_object_object_get_ex(x, "version", &f);
            r->version = (unsigned)json_object_get_int64(f);
            json_object_object_get_ex(x, "issued", &f);
            r->issued_ms = json_object_get_int64(f);
            json_object_object_get_ex(x, "expires", &f);
            r->expires_ms = json_object_get_int64(f);
            json_object_object_get_ex(x, "variant", &f);
            r->variant = json_object_get_int(f);
            s->ksn_count++;
        }
    }
    json_object *pc;
    if (json_object_object_get_ex(state, "plugin_connections", &pc) &&
        json_object_is_type(pc, json_type_object)) {
        json_object_object_foreach(pc, login, id)
        {
            int a = org_account_find(s->world, login);
            if (a >= 0)
                snprintf(s->plugin_conn[a], sizeof s->plugin_conn[a], "%s",
                         json_object_get_string(id));
        }
    }
    return 0;
}

static void svc_fini(sbx_ctx *ctx)
{
    svc_state *s = svc_of(ctx);
    if (!s)
        return;
    org_world_free(s->world);
    ksn_pki_free(s->pki);
    ksn_pki_free(s->untrusted);
    for (size_t i = 0; i < s->ksn_count; i++)
        free(s->ksn[i].spki);
    free(s->ksn);
    free(s->owner);
    free(s->counts);
    free(s);
    ctx->svc = NULL;
}

static const sbx_module svc_module = {"service", svc_init, svc_save, svc_load, svc_fini};

void sbx_register_svc_core(sbx_router *r)
{
    sbx_add_module(r, &svc_module);
    sbx_route(r, "POST", SVC_BASE "/account/sign-in", SBX_AUTH_NONE, SBX_BODY_JSON, h_sign_in);
    sbx_route(r, "POST", SVC_BASE "/account/sign-out", SBX_AUTH_ACCOUNT, SBX_BODY_JSON, h_sign_out);
    sbx_route(r, "POST", SVC_BASE "/account/info", SBX_AUTH_ACCOUNT, SBX_BODY_JSON, h_account_info);
    sbx_route(r, "POST", SVC_BASE "/activation/status", SBX_AUTH_ACCOUNT, SBX_BODY_JSON,
              h_act_status);
    sbx_route(r, "POST", SVC_BASE "/activation/activate", SBX_AUTH_ACCOUNT, SBX_BODY_JSON,
              h_act_activate);
    sbx_route(r, "POST", SVC_BASE "/activation/select-tenants", SBX_AUTH_ACCOUNT, SBX_BODY_JSON,
              h_act_select);
    sbx_route(r, "POST", SVC_BASE "/activation/accept-agreements", SBX_AUTH_ACCOUNT, SBX_BODY_JSON,
              h_act_agreements);
    sbx_route(r, "POST", SVC_BASE "/activation/accept-ksn-statement", SBX_AUTH_ACCOUNT,
              SBX_BODY_JSON, h_act_ksn);
    sbx_route(r, "POST", SVC_BASE "/activation/cancel", SBX_AUTH_ACCOUNT, SBX_BODY_JSON,
              h_act_cancel);
    sbx_route(r, "POST", SVC_BASE "/activation/new-code", SBX_AUTH_ACCOUNT, SBX_BODY_JSON,
              h_act_new_code);
    sbx_route(r, "POST", SVC_BASE "/activation/revoke-consent", SBX_AUTH_ACCOUNT, SBX_BODY_JSON,
              h_act_revoke);
    sbx_route(r, "POST", SVC_BASE "/activation/terminate", SBX_AUTH_ACCOUNT, SBX_BODY_JSON,
              h_act_terminate);
    sbx_route(r, "POST", SVC_BASE "/ksn/current", SBX_AUTH_ACCOUNT, SBX_BODY_JSON, h_ksn_current);
    sbx_route(r, "POST", SVC_BASE "/ksn/file", SBX_AUTH_ACCOUNT, SBX_BODY_JSON, h_ksn_file);
    sbx_route(r, "POST", "/admin/ksn/publish", SBX_AUTH_ADMIN, SBX_BODY_JSON, h_admin_ksn_publish);
    sbx_route(r, "POST", "/admin/licenses/expire", SBX_AUTH_ADMIN, SBX_BODY_JSON,
              h_admin_license_expire);
    sbx_route(r, "POST", "/admin/codes/create", SBX_AUTH_ADMIN, SBX_BODY_JSON,
              h_admin_codes_create);
    sbx_route(r, "POST", "/admin/accounts", SBX_AUTH_ADMIN, SBX_BODY_JSON, h_admin_accounts);
    sbx_route(r, "POST", "/admin/notifications/email-code", SBX_AUTH_ADMIN, SBX_BODY_JSON,
              h_admin_email_code);
    sbx_route(r, "POST", "/admin/notifications/telegram-use", SBX_AUTH_ADMIN, SBX_BODY_JSON,
              h_admin_telegram_use);
}
