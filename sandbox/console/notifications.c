/* notifications.c — the Notifications tab: e-mail (start, verify, resend, disable) and
 * Telegram (link, unsubscribe). Every call takes an optional `recipient`: a person of the
 * organization whose own notifications these are (the plug-in names the console user);
 * without it, the account's own. */
#include "console/console.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The recipient's notifications, or NULL with the error answered. `create`: a change adds a
 * recipient not seen yet; a read of an unknown one answers the defaults. */
static org_notify *notify_of(sbx_request *req, sbx_reply *rep, int a, int create)
{
    const char *recipient = NULL;
    if (sbx_body_string(req, rep, "recipient", &recipient) < 0)
        return NULL;
    org_err e = {0};
    org_notify *n = org_notify_of(svc_org_of(req, a), recipient, create, &e);
    if (!n && create)
        svc_reply_err(rep, &e);
    return n;
}

static void reply_notif(sbx_request *req, sbx_reply *rep, const org_notify *n)
{
    static const org_notify none; /* a recipient with nothing set up yet */
    sbx_reply_json(rep, 200, org_notifications_json(n ? n : &none, req->now_ms));
}

static void h_notif_get(sbx_request *req, sbx_reply *rep)
{
    const char *recipient = NULL;
    int a = svc_active_account(req, rep);
    if (a < 0 || sbx_body_string(req, rep, "recipient", &recipient) < 0)
        return;
    reply_notif(req, rep, org_notify_of(svc_org_of(req, a), recipient, 0, NULL));
}

static void h_email_start(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    if (a < 0)
        return;
    org_notify *n = notify_of(req, rep, a, 1);
    if (!n)
        return;
    org_err e = {0};
    if (org_email_start(n, req->json, req->now_ms, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    sbx_touch(req->ctx);
    reply_notif(req, rep, n);
}

static void h_email_verify(sbx_request *req, sbx_reply *rep)
{
    const char *code = NULL;
    int a = svc_active_account(req, rep);
    if (a < 0 || sbx_body_string(req, rep, "code", &code) < 0)
        return;
    org_notify *n = notify_of(req, rep, a, 1);
    if (!n)
        return;
    org_err e = {0};
    int rc = org_email_verify(n, code, req->now_ms, &e);
    sbx_touch(req->ctx); /* a wrong try counts too */
    if (rc) {
        svc_reply_err(rep, &e);
        return;
    }
    reply_notif(req, rep, n);
}

static void h_email_resend(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    if (a < 0)
        return;
    org_notify *n = notify_of(req, rep, a, 1);
    if (!n)
        return;
    org_err e = {0};
    if (org_email_resend(n, req->now_ms, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    sbx_touch(req->ctx);
    reply_notif(req, rep, n);
}

static void h_email_disable(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    if (a < 0)
        return;
    org_notify *n = notify_of(req, rep, a, 1);
    if (!n)
        return;
    org_email_disable(n);
    sbx_touch(req->ctx);
    reply_notif(req, rep, n);
}

static void h_tg_link(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    if (a < 0)
        return;
    org_notify *n = notify_of(req, rep, a, 1);
    if (!n)
        return;
    char token[33];
    org_err e = {0};
    if (org_telegram_link(n, req->json, token, &e)) {
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
    org_notify *n = notify_of(req, rep, a, 1);
    if (!n)
        return;
    org_telegram_unsubscribe(n);
    sbx_touch(req->ctx);
    reply_notif(req, rep, n);
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
