/* state.c — the core's state as a module (what the --state file keeps of it), the fresh
 * world from the seed, and the end. */
#include "core/conns.h"
#include "core/incidents.h"
#include "core/state.h"
#include "seedgen.h"

#include <stdlib.h>
#include <string.h>

static sbx_router *the_router;

void core_set_router(sbx_router *r)
{
    the_router = r;
}

sbx_router *core_router(void)
{
    return the_router;
}

static void seed_tenants(sbx_ctx *ctx)
{
    for (int t = 0; t < ctx->tenant_count_seeded; t++) {
        char name[128];
        seed_tenant_name(ctx->seed, t, name, sizeof name);
        sbx_tenant_add(ctx, name);
    }
}

void core_fresh(sbx_ctx *ctx)
{
    seed_tenants(ctx);
    store_seed(ctx);
    incidents_seed(ctx);
}

void core_free(sbx_ctx *ctx)
{
    incidents_free(ctx);
    store_free(ctx);
    conns_free_all(ctx);
    core_faults_free(ctx);
}

static json_object *strs(char **v, size_t n)
{
    json_object *a = json_object_new_array();
    for (size_t i = 0; i < n; i++)
        json_object_array_add(a, json_object_new_string(v[i]));
    return a;
}

static json_object *core_save(sbx_ctx *ctx)
{
    core_state *cs = core_of(ctx);
    json_object *o = json_object_new_object();
    char hex[65];
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", cs->jwt_key[i]);
    json_object_object_add(o, "jwt_key", json_object_new_string(hex));
    json_object_object_add(o, "seed", json_object_new_uint64(ctx->seed));
    json_object_object_add(o, "assets", json_object_new_int64(ctx->asset_count));
    json_object_object_add(o, "incidents", json_object_new_int64(ctx->incident_count));
    json_object_object_add(o, "tenants", json_object_new_int(ctx->tenant_count_seeded));
    json_object_object_add(o, "licenses", json_object_new_int(ctx->license_count));
    json_object_object_add(o, "seeded_at", json_object_new_int64(ctx->seeded_at_ms));
    json_object_object_add(o, "clock_offset", json_object_new_int64(ctx->clock_offset_ms));
    json_object_object_add(o, "id_counter", json_object_new_uint64(cs->id_counter));
    json_object_object_add(o, "tenant_names",
                           strs(ctx->tenant_names, (size_t)ctx->tenant_name_count));
    json_object *conns = json_object_new_array();
    for (size_t i = 0; i < cs->conn_n; i++) {
        sbx_conn *c = cs->conns[i];
        json_object *j = json_object_new_object();
        json_object_object_add(j, "client_id", json_object_new_string(c->client_id));
        json_object_object_add(j, "name", json_object_new_string(c->name));
        json_object_object_add(j, "rights", json_object_new_string(sbx_rights_name(c->rights)));
        json_object_object_add(j, "tenants", strs(c->tenants, c->tenant_count));
        json_object_object_add(j, "org", json_object_new_int(c->org));
        json_object_object_add(j, "created", json_object_new_int64(c->created_ms));
        json_object_object_add(j, "last_used", json_object_new_int64(c->last_used_ms));
        json_object_object_add(j, "activated", json_object_new_boolean(c->activated));
        json_object_object_add(j, "epoch", json_object_new_uint64(c->epoch));
        json_object_object_add(j, "live_jti", json_object_new_string(c->live_jti));
        json_object_object_add(j, "live_exp", json_object_new_int64(c->live_exp_ms));
        json_object_object_add(j, "live_console", json_object_new_boolean(c->live_from_console));
        json_object_array_add(conns, j);
    }
    json_object_object_add(o, "connections", conns);
    json_object_object_add(o, "incident_list", incidents_save(ctx));
    return o;
}

static json_object *get(json_object *o, const char *k)
{
    json_object *v = NULL;
    json_object_object_get_ex(o, k, &v);
    return v;
}

static int core_load(sbx_ctx *ctx, json_object *o)
{
    core_state *cs = core_of(ctx);
    const char *hex = json_object_get_string(get(o, "jwt_key"));
    if (!hex || strlen(hex) != 64)
        return -1;
    for (int i = 0; i < 32; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            return -1;
        cs->jwt_key[i] = (unsigned char)v;
    }
    ctx->seed = json_object_get_uint64(get(o, "seed"));
    ctx->asset_count = (uint32_t)json_object_get_int64(get(o, "assets"));
    ctx->incident_count = (uint32_t)json_object_get_int64(get(o, "incidents"));
    ctx->tenant_count_seeded = json_object_get_int(get(o, "tenants"));
    ctx->license_count = json_object_get_int(get(o, "licenses"));
    ctx->seeded_at_ms = json_object_get_int64(get(o, "seeded_at"));
    ctx->clock_offset_ms = json_object_get_int64(get(o, "clock_offset"));
    cs->id_counter = json_object_get_uint64(get(o, "id_counter"));
    json_object *tn = get(o, "tenant_names");
    for (size_t i = 0; tn && i < json_object_array_length(tn); i++)
        sbx_tenant_add(ctx, json_object_get_string(json_object_array_get_idx(tn, i)));
    if (store_seed(ctx) != 0)
        return -1;
    json_object *conns = get(o, "connections");
    for (size_t i = 0; conns && i < json_object_array_length(conns); i++) {
        json_object *j = json_object_array_get_idx(conns, i);
        json_object *ten = get(j, "tenants");
        size_t n = ten ? json_object_array_length(ten) : 0;
        const char **names = n ? calloc(n, sizeof(char *)) : NULL;
        for (size_t t = 0; t < n; t++)
            names[t] = json_object_get_string(json_object_array_get_idx(ten, t));
        sbx_rights rights = SBX_RIGHTS_OFFICER;
        sbx_rights_parse(json_object_get_string(get(j, "rights")), &rights);
        sbx_conn *c = sbx_conn_create(ctx, json_object_get_string(get(j, "name")), rights, names, n,
                                      json_object_get_int(get(j, "org")), NULL);
        free(names);
        if (!c)
            return -1;
        snprintf(c->client_id, sizeof c->client_id, "%s",
                 json_object_get_string(get(j, "client_id")));
        c->created_ms = json_object_get_int64(get(j, "created"));
        c->last_used_ms = json_object_get_int64(get(j, "last_used"));
        c->activated = json_object_get_boolean(get(j, "activated"));
        c->epoch = json_object_get_uint64(get(j, "epoch"));
        snprintf(c->live_jti, sizeof c->live_jti, "%s", json_object_get_string(get(j, "live_jti")));
        c->live_exp_ms = json_object_get_int64(get(j, "live_exp"));
        c->live_from_console = json_object_get_boolean(get(j, "live_console"));
    }
    return incidents_load(ctx, get(o, "incident_list"));
}

static const sbx_module core_module = {
    .name = "core", .init = NULL, .save = core_save, .load = core_load, .fini = NULL};

void core_register_module(sbx_router *r)
{
    sbx_add_module(r, &core_module); /* first: persist_load relies on it */
}
