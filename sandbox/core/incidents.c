/*
 * incidents.c — the incident model: seeding, the JSON of an incident and its parts (as the
 * API shows them and the --state file keeps them), the lazy auto-close, persistence and
 * the end. The endpoints are in api/incidents.c, responses.c, comments.c, attachments.c.
 */
#include "core/incidents.h"
#include "core/markdown.h"
#include "seedgen.h"

#include <openssl/evp.h>

#include <stdlib.h>
#include <string.h>

#define AUTO_CLOSE_MS (72LL * 3600 * 1000)

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

long incident_find(core_state *cs, const char *id)
{
    for (size_t i = 0; id && i < cs->incident_n; i++)
        if (strcmp(cs->incidents[i]->id, id) == 0)
            return (long)i;
    return -1;
}

char *core_strdup(const char *s)
{
    return strdup(s ? s : "");
}

const char *incident_tenant_name(sbx_ctx *ctx, const incident *inc)
{
    return inc->tenant >= 0 && inc->tenant < ctx->tenant_name_count ? ctx->tenant_names[inc->tenant]
                                                                    : "";
}

void incident_add_history(incident *inc, int64_t at, const char *by, const char *op,
                          const char *type, json_object *entity)
{
    GROW(inc->history, inc->history_count, inc->history_cap);
    history_rec *h = &inc->history[inc->history_count++];
    h->changed_at = at;
    h->changed_by = core_strdup(by);
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

incident *incident_new(core_state *cs)
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

void incidents_seed(sbx_ctx *ctx)
{
    core_state *cs = core_of(ctx);
    for (uint32_t j = 0; j < ctx->incident_count && cs->asset_n; j++) {
        uint64_t r = seed_mix(ctx->seed * 1000003ULL + j + 0x1dULL);
        incident *inc = incident_new(cs);
        inc->host_count = 1 + r % 3;
        inc->hosts = calloc(inc->host_count, sizeof(uint32_t));
        for (size_t h = 0; h < inc->host_count; h++)
            inc->hosts[h] = (uint32_t)(seed_mix(r + h) % cs->asset_n);
        inc->tenant = cs->assets[inc->hosts[0]].tenant;
        inc->priority = (int)((r >> 8) % 3);
        int st = (int)((r >> 12) % 10); /* 40% open, 10% on hold, 20% resolved, 30% closed */
        inc->status = st < 4 ? 0 : st < 5 ? 1 : st < 7 ? 2 : 3;
        inc->resolution = inc->status == 3 ? 1 + (int)((r >> 16) & 1) : 0;
        inc->summary = core_strdup(summaries[(r >> 20) % 6]);
        char desc[256];
        snprintf(desc, sizeof desc,
                 "The SOC detected **%s** on `%s`.\n\nSee the responses for the recommended "
                 "actions.",
                 inc->summary, asset_str(cs, &cs->assets[inc->hosts[0]], AS_HOST));
        inc->description = core_strdup(desc);
        inc->client_description = core_strdup("");
        inc->status_description = core_strdup(inc->status == 3 ? "Closed by the SOC" : "");
        inc->detection_technology = technologies[(r >> 24) % 5];
        inc->attack_stage = stages[(r >> 28) % 6];
        inc->origin = "MDR";
        inc->tactic_count = 1 + (int)((r >> 32) % 2);
        inc->technique_count = 1 + (int)((r >> 34) % 3);
        for (int t = 0; t < inc->tactic_count; t++)
            inc->tactics[t] = tactics[((r >> 36) + (uint64_t)t) % 6];
        for (int t = 0; t < inc->technique_count; t++)
            inc->techniques[t] = techniques[((r >> 40) + (uint64_t)t) % 6];
        inc->iocs_host = core_strdup("C:\\Users\\Public\\tmp.exe");
        inc->iocs_net = core_strdup("203.0.113.7:443");
        inc->creation_time = ctx->seeded_at_ms - (int64_t)(seed_mix(r ^ 7) % (90LL * 86400000));
        inc->update_time = inc->creation_time + (int64_t)(seed_mix(r ^ 9) % 86400000);
        if (inc->update_time > ctx->seeded_at_ms)
            inc->update_time = ctx->seeded_at_ms;
        inc->resolved_time = inc->status == 2 ? ctx->seeded_at_ms : 0;
        inc->was_read = (r >> 44) & 1;
        incident_add_history(inc, inc->creation_time, "MDR SOC", "create", "incident_details",
                             NULL);
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
            rs->details = core_strdup("Recommended by the SOC analyst");
            rs->description = core_strdup("Apply this response to contain the threat.");
            rs->comment = core_strdup("");
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
            c->author_name = core_strdup("MDR SOC");
            c->text = core_strdup("We are **investigating** this incident.");
            c->origin = core_strdup("MDR");
            c->author_client = core_strdup("");
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

json_object *response_json(sbx_ctx *ctx, const response *r)
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

json_object *comment_json(const comment *c, int html)
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

json_object *attachment_json(const attachment *a, int html)
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

json_object *incident_json(sbx_ctx *ctx, const incident *inc, int html)
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
    json_object_object_add(o, "tenant_name",
                           json_object_new_string(incident_tenant_name(ctx, inc)));
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

/* A resolved incident closes by itself after 72 hours (checked lazily). */
void incidents_auto_close(sbx_ctx *ctx)
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
            incident_add_history(inc, inc->update_time, "MDR", "update", "incident_details", NULL);
            sbx_touch(ctx);
        }
    }
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

int incidents_load(sbx_ctx *ctx, json_object *arr)
{
    core_state *cs = core_of(ctx);
    for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
        json_object *o = json_object_array_get_idx(arr, i);
        incident *inc = incident_new(cs);
        snprintf(inc->id, sizeof inc->id, "%s", jstr(o, "id"));
        inc->number = json_object_get_int64(jget(o, "number"));
        if (inc->number > cs->next_incident_number)
            cs->next_incident_number = inc->number;
        inc->summary = core_strdup(jstr(o, "summary"));
        inc->description = core_strdup(jstr(o, "description"));
        inc->client_description = core_strdup(jstr(o, "client_description"));
        inc->status_description = core_strdup(jstr(o, "status_description"));
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
        inc->iocs_host = core_strdup(jstr(o, "iocs_host"));
        inc->iocs_net = core_strdup(jstr(o, "iocs_net"));
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
            x->details = core_strdup(jstr(r, "details"));
            x->description = core_strdup(jstr(r, "description"));
            x->comment = core_strdup(jstr(r, "comment"));
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
            x->author_name = core_strdup(jstr(c, "author_name"));
            x->text = core_strdup(jstr(c, "text"));
            x->origin = core_strdup(jstr(c, "origin"));
            x->author_client = core_strdup(jstr(c, "author_client"));
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
            x->author_name = core_strdup(jstr(a, "author_name"));
            x->caption = core_strdup(jstr(a, "caption"));
            x->full_name = core_strdup(jstr(a, "full_name"));
            x->origin = core_strdup(jstr(a, "origin"));
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
            incident_add_history(inc, json_object_get_int64(jget(r, "at")), jstr(r, "by"),
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
