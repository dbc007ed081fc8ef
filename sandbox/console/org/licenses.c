/* licenses.c — licenses: their JSON, adding one by code, removing, expiring (admin), and
 * the licenses by tenant. */
#include "console/org/internal.h"

/* ================================================================= licenses */

json_object *org_license_json(const org_world *w, org_org *o, const org_license *l, int64_t now_ms)
{
    json_object *j = json_object_new_object();
    char name[96];
    snprintf(name, sizeof name, "%s, %d assets", org_tier_title(l->tier), l->assets_limit);
    size_t connected = org_license_current(l, now_ms) ? org_license_assets(w, o, l, now_ms) : 0;
    add_str(j, "license_id", l->id);
    add_str(j, "name", name);
    add_str(j, "tier", l->tier);
    add_str(j, "region", l->region);
    add_str(j, "type", org_type_name(l->type));
    add_int(j, "assets_limit", l->assets_limit);
    add_int(j, "connected_assets", (int64_t)connected);
    add_bool(j, "limit_exceeded", connected > (size_t)l->assets_limit);
    if (l->activation_ms) {
        add_int(j, "activation_time", l->activation_ms);
        add_int(j, "expiration_time", l->expiration_ms);
    } else {
        json_object_object_add(j, "activation_time", NULL);
        json_object_object_add(j, "expiration_time", NULL);
    }
    const char *status = org_license_status(l, now_ms);
    add_str(j, "status", status);
    add_bool(j, "current", !strcmp(status, "Active"));
    /* red in the console: expired, or expiring in 14 days or sooner */
    add_bool(j, "expiration_warning",
             l->activation_ms && l->expiration_ms - now_ms <= 14 * ORG_DAY_MS);
    add_bool(j, "rest_api", org_tier_rest_api(l->tier));
    char masked[32];
    snprintf(masked, sizeof masked, "*****-*****-*****-%s", l->code + 15);
    add_str(j, "activation_code", masked);
    return j;
}

json_object *org_licenses_list(const org_world *w, org_org *o, int all, int64_t now_ms)
{
    json_object *arr = json_object_new_array();
    for (int i = 0; i < o->license_count; i++)
        if (all || org_license_current(&o->licenses[i], now_ms))
            json_object_array_add(arr, org_license_json(w, o, &o->licenses[i], now_ms));
    return arr;
}

int org_license_add(org_world *w, int org, const char *code, int64_t now_ms, org_license **out,
                    org_err *e)
{
    org_org *o = w->orgs[org];
    org_code *c;
    if (!code)
        return fail(e, 400, "missing_parameter", "activation_code is required.");
    if (org_usable_code(w, org, code, o->region, &c, e))
        return -1;
    for (int i = 0; i < o->license_count; i++) {
        const org_license *x = &o->licenses[i];
        if (org_license_current(x, now_ms) && strcmp(x->tier, c->tier))
            return fail(e, 422, "tier_mismatch",
                        "The license tier (%s) must match the other licenses (%s).",
                        org_tier_title(c->tier), org_tier_title(x->tier));
        if (org_license_current(x, now_ms) && !strcmp(x->code, c->code))
            return fail(e, 409, "code_in_use", "This activation code is already applied.");
    }
    /* A removed license comes back when its code is added again. */
    for (int i = 0; i < o->license_count; i++) {
        org_license *x = &o->licenses[i];
        if (!strcmp(x->code, c->code) && x->removed) {
            x->removed = 0;
            if (out)
                *out = x;
            return 0;
        }
    }
    org_license *l = org_license_new(o, c);
    if (!l)
        return fail(e, 409, "license_limit", "Too many licenses.");
    org_license_activate(l, o->region, now_ms);
    c->org = org;
    if (c->type == ORG_TRIAL)
        o->had_trial = 1;
    if (out)
        *out = l;
    return 0;
}

int org_license_remove(org_world *w, int org, const char *id, int64_t now_ms, org_err *e)
{
    org_license *l = org_license_find(w->orgs[org], id);
    if (!l)
        return fail(e, 404, "license_not_found", "Unknown license.");
    if (!org_license_current(l, now_ms))
        return fail(e, 409, "license_not_current", "Only a current license can be removed.");
    l->removed = 1;
    return 0;
}

int org_license_expire(org_world *w, const char *id, int64_t now_ms, org_err *e)
{
    for (int i = 0; i < w->org_count; i++) {
        org_license *l = org_license_find(w->orgs[i], id);
        if (l) {
            if (!l->activation_ms)
                l->activation_ms = now_ms - ORG_DAY_MS;
            l->expiration_ms = now_ms;
            return 0;
        }
    }
    return fail(e, 404, "license_not_found", "Unknown license.");
}

json_object *org_licenses_by_tenant(const org_world *w, org_org *o, int64_t now_ms)
{
    json_object *arr = json_object_new_array();
    for (int i = 0; i < o->license_count; i++) {
        const org_license *l = &o->licenses[i];
        if (!org_license_current(l, now_ms))
            continue;
        const org_license *root = org_first_current(o, now_ms);
        if (root == l && org_index(w, o) == 0 && w->assets) {
            json_object *j = json_object_new_object();
            add_str(j, "license_id", l->id);
            json_object_object_add(j, "tenant_id", NULL);
            add_str(j, "tenant_name", "");
            add_int(j, "assets", (int64_t)w->assets(w->assets_ud, -1));
            json_object_array_add(arr, j);
        }
        for (int k = 0; k < o->tenant_slots; k++) {
            const org_tenant *t = o->tenants[k];
            if (t->deleted || org_tenant_license(o, t, now_ms) != l)
                continue;
            json_object *j = json_object_new_object();
            add_str(j, "license_id", l->id);
            add_str(j, "tenant_id", t->id);
            add_str(j, "tenant_name", t->name);
            add_int(j, "assets", (int64_t)org_tenant_assets(w, t));
            json_object_array_add(arr, j);
        }
    }
    return arr;
}
