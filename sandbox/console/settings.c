/* settings.c — the Settings tab: get and update the organization's MDR settings. */
#include "console/console.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void h_settings_get(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    if (a >= 0)
        sbx_reply_json(rep, 200, org_settings_json(svc_org_of(req, a)));
}

static void h_settings_update(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    if (a < 0)
        return;
    org_err e = {0};
    if (org_settings_update(svc_org_of(req, a), req->json, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    sbx_touch(req->ctx);
    sbx_reply_json(rep, 200, org_settings_json(svc_org_of(req, a)));
}

void console_register_settings(sbx_router *r)
{
    console_routes(r, (const console_route[]){{"/settings/get", h_settings_get},
                                              {"/settings/update", h_settings_update},
                                              {NULL, NULL}});
}
