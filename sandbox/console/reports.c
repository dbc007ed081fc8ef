/* reports.c — the Reports tab: report schedules (list, create, update, delete). */
#include "console/console.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void h_rep_list(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    if (a >= 0)
        sbx_reply_json(rep, 200, org_schedules_list(svc_org_of(req, a)));
}

static void h_rep_create(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    if (a < 0)
        return;
    org_err e = {0};
    org_schedule *s = org_schedule_create(svc_org_of(req, a), req->json, req->now_ms, &e);
    if (!s) {
        svc_reply_err(rep, &e);
        return;
    }
    sbx_touch(req->ctx);
    sbx_reply_json(rep, 200, org_schedule_json(svc_org_of(req, a), s));
}

static void h_rep_update(sbx_request *req, sbx_reply *rep)
{
    const char *id = NULL;
    int a = svc_active_account(req, rep);
    if (a < 0 || sbx_body_string(req, rep, "schedule_id", &id) < 0)
        return;
    org_schedule *s = org_schedule_find(svc_org_of(req, a), id);
    org_err e = {0};
    if (!s) {
        sbx_reply_error(rep, 404, "schedule_not_found", "unknown schedule");
        return;
    }
    if (org_schedule_update(svc_org_of(req, a), s, req->json, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    sbx_touch(req->ctx);
    sbx_reply_json(rep, 200, org_schedule_json(svc_org_of(req, a), s));
}

static void h_rep_delete(sbx_request *req, sbx_reply *rep)
{
    const char *id = NULL;
    int a = svc_active_account(req, rep);
    if (a < 0 || sbx_body_string(req, rep, "schedule_id", &id) < 0)
        return;
    org_err e = {0};
    if (org_schedule_delete(svc_org_of(req, a), id, &e)) {
        svc_reply_err(rep, &e);
        return;
    }
    sbx_touch(req->ctx);
    sbx_reply_ok(rep);
}

void console_register_reports(sbx_router *r)
{
    console_routes(r, (const console_route[]){{"/reports/list", h_rep_list},
                                              {"/reports/create", h_rep_create},
                                              {"/reports/update", h_rep_update},
                                              {"/reports/delete", h_rep_delete},
                                              {NULL, NULL}});
}
