/*
 * incidents.c — incidents with their responses, comments, attachments and history:
 * seeding, the public endpoints, and persistence.
 */
#define _GNU_SOURCE /* strcasestr */
#include "core.h"
#include "seedgen.h"

#include <openssl/evp.h>

#include <stdlib.h>
#include <string.h>

#define RESULT_CAP 10000
#define AUTO_CLOSE_MS (72LL * 3600 * 1000)
#define EDIT_WINDOW_MS (10LL * 60 * 1000)
#define MAX_ATTACHMENT (10u * 1024 * 1024)

const char *const incident_priorities[3] = {"LOW", "NORMAL", "HIGH"};
const char *const incident_statuses[4] = {"Open", "On hold", "Resolved", "Closed"};
const char *const incident_resolutions[3] = {"", "True positive", "False positive"};
const char *const response_statuses[3] = {"Waiting for a decision", "Confirmed", "Declined"};

static const char *const response_types[] = {
    "get_file",          "isolate",    "disable_isolation", "delete_registry_key",    "memory_dump",
    "terminate_process", "run_script", "quarantine",        "restore_from_quarantine"};
#define RESPONSE_TYPE_N 9
static const char *const technologies[] = {"EDR", "EPP", "NDR", "Threat Hunting", "Sandbox"};
static const char *const stages[] = {"Initial Access",   "Execution",    "Persistence",
                                     "Lateral Movement", "Exfiltration", "Impact"};
static const char *const tactics[] = {"TA0001: Initial Access",  "TA0002: Execution",
                                      "TA0003: Persistence",     "TA0004: Privilege Escalation",
                                      "TA0005: Defense Evasion", "TA0008: Lateral Movement"};
static const char *const techniques[] = {"T1134: Access Token Manipulation",
                                         "T1059: Command and Scripting Interpreter",
                                         "T1053: Scheduled Task/Job",
                                         "T1547: Boot or Logon Autostart Execution",
                                         "T1027: Obfuscated Files or Information",
                                         "T1021: Remote Services"};
static const char *const summaries[] = {
    "Suspicious PowerShell activity", "Credential dumping attempt",     "Malicious document opened",
    "Unusual outbound connection",    "Ransomware precursor behaviour", "Lateral movement via SMB"};

long incident_find(core_state *cs, const char *id);
const incident *incident_at(core_state *cs, long i);

long incident_find(core_state *cs, const char *id)
{
    for (size_t i = 0; id && i < cs->incident_n; i++)
        if (strcmp(cs->incidents[i]->id, id) == 0)
            return (long)i;
    return -1;
}

const incident *incident_at(core_state *cs, long i)
{
    return cs->incidents[i];
}

#define GROW(arr, n, cap)                                                                          \
    do {                                                                                           \
        if ((n) == (cap)) {                                                                        \
            size_t c_ = (cap) ? (cap)*2 : 4;                                                       \
            void *g_ = realloc((arr), c_ * sizeof *(arr));                                         \
            if (!g_)                                                                               \
                abort();                                                                           \
            (arr) = g_;                                                                            \
            (cap) = c_;                                                                            \
        }                                                                                          \
    } while (0)

static char *xstrdup(const char *s)
{
    return strdup(s ? s : "");
}

static const char *tenant_of(sbx_ctx *ctx, const incident *inc)
{
    return inc->tenant >= 0 && inc->tenant < ctx->tenant_name_count ? ctx->tenant_names[inc->tenant]
                                                                    : "";
}

static void add_history(incident *inc, int64_t at, const char *by, const char *op, const char *type,
                        json_object *entity)
{
    GROW(inc->history, inc->history_count, inc->history_cap);
    history_rec *h = &inc->history[inc->history_count++];
    h->changed_at = at;
    h->changed_by = xstrdup(by);
    h->operation = op;
    h->entity_type = type;
    h->entity = entity;
}

static json_object *response_params(const char *type, uint64_t r)
{
    json_object *p = json_object_new_object();
    if (strcmp(type, "get_file") == 0 || strcmp(type, "quarantine") == 0) {
        json_object_object_add(p, "path", json_object_new_string("C:\\Users\\Public\\tmp.exe"));
        json_object_object_add(p, "max_file_size", json_object_new_int(100));
        json_object_object_add(
            p, "sha256",
            json_object_new_string(
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    } else if (strcmp(type, "isolate") == 0) {
        json_object_object_add(p, "isolation_term", json_object_new_int(604800));
        json_object_object_add(p, "exclusion_rules", json_object_new_array());
    } else if (strcmp(type, "delete_registry_key") == 0) {
        json_object_object_add(
            p, "key",
            json_object_new_string(
                "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run"));
        json_object_object_add(p, "value", json_object_new_string("updater"));
    } else if (strcmp(type, "memory_dump") == 0) {
        json_object_object_add(p, "dump_type", json_object_new_string(r & 1 ? "process" : "full"));
        json_object_object_add(p, "max_file_size", json_object_new_int(100));
    } else if (strcmp(type, "terminate_process") == 0) {
        json_object_object_add(p, "pid", json_object_new_int((int)(r % 30000) + 100));
        json_object_object_add(p, "name", json_object_new_string("rundll32.exe"));
    } else if (strcmp(type, "run_script") == 0) {
        json_object_object_add(p, "script", json_object_new_string("Get-Process | Out-File p.txt"));
    } else if (strcmp(type, "restore_from_quarantine") == 0) {
        json_object_object_add(p, "path", json_object_new_string("C:\\Tools\\tool.exe"));
    }
    return p;
}

static incident *new_incident(core_state *cs)
{
    incident *inc = calloc(1, sizeof *inc);
    if (!inc)
        abort();
    make_id20(cs, inc->id);
    inc->number = ++cs->next_incident_number;
    GROW(cs->incidents, cs->incident_n, cs->incident_cap);
    cs->incidents[cs->incident_n++] = inc;
    return inc;
}

void incidents_seed(sbx_ctx *ctx);
void incidents_seed(sbx_ctx *ctx)
{
    core_state *cs = core_of(ctx);
    for (uint32_t j = 0; j < ctx->incident_count && cs->asset_n; j++) {
        uint64_t r = seed_mix(ctx->seed * 1000003ULL + j + 0x1dULL);
        incident *inc = new_incident(cs);
        inc->host_count = 1 + r % 3;
        inc->hosts = calloc(inc->host_count, sizeof(uint32_t));
        for (size_t h = 0; h < inc->host_count; h++)
            inc->hosts[h] = (uint32_t)(seed_mix(r + h) % cs->asset_n);
        inc->tenant = cs->assets[inc->hosts[0]].tenant;
        inc->priority = (int)((r >> 8) % 3);
        int st = (int)((r >> 12) % 10); /* 40% open, 10% on hold, 20% resolved, 30% closed */
        inc->status = st < 4 ? 0 : st < 5 ? 1 : st < 7 ? 2 : 3;
        inc->resolution = inc->status == 3 ? 1 + (int)((r >> 16) & 1) : 0;
        inc->summary = xstrdup(summaries[(r >> 20) % 6]);
        char desc[256];
        snprintf(desc, sizeof desc,
                 "The SOC detected **%s** on `%s`.\n\nSee the responses for the recommended "
                 "actions.",
                 inc->summary, asset_str(cs, &cs->assets[inc->hosts[0]], AS_HOST));
        inc->description = xstrdup(desc);
        inc->client_description = xstrdup("");
        inc->status_description = xstrdup(inc->status == 3 ? "Closed by the SOC" : "");
        inc->detection_technology = technologies[(r >> 24) % 5];
        inc->attack_stage = stages[(r >> 28) % 6];
        inc->origin = "MDR";
        inc->tactic_count = 1 + (int)((r >> 32) % 2);
        inc->technique_count = 1 + (int)((r >> 34) % 3);
        for (int t = 0; t < inc->tactic_count; t++)
            inc->tactics[t] = tactics[((r >> 36) + (uint64_t)t) % 6];
        for (int t = 0; t < inc->technique_count; t++)
            inc->techniques[t] = techniques[((r >> 40) + (uint64_t)t) % 6];
        inc->iocs_host = xstrdup("C:\\Users\\Public\\tmp.exe");
        inc->iocs_net = xstrdup("203.0.113.7:443");
        inc->creation_time = ctx->seeded_at_ms - (int64_t)(seed_mix(r ^ 7) % (90LL * 86400000));
        inc->update_time = inc->creation_time + (int64_t)(seed_mix(r ^ 9) % 86400000);
        if (inc->update_time > ctx->seeded_at_ms)
            inc->update_time = ctx->seeded_at_ms;
        inc->resolved_time = inc->status == 2 ? ctx->seeded_at_ms : 0;
        inc->was_read = (r >> 44) & 1;
        add_history(inc, inc->creation_time, "MDR SOC", "create", "incident_details", NULL);
        size_t nresp = (r >> 46) % 4;
        for (size_t k = 0; k < nresp; k++) {
            GROW(inc->responses, inc->response_count, inc->response_cap);
            response *rs = &inc->responses[inc->response_count++];
            memset(rs, 0, sizeof *rs);
            char uuid[37];
            snprintf(uuid, sizeof uuid, "%08x-%04x-4%03x-a%03x-%012llx", (unsigned)(r >> 3),
                     (unsigned)(j & 0xffff), (unsigned)(k & 0xfff), (unsigned)((r >> 50) & 0xfff),
                     (unsigned long long)(seed_mix(r + k) & 0xffffffffffffULL));
            snprintf(rs->id, sizeof rs->id, "MDR_%s", uuid);
            rs->type = response_types[seed_mix(r + 31 * k) % RESPONSE_TYPE_N];
            rs->details = xstrdup("Recommended by the SOC analyst");
            rs->description = xstrdup("Apply this response to contain the threat.");
            rs->comment = xstrdup("");
            rs->parameters = response_params(rs->type, r + k);
            rs->asset = inc->hosts[k % inc->host_count];
            rs->status = inc->status == 3 ? 1 + (int)((r >> k) & 1) : 0;
            rs->creation_time = inc->creation_time + 60000 * (int64_t)(k + 1);
            rs->update_time = rs->creation_time;
        }
        if ((r >> 52) & 1) {
            GROW(inc->comments, inc->comment_count, inc->comment_cap);
            comment *c = &inc->comments[inc->comment_count++];
            memset(c, 0, sizeof *c);
            make_id20(cs, c->id);
            c->author_name = xstrdup("MDR SOC");
            c->text = xstrdup("We are **investigating** this incident.");
            c->origin = xstrdup("MDR");
            c->author_client = xstrdup("");
            c->creation_time = inc->creation_time + 120000;
        }
    }
}

/* ---- JSON of the parts */

static json_object *text(const char *s, int html)
{
    if (!html)
        return json_object_new_string(s);
    char *h = markdown_to_html(s);
    json_object *o = json_object_new_string(h);
    free(h);
    return o;
}

static json_object *response_json(sbx_ctx *ctx, const response *r)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "response_id", json_object_new_string(r->id));
    json_object_object_add(o, "type", json_object_new_string(r->type));
    json_object_object_add(o, "details", json_object_new_string(r->details));
    json_object_object_add(o, "parameters", json_object_get(r->parameters));
    json_object_object_add(
        o, "asset_id",
        json_object_new_string(asset_str(core_of(ctx), &core_of(ctx)->assets[r->asset], AS_ID)));
    json_object_object_add(o, "status", json_object_new_string(response_statuses[r->status]));
    json_object_object_add(o, "comment", json_object_new_string(r->comment));
    json_object_object_add(o, "description", json_object_new_string(r->description));
    json_object_object_add(o, "creation_time", json_object_new_int64(r->creation_time));
    json_object_object_add(o, "update_time", json_object_new_int64(r->update_time));
    json_object_object_add(o, "was_read", json_object_new_boolean(r->was_read));
    return o;
}

static json_object *comment_json(const comment *c, int html)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "comment_id", json_object_new_string(c->id));
    json_object_object_add(o, "author_name", json_object_new_string(c->author_name));
    json_object_object_add(o, "text", text(c->text, html));
    json_object_object_add(o, "creation_time", json_object_new_int64(c->creation_time));
    json_object_object_add(o, "origin", json_object_new_string(c->origin));
    json_object_object_add(o, "was_read", json_object_new_boolean(c->was_read));
    return o;
}

static json_object *attachment_json(const attachment *a, int html)
{
    json_object *o = json_object_new_object();
    char link[64];
    snprintf(link, sizeof link, "attachments/download?attachment_id=%s", a->id);
    json_object_object_add(o, "attachment_id", json_object_new_string(a->id));
    json_object_object_add(o, "author_name", json_object_new_string(a->author_name));
    json_object_object_add(o, "caption", text(a->caption, html));
    json_object_object_add(o, "creation_time", json_object_new_int64(a->creation_time));
    json_object_object_add(o, "file_size", json_object_new_int64((int64_t)a->size));
    json_object_object_add(o, "full_name", json_object_new_string(a->full_name));
    json_object_object_add(o, "link", json_object_new_string(link));
    json_object_object_add(o, "origin", json_object_new_string(a->origin));
    json_object_object_add(o, "was_read", json_object_new_boolean(a->was_read));
    return o;
}

static json_object *strs(const char *const *v, int n)
{
    json_object *a = json_object_new_array();
    for (int i = 0; i < n; i++)
        json_object_array_add(a, json_object_new_string(v[i]));
    return a;
}

static json_object *incident_json(sbx_ctx *ctx, const incident *inc, int html)
{
    core_state *cs = core_of(ctx);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "incident_id", json_object_new_string(inc->id));
    json_object_object_add(o, "incident_number", json_object_new_int64(inc->number));
    json_object_object_add(o, "summary", json_object_new_string(inc->summary));
    json_object_object_add(o, "description", text(inc->description, html));
    json_object_object_add(o, "client_description", text(inc->client_description, html));
    json_object_object_add(o, "priority",
                           json_object_new_string(incident_priorities[inc->priority]));
    json_object_object_add(o, "status", json_object_new_string(incident_statuses[inc->status]));
    json_object_object_add(o, "resolution",
                           json_object_new_string(incident_resolutions[inc->resolution]));
    json_object_object_add(o, "status_description", text(inc->status_description, html));
    json_object *hosts = json_object_new_array(), *maps = json_object_new_array();
    for (size_t h = 0; h < inc->host_count; h++) {
        const asset *a = &cs->assets[inc->hosts[h]];
        char hb[128];
        snprintf(hb, sizeof hb, "%s:%s", asset_str(cs, a, AS_HOST), asset_str(cs, a, AS_ID));
        json_object_array_add(hosts, json_object_new_string(hb));
        json_object *m = json_object_new_object();
        json_object_object_add(m, "host_id", json_object_new_string(asset_str(cs, a, AS_ID)));
        json_object_object_add(m, "host_name", json_object_new_string(asset_str(cs, a, AS_HOST)));
        json_object_array_add(maps, m);
    }
    json_object_object_add(o, "affected_hosts", hosts);
    json_object_object_add(o, "affected_hosts_mappings", maps);
    json_object_object_add(o, "host_based_iocs", json_object_new_string(inc->iocs_host));
    json_object_object_add(o, "network_based_iocs", json_object_new_string(inc->iocs_net));
    char iocs[512];
    snprintf(iocs, sizeof iocs, "%s%s%s", inc->iocs_host,
             *inc->iocs_host && *inc->iocs_net ? "\n" : "", inc->iocs_net);
    json_object_object_add(o, "iocs", json_object_new_string(iocs));
    json_object_object_add(o, "detection_technology",
                           json_object_new_string(inc->detection_technology));
    json_object_object_add(o, "attack_stage", json_object_new_string(inc->attack_stage));
    json_object_object_add(o, "mitre_tactics", strs(inc->tactics, inc->tactic_count));
    json_object_object_add(o, "mitre_techniques", strs(inc->techniques, inc->technique_count));
    json_object_object_add(o, "creation_time", json_object_new_int64(inc->creation_time));
    json_object_object_add(o, "update_time", json_object_new_int64(inc->update_time));
    json_object_object_add(o, "origin", json_object_new_string(inc->origin));
    json_object_object_add(o, "tenant_name", json_object_new_string(tenant_of(ctx, inc)));
    json_object_object_add(o, "was_read", json_object_new_boolean(inc->was_read));
    json_object *att = json_object_new_array(), *com = json_object_new_array(),
                *res = json_object_new_array();
    for (size_t i = 0; i < inc->attachment_count; i++)
        json_object_array_add(att, attachment_json(&inc->attachments[i], html));
    for (size_t i = 0; i < inc->comment_count; i++)
        json_object_array_add(com, comment_json(&inc->comments[i], html));
    for (size_t i = 0; i < inc->response_count; i++)
        json_object_array_add(res, response_json(ctx, &inc->responses[i]));
    json_object_object_add(o, "attachments", att);
    json_object_object_add(o, "comments", com);
    json_object_object_add(o, "responses", res);
    return o;
}

void project_fields(json_object *obj, json_object *fields)
{
    if (!fields)
        return;
    json_object *keep = json_object_new_object();
    for (size_t i = 0; i < json_object_array_length(fields); i++) {
        const char *f = json_object_get_string(json_object_array_get_idx(fields, i));
        json_object *v = NULL;
        if (json_object_object_get_ex(obj, f, &v))
            json_object_object_add(keep, f, json_object_get(v));
    }
    /* replace obj's members with the kept ones, in the order asked */
    json_object_object_foreach(obj, k, v)
    {
        (void)v;
        json_object_object_del(obj, k);
    }
    json_object_object_foreach(keep, k2, v2) json_object_object_add(obj, k2, json_object_get(v2));
    json_object_put(keep);
}

int fields_valid(json_object *fields, const char *const *known, sbx_reply *rep)
{
    for (size_t i = 0; fields && i < json_object_array_length(fields); i++) {
        const char *f = json_object_get_string(json_object_array_get_idx(fields, i));
        int ok = 0;
        for (int k = 0; known[k]; k++)
            ok |= strcmp(known[k], f) == 0;
        if (!ok) {
            sbx_reply_error(rep, 400, "invalid_parameter", "unknown field \"%s\"", f);
            return 0;
        }
    }
    return 1;
}

static const char *const incident_fields[] = {"incident_id",
                                              "incident_number",
                                              "summary",
                                              "description",
                                              "client_description",
                                              "priority",
                                              "status",
                                              "resolution",
                                              "status_description",
                                              "affected_hosts",
                                              "affected_hosts_mappings",
                                              "host_based_iocs",
                                              "network_based_iocs",
                                              "iocs",
                                              "detection_technology",
                                              "attack_stage",
                                              "mitre_tactics",
                                              "mitre_techniques",
                                              "creation_time",
                                              "update_time",
                                              "origin",
                                              "tenant_name",
                                              "was_read",
                                              "attachments",
                                              "comments",
                                              "responses",
                                              NULL};
static const char *const response_fields[] = {
    "response_id", "type",        "details",       "parameters",  "asset_id", "status",
    "comment",     "description", "creation_time", "update_time", "was_read", NULL};
static const char *const comment_fields[] = {"comment_id", "author_name", "text", "creation_time",
                                             "origin",     "was_read",    NULL};
static const char *const attachment_fields[] = {
    "attachment_id", "author_name", "caption", "creation_time", "file_size",
    "full_name",     "link",        "origin",  "was_read",      NULL};

/* ---- helpers for handlers */

/* A resolved incident closes by itself after 72 hours (checked lazily). */
static void auto_close(sbx_ctx *ctx)
{
    core_state *cs = core_of(ctx);
    int64_t now = sbx_now_ms(ctx);
    for (size_t i = 0; i < cs->incident_n; i++) {
        incident *inc = cs->incidents[i];
        if (inc->status == 2 && inc->resolved_time && now - inc->resolved_time >= AUTO_CLOSE_MS) {
            inc->status = 3;
            if (!inc->resolution)
                inc->resolution = 1;
            inc->update_time = inc->resolved_time + AUTO_CLOSE_MS;
            add_history(inc, inc->update_time, "MDR", "update", "incident_details", NULL);
            sbx_touch(ctx);
        }
    }
}

static int visible(sbx_request *req, const incident *inc)
{
    return req->ctx->tenant_visible(req->ctx, req->conn, tenant_of(req->ctx, inc));
}

/* Finds incident_id of the body among the caller's incidents; answers 400/404 itself. */
static incident *body_incident(sbx_request *req, sbx_reply *rep)
{
    const char *id = NULL;
    if (sbx_body_string(req, rep, "incident_id", &id) < 0)
        return NULL;
    if (!id || !*id) {
        sbx_reply_error(rep, 400, "invalid_parameter", "incident_id is required");
        return NULL;
    }
    core_state *cs = core_of(req->ctx);
    long i = incident_find(cs, id);
    if (i < 0 || !visible(req, cs->incidents[i])) {
        sbx_reply_error(rep, 404, "not_found", "no incident %s", id);
        return NULL;
    }
    return cs->incidents[i];
}

static int paging(sbx_request *req, sbx_reply *rep, int64_t *page, int64_t *size, int64_t def)
{
    *page = 1;
    *size = def;
    if (sbx_body_int64(req, rep, "page", page) < 0 ||
        sbx_body_int64(req, rep, "page_size", size) < 0)
        return -1;
    if (*page < 1 || *size < 1 || *size > RESULT_CAP) {
        sbx_reply_error(rep, 400, "invalid_parameter",
                        "page must be >= 1 and page_size between 1 and %d", RESULT_CAP);
        return -1;
    }
    return 0;
}

static int in_list(json_object *list, const char *v)
{
    for (size_t i = 0; i < json_object_array_length(list); i++)
        if (strcmp(json_object_get_string(json_object_array_get_idx(list, i)), v) == 0)
            return 1;
    return 0;
}

static int any_in(json_object *list, const char *const *v, int n)
{
    for (int i = 0; i < n; i++)
        if (in_list(list, v[i]))
            return 1;
    return 0;
}

static int nonempty(json_object *a)
{
    return a && json_object_array_length(a) > 0;
}

/* ---- incidents/count, list, details */

typedef struct inc_query {
    json_object *hosts, *asset_ids, *techs, *tactics_f, *techniques_f, *priorities, *resolutions,
        *resp_statuses, *resp_types, *statuses, *tenants, *fields;
    const char *search;
    int64_t min_c, max_c, min_u, max_u;
    int has_min_c, has_max_c, has_min_u, has_max_u;
    int html;
    int sort; /* 0 none, 1 creation_time, 2 update_time, 3 incident_number, 4 priority */
    int desc;
    int64_t page, page_size;
} inc_query;

static int parse_inc_query(sbx_request *req, sbx_reply *rep, inc_query *q, int listing)
{
    memset(q, 0, sizeof *q);
    if (sbx_body_strings(req, rep, "affected_hosts", &q->hosts) < 0 ||
        sbx_body_strings(req, rep, "asset_ids", &q->asset_ids) < 0 ||
        sbx_body_strings(req, rep, "detection_technologies", &q->techs) < 0 ||
        sbx_body_strings(req, rep, "mitre_tactics", &q->tactics_f) < 0 ||
        sbx_body_strings(req, rep, "mitre_techniques", &q->techniques_f) < 0 ||
        sbx_body_strings(req, rep, "priorities", &q->priorities) < 0 ||
        sbx_body_strings(req, rep, "resolutions", &q->resolutions) < 0 ||
        sbx_body_strings(req, rep, "response_statuses", &q->resp_statuses) < 0 ||
        sbx_body_strings(req, rep, "response_types", &q->resp_types) < 0 ||
        sbx_body_strings(req, rep, "statuses", &q->statuses) < 0 ||
        sbx_body_strings(req, rep, "tenants_names", &q->tenants) < 0 ||
        sbx_body_string(req, rep, "search_phrase", &q->search) < 0 ||
        (q->has_min_c = sbx_body_int64(req, rep, "min_creation_time", &q->min_c)) < 0 ||
        (q->has_max_c = sbx_body_int64(req, rep, "max_creation_time", &q->max_c)) < 0 ||
        (q->has_min_u = sbx_body_int64(req, rep, "min_update_time", &q->min_u)) < 0 ||
        (q->has_max_u = sbx_body_int64(req, rep, "max_update_time", &q->max_u)) < 0)
        return -1;
    if (!listing)
        return 0;
    const char *sort = NULL;
    if (sbx_body_strings(req, rep, "fields", &q->fields) < 0 ||
        sbx_body_bool(req, rep, "markdown_to_html", &q->html) < 0 ||
        sbx_body_string(req, rep, "sort", &sort) < 0 ||
        paging(req, rep, &q->page, &q->page_size, 100) < 0 ||
        !fields_valid(q->fields, incident_fields, rep))
        return -1;
    if (sort && *sort) {
        static const char *const names[] = {"creation_time", "update_time", "incident_number",
                                            "priority"};
        const char *colon = strchr(sort, ':');
        size_t fl = colon ? (size_t)(colon - sort) : strlen(sort);
        for (int k = 0; k < 4; k++)
            if (strlen(names[k]) == fl && strncmp(names[k], sort, fl) == 0)
                q->sort = k + 1;
        const char *dir = colon ? colon + 1 : "asc";
        if (!q->sort || (strcmp(dir, "asc") != 0 && strcmp(dir, "desc") != 0)) {
            sbx_reply_error(rep, 400, "invalid_parameter",
                            "sort must be FIELD:asc or FIELD:desc with FIELD one of "
                            "creation_time, update_time, incident_number, priority");
            return -1;
        }
        q->desc = strcmp(dir, "desc") == 0;
    }
    return 0;
}

static int inc_matches(sbx_request *req, const inc_query *q, const incident *inc)
{
    core_state *cs = core_of(req->ctx);
    if (!visible(req, inc))
        return 0;
    if ((q->has_min_c && inc->creation_time < q->min_c) ||
        (q->has_max_c && inc->creation_time > q->max_c) ||
        (q->has_min_u && inc->update_time < q->min_u) ||
        (q->has_max_u && inc->update_time > q->max_u))
        return 0;
    if (nonempty(q->priorities) && !in_list(q->priorities, incident_priorities[inc->priority]))
        return 0;
    if (nonempty(q->statuses) && !in_list(q->statuses, incident_statuses[inc->status]))
        return 0;
    if (nonempty(q->resolutions) && !in_list(q->resolutions, incident_resolutions[inc->resolution]))
        return 0;
    if (nonempty(q->techs) && !in_list(q->techs, inc->detection_technology))
        return 0;
    if (nonempty(q->tactics_f) && !any_in(q->tactics_f, inc->tactics, inc->tactic_count))
        return 0;
    if (nonempty(q->techniques_f) &&
        !any_in(q->techniques_f, inc->techniques, inc->technique_count))
        return 0;
    if (nonempty(q->tenants) && !in_list(q->tenants, tenant_of(req->ctx, inc)))
        return 0;
    if (nonempty(q->hosts) || nonempty(q->asset_ids)) {
        int hit = 0;
        for (size_t h = 0; h < inc->host_count && !hit; h++) {
            const asset *a = &cs->assets[inc->hosts[h]];
            char hb[128];
            snprintf(hb, sizeof hb, "%s:%s", asset_str(cs, a, AS_HOST), asset_str(cs, a, AS_ID));
            if (nonempty(q->hosts) && in_list(q->hosts, hb))
                hit = 1;
            if (nonempty(q->asset_ids) && in_list(q->asset_ids, asset_str(cs, a, AS_ID)))
                hit = 1;
        }
        if (!hit)
            return 0;
    }
    if (nonempty(q->resp_statuses) || nonempty(q->resp_types)) {
        int hit = 0;
        for (size_t k = 0; k < inc->response_count && !hit; k++) {
            const response *r = &inc->responses[k];
            hit = (!nonempty(q->resp_statuses) ||
                   in_list(q->resp_statuses, response_statuses[r->status])) &&
                  (!nonempty(q->resp_types) || in_list(q->resp_types, r->type));
        }
        if (!hit)
            return 0;
    }
    if (q->search && *q->search) {
        int hit = strcasestr(inc->summary, q->search) || strcasestr(inc->description, q->search) ||
                  strcasestr(inc->id, q->search) || strcasestr(inc->client_description, q->search);
        for (size_t h = 0; h < inc->host_count && !hit; h++)
            hit = strcasestr(asset_str(cs, &cs->assets[inc->hosts[h]], AS_HOST), q->search) != NULL;
        if (!hit)
            return 0;
    }
    return 1;
}

static int inc_sort_field;
static int64_t inc_key(const incident *i)
{
    switch (inc_sort_field) {
    case 1:
        return i->creation_time;
    case 2:
        return i->update_time;
    case 3:
        return i->number;
    default:
        return i->priority;
    }
}

static int inc_cmp(const void *a, const void *b)
{
    const incident *x = *(incident *const *)a, *y = *(incident *const *)b;
    int64_t kx = inc_key(x), ky = inc_key(y);
    if (kx != ky)
        return kx < ky ? -1 : 1;
    return x->number < y->number ? -1 : x->number > y->number;
}

static size_t select_incidents(sbx_request *req, const inc_query *q, incident ***out)
{
    core_state *cs = core_of(req->ctx);
    incident **v = malloc((cs->incident_n ? cs->incident_n : 1) * sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < cs->incident_n; i++)
        if (inc_matches(req, q, cs->incidents[i]))
            v[n++] = cs->incidents[i];
    if (q->sort) {
        inc_sort_field = q->sort;
        qsort(v, n, sizeof *v, inc_cmp);
    }
    *out = v;
    return n;
}

static void incidents_count(sbx_request *req, sbx_reply *rep)
{
    inc_query q;
    auto_close(req->ctx);
    if (parse_inc_query(req, rep, &q, 0) != 0)
        return;
    incident **v;
    size_t n = select_incidents(req, &q, &v);
    free(v);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "count", json_object_new_int64((int64_t)n));
    sbx_reply_json(rep, 200, o);
}

static void incidents_list(sbx_request *req, sbx_reply *rep)
{
    inc_query q;
    auto_close(req->ctx);
    if (parse_inc_query(req, rep, &q, 1) != 0)
        return;
    incident **v;
    size_t n = select_incidents(req, &q, &v);
    size_t total = n < RESULT_CAP ? n : RESULT_CAP;
    json_object *arr = json_object_new_array();
    if (q.page - 1 <= RESULT_CAP) {
        size_t start = (size_t)((q.page - 1) * q.page_size);
        for (size_t i = start; i < total && i < start + (size_t)q.page_size; i++) {
            json_object *o = incident_json(req->ctx, v[q.desc ? n - 1 - i : i], q.html);
            project_fields(o, q.fields);
            json_object_array_add(arr, o);
        }
    }
    free(v);
    sbx_reply_json(rep, 200, arr);
}

static void incidents_details(sbx_request *req, sbx_reply *rep)
{
    json_object *fields = NULL;
    int html = 0;
    auto_close(req->ctx);
    if (sbx_body_strings(req, rep, "fields", &fields) < 0 ||
        sbx_body_bool(req, rep, "markdown_to_html", &html) < 0 ||
        !fields_valid(fields, incident_fields, rep))
        return;
    incident *inc = body_incident(req, rep);
    if (!inc)
        return;
    json_object *o = incident_json(req->ctx, inc, html);
    project_fields(o, fields);
    sbx_reply_json(rep, 200, o);
}

static const char *caller_name(sbx_request *req)
{
    return req->conn ? req->conn->name : "API";
}

static void incidents_create(sbx_request *req, sbx_reply *rep)
{
    core_state *cs = core_of(req->ctx);
    const char *summary = NULL, *cdesc = "", *prio = "NORMAL", *tenant = NULL;
    json_object *hosts = NULL;
    int no_sla = 0, html = 0;
    if (sbx_body_string(req, rep, "summary", &summary) < 0 ||
        sbx_body_string(req, rep, "client_description", &cdesc) < 0 ||
        sbx_body_string(req, rep, "priority", &prio) < 0 ||
        sbx_body_string(req, rep, "tenant_id", &tenant) < 0 ||
        sbx_body_strings(req, rep, "affected_hosts", &hosts) < 0 ||
        sbx_body_bool(req, rep, "no_sla_flag", &no_sla) < 0 ||
        sbx_body_bool(req, rep, "markdown_to_html", &html) < 0)
        return;
    if (!summary || !*summary || strlen(summary) > 1000) {
        sbx_reply_error(rep, 400, "invalid_parameter", "summary is required (1-1000 characters)");
        return;
    }
    int p = -1;
    for (int k = 0; k < 3; k++)
        if (strcmp(incident_priorities[k], prio) == 0)
            p = k;
    if (p < 0) {
        sbx_reply_error(rep, 400, "invalid_parameter", "priority must be LOW, NORMAL or HIGH");
        return;
    }
    int t = -1;
    if (tenant && *tenant) {
        t = sbx_tenant_find(req->ctx, tenant);
        if (t < 0 || !req->ctx->tenant_visible(req->ctx, req->conn, tenant)) {
            sbx_reply_error(rep, 400, "unknown_tenant", "no tenant \"%s\"", tenant);
            return;
        }
    }
    size_t nh = hosts ? json_object_array_length(hosts) : 0;
    uint32_t *hv = calloc(nh ? nh : 1, sizeof *hv);
    for (size_t h = 0; h < nh; h++) {
        const char *s = json_object_get_string(json_object_array_get_idx(hosts, h));
        const char *colon = strrchr(s, ':');
        long ai = asset_find(cs, colon ? colon + 1 : s);
        if (ai < 0) {
            free(hv);
            sbx_reply_error(rep, 400, "invalid_parameter",
                            "affected host \"%s\" is not HOST:0xASSETID of a known asset", s);
            return;
        }
        hv[h] = (uint32_t)ai;
    }
    incident *inc = new_incident(cs);
    inc->hosts = hv;
    inc->host_count = nh;
    inc->tenant = t >= 0 ? t : nh ? cs->assets[hv[0]].tenant : -1;
    inc->priority = p;
    inc->summary = xstrdup(summary);
    inc->description = xstrdup("");
    inc->client_description = xstrdup(cdesc);
    inc->status_description = xstrdup("");
    inc->detection_technology = "Custom";
    inc->attack_stage = "";
    inc->origin = "Client";
    inc->iocs_host = xstrdup("");
    inc->iocs_net = xstrdup("");
    inc->creation_time = inc->update_time = req->now_ms;
    inc->custom = 1;
    inc->no_sla = no_sla;
    inc->was_read = 1;
    add_history(inc, req->now_ms, caller_name(req), "create", "incident_details", NULL);
    sbx_touch(req->ctx);
    sbx_reply_json(rep, 200, incident_json(req->ctx, inc, html));
}

static void incidents_close(sbx_request *req, sbx_reply *rep)
{
    const char *res = NULL, *summary = "";
    if (sbx_body_string(req, rep, "resolution_status", &res) < 0 ||
        sbx_body_string(req, rep, "summary", &summary) < 0)
        return;
    incident *inc = body_incident(req, rep);
    if (!inc)
        return;
    int r = res && strcmp(res, "TRUE_POSITIVE") == 0    ? 1
            : res && strcmp(res, "FALSE_POSITIVE") == 0 ? 2
                                                        : 0;
    if (!r) {
        sbx_reply_error(rep, 400, "invalid_parameter",
                        "resolution_status must be TRUE_POSITIVE or FALSE_POSITIVE");
        return;
    }
    if (inc->status == 3) {
        sbx_reply_error(rep, 409, "already_closed", "incident %s is already closed", inc->id);
        return;
    }
    inc->status = 3;
    inc->resolution = r;
    sbx_set_str(&inc->status_description, summary);
    inc->update_time = req->now_ms;
    add_history(inc, req->now_ms, caller_name(req), "update", "incident_details", NULL);
    sbx_touch(req->ctx);
    sbx_reply_ok(rep);
}

static json_object *history_json(sbx_ctx *ctx, const incident *inc, const history_rec *h)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "changed_at", json_object_new_int64(h->changed_at));
    json_object_object_add(o, "changed_by", json_object_new_string(h->changed_by));
    json_object_object_add(o, "operation", json_object_new_string(h->operation));
    json_object *ent = json_object_new_object();
    json_object *body = h->entity ? json_object_get(h->entity) : NULL;
    if (!body) { /* incident_details: the incident's current summary fields */
        body = json_object_new_object();
        json_object_object_add(body, "incident_id", json_object_new_string(inc->id));
        json_object_object_add(body, "status",
                               json_object_new_string(incident_statuses[inc->status]));
        json_object_object_add(body, "resolution",
                               json_object_new_string(incident_resolutions[inc->resolution]));
        json_object_object_add(body, "priority",
                               json_object_new_string(incident_priorities[inc->priority]));
        (void)ctx;
    }
    json_object_object_add(ent, h->entity_type, body);
    json_object_object_add(o, "entity", ent);
    return o;
}

static void incidents_history(sbx_request *req, sbx_reply *rep)
{
    int64_t min_t = 0, max_t = 0, page, size, per_type = 0;
    int has_min, has_max, ignore_self = 0;
    if ((has_min = sbx_body_int64(req, rep, "min_record_time", &min_t)) < 0 ||
        (has_max = sbx_body_int64(req, rep, "max_record_time", &max_t)) < 0 ||
        sbx_body_int64(req, rep, "entity_type_page_size", &per_type) < 0 ||
        sbx_body_bool(req, rep, "ignore_self", &ignore_self) < 0 ||
        paging(req, rep, &page, &size, 100) < 0)
        return;
    incident *inc = body_incident(req, rep);
    if (!inc)
        return;
    /* history in record order; entity_type_page_size caps each entity type per page */
    json_object *arr = json_object_new_array();
    size_t skip = (size_t)((page - 1) * size), seen = 0;
    size_t counts[4] = {0};
    static const char *const types[4] = {"incident_details", "incident_comment",
                                         "incident_attachment", "incident_response"};
    for (size_t i = 0; i < inc->history_count && json_object_array_length(arr) < (size_t)size;
         i++) {
        const history_rec *h = &inc->history[i];
        if ((has_min == 1 && h->changed_at < min_t) || (has_max == 1 && h->changed_at > max_t))
            continue;
        if (ignore_self && req->conn && strcmp(h->changed_by, req->conn->name) == 0)
            continue;
        if (seen++ < skip)
            continue;
        int t = 0;
        for (int k = 0; k < 4; k++)
            if (strcmp(types[k], h->entity_type) == 0)
                t = k;
        if (per_type > 0 && counts[t] >= (size_t)per_type)
            continue;
        counts[t]++;
        json_object_array_add(arr, history_json(req->ctx, inc, h));
    }
    sbx_reply_json(rep, 200, arr);
}

/* ---- responses */

static void responses_list(sbx_request *req, sbx_reply *rep)
{
    json_object *fields = NULL;
    int64_t page, size;
    if (sbx_body_strings(req, rep, "fields", &fields) < 0 ||
        !fields_valid(fields, response_fields, rep) || paging(req, rep, &page, &size, 100) < 0)
        return;
    incident *inc = body_incident(req, rep);
    if (!inc)
        return;
    json_object *arr = json_object_new_array();
    for (size_t i = (size_t)((page - 1) * size);
         i < inc->response_count && i < (size_t)(page * size); i++) {
        json_object *o = response_json(req->ctx, &inc->responses[i]);
        project_fields(o, fields);
        json_object_array_add(arr, o);
    }
    sbx_reply_json(rep, 200, arr);
}

static response *find_response(sbx_request *req, const char *id, incident **owner)
{
    core_state *cs = core_of(req->ctx);
    for (size_t i = 0; id && i < cs->incident_n; i++) {
        incident *inc = cs->incidents[i];
        for (size_t k = 0; k < inc->response_count; k++)
            if (strcmp(inc->responses[k].id, id) == 0) {
                if (!visible(req, inc))
                    return NULL;
                *owner = inc;
                return &inc->responses[k];
            }
    }
    return NULL;
}

/* Validates status/note and the caller's right to decide responses. */
static int decision_args(sbx_request *req, sbx_reply *rep, int *status, const char **note)
{
    const char *st = NULL;
    *note = "";
    if (sbx_body_string(req, rep, "status", &st) < 0 ||
        sbx_body_string(req, rep, "comment", note) < 0)
        return -1;
    if (req->conn && req->conn->rights == SBX_RIGHTS_OFFICER) {
        sbx_reply_error(rep, 403, "forbidden",
                        "this API connection has Incident access only and cannot decide responses");
        return -1;
    }
    *status = st && strcmp(st, "Confirmed") == 0 ? 1 : st && strcmp(st, "Declined") == 0 ? 2 : 0;
    if (!*status) {
        sbx_reply_error(rep, 400, "invalid_parameter", "status must be Confirmed or Declined");
        return -1;
    }
    return 0;
}

static int decide(sbx_request *req, sbx_reply *rep, const char *id, int status, const char *note,
                  int apply)
{
    incident *inc = NULL;
    response *r = find_response(req, id, &inc);
    if (!r) {
        sbx_reply_error(rep, 404, "not_found", "no response %s", id ? id : "");
        return -1;
    }
    if (r->status != 0) {
        sbx_reply_error(rep, 409, "already_decided", "response %s is already %s", r->id,
                        response_statuses[r->status]);
        return -1;
    }
    if (!apply)
        return 0;
    r->status = status;
    sbx_set_str(&r->comment, note);
    r->update_time = req->now_ms;
    inc->update_time = req->now_ms;
    if (status == 1 && strcmp(r->type, "isolate") == 0)
        core_of(req->ctx)->assets[r->asset].isolated = 1;
    if (status == 1 && strcmp(r->type, "disable_isolation") == 0)
        core_of(req->ctx)->assets[r->asset].isolated = 0;
    add_history(inc, req->now_ms, caller_name(req), "update", "incident_response",
                response_json(req->ctx, r));
    sbx_touch(req->ctx);
    return 0;
}

static void response_update(sbx_request *req, sbx_reply *rep)
{
    const char *id = NULL, *note;
    int status;
    if (sbx_body_string(req, rep, "response_id", &id) < 0 ||
        decision_args(req, rep, &status, &note) < 0)
        return;
    if (decide(req, rep, id, status, note, 1) == 0)
        sbx_reply_ok(rep);
}

static void responses_update(sbx_request *req, sbx_reply *rep)
{
    json_object *ids = NULL;
    const char *note;
    int status;
    if (sbx_body_strings(req, rep, "responses_ids", &ids) < 0 ||
        decision_args(req, rep, &status, &note) < 0)
        return;
    if (!nonempty(ids)) {
        sbx_reply_error(rep, 400, "invalid_parameter", "responses_ids must not be empty");
        return;
    }
    /* all or nothing: check every id first */
    size_t n = json_object_array_length(ids);
    for (size_t pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i++)
            if (decide(req, rep, json_object_get_string(json_object_array_get_idx(ids, i)), status,
                       note, (int)pass) != 0)
                return;
    sbx_reply_ok(rep);
}

/* ---- comments */

static void comments_list(sbx_request *req, sbx_reply *rep)
{
    json_object *fields = NULL;
    int html = 0;
    if (sbx_body_strings(req, rep, "fields", &fields) < 0 ||
        sbx_body_bool(req, rep, "markdown_to_html", &html) < 0 ||
        !fields_valid(fields, comment_fields, rep))
        return;
    incident *inc = body_incident(req, rep);
    if (!inc)
        return;
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < inc->comment_count; i++) {
        json_object *o = comment_json(&inc->comments[i], html);
        project_fields(o, fields);
        json_object_array_add(arr, o);
    }
    sbx_reply_json(rep, 200, arr);
}

static void comments_create(sbx_request *req, sbx_reply *rep)
{
    const char *txt = NULL;
    int html = 0;
    if (sbx_body_string(req, rep, "text", &txt) < 0 ||
        sbx_body_bool(req, rep, "markdown_to_html", &html) < 0)
        return;
    if (!txt || !*txt || strlen(txt) > 20000) {
        sbx_reply_error(rep, 400, "invalid_parameter", "text is required (1-20000 characters)");
        return;
    }
    incident *inc = body_incident(req, rep);
    if (!inc)
        return;
    GROW(inc->comments, inc->comment_count, inc->comment_cap);
    comment *c = &inc->comments[inc->comment_count++];
    memset(c, 0, sizeof *c);
    make_id20(core_of(req->ctx), c->id);
    c->author_name = xstrdup(caller_name(req));
    c->text = xstrdup(txt);
    c->origin = xstrdup("Client");
    c->author_client = xstrdup(req->conn ? req->conn->client_id : "");
    c->creation_time = req->now_ms;
    c->was_read = 1;
    inc->update_time = req->now_ms;
    add_history(inc, req->now_ms, caller_name(req), "create", "incident_comment",
                comment_json(c, 0));
    sbx_touch(req->ctx);
    sbx_reply_json(rep, 200, comment_json(c, html));
}

static void comments_delete(sbx_request *req, sbx_reply *rep)
{
    const char *id = NULL;
    if (sbx_body_string(req, rep, "comment_id", &id) < 0)
        return;
    core_state *cs = core_of(req->ctx);
    for (size_t i = 0; id && i < cs->incident_n; i++) {
        incident *inc = cs->incidents[i];
        for (size_t k = 0; k < inc->comment_count; k++) {
            comment *c = &inc->comments[k];
            if (strcmp(c->id, id) != 0 || !visible(req, inc))
                continue;
            if (!req->conn || strcmp(c->author_client, req->conn->client_id) != 0 ||
                req->now_ms - c->creation_time > EDIT_WINDOW_MS) {
                sbx_reply_error(rep, 403, "forbidden",
                                "only own comments can be deleted, within 10 minutes");
                return;
            }
            add_history(inc, req->now_ms, caller_name(req), "update", "incident_comment",
                        comment_json(c, 0));
            free(c->author_name);
            free(c->text);
            free(c->origin);
            free(c->author_client);
            memmove(c, c + 1, (inc->comment_count - k - 1) * sizeof *c);
            inc->comment_count--;
            inc->update_time = req->now_ms;
            sbx_touch(req->ctx);
            sbx_reply_ok(rep);
            return;
        }
    }
    sbx_reply_error(rep, 404, "not_found", "no comment %s", id ? id : "");
}

/* ---- attachments */

static void attachments_list(sbx_request *req, sbx_reply *rep)
{
    json_object *fields = NULL;
    int html = 0;
    if (sbx_body_strings(req, rep, "fields", &fields) < 0 ||
        sbx_body_bool(req, rep, "markdown_to_html", &html) < 0 ||
        !fields_valid(fields, attachment_fields, rep))
        return;
    incident *inc = body_incident(req, rep);
    if (!inc)
        return;
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < inc->attachment_count; i++) {
        json_object *o = attachment_json(&inc->attachments[i], html);
        project_fields(o, fields);
        json_object_array_add(arr, o);
    }
    sbx_reply_json(rep, 200, arr);
}

static void attachments_download(sbx_request *req, sbx_reply *rep)
{
    const char *id = NULL;
    if (sbx_body_string(req, rep, "attachment_id", &id) < 0)
        return;
    core_state *cs = core_of(req->ctx);
    for (size_t i = 0; id && i < cs->incident_n; i++)
        for (size_t k = 0; k < cs->incidents[i]->attachment_count; k++) {
            attachment *a = &cs->incidents[i]->attachments[k];
            if (strcmp(a->id, id) == 0 && visible(req, cs->incidents[i])) {
                sbx_reply_bytes(rep, 200, "application/octet-stream", a->data, a->size,
                                a->full_name);
                return;
            }
        }
    sbx_reply_error(rep, 404, "not_found", "no attachment %s", id ? id : "");
}

static void attachments_upload(sbx_request *req, sbx_reply *rep)
{
    const sbx_part *file = NULL, *meta = NULL;
    for (size_t i = 0; i < req->part_count; i++) {
        if (strcmp(req->parts[i].name, "file") == 0)
            file = &req->parts[i];
        else if (strcmp(req->parts[i].name, "meta") == 0)
            meta = &req->parts[i];
    }
    if (!file || !meta) {
        sbx_reply_error(rep, 400, "invalid_parameter", "the parts file and meta are required");
        return;
    }
    if (file->len > MAX_ATTACHMENT) {
        sbx_reply_error(rep, 413, "too_large", "attachments are at most 10 MB");
        return;
    }
    char *mtext = strndup((const char *)meta->data, meta->len);
    json_object *m = json_tokener_parse(mtext);
    free(mtext);
    if (!m || !json_object_is_type(m, json_type_object)) {
        json_object_put(m);
        sbx_reply_error(rep, 400, "invalid_parameter", "meta must be a JSON object");
        return;
    }
    json_object *saved = req->json;
    req->json = m; /* reuse the body helpers on meta */
    const char *caption = "";
    incident *inc =
        sbx_body_string(req, rep, "caption", &caption) < 0 ? NULL : body_incident(req, rep);
    if (inc) {
        GROW(inc->attachments, inc->attachment_count, inc->attachment_cap);
        attachment *a = &inc->attachments[inc->attachment_count++];
        memset(a, 0, sizeof *a);
        make_id20(core_of(req->ctx), a->id);
        a->author_name = xstrdup(caller_name(req));
        a->caption = xstrdup(caption);
        a->full_name = xstrdup(file->filename ? file->filename : "file");
        a->origin = xstrdup("Client");
        a->data = malloc(file->len ? file->len : 1);
        memcpy(a->data, file->data, file->len);
        a->size = file->len;
        a->creation_time = req->now_ms;
        a->was_read = 1;
        inc->update_time = req->now_ms;
        add_history(inc, req->now_ms, caller_name(req), "create", "incident_attachment",
                    attachment_json(a, 0));
        sbx_touch(req->ctx);
        sbx_reply_ok(rep);
    }
    req->json = saved;
    json_object_put(m);
}

/* ---- data the service side reads */

size_t sbx_custom_incidents_between(sbx_ctx *ctx, int64_t from_ms, int64_t to_ms)
{
    core_state *cs = core_of(ctx);
    size_t n = 0;
    for (size_t i = 0; i < cs->incident_n; i++)
        n += cs->incidents[i]->custom && cs->incidents[i]->creation_time >= from_ms &&
             cs->incidents[i]->creation_time <= to_ms;
    return n;
}

/* ---- persistence: the whole incident as JSON plus the fields JSON does not show */

json_object *incidents_save(sbx_ctx *ctx);
json_object *incidents_save(sbx_ctx *ctx)
{
    core_state *cs = core_of(ctx);
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < cs->incident_n; i++) {
        incident *inc = cs->incidents[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "id", json_object_new_string(inc->id));
        json_object_object_add(o, "number", json_object_new_int64(inc->number));
        json_object_object_add(o, "summary", json_object_new_string(inc->summary));
        json_object_object_add(o, "description", json_object_new_string(inc->description));
        json_object_object_add(o, "client_description",
                               json_object_new_string(inc->client_description));
        json_object_object_add(o, "status_description",
                               json_object_new_string(inc->status_description));
        json_object_object_add(o, "priority", json_object_new_int(inc->priority));
        json_object_object_add(o, "status", json_object_new_int(inc->status));
        json_object_object_add(o, "resolution", json_object_new_int(inc->resolution));
        json_object *h = json_object_new_array();
        for (size_t k = 0; k < inc->host_count; k++)
            json_object_array_add(h, json_object_new_int64(inc->hosts[k]));
        json_object_object_add(o, "hosts", h);
        json_object_object_add(o, "tech", json_object_new_string(inc->detection_technology));
        json_object_object_add(o, "stage", json_object_new_string(inc->attack_stage));
        json_object_object_add(o, "origin", json_object_new_string(inc->origin));
        json_object_object_add(o, "tactics", strs(inc->tactics, inc->tactic_count));
        json_object_object_add(o, "techniques", strs(inc->techniques, inc->technique_count));
        json_object_object_add(o, "iocs_host", json_object_new_string(inc->iocs_host));
        json_object_object_add(o, "iocs_net", json_object_new_string(inc->iocs_net));
        json_object_object_add(o, "created", json_object_new_int64(inc->creation_time));
        json_object_object_add(o, "updated", json_object_new_int64(inc->update_time));
        json_object_object_add(o, "resolved", json_object_new_int64(inc->resolved_time));
        json_object_object_add(o, "tenant", json_object_new_int(inc->tenant));
        json_object_object_add(o, "was_read", json_object_new_boolean(inc->was_read));
        json_object_object_add(o, "custom", json_object_new_boolean(inc->custom));
        json_object_object_add(o, "no_sla", json_object_new_boolean(inc->no_sla));
        json_object *rs = json_object_new_array();
        for (size_t k = 0; k < inc->response_count; k++) {
            json_object *r = response_json(ctx, &inc->responses[k]);
            json_object_object_add(r, "asset_index",
                                   json_object_new_int64(inc->responses[k].asset));
            json_object_object_add(r, "status_index",
                                   json_object_new_int(inc->responses[k].status));
            json_object_array_add(rs, r);
        }
        json_object_object_add(o, "responses", rs);
        json_object *cm = json_object_new_array();
        for (size_t k = 0; k < inc->comment_count; k++) {
            json_object *c = comment_json(&inc->comments[k], 0);
            json_object_object_add(c, "author_client",
                                   json_object_new_string(inc->comments[k].author_client));
            json_object_array_add(cm, c);
        }
        json_object_object_add(o, "comments", cm);
        json_object *at = json_object_new_array();
        for (size_t k = 0; k < inc->attachment_count; k++) {
            attachment *a = &inc->attachments[k];
            json_object *j = attachment_json(a, 0);
            char *b64 = malloc(4 * ((a->size + 2) / 3) + 1);
            EVP_EncodeBlock((unsigned char *)b64, a->data, (int)a->size);
            json_object_object_add(j, "data", json_object_new_string(b64));
            free(b64);
            json_object_array_add(at, j);
        }
        json_object_object_add(o, "attachments", at);
        json_object *hi = json_object_new_array();
        for (size_t k = 0; k < inc->history_count; k++) {
            history_rec *r = &inc->history[k];
            json_object *j = json_object_new_object();
            json_object_object_add(j, "at", json_object_new_int64(r->changed_at));
            json_object_object_add(j, "by", json_object_new_string(r->changed_by));
            json_object_object_add(j, "op", json_object_new_string(r->operation));
            json_object_object_add(j, "type", json_object_new_string(r->entity_type));
            json_object_object_add(j, "entity", r->entity ? json_object_get(r->entity) : NULL);
            json_object_array_add(hi, j);
        }
        json_object_object_add(o, "history", hi);
        json_object_array_add(arr, o);
    }
    return arr;
}

static const char *pool(const char *s)
{
    static const char *const lits[] = {"Custom", "Client", "MDR", "", NULL};
    const char *const *lists[] = {response_types, technologies, stages, tactics, techniques, lits};
    const int sizes[] = {RESPONSE_TYPE_N, 5, 6, 6, 6, 4};
    for (int l = 0; s && l < 6; l++)
        for (int i = 0; i < sizes[l]; i++)
            if (strcmp(lists[l][i], s) == 0)
                return lists[l][i];
    return "";
}

static json_object *jget(json_object *o, const char *k)
{
    json_object *v = NULL;
    json_object_object_get_ex(o, k, &v);
    return v;
}

static const char *jstr(json_object *o, const char *k)
{
    const char *s = json_object_get_string(jget(o, k));
    return s ? s : "";
}

static void replay_isolation(core_state *cs);

int incidents_load(sbx_ctx *ctx, json_object *arr);
int incidents_load(sbx_ctx *ctx, json_object *arr)
{
    core_state *cs = core_of(ctx);
    for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
        json_object *o = json_object_array_get_idx(arr, i);
        incident *inc = new_incident(cs);
        snprintf(inc->id, sizeof inc->id, "%s", jstr(o, "id"));
        inc->number = json_object_get_int64(jget(o, "number"));
        if (inc->number > cs->next_incident_number)
            cs->next_incident_number = inc->number;
        inc->summary = xstrdup(jstr(o, "summary"));
        inc->description = xstrdup(jstr(o, "description"));
        inc->client_description = xstrdup(jstr(o, "client_description"));
        inc->status_description = xstrdup(jstr(o, "status_description"));
        inc->priority = json_object_get_int(jget(o, "priority")) % 3;
        inc->status = json_object_get_int(jget(o, "status")) % 4;
        inc->resolution = json_object_get_int(jget(o, "resolution")) % 3;
        json_object *h = jget(o, "hosts");
        inc->host_count = h ? json_object_array_length(h) : 0;
        inc->hosts = calloc(inc->host_count ? inc->host_count : 1, sizeof(uint32_t));
        for (size_t k = 0; k < inc->host_count; k++) {
            int64_t ai = json_object_get_int64(json_object_array_get_idx(h, k));
            if (ai < 0 || (size_t)ai >= cs->asset_n)
                return -1;
            inc->hosts[k] = (uint32_t)ai;
        }
        inc->detection_technology = pool(jstr(o, "tech"));
        inc->attack_stage = pool(jstr(o, "stage"));
        inc->origin = pool(jstr(o, "origin"));
        json_object *t = jget(o, "tactics"), *q = jget(o, "techniques");
        for (size_t k = 0; t && k < json_object_array_length(t) && k < 3; k++)
            inc->tactics[inc->tactic_count++] =
                pool(json_object_get_string(json_object_array_get_idx(t, k)));
        for (size_t k = 0; q && k < json_object_array_length(q) && k < 3; k++)
            inc->techniques[inc->technique_count++] =
                pool(json_object_get_string(json_object_array_get_idx(q, k)));
        inc->iocs_host = xstrdup(jstr(o, "iocs_host"));
        inc->iocs_net = xstrdup(jstr(o, "iocs_net"));
        inc->creation_time = json_object_get_int64(jget(o, "created"));
        inc->update_time = json_object_get_int64(jget(o, "updated"));
        inc->resolved_time = json_object_get_int64(jget(o, "resolved"));
        inc->tenant = json_object_get_int(jget(o, "tenant"));
        inc->was_read = json_object_get_boolean(jget(o, "was_read"));
        inc->custom = json_object_get_boolean(jget(o, "custom"));
        inc->no_sla = json_object_get_boolean(jget(o, "no_sla"));
        json_object *rs = jget(o, "responses");
        for (size_t k = 0; rs && k < json_object_array_length(rs); k++) {
            json_object *r = json_object_array_get_idx(rs, k);
            GROW(inc->responses, inc->response_count, inc->response_cap);
            response *x = &inc->responses[inc->response_count++];
            memset(x, 0, sizeof *x);
            snprintf(x->id, sizeof x->id, "%s", jstr(r, "response_id"));
            x->type = pool(jstr(r, "type"));
            x->details = xstrdup(jstr(r, "details"));
            x->description = xstrdup(jstr(r, "description"));
            x->comment = xstrdup(jstr(r, "comment"));
            x->parameters = json_object_get(jget(r, "parameters"));
            int64_t ai = json_object_get_int64(jget(r, "asset_index"));
            x->asset = ai >= 0 && (size_t)ai < cs->asset_n ? (uint32_t)ai : 0;
            x->status = json_object_get_int(jget(r, "status_index")) % 3;
            x->creation_time = json_object_get_int64(jget(r, "creation_time"));
            x->update_time = json_object_get_int64(jget(r, "update_time"));
            x->was_read = json_object_get_boolean(jget(r, "was_read"));
        }
        json_object *cm = jget(o, "comments");
        for (size_t k = 0; cm && k < json_object_array_length(cm); k++) {
            json_object *c = json_object_array_get_idx(cm, k);
            GROW(inc->comments, inc->comment_count, inc->comment_cap);
            comment *x = &inc->comments[inc->comment_count++];
            memset(x, 0, sizeof *x);
            snprintf(x->id, sizeof x->id, "%s", jstr(c, "comment_id"));
            x->author_name = xstrdup(jstr(c, "author_name"));
            x->text = xstrdup(jstr(c, "text"));
            x->origin = xstrdup(jstr(c, "origin"));
            x->author_client = xstrdup(jstr(c, "author_client"));
            x->creation_time = json_object_get_int64(jget(c, "creation_time"));
            x->was_read = json_object_get_boolean(jget(c, "was_read"));
        }
        json_object *at = jget(o, "attachments");
        for (size_t k = 0; at && k < json_object_array_length(at); k++) {
            json_object *a = json_object_array_get_idx(at, k);
            GROW(inc->attachments, inc->attachment_count, inc->attachment_cap);
            attachment *x = &inc->attachments[inc->attachment_count++];
            memset(x, 0, sizeof *x);
            snprintf(x->id, sizeof x->id, "%s", jstr(a, "attachment_id"));
            x->author_name = xstrdup(jstr(a, "author_name"));
            x->caption = xstrdup(jstr(a, "caption"));
            x->full_name = xstrdup(jstr(a, "full_name"));
            x->origin = xstrdup(jstr(a, "origin"));
            const char *b64 = jstr(a, "data");
            size_t bl = strlen(b64);
            x->data = malloc(bl / 4 * 3 + 1);
            int n = bl ? EVP_DecodeBlock(x->data, (const unsigned char *)b64, (int)bl) : 0;
            if (n < 0)
                return -1;
            x->size = (size_t)json_object_get_int64(jget(a, "file_size"));
            if (x->size > (size_t)n)
                return -1;
            x->creation_time = json_object_get_int64(jget(a, "creation_time"));
            x->was_read = json_object_get_boolean(jget(a, "was_read"));
        }
        json_object *hi = jget(o, "history");
        static const char *const types[4] = {"incident_details", "incident_comment",
                                             "incident_attachment", "incident_response"};
        for (size_t k = 0; hi && k < json_object_array_length(hi); k++) {
            json_object *r = json_object_array_get_idx(hi, k);
            const char *ty = types[0];
            for (int m = 0; m < 4; m++)
                if (strcmp(types[m], jstr(r, "type")) == 0)
                    ty = types[m];
            add_history(inc, json_object_get_int64(jget(r, "at")), jstr(r, "by"),
                        strcmp(jstr(r, "op"), "create") == 0 ? "create" : "update", ty,
                        json_object_get(jget(r, "entity")));
        }
    }
    replay_isolation(cs);
    return 0;
}

static int by_update(const void *a, const void *b)
{
    const response *x = *(response *const *)a, *y = *(response *const *)b;
    return x->update_time < y->update_time ? -1 : x->update_time > y->update_time;
}

/* Isolation decided through the API is not part of the seed: replay it after a load, in the
 * order the decisions were made (seeded decisions never changed assets). */
static void replay_isolation(core_state *cs)
{
    size_t n = 0, cap = 0;
    response **v = NULL;
    for (size_t i = 0; i < cs->incident_n; i++)
        for (size_t k = 0; k < cs->incidents[i]->response_count; k++) {
            response *r = &cs->incidents[i]->responses[k];
            if (r->status == 1 && r->update_time > r->creation_time &&
                (strcmp(r->type, "isolate") == 0 || strcmp(r->type, "disable_isolation") == 0)) {
                GROW(v, n, cap);
                v[n++] = r;
            }
        }
    if (n)
        qsort(v, n, sizeof *v, by_update);
    for (size_t i = 0; i < n; i++)
        cs->assets[v[i]->asset].isolated = strcmp(v[i]->type, "isolate") == 0;
    free(v);
}

void incidents_free(sbx_ctx *ctx);
void incidents_free(sbx_ctx *ctx)
{
    core_state *cs = core_of(ctx);
    for (size_t i = 0; i < cs->incident_n; i++) {
        incident *inc = cs->incidents[i];
        free(inc->summary);
        free(inc->description);
        free(inc->client_description);
        free(inc->status_description);
        free(inc->hosts);
        free(inc->iocs_host);
        free(inc->iocs_net);
        for (size_t k = 0; k < inc->response_count; k++) {
            response *r = &inc->responses[k];
            free(r->details);
            free(r->description);
            free(r->comment);
            json_object_put(r->parameters);
        }
        free(inc->responses);
        for (size_t k = 0; k < inc->comment_count; k++) {
            comment *c = &inc->comments[k];
            free(c->author_name);
            free(c->text);
            free(c->origin);
            free(c->author_client);
        }
        free(inc->comments);
        for (size_t k = 0; k < inc->attachment_count; k++) {
            attachment *a = &inc->attachments[k];
            free(a->author_name);
            free(a->caption);
            free(a->full_name);
            free(a->origin);
            free(a->data);
        }
        free(inc->attachments);
        for (size_t k = 0; k < inc->history_count; k++) {
            free(inc->history[k].changed_by);
            json_object_put(inc->history[k].entity);
        }
        free(inc->history);
        free(inc);
    }
    free(cs->incidents);
}

void register_incidents(sbx_router *r)
{
    static const struct {
        const char *path;
        sbx_handler h;
        sbx_body_kind body;
    } routes[] = {
        {"incidents/count", incidents_count, SBX_BODY_JSON},
        {"incidents/list", incidents_list, SBX_BODY_JSON},
        {"incidents/details", incidents_details, SBX_BODY_JSON},
        {"incidents/create", incidents_create, SBX_BODY_JSON},
        {"incidents/close", incidents_close, SBX_BODY_JSON},
        {"incidents/history", incidents_history, SBX_BODY_JSON},
        {"responses/list", responses_list, SBX_BODY_JSON},
        {"response/update", response_update, SBX_BODY_JSON},
        {"responses/update", responses_update, SBX_BODY_JSON},
        {"comments/list", comments_list, SBX_BODY_JSON},
        {"comments/create", comments_create, SBX_BODY_JSON},
        {"comments/delete", comments_delete, SBX_BODY_JSON},
        {"attachments/list", attachments_list, SBX_BODY_JSON},
        {"attachments/download", attachments_download, SBX_BODY_JSON},
        {"attachments/upload", attachments_upload, SBX_BODY_MULTIPART},
    };
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        char pattern[128];
        snprintf(pattern, sizeof pattern, "/api/v1/{client_id}/%s", routes[i].path);
        sbx_route(r, "POST", pattern, SBX_AUTH_ACCESS, routes[i].body, routes[i].h);
    }
}
