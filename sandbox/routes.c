/*
 * routes.c — the one list of every part of mdr-sandbox that registers routes and modules.
 * A new sandbox/svc_*.c adds its prototype and one call below; nothing else to edit.
 */
#include "sbx.h"

void sbx_register_core(sbx_router *r);        /* public REST API, tokens, admin (core) */
void sbx_register_svc_core(sbx_router *r);    /* service side: account, activation, KSN */
void sbx_register_svc_console(sbx_router *r); /* service side: the console tabs */

void sbx_register_all(sbx_router *r)
{
    sbx_register_core(r);
    /* service side: one line per sandbox/svc_*.c, e.g. sbx_register_licenses(r); */
    sbx_register_svc_core(r);
    sbx_register_svc_console(r);
}
