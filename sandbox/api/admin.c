/* admin.c — the control interface tests use: connections, clock, faults, request log, and
 * saving the state on demand. */
#include "api/api.h"
#include "core/persist.h"

#include <stdlib.h>
#include <string.h>

static void admin_connections(sbx_request *req, sbx_reply *rep)
{
    const char *name = NULL, *rights_s = "full";
    json_object *tenants = NULL;
    if (sbx_body_string(req, rep, "name", &name) < 0 ||
        sbx_body_string(req, rep, "rights", &rights_s) < 0 ||
        sbx_body_strings(req, rep, "tenants", &tenants) < 0)
        return;
    sbx_rights rights;
    if (!name || !*name || strlen(name) > 100) {
        sbx_reply_error(rep, 400, "invalid_parameter", "name must have 1 to 100 characters");
        return;
    }
    if (sbx_rights_parse(rights_s, &rights) != 0) {
        sbx_reply_error(rep, 400, "invalid_parameter", "rights must be full, senior or officer");
        return;
    }
    size_t n = tenants ? json_object_array_length(tenants) : 0;
    const char **names = n ? calloc(n, sizeof(char *)) : NULL;
    for (size_t i = 0; i < n; i++) {
        names[i] = json_object_get_string(json_object_array_get_idx(tenants, i));
        if (sbx_tenant_find(req->ctx, names[i]) < 0) {
            sbx_reply_error(rep, 400, "unknown_tenant", "no tenant named \"%s\"", names[i]);
            free(names);
            return;
        }
    }
    char *refresh = NULL;
    sbx_conn *c = sbx_conn_create(req->ctx, name, rights, names, n, 0, &refresh);
    free(names);
    if (!c || !refresh) {
        free(refresh);
        sbx_reply_error(rep, 500, "internal", "could not create the connection");
        return;
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "client_id", json_object_new_string(c->client_id));
    json_object_object_add(o, "refresh_token", json_object_new_string(refresh));
    free(refresh);
    sbx_reply_json(rep, 200, o);
}

static void admin_clock(sbx_request *req, sbx_reply *rep)
{
    int64_t adv = 0;
    int has = sbx_body_int64(req, rep, "advance_ms", &adv);
    if (has < 0)
        return;
    if (adv < 0) {
        sbx_reply_error(rep, 400, "invalid_parameter", "the clock only moves forward");
        return;
    }
    req->ctx->clock_offset_ms += adv;
    sbx_touch(req->ctx); /* resolved incidents may close, statuses change */
    json_object *o = json_object_new_object();
    json_object_object_add(o, "now_ms", json_object_new_int64(sbx_now_ms(req->ctx)));
    json_object_object_add(o, "offset_ms", json_object_new_int64(req->ctx->clock_offset_ms));
    sbx_reply_json(rep, 200, o);
}

static void admin_faults(sbx_request *req, sbx_reply *rep)
{
    const char *path = NULL;
    int64_t status = 0, delay = 0, count = 1, retry_after = -1;
    int cut = 0, drop = 0, hold = 0;
    int hs = sbx_body_int64(req, rep, "status", &status);
    int hd = hs < 0 ? -1 : sbx_body_int64(req, rep, "delay_ms", &delay);
    int hc = hd < 0 ? -1 : sbx_body_bool(req, rep, "cut_body", &cut);
    int hr = hc < 0 ? -1 : sbx_body_bool(req, rep, "drop", &drop);
    int hh = hr < 0 ? -1 : sbx_body_bool(req, rep, "hold", &hold);
    int ha;
    if (hh < 0 || sbx_body_string(req, rep, "path", &path) < 0 ||
        sbx_body_int64(req, rep, "count", &count) < 0 ||
        (ha = sbx_body_int64(req, rep, "retry_after", &retry_after)) < 0)
        return;
    int kinds = (hs == 1) + (hd == 1) + (hc == 1 && cut) + (hr == 1 && drop) + (hh == 1 && hold);
    if (!path || !*path || kinds != 1 || count < 1 || (hs == 1 && (status < 100 || status > 599)) ||
        delay < 0 || delay > 600000) {
        sbx_reply_error(rep, 400, "invalid_parameter",
                        "give path, exactly one of status (100-599), delay_ms (0-600000), "
                        "cut_body: true, drop: true or hold: true, and count >= 1");
        return;
    }
    if (ha == 1 && (hs != 1 || retry_after < 0 || retry_after > 86400)) {
        sbx_reply_error(rep, 400, "invalid_parameter",
                        "retry_after (0-86400 seconds) goes with status only");
        return;
    }
    if (ha != 1)
        retry_after = status == 429 ? 1 : 0; /* a 429 always says when to come back */
    core_state *cs = core_of(req->ctx);
    if (cs->fault_n == cs->fault_cap) {
        size_t cap = cs->fault_cap ? cs->fault_cap * 2 : 8;
        fault *grown = realloc(cs->faults, cap * sizeof *grown);
        if (!grown) {
            sbx_reply_error(rep, 500, "internal", "out of memory");
            return;
        }
        cs->faults = grown;
        cs->fault_cap = cap;
    }
    fault *f = &cs->faults[cs->fault_n++];
    f->path = strdup(path);
    f->kind = hs == 1   ? FAULT_STATUS
              : hd == 1 ? FAULT_DELAY
              : cut     ? FAULT_CUT
              : drop    ? FAULT_DROP
                        : FAULT_HOLD;
    f->status = (int)status;
    f->retry_after_s = (int)retry_after;
    f->delay_ms = delay;
    f->remaining = (int)count;
    sbx_reply_ok(rep);
}

/* How many requests a hold fault keeps waiting: a test kills its client once this says the
 * request arrived, with no sleep racing the client. */
static void admin_faults_held(sbx_request *req, sbx_reply *rep)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "held", json_object_new_int(core_held_count(req->ctx)));
    sbx_reply_json(rep, 200, o);
}

/* Lets every held request go on to its handler; the answer goes to whoever still listens. */
static void admin_faults_release(sbx_request *req, sbx_reply *rep)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "released", json_object_new_int(core_release_held(req->ctx, 0)));
    sbx_reply_json(rep, 200, o);
}

static void admin_requests(sbx_request *req, sbx_reply *rep)
{
    const char *path = NULL;
    int clear = 0;
    if (sbx_body_string(req, rep, "path", &path) < 0 ||
        sbx_body_bool(req, rep, "clear", &clear) < 0)
        return;
    core_state *cs = core_of(req->ctx);
    sbuf b = {0};
    sb_putc(&b, '[');
    int first = 1;
    for (size_t i = 0; i < cs->log_n; i++) {
        log_entry *e = &cs->log[i];
        if (path && !core_path_matches(path, e->path))
            continue;
        if (!first)
            sb_putc(&b, ',');
        first = 0;
        sb_puts(&b, "{\"method\":");
        sb_jstr(&b, e->method);
        sb_puts(&b, ",\"path\":");
        sb_jstr(&b, e->path);
        sb_puts(&b, ",\"status\":");
        sb_int(&b, e->status);
        sb_puts(&b, ",\"time\":");
        sb_int(&b, e->time_ms);
        sb_puts(&b, ",\"client_id\":");
        sb_jstr(&b, e->client_id);
        sb_putc(&b, '}');
    }
    sb_putc(&b, ']');
    if (clear) {
        for (size_t i = 0; i < cs->log_n; i++)
            free(cs->log[i].path);
        cs->log_n = 0;
    }
    sbx_reply_json_text(rep, 200, b.data, b.len);
}

/* The console's "Revoke" and "Delete" of a connection: {"client_id"}. */
static sbx_conn *admin_conn(sbx_request *req, sbx_reply *rep)
{
    const char *id = NULL;
    if (sbx_body_string(req, rep, "client_id", &id) < 0)
        return NULL;
    sbx_conn *c = sbx_conn_find(req->ctx, id);
    if (!c)
        sbx_reply_error(rep, 404, "not_found", "no connection %s", id ? id : "");
    return c;
}

static void admin_conn_revoke(sbx_request *req, sbx_reply *rep)
{
    sbx_conn *c = admin_conn(req, rep);
    if (c) {
        sbx_conn_revoke(req->ctx, c);
        sbx_reply_ok(rep);
    }
}

static void admin_conn_delete(sbx_request *req, sbx_reply *rep)
{
    sbx_conn *c = admin_conn(req, rep);
    if (c) {
        sbx_conn_delete(req->ctx, c->client_id);
        sbx_reply_ok(rep);
    }
}

static void admin_state_save(sbx_request *req, sbx_reply *rep)
{
    if (!req->ctx->state_path) {
        sbx_reply_error(rep, 409, "no_state", "the sandbox was started without --state");
        return;
    }
    if (persist_save(req->ctx, core_router()) != 0) {
        sbx_reply_error(rep, 500, "save_failed", "the state could not be written");
        return;
    }
    sbx_reply_ok(rep);
}

void api_register_admin(sbx_router *r)
{
    sbx_route(r, "POST", "/admin/connections/revoke", SBX_AUTH_ADMIN, SBX_BODY_JSON,
              admin_conn_revoke);
    sbx_route(r, "POST", "/admin/connections/delete", SBX_AUTH_ADMIN, SBX_BODY_JSON,
              admin_conn_delete);
    sbx_route(r, "POST", "/admin/connections", SBX_AUTH_ADMIN, SBX_BODY_JSON, admin_connections);
    sbx_route(r, "POST", "/admin/clock", SBX_AUTH_ADMIN, SBX_BODY_JSON, admin_clock);
    sbx_route(r, "POST", "/admin/faults", SBX_AUTH_ADMIN, SBX_BODY_JSON, admin_faults);
    sbx_route(r, "POST", "/admin/faults/held", SBX_AUTH_ADMIN, SBX_BODY_JSON, admin_faults_held);
    sbx_route(r, "POST", "/admin/faults/release", SBX_AUTH_ADMIN, SBX_BODY_JSON,
              admin_faults_release);
    sbx_route(r, "POST", "/admin/requests", SBX_AUTH_ADMIN, SBX_BODY_JSON, admin_requests);
    sbx_route(r, "POST", "/admin/state/save", SBX_AUTH_ADMIN, SBX_BODY_JSON, admin_state_save);
}
