/*
 * api.h — the public REST API (/api/v1/{client_id}/…) and the admin interface (/admin/…):
 * what routes.c registers, and what the resource files share. Uses the core only.
 */
#ifndef KSC_SANDBOX_API_H
#define KSC_SANDBOX_API_H

#include "core/incidents.h"
#include "core/sbuf.h"
#include "core/state.h"

#define RESULT_CAP 10000 /* the most items one query reaches, whatever the paging */

/* ---- registrations (routes.c calls them, in this order) */
void api_register_tokens(sbx_router *r);      /* session/confirm (tokens.c) */
void api_register_assets(sbx_router *r);      /* assets/…, admin assets/touch (assets.c) */
void api_register_incidents(sbx_router *r);   /* incidents/… (incidents.c) */
void api_register_responses(sbx_router *r);   /* responses/…, response/update (responses.c) */
void api_register_comments(sbx_router *r);    /* comments/… (comments.c) */
void api_register_attachments(sbx_router *r); /* attachments/… (attachments.c) */
void api_register_admin(sbx_router *r);       /* /admin/… of the core's state (admin.c) */
void api_register_soc(sbx_router *r); /* admin responses/create: the SOC's new responses (soc.c) */

/* ---- shared by the resource files (common.c) */
typedef struct api_route {
    const char *path; /* after /api/v1/{client_id}/ */
    sbx_handler handler;
    sbx_body_kind body;
} api_route;
/* Registers POST /api/v1/{client_id}/<path> with the access token, up to a NULL path. */
void api_routes(sbx_router *r, const api_route *routes);

/* Whether the caller's connection sees the incident (its tenant). */
int api_incident_visible(sbx_request *req, const incident *inc);
/* Finds incident_id of the body among the caller's incidents; answers 400/404 itself. */
incident *api_body_incident(sbx_request *req, sbx_reply *rep);
/* page (from 1) and page_size (1..RESULT_CAP, default def) of the body; -1 after a 400. */
int api_paging(sbx_request *req, sbx_reply *rep, int64_t *page, int64_t *size, int64_t def);
/* The author name of what the caller writes: its connection's name, or "API". */
const char *api_caller_name(sbx_request *req);
int api_nonempty(json_object *a); /* a non-empty JSON array */

/* projection: keeps only the keys named in fields (json array) */
void project_fields(json_object *obj, json_object *fields);
/* Every name in fields is one of known (NULL-terminated); answers 400 otherwise. */
int fields_valid(json_object *fields, const char *const *known, sbx_reply *rep);

#endif
