/* ksn.c — the KSN configuration file: its publications (the admin publishes new ones, in
 * variants for refusal tests) and the signed file served to each organization. */
#include "console/console.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const ksn_server ksn_servers[] = {{"ksn-1.mdr.sandbox.invalid", 443},
                                         {"ksn-2.mdr.sandbox.invalid", 443}};

int svc_ksn_publish(svc_state *s, int variant, int64_t now_ms)
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
    if (svc_ksn_publish(s, variant, req->now_ms)) {
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

void console_register_ksn(sbx_router *r)
{
    sbx_route(r, "POST", SVC_BASE "/ksn/current", SBX_AUTH_ACCOUNT, SBX_BODY_JSON, h_ksn_current);
    sbx_route(r, "POST", SVC_BASE "/ksn/file", SBX_AUTH_ACCOUNT, SBX_BODY_JSON, h_ksn_file);
    sbx_route(r, "POST", "/admin/ksn/publish", SBX_AUTH_ADMIN, SBX_BODY_JSON, h_admin_ksn_publish);
}
