/* activation.c — activating MDR for the account's organization, step by step (code and
 * region, tenants, agreements, KSN Statement), and leaving it (revoke consent, terminate). */
#include "console/console.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void console_register_activation(sbx_router *r)
{
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
}
