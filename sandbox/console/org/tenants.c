/* tenants.c — tenants: their JSON, validation, create, update, activate, configuration
 * files, delete. */
#include "console/org/internal.h"

#include <strings.h>

/* ================================================================= tenants */

json_object *org_tenant_json(const org_world *w, org_org *o, const org_tenant *t, int64_t now_ms)
{
    json_object *j = json_object_new_object();
    add_str(j, "tenant_id", t->id);
    add_str(j, "name", t->name);
    add_str(j, "description", t->description);
    add_str(j, "status", t->deleted ? "Deleted" : org_tenant_status(t, now_ms));
    add_bool(j, "active", t->active);
    add_int(j, "assets", (int64_t)org_tenant_assets(w, t));
    add_int(j, "created_time", t->created_ms);
    int64_t exp = org_tenant_expiration_ms(t);
    if (exp)
        add_int(j, "expiration_time", exp);
    else
        json_object_object_add(j, "expiration_time", NULL);
    add_int(j, "revision", t->revision);
    add_bool(j, "auto_accept", t->auto_accept);
    json_object *files = json_object_new_array();
    for (int i = 0; i < t->file_count; i++) {
        json_object *f = json_object_new_object();
        add_str(f, "file_id", t->files[i].id);
        add_str(f, "license_id", t->files[i].license_id);
        add_int(f, "expiration_time", t->files[i].expiration_ms);
        const org_license *l = org_license_find(o, t->files[i].license_id);
        add_str(f, "license_status", l ? org_license_status(l, now_ms) : "Deleted");
        json_object_array_add(files, f);
    }
    json_object_object_add(j, "config_files", files);
    return j;
}

static int cmp_tenant(const void *a, const void *b)
{
    const org_tenant *x = *(org_tenant *const *)a, *y = *(org_tenant *const *)b;
    int64_t ex = org_tenant_expiration_ms(x), ey = org_tenant_expiration_ms(y);
    if (ex != ey)
        return ex > ey ? -1 : 1; /* expiration date, descending */
    return strcmp(x->name, y->name);
}

json_object *org_tenants_list(const org_world *w, org_org *o, int include_deleted, int64_t now_ms)
{
    org_tenant *sorted[ORG_TENANT_SLOTS];
    int n = 0;
    for (int i = 0; i < o->tenant_slots; i++)
        if (include_deleted || !o->tenants[i]->deleted)
            sorted[n++] = o->tenants[i];
    qsort(sorted, (size_t)n, sizeof *sorted, cmp_tenant);
    json_object *arr = json_object_new_array();
    for (int i = 0; i < n; i++)
        json_object_array_add(arr, org_tenant_json(w, o, sorted[i], now_ms));
    return arr;
}

/* A configuration file's license and expiry: a current license of the organization, and an
 * expiry in the future and before the license's last day. */
static int check_file(org_org *o, const char *license_id, int64_t exp, int64_t now_ms, org_err *e)
{
    const org_license *l = license_id ? org_license_find(o, license_id) : NULL;
    if (!l)
        return fail(e, 404, "license_not_found", "Unknown license: %s",
                    license_id ? license_id : "(none)");
    if (!org_license_current(l, now_ms))
        return fail(e, 422, "license_not_current", "The license %s is not current.", l->id);
    if (exp <= now_ms)
        return fail(e, 422, "invalid_expiration", "The expiration date must be in the future.");
    if (exp >= org_license_last_day_ms(l))
        return fail(e, 422, "expiration_after_license",
                    "The expiration date cannot be equal to or later than the last day of the "
                    "license term.");
    return 0;
}

int org_tenant_validate(org_world *w, int org, const org_tenant *editing, json_object *in,
                        int creating, int64_t now_ms, org_err *e)
{
    org_org *o = w->orgs[org];
    json_object *v;
    const char *name = jstr(in, "name");
    if (creating && org_tenant_count(o) >= ORG_MAX_TENANTS)
        return fail(e, 409, "tenant_limit", "An organization has at most %d tenants.",
                    ORG_MAX_TENANTS);
    if (jhas(in, "name", &v) || creating) {
        if (!name || !org_text_valid(name, ORG_TENANT_NAME_MAX, 0, 0))
            return fail(e, 400, "invalid_name",
                        "A tenant name is 1 to %d Latin letters, digits and special characters.",
                        ORG_TENANT_NAME_MAX);
        for (int i = 0; i < o->tenant_slots; i++) {
            const org_tenant *t = o->tenants[i];
            if (!t->deleted && t != editing && !strcasecmp(t->name, name))
                return fail(e, 409, "tenant_name_taken", "A tenant with this name exists.");
        }
    }
    if (jhas(in, "description", &v)) {
        const char *d = jstr(in, "description");
        if (!d || !org_text_valid(d, ORG_TENANT_DESC_MAX, 1, 1))
            return fail(e, 400, "invalid_description",
                        "A description is at most %d Latin letters, digits and special "
                        "characters.",
                        ORG_TENANT_DESC_MAX);
    }
    if (jhas(in, "active", &v) && !json_object_is_type(v, json_type_boolean))
        return fail(e, 400, "invalid_parameter", "active must be true or false.");
    if (jhas(in, "config_files", &v)) {
        if (!json_object_is_type(v, json_type_array) || json_object_array_length(v) == 0)
            return fail(e, 422, "config_file_required",
                        "A tenant needs at least one configuration file.");
        if (json_object_array_length(v) > ORG_MAX_CONFIG_FILES)
            return fail(e, 400, "invalid_parameter", "At most %d configuration files.",
                        ORG_MAX_CONFIG_FILES);
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            json_object *f = json_object_array_get_idx(v, i), *x;
            if (!json_object_is_type(f, json_type_object) ||
                !json_object_object_get_ex(f, "expiration_time", &x) ||
                !json_object_is_type(x, json_type_int))
                return fail(e, 400, "invalid_parameter",
                            "config_files[] needs license_id and expiration_time (ms).");
            if (check_file(o, jstr(f, "license_id"), json_object_get_int64(x), now_ms, e))
                return -1;
        }
    } else if (creating && !org_first_current(o, now_ms)) {
        return fail(e, 422, "license_not_current", "A tenant needs a current license.");
    }
    return 0;
}

static void apply_tenant(org_org *o, org_tenant *t, json_object *in, int64_t now_ms)
{
    json_object *v;
    if (jhas(in, "name", &v))
        copy(t->name, sizeof t->name, json_object_get_string(v));
    if (jhas(in, "description", &v)) {
        free(t->description);
        t->description = strdup(json_object_get_string(v));
    }
    if (jhas(in, "active", &v))
        t->active = json_object_get_boolean(v);
    if (jhas(in, "config_files", &v)) {
        t->file_count = 0;
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            json_object *f = json_object_array_get_idx(v, i);
            org_cfgfile *c = &t->files[t->file_count++];
            random_hex(c->id, 8);
            copy(c->license_id, sizeof c->license_id, jstr(f, "license_id"));
            c->expiration_ms = jint(f, "expiration_time", 0);
        }
    } else if (t->file_count == 0) {
        /* No file given: the first current license, up to the day before its last day. */
        const org_license *l = org_first_current(o, now_ms);
        if (l) {
            org_cfgfile *c = &t->files[t->file_count++];
            random_hex(c->id, 8);
            copy(c->license_id, sizeof c->license_id, l->id);
            c->expiration_ms = org_license_last_day_ms(l) - ORG_DAY_MS;
        }
    }
    t->revision++; /* saving regenerates the tenant's configuration file */
}

org_tenant *org_tenant_create(org_world *w, int org, json_object *in, int core_index,
                              int64_t now_ms, org_err *e)
{
    org_org *o = w->orgs[org];
    if (org_tenant_validate(w, org, NULL, in, 1, now_ms, e))
        return NULL;
    org_tenant *t = org_tenant_slot(o);
    if (!t) {
        fail(e, 409, "tenant_limit", "No room for more tenants.");
        return NULL;
    }
    random_uuid(t->id);
    t->description = strdup("");
    t->active = 1; /* the Active toggle is on by default */
    t->core_index = core_index;
    t->created_ms = now_ms;
    t->auto_accept =
        o->auto_mode == ORG_AUTO_ALL || (o->auto_mode == ORG_AUTO_PER_TENANT && o->auto_new_on);
    apply_tenant(o, t, in, now_ms);
    return t;
}

int org_tenant_update(org_world *w, int org, org_tenant *t, json_object *in, int64_t now_ms,
                      org_err *e)
{
    if (org_tenant_validate(w, org, t, in, 0, now_ms, e))
        return -1;
    json_object *v;
    if (jhas(in, "active", &v) && json_object_get_boolean(v) && t->file_count &&
        !jhas(in, "config_files", &v) && now_ms >= org_tenant_expiration_ms(t))
        return fail(e, 409, "tenant_expired",
                    "The tenant's lifetime has ended: add a configuration file first.");
    apply_tenant(w->orgs[org], t, in, now_ms);
    return 0;
}

int org_tenant_set_active(org_world *w, int org, org_tenant *t, int active, int64_t now_ms,
                          org_err *e)
{
    json_object *in = json_object_new_object();
    add_bool(in, "active", active);
    int rc = org_tenant_update(w, org, t, in, now_ms, e);
    json_object_put(in);
    return rc;
}

int org_tenant_file_add(org_world *w, int org, org_tenant *t, const char *license_id,
                        int64_t expiration_ms, int64_t now_ms, org_err *e)
{
    if (t->file_count >= ORG_MAX_CONFIG_FILES)
        return fail(e, 409, "config_file_limit", "At most %d configuration files.",
                    ORG_MAX_CONFIG_FILES);
    if (check_file(w->orgs[org], license_id, expiration_ms, now_ms, e))
        return -1;
    org_cfgfile *c = &t->files[t->file_count++];
    random_hex(c->id, 8);
    copy(c->license_id, sizeof c->license_id, license_id);
    c->expiration_ms = expiration_ms;
    t->revision++;
    return 0;
}

int org_tenant_file_delete(org_tenant *t, const char *file_id, org_err *e)
{
    for (int i = 0; file_id && i < t->file_count; i++) {
        if (strcmp(t->files[i].id, file_id))
            continue;
        if (t->file_count == 1)
            return fail(e, 409, "last_config_file",
                        "A configuration file can be deleted only if another one remains.");
        memmove(&t->files[i], &t->files[i + 1],
                sizeof t->files[0] * (size_t)(t->file_count - i - 1));
        t->file_count--;
        t->revision++;
        return 0;
    }
    return fail(e, 404, "config_file_not_found", "Unknown configuration file.");
}

int org_tenant_delete(org_world *w, org_tenant *t, size_t *disconnected, org_err *e)
{
    if (t->deleted)
        return fail(e, 404, "tenant_not_found", "Unknown tenant.");
    *disconnected = org_tenant_assets(w, t);
    t->deleted = 1;
    t->active = 0;
    return 0;
}
