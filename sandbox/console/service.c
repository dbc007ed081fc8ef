/*
 * service.c — the service side's state (organizations, KSN signer) as an sbx module: seeded,
 * saved, loaded and ended; the account session every console call checks; which tenants an
 * API connection sees. The areas (account.c, activation.c, ksn.c, licenses.c, tenants.c…)
 * map JSON requests onto the rules of console/org/. Paths and answers: docs/cloud-api.md.
 */
#include "console/console.h"

#include <openssl/evp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* ---------------------------------------------------------------- the console tabs */
org_org *svc_org_of(sbx_request *req, int a)
{
    svc_state *s = svc_of(req->ctx);
    return s->world->orgs[s->world->accounts[a].org];
}

int svc_org_idx(sbx_request *req, int a)
{
    return svc_of(req->ctx)->world->accounts[a].org;
}

int svc_all_flag(sbx_request *req, sbx_reply *rep, const char *key, int *out)
{
    *out = 0;
    return sbx_body_bool(req, rep, key, out) < 0 ? -1 : 0;
}

void console_routes(sbx_router *r, const console_route *routes)
{
    for (size_t i = 0; routes[i].path; i++) {
        char path[128];
        snprintf(path, sizeof path, SVC_BASE "%s", routes[i].path);
        sbx_route(r, "POST", path, SBX_AUTH_ACCOUNT, SBX_BODY_JSON, routes[i].handler);
    }
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

/* The organization's auto-accept setting for a response the SOC creates now: all tenants
 * (the root too), none, or the tenant's own flag in per-tenant mode. */
static int svc_response_auto_accept(sbx_ctx *ctx, int tenant)
{
    svc_state *s = svc_of(ctx);
    if (!s)
        return 0;
    owner_rebuild(ctx, s);
    int owner = 0; /* assets without a tenant: the seeded organization's root */
    if (tenant >= 0)
        owner = s->owner && tenant < s->owner_len ? s->owner[tenant] : -1;
    if (owner < 0 || owner >= s->world->org_count)
        return 0;
    const org_org *org = s->world->orgs[owner];
    if (org->auto_mode == ORG_AUTO_ALL)
        return 1;
    if (org->auto_mode != ORG_AUTO_PER_TENANT || tenant < 0)
        return 0;
    for (int t = 0; t < org->tenant_slots; t++)
        if (org->tenants[t]->core_index == tenant && !org->tenants[t]->deleted)
            return org->tenants[t]->auto_accept;
    return 0;
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
    if (!s->ksn_count && svc_ksn_publish(s, KSN_NORMAL, now))
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
    ctx->response_auto_accept = svc_response_auto_accept;
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

void console_register_service(sbx_router *r)
{
    sbx_add_module(r, &svc_module);
}
