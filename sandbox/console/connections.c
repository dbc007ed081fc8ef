/* connections.c — the API connections tab: the console's side of the core's connections
 * (create, list, edit, revoke, refresh, delete), limited to the organization's tenants. */
#include "console/console.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_object *conn_json(sbx_request *req, const sbx_conn *c, int a)
{
    org_org *o = svc_org_of(req, a);
    json_object *j = json_object_new_object();
    json_object_object_add(j, "client_id", json_object_new_string(c->client_id));
    json_object_object_add(j, "name", json_object_new_string(c->name));
    json_object_object_add(j, "rights", json_object_new_string(sbx_rights_name(c->rights)));
    json_object *ts = json_object_new_array();
    for (size_t i = 0; i < c->tenant_count; i++) {
        json_object *x = json_object_new_object();
        const char *id = NULL;
        for (int k = 0; k < o->tenant_slots && !id; k++)
            if (!o->tenants[k]->deleted && !strcmp(o->tenants[k]->name, c->tenants[i]))
                id = o->tenants[k]->id;
        if (id)
            json_object_object_add(x, "tenant_id", json_object_new_string(id));
        else
            json_object_object_add(x, "tenant_id", NULL);
        json_object_object_add(x, "name", json_object_new_string(c->tenants[i]));
        json_object_array_add(ts, x);
    }
    json_object_object_add(j, "tenants", ts);
    json_object_object_add(j, "status", json_object_new_string(sbx_conn_status(req->ctx, c)));
    json_object_object_add(j, "created_time", json_object_new_int64(c->created_ms));
    if (c->last_used_ms)
        json_object_object_add(j, "last_used_time", json_object_new_int64(c->last_used_ms));
    else
        json_object_object_add(j, "last_used_time", NULL);
    return j;
}

/* Tenant IDs of the request → their names (the core keys connections by name). */
static int conn_tenants(sbx_request *req, sbx_reply *rep, int a, json_object *ids,
                        const char **names, size_t *n)
{
    *n = 0;
    if (!ids)
        return 0;
    size_t len = json_object_array_length(ids);
    if (len > ORG_MAX_TENANTS) {
        sbx_reply_error(rep, 400, "invalid_parameter", "too many tenants");
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        org_tenant *t = org_tenant_find(svc_org_of(req, a),
                                        json_object_get_string(json_object_array_get_idx(ids, i)));
        if (!t) {
            sbx_reply_error(rep, 404, "tenant_not_found", "unknown tenant: %s",
                            json_object_get_string(json_object_array_get_idx(ids, i)));
            return -1;
        }
        names[(*n)++] = t->name;
    }
    return 0;
}

static sbx_conn *conn_arg(sbx_request *req, sbx_reply *rep, int a)
{
    const char *id = NULL;
    if (sbx_body_string(req, rep, "client_id", &id) < 0)
        return NULL;
    sbx_conn *c = id ? sbx_conn_find(req->ctx, id) : NULL;
    if (!c || c->org != svc_org_idx(req, a)) {
        sbx_reply_error(rep, 404, "connection_not_found", "unknown API connection");
        return NULL;
    }
    return c;
}

static void h_conn_create(sbx_request *req, sbx_reply *rep)
{
    const char *name = NULL, *rights = NULL;
    json_object *ids = NULL;
    int a = svc_active_account(req, rep);
    if (a < 0 || sbx_body_string(req, rep, "name", &name) < 0 ||
        sbx_body_string(req, rep, "rights", &rights) < 0 ||
        sbx_body_strings(req, rep, "tenants", &ids) < 0)
        return;
    sbx_rights r;
    if (!name || !org_text_valid(name, 100, 0, 0)) {
        sbx_reply_error(rep, 400, "invalid_name",
                        "a connection name is 1 to 100 Latin letters, digits and special "
                        "characters");
        return;
    }
    if (!rights || sbx_rights_parse(rights, &r)) {
        sbx_reply_error(rep, 400, "invalid_rights", "rights is full, senior or officer");
        return;
    }
    const char *names[ORG_MAX_TENANTS];
    size_t n;
    if (conn_tenants(req, rep, a, ids, names, &n))
        return;
    char *token = NULL;
    sbx_conn *c = sbx_conn_create(req->ctx, name, r, names, n, svc_org_idx(req, a), &token);
    if (!c || !token) {
        free(token);
        sbx_reply_error(rep, 400, "invalid_parameter", "cannot create this API connection");
        return;
    }
    json_object *out = conn_json(req, c, a);
    json_object_object_add(out, "refresh_token", json_object_new_string(token));
    free(token);
    sbx_reply_json(rep, 200, out);
}

static void h_conn_list(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    if (a < 0)
        return;
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < sbx_conn_count(req->ctx); i++) {
        sbx_conn *c = sbx_conn_at(req->ctx, i);
        if (c && c->org == svc_org_idx(req, a))
            json_object_array_add(arr, conn_json(req, c, a));
    }
    sbx_reply_json(rep, 200, arr);
}

static void h_conn_edit(sbx_request *req, sbx_reply *rep)
{
    const char *name = NULL, *rights = NULL;
    json_object *ids = NULL;
    int a = svc_active_account(req, rep);
    sbx_conn *c = a >= 0 ? conn_arg(req, rep, a) : NULL;
    if (!c || sbx_body_string(req, rep, "name", &name) < 0 ||
        sbx_body_string(req, rep, "rights", &rights) < 0 ||
        sbx_body_strings(req, rep, "tenants", &ids) < 0)
        return;
    sbx_rights r = c->rights;
    if (name && !org_text_valid(name, 100, 0, 0)) {
        sbx_reply_error(rep, 400, "invalid_name",
                        "a connection name is 1 to 100 Latin letters, digits and special "
                        "characters");
        return;
    }
    if (rights && sbx_rights_parse(rights, &r)) {
        sbx_reply_error(rep, 400, "invalid_rights", "rights is full, senior or officer");
        return;
    }
    const char *names[ORG_MAX_TENANTS];
    size_t n;
    if (conn_tenants(req, rep, a, ids, names, &n))
        return;
    if (sbx_conn_edit(req->ctx, c, name, rights != NULL, r, ids != NULL, names, n)) {
        sbx_reply_error(rep, 400, "invalid_parameter", "cannot change this API connection");
        return;
    }
    sbx_reply_json(rep, 200, conn_json(req, c, a));
}

static void h_conn_revoke(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    sbx_conn *c = a >= 0 ? conn_arg(req, rep, a) : NULL;
    if (!c)
        return;
    const char *st = sbx_conn_status(req->ctx, c);
    if (strcmp(st, "Active") && strcmp(st, "Idle")) {
        sbx_reply_error(rep, 409, "not_active",
                        "only a connection in the Active or Idle status can be revoked");
        return;
    }
    sbx_conn_revoke(req->ctx, c);
    sbx_reply_json(rep, 200, conn_json(req, c, a));
}

static void h_conn_refresh(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    sbx_conn *c = a >= 0 ? conn_arg(req, rep, a) : NULL;
    if (!c)
        return;
    char *token = sbx_conn_issue_refresh(req->ctx, c);
    if (!token) {
        sbx_reply_error(rep, 500, "internal", "cannot issue a refresh token");
        return;
    }
    json_object *out = conn_json(req, c, a);
    json_object_object_add(out, "refresh_token", json_object_new_string(token));
    free(token);
    sbx_reply_json(rep, 200, out);
}

static void h_conn_delete(sbx_request *req, sbx_reply *rep)
{
    int a = svc_active_account(req, rep);
    sbx_conn *c = a >= 0 ? conn_arg(req, rep, a) : NULL;
    if (!c)
        return;
    char id[33];
    memcpy(id, c->client_id, sizeof id);
    sbx_conn_delete(req->ctx, id);
    sbx_reply_ok(rep);
}

void console_register_connections(sbx_router *r)
{
    console_routes(r, (const console_route[]){{"/connections/create", h_conn_create},
                                              {"/connections/list", h_conn_list},
                                              {"/connections/edit", h_conn_edit},
                                              {"/connections/revoke", h_conn_revoke},
                                              {"/connections/refresh", h_conn_refresh},
                                              {"/connections/delete", h_conn_delete},
                                              {NULL, NULL}});
}
