/* usage.c — the usage figures of an organization. */
#include "console/org/internal.h"

/* ================================================================= usage */

json_object *org_usage_json(const org_world *w, org_org *o, size_t custom_used, int64_t now_ms)
{
    json_object *j = json_object_new_object();
    size_t connected = org_connected_assets(w, o, now_ms);
    add_int(j, "connected_assets", (int64_t)connected);
    json_object *lic = json_object_new_array();
    for (int i = 0; i < o->license_count; i++) {
        const org_license *l = &o->licenses[i];
        if (!org_license_current(l, now_ms))
            continue;
        json_object *x = json_object_new_object();
        add_str(x, "license_id", l->id);
        add_int(x, "connected_assets", (int64_t)org_license_assets(w, o, l, now_ms));
        add_int(x, "assets_limit", l->assets_limit);
        json_object_array_add(lic, x);
    }
    json_object_object_add(j, "licenses", lic);
    json_object *q = json_object_new_object();
    int64_t start = org_week_start_ms(now_ms);
    long quota = org_custom_quota(connected);
    add_int(q, "period_start", start);
    add_int(q, "period_end", start + 7 * ORG_DAY_MS);
    add_int(q, "quota", quota);
    add_int(q, "used", (int64_t)custom_used);
    add_int(q, "remaining", (long)custom_used >= quota ? 0 : quota - (long)custom_used);
    json_object_object_add(j, "custom_incidents", q);
    return j;
}
