/* activation.c — activating MDR for an account's organization, step by step, and leaving
 * it (revoking consent, terminating). */
#include "console/org/internal.h"

/* ================================================================= activation */

static const char *state_name(int s)
{
    switch (s) {
    case ORG_ACTIVE:
        return "active";
    case ORG_CONSENT_REVOKED:
        return "consent_revoked";
    case ORG_TERMINATED:
        return "terminated";
    default:
        return "not_activated";
    }
}

/* What the console must do next for this account (docs/cloud-api.md, activation). */
static const char *next_step(const org_world *w, const org_account *a, int64_t now_ms)
{
    const org_org *o = w->orgs[a->org];
    if (a->tied_elsewhere)
        return "contact_support";
    if (a->pending.started) {
        if (!a->pending.code[0] && !a->pending.tenants_selected && org_tenant_count(o) > 0)
            return "select_tenants";
        return a->pending.agreements_accepted ? "ksn_statement" : "agreements";
    }
    if (o->state == ORG_ACTIVE && a->activated)
        return "none";
    if (org_has_current_license(o, now_ms))
        return org_tenant_count(o) > 0 ? "select_tenants" : "agreements";
    return "activation_code";
}

static json_object *agreements_json(const char *region)
{
    json_object *arr = json_object_new_array();
    if (!region[0])
        return arr;
    for (const char *const *id = org_region_agreements(region); *id; id++) {
        json_object *a = json_object_new_object();
        add_str(a, "id", *id);
        add_str(a, "title", org_agreement_title(*id));
        add_str(a, "version", "1.0");
        json_object_array_add(arr, a);
    }
    return arr;
}

static void region_fields(json_object *out, const char *region)
{
    if (region[0]) {
        add_str(out, "region", region);
        add_str(out, "storage", org_region_storage(region));
        add_str(out, "service_language", org_region_language(region));
        add_bool(out, "kata_available", org_region_kata(region));
    } else {
        json_object_object_add(out, "region", NULL);
    }
}

json_object *org_activation_status(org_world *w, int account, int64_t now_ms)
{
    org_account *a = &w->accounts[account];
    org_org *o = w->orgs[a->org];
    json_object *out = json_object_new_object();
    const char *step = next_step(w, a, now_ms);
    add_str(out, "state", state_name(o->state));
    add_bool(out, "activated", o->state == ORG_ACTIVE && a->activated);
    add_str(out, "next_step", step);
    json_object *org = json_object_new_object();
    add_str(org, "id", o->id);
    add_str(org, "name", o->name);
    json_object_object_add(out, "organization", org);
    add_bool(out, "current_license", org_has_current_license(o, now_ms));
    add_int(out, "tenant_count", org_tenant_count(o));
    const char *region = a->pending.started && a->pending.region[0] ? a->pending.region : o->region;
    region_fields(out, region);
    json_object_object_add(out, "agreements", agreements_json(region));
    add_bool(out, "agreements_accepted",
             a->pending.started ? a->pending.agreements_accepted
                                : (o->state == ORG_ACTIVE && a->activated));
    add_bool(out, "ksn_statement_accepted", o->state == ORG_ACTIVE && a->activated);
    if (!strcmp(step, "select_tenants")) {
        json_object *arr = json_object_new_array();
        for (int i = 0; i < o->tenant_slots; i++) {
            const org_tenant *t = o->tenants[i];
            if (t->deleted)
                continue;
            json_object *j = json_object_new_object();
            add_str(j, "tenant_id", t->id);
            add_str(j, "name", t->name);
            json_object_array_add(arr, j);
        }
        json_object_object_add(out, "tenants", arr);
    }
    if (a->activated && a->selected_count > 0) {
        json_object *arr = json_object_new_array();
        for (int i = 0; i < a->selected_count; i++)
            json_object_array_add(arr, json_object_new_string(a->selected[i]));
        json_object_object_add(out, "selected_tenants", arr);
    }
    if (!strcmp(step, "contact_support"))
        add_str(out, "message",
                "This account is associated with another organization's MDR data. To use it "
                "for a new activation, contact Technical Support.");
    add_str(out, "notice",
            "Kaspersky Managed Detection and Response is not intended for use in the United "
            "States or by U.S. persons.");
    return out;
}

static int refuse_tied(const org_account *a, org_err *e)
{
    if (a->tied_elsewhere)
        return fail(e, 403, "account_tied_elsewhere",
                    "This account is associated with another organization's MDR data and "
                    "cannot take a new activation code. Contact Technical Support.");
    return 0;
}

/* A code this organization may take: known, not bound to another organization, of the
 * region when the code names one. */
int org_usable_code(org_world *w, int org, const char *code, const char *region, org_code **out,
                    org_err *e)
{
    char norm[21];
    if (org_code_normalize(code, norm))
        return fail(e, 400, "invalid_code_format",
                    "An activation code is 20 letters and digits (dashes allowed).");
    if (!org_region_valid(region))
        return fail(e, 400, "invalid_region",
                    "Unknown region (europe, canada, saudi_arabia, russia, other).");
    org_code *c = org_code_find(w, norm);
    if (!c)
        return fail(e, 404, "code_unknown", "The activation code is not known.");
    if (c->org >= 0 && c->org != org)
        return fail(e, 409, "code_in_use", "The activation code is already in use.");
    if (c->region[0] && strcmp(c->region, region))
        return fail(e, 422, "region_mismatch",
                    "The activation code is for the region '%s', not '%s'.", c->region, region);
    if (c->type == ORG_TRIAL && w->orgs[org]->had_trial && c->org != org)
        return fail(e, 409, "trial_used", "A trial license can be activated only once.");
    *out = c;
    return 0;
}

int org_activation_activate(org_world *w, int account, const char *code, const char *region,
                            int64_t now_ms, json_object **out, org_err *e)
{
    org_account *a = &w->accounts[account];
    org_org *o = w->orgs[a->org];
    org_code *c;
    if (refuse_tied(a, e))
        return -1;
    if (org_has_current_license(o, now_ms))
        return fail(e, 409, "license_exists",
                    "The organization already has a current license: select the tenants and "
                    "accept the agreements instead, or enter a new activation code.");
    if (!code || !region)
        return fail(e, 400, "missing_parameter", "activation_code and region are required.");
    if (org_usable_code(w, a->org, code, region, &c, e))
        return -1;
    memset(&a->pending, 0, sizeof a->pending);
    a->pending.started = 1;
    memcpy(a->pending.code, c->code, 21);
    copy(a->pending.region, sizeof a->pending.region, region);
    if (out)
        *out = org_activation_status(w, account, now_ms);
    return 0;
}

int org_activation_select_tenants(org_world *w, int account, json_object *ids, int64_t now_ms,
                                  org_err *e)
{
    org_account *a = &w->accounts[account];
    org_org *o = w->orgs[a->org];
    if (refuse_tied(a, e))
        return -1;
    if (!org_has_current_license(o, now_ms) || (a->pending.started && a->pending.code[0]))
        return fail(e, 409, "wrong_step", "Tenant selection needs a current license.");
    if (!ids || !json_object_is_type(ids, json_type_array))
        return fail(e, 400, "missing_parameter", "tenants (an array of tenant IDs) is required.");
    size_t n = json_object_array_length(ids);
    if (n > ORG_MAX_TENANTS)
        return fail(e, 400, "invalid_parameter", "Too many tenants.");
    for (size_t i = 0; i < n; i++) {
        json_object *v = json_object_array_get_idx(ids, i);
        if (!json_object_is_type(v, json_type_string) ||
            !org_tenant_find(o, json_object_get_string(v)))
            return fail(e, 404, "tenant_not_found", "Unknown tenant: %s",
                        json_object_is_type(v, json_type_string) ? json_object_get_string(v)
                                                                 : "(not a string)");
    }
    memset(&a->pending, 0, sizeof a->pending);
    a->pending.started = 1;
    a->pending.tenants_selected = 1;
    copy(a->pending.region, sizeof a->pending.region, o->region);
    a->selected_count = (int)n;
    for (size_t i = 0; i < n; i++)
        copy(a->selected[i], sizeof a->selected[i],
             json_object_get_string(json_object_array_get_idx(ids, i)));
    return 0;
}

int org_activation_accept_agreements(org_world *w, int account, json_object *ids, org_err *e)
{
    org_account *a = &w->accounts[account];
    org_org *o = w->orgs[a->org];
    if (refuse_tied(a, e))
        return -1;
    if (!a->pending.started) {
        /* A current license and no tenants: the agreements are the first step. */
        if (o->state == ORG_NOT_ACTIVATED || !o->region[0] || org_tenant_count(o) > 0 ||
            (o->state == ORG_ACTIVE && a->activated))
            return fail(e, 409, "wrong_step", "No activation is in progress.");
        memset(&a->pending, 0, sizeof a->pending);
        a->pending.started = 1;
        copy(a->pending.region, sizeof a->pending.region, o->region);
    }
    if (!a->pending.code[0] && !a->pending.tenants_selected && org_tenant_count(o) > 0)
        return fail(e, 409, "wrong_step", "Select the tenants first.");
    if (!ids || !json_object_is_type(ids, json_type_array))
        return fail(e, 400, "missing_parameter", "agreements (an array of IDs) is required.");
    const char *const *need = org_region_agreements(a->pending.region);
    for (size_t i = 0; i < json_object_array_length(ids); i++) {
        json_object *v = json_object_array_get_idx(ids, i);
        const char *id = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
        int known = 0;
        for (const char *const *n = need; *n; n++)
            known |= !strcmp(*n, id);
        if (!known)
            return fail(e, 400, "unknown_agreement", "'%s' is not an agreement of the region '%s'.",
                        id, a->pending.region);
    }
    for (const char *const *n = need; *n; n++) {
        int found = 0;
        for (size_t i = 0; i < json_object_array_length(ids); i++)
            found |= !strcmp(json_object_get_string(json_object_array_get_idx(ids, i)), *n);
        if (!found)
            return fail(e, 422, "agreements_incomplete",
                        "Every agreement of the region must be accepted: %s is missing.",
                        org_agreement_title(*n));
    }
    a->pending.agreements_accepted = 1;
    return 0;
}

void org_activation_cancel(org_world *w, int account)
{
    org_account *a = &w->accounts[account];
    if (a->pending.started && a->pending.tenants_selected && !a->activated)
        a->selected_count = 0;
    memset(&a->pending, 0, sizeof a->pending);
}

/* Seeded tenants get their first configuration file when their licenses start. */
static void give_files(org_org *o, int64_t now_ms)
{
    int cur = 0;
    for (int i = 0; i < o->tenant_slots; i++) {
        org_tenant *t = o->tenants[i];
        if (t->deleted || t->file_count)
            continue;
        const org_license *l = NULL;
        for (int k = 0; k < o->license_count && !l; k++) {
            const org_license *c = &o->licenses[(cur + k) % o->license_count];
            if (org_license_current(c, now_ms))
                l = c;
        }
        if (!l)
            return;
        cur++;
        org_cfgfile *f = &t->files[t->file_count++];
        random_hex(f->id, 8);
        copy(f->license_id, sizeof f->license_id, l->id);
        f->expiration_ms = org_license_last_day_ms(l) - ORG_DAY_MS;
    }
}

int org_activation_accept_ksn(org_world *w, int account, int accepted, int64_t now_ms, org_err *e)
{
    org_account *a = &w->accounts[account];
    org_org *o = w->orgs[a->org];
    if (refuse_tied(a, e))
        return -1;
    if (!a->pending.started || !a->pending.agreements_accepted)
        return fail(e, 409, "wrong_step", "Accept the agreements first.");
    if (!accepted) {
        org_activation_cancel(w, account);
        return fail(e, 422, "ksn_statement_refused",
                    "Without the KSN Statement MDR cannot be used; the activation was "
                    "cancelled and nothing changed.");
    }
    if (a->pending.code[0]) {
        org_code *c;
        if (org_usable_code(w, a->org, a->pending.code, a->pending.region, &c, e)) {
            org_activation_cancel(w, account);
            return -1;
        }
        int provisioned = 0;
        for (int i = 0; i < o->license_count; i++) {
            org_license *l = &o->licenses[i];
            if (!l->activation_ms && !l->removed && !l->deleted && !l->blocked) {
                org_license_activate(l, a->pending.region, now_ms);
                provisioned = 1;
            }
        }
        if (!provisioned || c->org != a->org) {
            org_license *l = org_license_new(o, c);
            if (!l)
                return fail(e, 409, "license_limit", "Too many licenses.");
            org_license_activate(l, a->pending.region, now_ms);
        }
        c->org = a->org;
        if (c->type == ORG_TRIAL)
            o->had_trial = 1;
        if (!o->region[0]) {
            copy(o->region, sizeof o->region, a->pending.region);
            copy(o->language, sizeof o->language, org_region_language(o->region));
        }
        give_files(o, now_ms);
    }
    o->state = ORG_ACTIVE;
    a->activated = 1;
    memset(&a->pending, 0, sizeof a->pending);
    return 0;
}

int org_activation_new_code(org_world *w, int account, const char *code, const char *region,
                            int64_t now_ms, json_object **out, org_err *e)
{
    org_account *a = &w->accounts[account];
    org_org *o = w->orgs[a->org];
    org_code *c;
    if (refuse_tied(a, e) || org_require_active(w, account, e))
        return -1;
    if (!code || !region)
        return fail(e, 400, "missing_parameter", "activation_code and region are required.");
    if (org_usable_code(w, a->org, code, region, &c, e))
        return -1;
    if (strcmp(region, o->region))
        return fail(e, 422, "region_mismatch",
                    "The organization's region is '%s'; a new code cannot move it to '%s'.",
                    o->region, region);
    for (int i = 0; i < o->license_count; i++)
        if (!strcmp(o->licenses[i].code, c->code) && org_license_current(&o->licenses[i], now_ms))
            return fail(e, 409, "code_in_use", "This activation code is already applied.");
    org_license *l = org_license_new(o, c);
    if (!l)
        return fail(e, 409, "license_limit", "Too many licenses.");
    org_license_activate(l, region, now_ms);
    c->org = a->org;
    if (c->type == ORG_TRIAL)
        o->had_trial = 1;
    /* A new code may upgrade the tier: current licenses of another tier stop counting. */
    for (int i = 0; i < o->license_count; i++) {
        org_license *x = &o->licenses[i];
        if (x != l && org_license_current(x, now_ms) && strcmp(x->tier, l->tier))
            x->activation_ms = 0;
    }
    if (out)
        *out = org_license_json(w, o, l, now_ms);
    return 0;
}

int org_require_active(const org_world *w, int account, org_err *e)
{
    const org_account *a = &w->accounts[account];
    const org_org *o = w->orgs[a->org];
    if (o->state != ORG_ACTIVE || !a->activated)
        return fail(e, 409, "not_activated", "MDR is not activated for this account (state: %s).",
                    state_name(o->state));
    return 0;
}

int org_activation_revoke(org_world *w, int account, org_err *e)
{
    org_account *a = &w->accounts[account];
    if (org_require_active(w, account, e))
        return -1;
    org_org *o = w->orgs[a->org];
    o->state = ORG_CONSENT_REVOKED;
    for (int i = 0; i < w->account_count; i++)
        if (w->accounts[i].org == a->org)
            w->accounts[i].activated = 0;
    return 0;
}

int org_activation_terminate(org_world *w, int account, org_err *e)
{
    org_account *a = &w->accounts[account];
    org_org *o = w->orgs[a->org];
    if (o->state != ORG_ACTIVE && o->state != ORG_CONSENT_REVOKED)
        return fail(e, 409, "not_activated", "MDR is not in use.");
    o->state = ORG_TERMINATED;
    for (int i = 0; i < w->account_count; i++)
        if (w->accounts[i].org == a->org) {
            w->accounts[i].activated = 0;
            memset(&w->accounts[i].pending, 0, sizeof w->accounts[i].pending);
        }
    return 0;
}
