/* settings.c — the organization's MDR settings. */
#include "console/org/internal.h"

/* ================================================================= settings */

static const char *auto_name(int m)
{
    return m == ORG_AUTO_ALL ? "all" : m == ORG_AUTO_PER_TENANT ? "per_tenant" : "off";
}

json_object *org_settings_json(const org_org *o)
{
    json_object *j = json_object_new_object();
    add_bool(j, "extended_notifications", o->extended_notifications);
    add_bool(j, "extended_consent", o->extended_consent);
    add_str(j, "language", o->language);
    json_object *aa = json_object_new_object();
    add_str(aa, "mode", auto_name(o->auto_mode));
    add_bool(aa, "all_tenants",
             o->auto_mode == ORG_AUTO_ALL ||
                 (o->auto_mode == ORG_AUTO_PER_TENANT && o->auto_new_on));
    json_object *ts = json_object_new_array();
    for (int i = 0; i < o->tenant_slots; i++) {
        const org_tenant *t = o->tenants[i];
        if (t->deleted)
            continue;
        json_object *x = json_object_new_object();
        add_str(x, "tenant_id", t->id);
        add_str(x, "name", t->name);
        add_bool(x, "enabled", t->auto_accept);
        json_object_array_add(ts, x);
    }
    json_object_object_add(aa, "tenants", ts);
    json_object_object_add(j, "auto_accept", aa);
    return j;
}

int org_settings_update(org_org *o, json_object *in, org_err *e)
{
    json_object *v, *aa = NULL;
    int ext = o->extended_notifications, consent = o->extended_consent, mode = o->auto_mode;
    int new_on = o->auto_new_on;
    char lang[3];
    copy(lang, sizeof lang, o->language);
    if (jhas(in, "extended_notifications", &v)) {
        if (!json_object_is_type(v, json_type_boolean))
            return fail(e, 400, "invalid_parameter", "extended_notifications must be a boolean.");
        ext = json_object_get_boolean(v);
    }
    if (jhas(in, "extended_consent", &v)) {
        if (!json_object_is_type(v, json_type_boolean))
            return fail(e, 400, "invalid_parameter", "extended_consent must be a boolean.");
        consent = json_object_get_boolean(v);
    }
    if (ext && !o->extended_notifications && !consent)
        return fail(e, 422, "consent_required",
                    "Extended notifications may include host names, IP addresses, account "
                    "names and even passwords: confirm that you understand this "
                    "(extended_consent: true).");
    if (!ext)
        consent = 0;
    if (jhas(in, "language", &v)) {
        const char *l = jstr(in, "language");
        if (!l || (strcmp(l, "en") && strcmp(l, "ru")))
            return fail(e, 400, "invalid_language", "language is en or ru.");
        copy(lang, sizeof lang, l);
    }
    int flags[ORG_TENANT_SLOTS];
    for (int i = 0; i < o->tenant_slots; i++)
        flags[i] = o->tenants[i]->auto_accept;
    int flags_changed = 0;
    if (jhas(in, "auto_accept", &aa)) {
        const char *m = jstr(aa, "mode");
        if (m) {
            if (!strcmp(m, "off"))
                mode = ORG_AUTO_OFF;
            else if (!strcmp(m, "all"))
                mode = ORG_AUTO_ALL;
            else if (!strcmp(m, "per_tenant"))
                mode = ORG_AUTO_PER_TENANT;
            else
                return fail(e, 400, "invalid_parameter",
                            "auto_accept.mode is off, all or per_tenant.");
        }
        json_object *ts, *all;
        if (jhas(aa, "all_tenants", &all)) {
            if (mode != ORG_AUTO_PER_TENANT)
                return fail(e, 409, "wrong_mode", "All tenants is ticked only in per_tenant mode.");
            if (!json_object_is_type(all, json_type_boolean))
                return fail(e, 400, "invalid_parameter", "auto_accept.all_tenants is a boolean.");
            new_on = json_object_get_boolean(all);
            for (int i = 0; new_on && i < o->tenant_slots; i++) {
                flags_changed |= !o->tenants[i]->deleted && !flags[i];
                flags[i] = 1;
            }
        }
        if (jhas(aa, "tenants", &ts)) {
            if (mode != ORG_AUTO_PER_TENANT)
                return fail(e, 409, "wrong_mode", "Tenants are toggled only in per_tenant mode.");
            if (!json_object_is_type(ts, json_type_object))
                return fail(e, 400, "invalid_parameter",
                            "auto_accept.tenants is an object {tenant_id: true|false}.");
            json_object_object_foreach(ts, id, flag)
            {
                int idx = -1;
                for (int i = 0; i < o->tenant_slots; i++)
                    if (!o->tenants[i]->deleted && !strcmp(o->tenants[i]->id, id))
                        idx = i;
                if (idx < 0)
                    return fail(e, 404, "tenant_not_found", "Unknown tenant: %s", id);
                if (!json_object_is_type(flag, json_type_boolean))
                    return fail(e, 400, "invalid_parameter", "Tenant flags are booleans.");
                if (flags[idx] != json_object_get_boolean(flag))
                    flags_changed = 1;
                flags[idx] = json_object_get_boolean(flag);
                if (!flags[idx])
                    new_on = 0; /* unticking a tenant unticks "All tenants" */
            }
        }
    }
    if (mode != ORG_AUTO_PER_TENANT)
        new_on = 0;
    else if (mode != o->auto_mode && !jhas(aa, "all_tenants", &v))
        new_on = 0; /* entering per_tenant: new tenants start off */
    if (mode != o->auto_mode && mode != ORG_AUTO_PER_TENANT) {
        for (int i = 0; i < o->tenant_slots; i++) {
            flags_changed |= flags[i] != (mode == ORG_AUTO_ALL);
            flags[i] = mode == ORG_AUTO_ALL;
        }
    }
    if (ext == o->extended_notifications && consent == o->extended_consent &&
        !strcmp(lang, o->language) && mode == o->auto_mode && !flags_changed &&
        new_on == o->auto_new_on)
        return fail(e, 409, "no_changes", "Nothing changed.");
    o->extended_notifications = ext;
    o->extended_consent = consent;
    copy(o->language, sizeof o->language, lang);
    o->auto_mode = mode;
    o->auto_new_on = new_on;
    for (int i = 0; i < o->tenant_slots; i++)
        o->tenants[i]->auto_accept = flags[i];
    return 0;
}
