/* usage.c — the Usage tab: licensed and connected assets, custom incidents this week. */
#include "console/console.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void h_usage(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    if (a < 0)
        return;
    /* custom incidents are made through the public API, whose data is the seeded
     * organization's */
    size_t used =
        svc_org_idx(req, a) == 0
            ? sbx_custom_incidents_between(req->ctx, org_week_start_ms(req->now_ms), req->now_ms)
            : 0;
    sbx_reply_json(rep, 200,
                   org_usage_json(svc_of(req->ctx)->world, svc_org_of(req, a), used, req->now_ms));
}

void console_register_usage(sbx_router *r)
{
    console_routes(r, (const console_route[]){{"/usage/get", h_usage}, {NULL, NULL}});
}
