/*
 * incidents.c — incidents/count, list, details, create, close and history: the filters,
 * sorting and paging of the public API over the incident model (core/incidents.h).
 */
#define _GNU_SOURCE /* strcasestr */
#include "api/api.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
        api_paging(req, rep, &q->page, &q->page_size, 100) < 0 ||
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
    if (!api_incident_visible(req, inc))
        return 0;
    if ((q->has_min_c && inc->creation_time < q->min_c) ||
        (q->has_max_c && inc->creation_time > q->max_c) ||
        (q->has_min_u && inc->update_time < q->min_u) ||
        (q->has_max_u && inc->update_time > q->max_u))
        return 0;
    if (api_nonempty(q->priorities) && !in_list(q->priorities, incident_priorities[inc->priority]))
        return 0;
    if (api_nonempty(q->statuses) && !in_list(q->statuses, incident_statuses[inc->status]))
        return 0;
    if (api_nonempty(q->resolutions) &&
        !in_list(q->resolutions, incident_resolutions[inc->resolution]))
        return 0;
    if (api_nonempty(q->techs) && !in_list(q->techs, inc->detection_technology))
        return 0;
    if (api_nonempty(q->tactics_f) && !any_in(q->tactics_f, inc->tactics, inc->tactic_count))
        return 0;
    if (api_nonempty(q->techniques_f) &&
        !any_in(q->techniques_f, inc->techniques, inc->technique_count))
        return 0;
    if (api_nonempty(q->tenants) && !in_list(q->tenants, incident_tenant_name(req->ctx, inc)))
        return 0;
    if (api_nonempty(q->hosts) || api_nonempty(q->asset_ids)) {
        int hit = 0;
        for (size_t h = 0; h < inc->host_count && !hit; h++) {
            const asset *a = &cs->assets[inc->hosts[h]];
            char hb[128];
            snprintf(hb, sizeof hb, "%s:%s", asset_str(cs, a, AS_HOST), asset_str(cs, a, AS_ID));
            if (api_nonempty(q->hosts) && in_list(q->hosts, hb))
                hit = 1;
            if (api_nonempty(q->asset_ids) && in_list(q->asset_ids, asset_str(cs, a, AS_ID)))
                hit = 1;
        }
        if (!hit)
            return 0;
    }
    if (api_nonempty(q->resp_statuses) || api_nonempty(q->resp_types)) {
        int hit = 0;
        for (size_t k = 0; k < inc->response_count && !hit; k++) {
            const response *r = &inc->responses[k];
            hit = (!api_nonempty(q->resp_statuses) ||
                   in_list(q->resp_statuses, response_statuses[r->status]) ||
                   (r->status == 0 && in_list(q->resp_statuses, "New"))) &&
                  (!api_nonempty(q->resp_types) || in_list(q->resp_types, r->type));
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
    incidents_auto_close(req->ctx);
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
    incidents_auto_close(req->ctx);
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
    incidents_auto_close(req->ctx);
    if (sbx_body_strings(req, rep, "fields", &fields) < 0 ||
        sbx_body_bool(req, rep, "markdown_to_html", &html) < 0 ||
        !fields_valid(fields, incident_fields, rep))
        return;
    incident *inc = api_body_incident(req, rep);
    if (!inc)
        return;
    json_object *o = incident_json(req->ctx, inc, html);
    project_fields(o, fields);
    sbx_reply_json(rep, 200, o);
}

/* The asset an affected host names, in the form the API uses ("HOST:0xASSETID"): the asset
 * must exist, be visible to the caller's connection (another tenant's asset does not exist
 * for a restricted connection, as in assets/details) and have that host name (compared
 * case-insensitively, as the host_names filter does). -1 otherwise. */
static long affected_host_find(sbx_request *req, const char *s)
{
    core_state *cs = core_of(req->ctx);
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s)
        return -1;
    long ai = asset_find(cs, colon + 1);
    if (ai < 0)
        return -1;
    const asset *a = &cs->assets[ai];
    const char *host = asset_str(cs, a, AS_HOST);
    size_t hl = (size_t)(colon - s);
    if (strlen(host) != hl || strncasecmp(host, s, hl) != 0)
        return -1;
    if (!req->ctx->tenant_visible(req->ctx, req->conn, asset_tenant_name(req->ctx, a)))
        return -1;
    return ai;
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
    if (!hv) {
        sbx_reply_error(rep, 500, "internal", "out of memory");
        return;
    }
    for (size_t h = 0; h < nh; h++) {
        const char *s = json_object_get_string(json_object_array_get_idx(hosts, h));
        long ai = affected_host_find(req, s);
        if (ai < 0) {
            free(hv);
            sbx_reply_error(rep, 400, "invalid_parameter",
                            "affected host \"%s\" is not HOST:0xASSETID of a known asset", s);
            return;
        }
        hv[h] = (uint32_t)ai;
    }
    incident *inc = incident_new(cs);
    inc->hosts = hv;
    inc->host_count = nh;
    inc->tenant = t >= 0 ? t : nh ? cs->assets[hv[0]].tenant : -1;
    inc->priority = p;
    inc->summary = core_strdup(summary);
    inc->description = core_strdup("");
    inc->client_description = core_strdup(cdesc);
    inc->status_description = core_strdup("");
    inc->detection_technology = "Custom";
    inc->attack_stage = "";
    inc->origin = "Client";
    inc->iocs_host = core_strdup("");
    inc->iocs_net = core_strdup("");
    inc->creation_time = inc->update_time = req->now_ms;
    inc->custom = 1;
    inc->no_sla = no_sla;
    inc->was_read = 1;
    incident_add_history(inc, req->now_ms, api_caller_name(req), "create", "incident_details",
                         NULL);
    sbx_touch(req->ctx);
    sbx_reply_json(rep, 200, incident_json(req->ctx, inc, html));
}

static void incidents_close(sbx_request *req, sbx_reply *rep)
{
    const char *res = NULL, *summary = "";
    if (sbx_body_string(req, rep, "resolution_status", &res) < 0 ||
        sbx_body_string(req, rep, "summary", &summary) < 0)
        return;
    incident *inc = api_body_incident(req, rep);
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
    incident_add_history(inc, req->now_ms, api_caller_name(req), "update", "incident_details",
                         NULL);
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
        api_paging(req, rep, &page, &size, 100) < 0)
        return;
    incident *inc = api_body_incident(req, rep);
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

void api_register_incidents(sbx_router *r)
{
    api_routes(r, (const api_route[]){{"incidents/count", incidents_count, SBX_BODY_JSON},
                                      {"incidents/list", incidents_list, SBX_BODY_JSON},
                                      {"incidents/details", incidents_details, SBX_BODY_JSON},
                                      {"incidents/create", incidents_create, SBX_BODY_JSON},
                                      {"incidents/close", incidents_close, SBX_BODY_JSON},
                                      {"incidents/history", incidents_history, SBX_BODY_JSON},
                                      {NULL, NULL, SBX_BODY_JSON}});
}
