/* notifications.c — the Notifications tab: e-mail (start, verify, resend, disable) and
 * Telegram (link, unsubscribe). */
#include "console/console.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void reply_notif(sbx_request *req, sbx_reply *rep, int a)
{
    sbx_reply_json(rep, 200, org_notifications_json(svc_org_of(req, a), req->now_ms));
}

static void h_notif_get(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    if (a >= 0)
        reply_notif(req, rep, a);
}

static void h_email_start(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    if (a < 0)
        return;
    org_err e = {0};
    if (org_email_start(svc_org_of(req, a), req->json, req->now_ms, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    sbx_touch(req->ctx);
    reply_notif(req, rep, a);
}

static void h_email_verify(sbx_request *req, sbx_reply *rep)
{
    const char *code = NULL;
    int a = svc_active_account(req, rep);
    if (a < 0 || sbx_body_string(req, rep, "code", &code) < 0)
        return;
    org_err e = {0};
    int rc = org_email_verify(svc_org_of(req, a), code, req->now_ms, &e);
    sbx_touch(req->ctx); /* a wrong try counts too */
    if (rc) {
        svc_reply_err(rep, &e);
        return;
    }
    reply_notif(req, rep, a);
}

static void h_email_resend(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    if (a < 0)
        return;
    org_err e = {0};
    if (org_email_resend(svc_org_of(req, a), req->now_ms, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    sbx_touch(req->ctx);
    reply_notif(req, rep, a);
}

static void h_email_disable(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    if (a < 0)
        return;
    org_email_disable(svc_org_of(req, a));
    sbx_touch(req->ctx);
    reply_notif(req, rep, a);
}

static void h_tg_link(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    if (a < 0)
        return;
    char token[33];
    org_err e = {0};
    if (org_telegram_link(svc_org_of(req, a), req->json, token, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    sbx_touch(req->ctx);
    char link[96];
    snprintf(link, sizeof link, "https://t.me/MdrSandboxBot?start=%s", token);
    json_object *out = json_object_new_object();
    json_object_object_add(out, "link", json_object_new_string(link));
    json_object_object_add(out, "token", json_object_new_string(token));
    sbx_reply_json(rep, 200, out);
}

static void h_tg_unsubscribe(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    if (a < 0)
        return;
    org_telegram_unsubscribe(svc_org_of(req, a));
    sbx_touch(req->ctx);
    reply_notif(req, rep, a);
}

void console_register_notifications(sbx_router *r)
{
    console_routes(
        r, (const console_route[]){{"/notifications/get", h_notif_get},
                                   {"/notifications/email/start", h_email_start},
                                   {"/notifications/email/verify", h_email_verify},
                                   {"/notifications/email/resend", h_email_resend},
                                   {"/notifications/email/disable", h_email_disable},
                                   {"/notifications/telegram/link", h_tg_link},
                                   {"/notifications/telegram/unsubscribe", h_tg_unsubscribe},
                                   {NULL, NULL}});
}
