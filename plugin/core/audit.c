/* audit.c — the audit trail's records (audit.h): the wrapper audited actions run through, the
 * per-action spec of what a record shows, masking and scrubbing, and the host service call. */
#include "audit.h"

#include "json_get.h"
#include "log.h"
#include "module.h"
#include "ksc_secret_name.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_FIELDS 8

/* What a record of one action shows. A source is "req:PATH" (the validated request),
 * "resp:PATH" (the reply, on success), "before:PATH" (mdr_audit_before), "out:file_name",
 * "out:content_type", "out:bytes" (the file an export wrote), or "server" (call->server);
 * PATH is dotted. A "mask:" prefix masks an activation code. A field is "key=source"; a
 * source that gives nothing leaves the key out. When `after` has keys, `before` keeps only
 * those keys: before → after shows what changed. */
typedef struct audit_spec {
    const char *action;
    const char *kind; /* the object's kind */
    const char *id;   /* sources, tried in order, separated by '|' */
    const char *name;
    const char *before[MAX_FIELDS];
    const char *after[MAX_FIELDS];
    int update; /* before keeps only the keys after has: what the request changes */
} audit_spec;

/* One line per audited action; a field list is {"key=source", …} ({NULL}: none). */
/* A table reads best one action per line. */
/* clang-format off */
static const audit_spec SPECS[] = {
    {"mdr.account.sign_in", "account", "req:login", "resp:organization.name",
     {NULL}, {"organization_id=resp:organization.id"}, 0},
    {"mdr.activation.activate", "activation", "server", NULL,
     {NULL}, {"code=mask:req:code", "region=req:region", "next_step=resp:next_step"}, 0},
    {"mdr.activation.select_tenants", "activation", "server", NULL,
     {NULL}, {"tenants=req:tenants", "next_step=resp:next_step"}, 0},
    {"mdr.activation.accept_agreements", "activation", "server", NULL,
     {NULL}, {"agreements=req:agreements", "next_step=resp:next_step"}, 0},
    {"mdr.activation.accept_ksn_statement", "activation", "server", NULL,
     {NULL}, {"accepted=req:accepted", "ksn_version=resp:ksn.version", "next_step=resp:next_step"}, 0},
    {"mdr.activation.new_code", "activation", "server", NULL,
     {NULL}, {"code=mask:req:code", "region=req:region"}, 0},
    {"mdr.activation.revoke_consent", "activation", "server", NULL,
     {NULL}, {"kpsn_disabled=resp:kpsn_disabled", "next_step=resp:next_step"}, 0},
    {"mdr.activation.terminate", "activation", "server", NULL,
     {NULL}, {"kpsn_disabled=resp:kpsn_disabled", "next_step=resp:next_step"}, 0},
    {"mdr.ksn.update", "ksn_file", "server", NULL,
     {"version=resp:previous_version"}, {"version=resp:version", "installed=resp:installed"}, 0},
    {"mdr.licenses.add", "license", "resp:license.id", "resp:license.name",
     {NULL}, {"code=mask:req:code", "status=resp:license.status"}, 0},
    {"mdr.licenses.remove", "license", "req:id", "resp:license.name",
     {NULL}, {"status=resp:license.status"}, 0},
    {"mdr.licenses.export_by_tenant", "licenses_by_tenant", NULL, NULL,
     {NULL}, {"file_name=out:file_name", "content_type=out:content_type", "bytes=out:bytes"}, 0},
    {"mdr.licenses.archive", "license", "req:id", NULL,
     {NULL}, {"with=req:with", "file_name=out:file_name", "bytes=out:bytes"}, 0},
    {"mdr.tenants.create", "tenant", "resp:id", "resp:name|req:name",
     {NULL}, {"name=req:name", "description=req:description", "active=req:active",
              "config_files=req:config_files"}, 0},
    {"mdr.tenants.update", "tenant", "req:id", "before:name",
     {"name=before:name", "description=before:description", "active=before:active",
      "config_files=before:config_files"},
     {"name=req:name", "description=req:description", "active=req:active",
      "config_files=req:config_files"}, 1},
    {"mdr.tenants.add_config_file", "tenant", "req:id", "resp:name",
     {NULL}, {"license_id=req:license_id", "expires=req:expires"}, 0},
    {"mdr.tenants.delete_config_file", "tenant", "req:id", "resp:name",
     {NULL}, {"deleted_file_id=req:file_id"}, 0},
    {"mdr.tenants.delete", "tenant", "req:id", "before:name|resp:name",
     {"name=before:name", "assets=before:assets"},
     {"deleted=resp:deleted", "disconnected_assets=resp:disconnected_assets"}, 0},
    {"mdr.tenants.archive", "tenant", "req:id", "resp:tenant",
     {NULL}, {"kea=req:kea", "file_name=out:file_name", "bytes=out:bytes"}, 0},
    {"mdr.tenants.grant", "user", "req:user", NULL,
     {NULL}, {"tenants=req:tenants", "root=req:root", "all=req:all"}, 0},
    {"mdr.health.sync", "health_snapshot", NULL, NULL,
     {NULL}, {"full=req:full", "mode=resp:mode", "assets=resp:assets", "changed=resp:changed",
              "removed=resp:removed"}, 0},
    {"mdr.health.export", "health_list", "req:list", NULL,
     {NULL}, {"filter=req:filter", "file_name=out:file_name", "bytes=out:bytes"}, 0},
    {"mdr.settings.update", "settings", "server", NULL,
     {NULL}, {"extended_notifications=req:extended_notifications", "language=req:language",
              "confirmed_by=resp:consent.confirmed_by", "changed=resp:changed"}, 0},
    {"mdr.settings.auto_accept.set", "auto_accept", "server", NULL,
     {NULL}, {"mode=req:mode", "all_tenants=req:all_tenants", "tenants=req:tenants"}, 0},
    {"mdr.settings.auto_accept.set_tenants", "auto_accept", "server", NULL,
     {NULL}, {"tenants=req:tenants"}, 0},
    {"mdr.notifications.email.save", "notifications", "resp:recipient", NULL,
     {NULL}, {"address=req:address", "incidents=req:incidents", "comments=req:comments",
              "responses=req:responses"}, 0},
    {"mdr.notifications.email.verify", "notifications", "resp:recipient", NULL,
     {NULL}, {"address=resp:email.address", "verified=resp:email.verified"}, 0},
    {"mdr.notifications.email.resend", "notifications", "resp:recipient", NULL,
     {NULL}, {"address=resp:email.verification.address"}, 0},
    {"mdr.notifications.email.disable", "notifications", "resp:recipient", NULL,
     {NULL}, {"enabled=resp:email.enabled"}, 0},
    {"mdr.notifications.telegram.link", "notifications", "resp:recipient", NULL,
     {NULL}, {"incidents=req:incidents", "comments=req:comments", "responses=req:responses"}, 0},
    {"mdr.notifications.telegram.unsubscribe", "notifications", "resp:recipient", NULL,
     {NULL}, {"subscribed=resp:telegram.subscribed"}, 0},
    {"mdr.reports.create", "report_schedule", "resp:id", "resp:name|req:name",
     {NULL}, {"tenant=resp:tenant", "emails=resp:emails", "day=resp:day", "time_utc=resp:time_utc",
              "enabled=resp:enabled"}, 0},
    {"mdr.reports.update", "report_schedule", "req:id", "resp:name",
     {NULL}, {"name=req:name", "tenant=req:tenant", "emails=resp:emails", "day=req:day",
              "time_utc=resp:time_utc", "enabled=req:enabled"}, 0},
    {"mdr.reports.enable", "report_schedule", "req:id", "resp:name",
     {NULL}, {"enabled=req:enabled"}, 0},
    {"mdr.reports.delete", "report_schedule", "req:id", "resp:name",
     {NULL}, {"deleted=resp:deleted"}, 0},
    {"mdr.connections.create", "api_connection", "resp:client_id", "req:name",
     {NULL}, {"rights=req:rights", "tenants=req:tenants", "status=resp:connection.status"}, 0},
    {"mdr.connections.edit", "api_connection", "req:client_id", "resp:name|req:name",
     {NULL}, {"name=req:name", "rights=req:rights", "tenants=req:tenants"}, 0},
    {"mdr.connections.generate", "api_connection", "req:client_id", "resp:connection.name",
     {NULL}, {"status=resp:connection.status"}, 0},
    {"mdr.connections.revoke", "api_connection", "req:client_id", "resp:name",
     {NULL}, {"status=resp:status"}, 0},
    {"mdr.connections.delete", "api_connection", "req:client_id", "resp:name",
     {NULL}, {"deleted=resp:deleted"}, 0},
    {"mdr.responses.accept", "responses", "req:responses", NULL,
     {NULL}, {"status=resp:status", "comment=req:comment", "decided=resp:decided",
              "failed=resp:failed"}, 0},
    {"mdr.responses.reject", "responses", "req:responses", NULL,
     {NULL}, {"status=resp:status", "comment=req:comment", "decided=resp:decided",
              "failed=resp:failed"}, 0},
    {"mdr.wizard.create_roles", "roles", NULL, NULL,
     {NULL}, {"created=resp:created", "already_present=resp:already_present"}, 0},
};
/* clang-format on */

/* ---- the frame of one audited run (per thread: actions run on several host threads) ---- */

typedef struct audit_frame {
    int request_valid;
    json_object *request, *before, *response;
    const ksc_output *inner; /* the host's sink an export writes through */
    char file_name[256], content_type[128];
    int64_t bytes;
    const char *server;
} audit_frame;

static _Thread_local audit_frame *current;

void mdr_audit_request_valid(json_object *request)
{
    if (!current || current->request_valid)
        return; /* the first parse is the call's request */
    current->request_valid = 1;
    current->request = request ? json_object_get(request) : json_object_new_object();
}

void mdr_audit_before(json_object *state)
{
    if (!current || !state)
        return;
    json_object_put(current->before);
    current->before = NULL;
    json_object_deep_copy(state, &current->before, NULL);
}

static ksc_status sink_begin(void *ctx, const char *content_type, const char *file_name)
{
    audit_frame *f = ctx;
    snprintf(f->content_type, sizeof f->content_type, "%s", content_type ? content_type : "");
    snprintf(f->file_name, sizeof f->file_name, "%s", file_name ? file_name : "");
    return f->inner->begin(f->inner->ctx, content_type, file_name);
}

static ksc_status sink_write(void *ctx, const void *data, size_t len)
{
    audit_frame *f = ctx;
    ksc_status st = f->inner->write(f->inner->ctx, data, len);
    if (st == KSC_OK)
        f->bytes += (int64_t)len;
    return st;
}

/* ---- masking and scrubbing ---------------------------------------------------------- */

void mdr_audit_mask_code(const char *code, char *out, size_t out_size)
{
    char tail[5];
    size_t n = 0;
    for (const char *p = code ? code : ""; *p; p++)
        if (isalnum((unsigned char)*p))
            n++;
    size_t skip = n >= 8 ? n - 4 : n, k = 0, seen = 0;
    for (const char *p = code ? code : ""; *p; p++)
        if (isalnum((unsigned char)*p) && seen++ >= skip && k < 4)
            tail[k++] = (char)toupper((unsigned char)*p);
    tail[k] = '\0';
    snprintf(out, out_size, "****%s", tail);
}

static int code_name(const char *key)
{
    return strcasecmp(key, "code") == 0 || strcasecmp(key, "activation_code") == 0;
}

size_t mdr_audit_scrub(json_object *obj)
{
    size_t n = 0;
    if (json_object_is_type(obj, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(obj); i++)
            n += mdr_audit_scrub(json_object_array_get_idx(obj, i));
        return n;
    }
    if (!json_object_is_type(obj, json_type_object))
        return 0;
    json_object_object_foreach(obj, key, val)
    {
        if (ksc_secret_name(key)) {
            json_object_object_add(obj, key, json_object_new_string("***"));
            n++;
        } else if (code_name(key) && json_object_is_type(val, json_type_string)) {
            const char *s = json_object_get_string(val);
            if (strncmp(s, "****", 4) != 0) { /* not masked yet */
                char masked[16];
                mdr_audit_mask_code(s, masked, sizeof masked);
                json_object_object_add(obj, key, json_object_new_string(masked));
                n++;
            }
        } else {
            n += mdr_audit_scrub(val);
        }
    }
    return n;
}

/* ---- building a record ------------------------------------------------------------------ */

static json_object *at_path(json_object *root, const char *path)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", path);
    json_object *cur = root;
    for (char *save = NULL, *part = strtok_r(buf, ".", &save); cur && part;
         part = strtok_r(NULL, ".", &save))
        if (!json_object_is_type(cur, json_type_object) ||
            !json_object_object_get_ex(cur, part, &cur))
            return NULL;
    return cur;
}

/* The value of one source (a new reference), or NULL. */
static json_object *source_value(const audit_frame *f, const char *src)
{
    if (strncmp(src, "mask:", 5) == 0) {
        json_object *v = source_value(f, src + 5);
        if (!json_object_is_type(v, json_type_string)) {
            json_object_put(v);
            return NULL;
        }
        char masked[16];
        mdr_audit_mask_code(json_object_get_string(v), masked, sizeof masked);
        json_object_put(v);
        return json_object_new_string(masked);
    }
    if (strcmp(src, "server") == 0)
        return f->server ? json_object_new_string(f->server) : NULL;
    if (strcmp(src, "out:file_name") == 0)
        return f->file_name[0] ? json_object_new_string(f->file_name) : NULL;
    if (strcmp(src, "out:content_type") == 0)
        return f->content_type[0] ? json_object_new_string(f->content_type) : NULL;
    if (strcmp(src, "out:bytes") == 0)
        return f->file_name[0] ? json_object_new_int64(f->bytes) : NULL;
    json_object *root = strncmp(src, "req:", 4) == 0      ? f->request
                        : strncmp(src, "resp:", 5) == 0   ? f->response
                        : strncmp(src, "before:", 7) == 0 ? f->before
                                                          : NULL;
    if (!root)
        return NULL;
    json_object *v = at_path(root, strchr(src, ':') + 1), *copy = NULL;
    if (!v || json_object_deep_copy(v, &copy, NULL) != 0)
        return NULL;
    return copy;
}

/* The first of '|'-separated sources that gives a string or number, as a string. */
static json_object *first_string(const audit_frame *f, const char *sources)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", sources ? sources : "");
    for (char *save = NULL, *s = strtok_r(buf, "|", &save); s; s = strtok_r(NULL, "|", &save)) {
        json_object *v = source_value(f, s);
        if (json_object_is_type(v, json_type_string) || json_object_is_type(v, json_type_int)) {
            json_object *out = json_object_new_string(json_object_get_string(v));
            json_object_put(v);
            return out;
        }
        json_object_put(v);
    }
    return NULL;
}

static json_object *fields(const audit_frame *f, const char *const *list)
{
    json_object *o = json_object_new_object();
    for (size_t i = 0; i < MAX_FIELDS && list[i]; i++) {
        const char *eq = strchr(list[i], '=');
        char key[64];
        snprintf(key, sizeof key, "%.*s", (int)(eq - list[i]), list[i]);
        json_object *v = source_value(f, eq + 1);
        if (v)
            json_object_object_add(o, key, v);
    }
    if (json_object_object_length(o) == 0) {
        json_object_put(o);
        return NULL;
    }
    return o;
}

static const audit_spec *spec_of(const char *action)
{
    for (size_t i = 0; action && i < sizeof SPECS / sizeof SPECS[0]; i++)
        if (strcmp(SPECS[i].action, action) == 0)
            return &SPECS[i];
    return NULL;
}

static void send_record(ksc_module *m, json_object *record)
{
    const ksc_host_services *s = m->services;
    if (!KSC_HAS_MEMBER(s, ksc_host_services, audit) || !s->audit)
        return; /* a 1.0/1.1 host keeps no audit trail */
    json_object *v;
    if (json_object_object_get_ex(record, "object", &v))
        mdr_audit_scrub(v);
    if (json_object_object_get_ex(record, "before", &v))
        mdr_audit_scrub(v);
    if (json_object_object_get_ex(record, "after", &v))
        mdr_audit_scrub(v);
    const char *text = json_object_to_json_string_ext(record, JSON_C_TO_STRING_PLAIN);
    ksc_status st = s->audit(s->host, text);
    if (st != KSC_OK)
        mdr_log(s, KSC_LOG_WARNING, "audit: the host refused the record of %s (status %d)",
                mdr_json_str(record, "action", "?"), (int)st);
}

static json_object *new_record(const char *user, const char *server, const char *action,
                               const char *category)
{
    json_object *r = json_object_new_object();
    json_object_object_add(r, "user", json_object_new_string(user ? user : ""));
    json_object_object_add(r, "server", server ? json_object_new_string(server) : NULL);
    json_object_object_add(r, "action", json_object_new_string(action ? action : ""));
    json_object_object_add(r, "category", json_object_new_string(category));
    return r;
}

static json_object *object_json(const char *kind, json_object *id, json_object *name)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "kind", json_object_new_string(kind));
    json_object_object_add(o, "id", id);
    json_object_object_add(o, "name", name);
    return o;
}

/* Keeps in before only the keys after has. */
static void keep_changed(json_object *before, json_object *after)
{
    if (!before || !after)
        return;
    const char *drop[32];
    size_t n = 0;
    json_object_object_foreach(before, k, v)
    {
        (void)v;
        if (!json_object_object_get_ex(after, k, NULL) && n < 32)
            drop[n++] = k;
    }
    for (size_t i = 0; i < n; i++)
        json_object_object_del(before, drop[i]);
}

static void record_run(ksc_module *m, const ksc_call *call, mdr_audit_kind kind,
                       const audit_frame *f, ksc_status st)
{
    const audit_spec *spec = spec_of(call->action);
    json_object *r = new_record(call->user, call->server, call->action,
                                kind == MDR_AUDIT_EXPORT ? "export" : "change");
    json_object *before = NULL, *after = NULL, *obj = NULL;
    if (spec) {
        after = fields(f, spec->after);
        before = fields(f, spec->before);
        if (spec->update)
            keep_changed(before, after);
        obj = object_json(spec->kind, first_string(f, spec->id), first_string(f, spec->name));
    }
    json_object_object_add(r, "object", obj);
    json_object_object_add(r, "before", before);
    json_object_object_add(r, "after", after);
    const char *code = "failed";
    json_object *err = NULL, *c = NULL;
    if (st == KSC_OK)
        code = "ok";
    else if (f->response && json_object_object_get_ex(f->response, "error", &err) &&
             json_object_object_get_ex(err, "code", &c) && json_object_is_type(c, json_type_string))
        code = json_object_get_string(c);
    else if (st == KSC_ERR_NO_MEMORY)
        code = "no_memory";
    json_object_object_add(r, "result", json_object_new_string(code));
    send_record(m, r);
    json_object_put(r);
}

/* ---- the wrapper --------------------------------------------------------------------------- */

ksc_status mdr_audit_run(ksc_module *m, const ksc_call *call, char **response)
{
    const mdr_action_def *def = NULL;
    for (size_t i = 0; call && call->action && i < mdr_action_count; i++)
        if (strcmp(mdr_action_table[i].name, call->action) == 0)
            def = &mdr_action_table[i];
    if (!def || !def->run || !response)
        return KSC_ERR_NOT_FOUND; /* the host called a wrapper with a name it did not list */
    audit_frame f = {0};
    f.server = call->server;
    ksc_call c = *call;
    ksc_output sink;
    if (call->output && call->output->begin && call->output->write) {
        f.inner = call->output;
        sink = (ksc_output){sizeof sink, &f, sink_begin, sink_write};
        c.output = &sink;
    }
    audit_frame *outer = current;
    current = &f;
    ksc_status st = def->run(m, &c, response);
    current = outer;
    if (f.request_valid || st == KSC_OK) {
        f.response = *response ? json_tokener_parse(*response) : NULL;
        record_run(m, call, (mdr_audit_kind)def->audit, &f, st);
    }
    json_object_put(f.request);
    json_object_put(f.before);
    json_object_put(f.response);
    return st;
}

void mdr_audit_event(ksc_module *m, const char *trigger, const char *user, const char *server,
                     const char *action, const char *object_kind, const char *object_id,
                     const char *object_name, json_object *before, json_object *after,
                     const char *result)
{
    json_object *r = new_record(user, server, action, "change");
    json_object_object_add(r, "trigger", json_object_new_string(trigger ? trigger : "event"));
    json_object *b = NULL, *a = NULL;
    if (before)
        json_object_deep_copy(before, &b, NULL);
    if (after)
        json_object_deep_copy(after, &a, NULL);
    json_object_object_add(r, "object",
                           object_json(object_kind,
                                       object_id ? json_object_new_string(object_id) : NULL,
                                       object_name ? json_object_new_string(object_name) : NULL));
    json_object_object_add(r, "before", b);
    json_object_object_add(r, "after", a);
    json_object_object_add(r, "result", json_object_new_string(result ? result : "failed"));
    send_record(m, r);
    json_object_put(r);
}
