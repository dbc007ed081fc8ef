/*
 * routes.c — the one list of every part of mdr-sandbox that registers routes and modules,
 * top of the layers: the core first (its module; it knows no route), then the public REST
 * API and the admin interface (api/), then the service side (console/). A new file adds its
 * prototype to its folder's header and one call below; nothing else to edit.
 */
#include "api/api.h"
#include "console/console.h"
#include "core/state.h"

void sbx_register_all(sbx_router *r)
{
    core_register_module(r); /* first: persist_load relies on it */
    /* the public REST API and the admin interface (api/) */
    api_register_tokens(r);
    api_register_assets(r);
    api_register_incidents(r);
    api_register_responses(r);
    api_register_comments(r);
    api_register_attachments(r);
    api_register_admin(r);
    api_register_soc(r);
    /* the service side (console/): its module first, then the areas */
    console_register_service(r);
    console_register_account(r);
    console_register_activation(r);
    console_register_ksn(r);
    console_register_admin(r);
    console_register_licenses(r);
    console_register_tenants(r);
    console_register_usage(r);
    console_register_connections(r);
    console_register_settings(r);
    console_register_notifications(r);
    console_register_reports(r);
}
