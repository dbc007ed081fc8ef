/* org — see org.h. */
#include "console/org/org.h"

#include <openssl/rand.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ================================================================= helpers */

static int fail(org_err *e, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(org_err *e, int status, const char *code, const char *fmt, ...)
{
    if (e) {
        e->status = status;
        snprintf(e->code, sizeof e->code, "%s", code);
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->message, sizeof e->message, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static void random_hex(char *out, size_t nbytes)
{
    unsigned char buf[32];
    if (nbytes > sizeof buf)
        nbytes = sizeof buf;
    if (RAND_bytes(buf, (int)nbytes) != 1)
        abort(); /* no randomness: nothing safe to do */
    for (size_t i = 0; i < nbytes; i++)
        snprintf(out + 2 * i, 3, "%02x", buf[i]);
}

static void random_uuid(char out[37])
{
    char h[33];
    random_hex(h, 16);
    h[12] = '4';
    h[16] = "89ab"[h[16] % 4];
    snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

static char *dup_str(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void copy(char *dst, size_t size, const char *src)
{
    /* truncating copy: every field has a fixed size and inputs were checked before */
    size_t n = src ? strlen(src) : 0;
    if (n >= size)
        n = size - 1;
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

static const char *jstr(json_object *o, const char *key)
{
    json_object *v;
    if (o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string))
        return json_object_get_string(v);
    return NULL;
}

static int64_t jint(json_object *o, const char *key, int64_t dflt)
{
    json_object *v;
    if (o && json_object_object_get_ex(o, key, &v) &&
        (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_boolean)))
        return json_object_get_int64(v);
    return dflt;
}

static int jhas(json_object *o, const char *key, json_object **v)
{
    return o && json_object_object_get_ex(o, key, v) && *v &&
           !json_object_is_type(*v, json_type_null);
}

static void add_str(json_object *o, const char *k, const char *v)
{
    json_object_object_add(o, k, json_object_new_string(v ? v : ""));
}
static void add_int(json_object *o, const char *k, int64_t v)
{
    json_object_object_add(o, k, json_object_new_int64(v));
}
static void add_bool(json_object *o, const char *k, int v)
{
    json_object_object_add(o, k, json_object_new_boolean(v ? 1 : 0));
}

/* ================================================================= small rules */

int org_code_normalize(const char *in, char out[21])
{
    int n = 0;
    if (!in)
        return -1;
    for (const char *p = in; *p; p++) {
        if (*p == '-')
            continue;
        if (!isalnum((unsigned char)*p) || n == 20)
            return -1;
        out[n++] = (char)toupper((unsigned char)*p);
    }
    if (n != 20)
        return -1;
    out[20] = '\0';
    return 0;
}

static const char *const regions[] = {"europe", "canada", "saudi_arabia", "russia", "other"};

int org_region_valid(const char *region)
{
    for (size_t i = 0; region && i < sizeof regions / sizeof *regions; i++)
        if (strcmp(region, regions[i]) == 0)
            return 1;
    return 0;
}

const char *org_region_storage(const char *region)
{
    if (!strcmp(region, "europe") || !strcmp(region, "canada"))
        return "northern_europe";
    if (!strcmp(region, "saudi_arabia"))
        return "ksa";
    return "russia";
}

const char *org_region_language(const char *region)
{
    return strcmp(region, "russia") == 0 ? "ru" : "en";
}

int org_region_kata(const char *region)
{
    return strcmp(region, "saudi_arabia") != 0;
}

const char *const *org_region_agreements(const char *region)
{
    /* The Data Processing Agreement is shown "for some regions only": those whose
     * sub-processors the help lists under a DPA (Europe, Canada, Saudi Arabia). */
    static const char *const with_dpa[] = {"mdr_agreement", "dpa", NULL};
    static const char *const without_dpa[] = {"mdr_agreement", NULL};
    if (!strcmp(region, "europe") || !strcmp(region, "canada") || !strcmp(region, "saudi_arabia"))
        return with_dpa;
    return without_dpa;
}

static const char *agreement_title(const char *id)
{
    return strcmp(id, "dpa") == 0 ? "Data Processing Agreement" : "MDR Agreement";
}

static const char *const tiers[] = {"expert", "optimum", "basic", "advanced", "prime"};
static const char *const tier_titles[] = {"MDR Expert", "MDR Optimum", "MDR Basic", "MDR Advanced",
                                          "MDR Prime"};

int org_tier_valid(const char *tier)
{
    for (size_t i = 0; tier && i < 5; i++)
        if (!strcmp(tier, tiers[i]))
            return 1;
    return 0;
}

const char *org_tier_title(const char *tier)
{
    for (size_t i = 0; i < 5; i++)
        if (!strcmp(tier, tiers[i]))
            return tier_titles[i];
    return tier;
}

int org_tier_rest_api(const char *tier)
{
    return !strcmp(tier, "expert") || !strcmp(tier, "advanced") || !strcmp(tier, "prime");
}

static const char *type_name(int type)
{
    return type == ORG_TRIAL ? "trial" : type == ORG_SUBSCRIPTION ? "subscription" : "commercial";
}

int org_type_parse(const char *s)
{
    if (!s)
        return -1;
    if (!strcmp(s, "trial"))
        return ORG_TRIAL;
    if (!strcmp(s, "commercial"))
        return ORG_COMMERCIAL;
    if (!strcmp(s, "subscription"))
        return ORG_SUBSCRIPTION;
    return -1;
}

int org_text_valid(const char *s, size_t max, int allow_newlines, int allow_empty)
{
    if (!s)
        return 0;
    size_t n = 0;
    int visible = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++) {
        if (*p >= 0x21 && *p <= 0x7e)
            visible = 1;
        else if (*p == ' ')
            ;
        else if (allow_newlines && (*p == '\n' || *p == '\r' || *p == '\t'))
            ;
        else
            return 0; /* Latin letters, digits and special characters only */
    }
    if (n > max)
        return 0;
    return allow_empty ? 1 : visible;
}

int org_email_valid(const char *s)
{
    if (!s || strlen(s) > ORG_EMAIL_MAX)
        return 0;
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@'))
        return 0;
    const char *dot = strrchr(at + 1, '.');
    if (!dot || dot == at + 1 || dot[1] == '\0')
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= 0x20 || *p > 0x7e || *p == ',' || *p == ';' || *p == '<' || *p == '>' ||
            *p == '"')
            return 0;
    return 1;
}

int64_t org_license_last_day_ms(const org_license *l)
{
    int64_t last = l->expiration_ms - 1;
    return last - (last % ORG_DAY_MS);
}

const char *org_license_status(const org_license *l, int64_t now_ms)
{
    if (l->removed)
        return "Removed";
    if (l->deleted)
        return "Deleted";
    if (l->blocked)
        return "Blocked";
    if (!l->activation_ms)
        return "Inactive";
    if (now_ms >= l->expiration_ms)
        return "Expired";
    return "Active";
}

int org_license_current(const org_license *l, int64_t now_ms)
{
    return strcmp(org_license_status(l, now_ms), "Active") == 0;
}

long org_custom_quota(size_t connected_assets)
{
    return 3 + (long)(connected_assets / 10000);
}

int64_t org_week_start_ms(int64_t now_ms)
{
    int64_t day = now_ms / ORG_DAY_MS;
    /* 1970-01-01 was a Thursday: day 0 → weekday 3 (Monday = 0). */
    int64_t weekday = (day + 3) % 7;
    return (day - weekday) * ORG_DAY_MS;
}

/* ================================================================= lifecycle */

org_world *org_world_new(void)
{
    return calloc(1, sizeof(org_world));
}

static void tenant_free(org_tenant *t)
{
    if (t) {
        free(t->description);
        free(t);
    }
}

static void schedule_free(org_schedule *s)
{
    if (!s)
        return;
    free(s->name);
    for (int i = 0; i < s->email_count; i++)
        free(s->emails[i]);
    free(s);
}

static void org_free(org_org *o)
{
    if (!o)
        return;
    for (int i = 0; i < o->tenant_slots; i++)
        tenant_free(o->tenants[i]);
    for (int i = 0; i < o->schedule_count; i++)
        schedule_free(o->schedules[i]);
    free(o->ksn_pem);
    free(o);
}

void org_world_free(org_world *w)
{
    if (!w)
        return;
    for (int i = 0; i < w->org_count; i++)
        org_free(w->orgs[i]);
    free(w);
}

int org_org_add(org_world *w, const char *name)
{
    if (w->org_count >= ORG_MAX_ORGS)
        return -1;
    org_org *o = calloc(1, sizeof *o);
    if (!o)
        return -1;
    char hex[17];
    random_hex(hex, 8);
    snprintf(o->id, sizeof o->id, "org-%s", hex);
    copy(o->name, sizeof o->name, name);
    copy(o->language, sizeof o->language, "en");
    w->orgs[w->org_count] = o;
    return w->org_count++;
}

int org_account_add(org_world *w, const char *login, const char *password, int org,
                    const char *kind)
{
    if (w->account_count >= ORG_MAX_ACCOUNTS || org_account_find(w, login) >= 0)
        return -1;
    org_account *a = &w->accounts[w->account_count];
    memset(a, 0, sizeof *a);
    copy(a->login, sizeof a->login, login);
    if (password) {
        copy(a->password, sizeof a->password, password);
    } else {
        random_hex(a->password, 12);
    }
    a->org = org;
    copy(a->kind, sizeof a->kind, kind);
    return w->account_count++;
}

int org_code_add(org_world *w, const char *tier, const char *region, int type, int assets_limit,
                 int term_days, uint64_t salt, char out_code[21])
{
    if (w->code_count >= ORG_MAX_CODES)
        return -1;
    static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    org_code *c = &w->codes[w->code_count];
    memset(c, 0, sizeof *c);
    unsigned char rnd[20];
    if (salt) { /* deterministic codes for seeded data */
        uint64_t x = salt;
        for (int i = 0; i < 20; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            rnd[i] = (unsigned char)(x >> 33);
        }
    } else if (RAND_bytes(rnd, sizeof rnd) != 1) {
        return -1;
    }
    for (int i = 0; i < 20; i++)
        c->code[i] = alphabet[rnd[i] % 32];
    c->code[20] = '\0';
    copy(c->tier, sizeof c->tier, tier);
    copy(c->region, sizeof c->region, region);
    c->type = type;
    c->assets_limit = assets_limit;
    c->term_days = term_days;
    c->org = -1;
    if (out_code)
        memcpy(out_code, c->code, 21);
    return w->code_count++;
}

static org_code *code_find(org_world *w, const char *normalized)
{
    for (int i = 0; i < w->code_count; i++)
        if (!strcmp(w->codes[i].code, normalized))
            return &w->codes[i];
    return NULL;
}

static org_license *license_new(org_org *o, const org_code *c)
{
    if (o->license_count >= ORG_MAX_LICENSES)
        return NULL;
    org_license *l = &o->licenses[o->license_count++];
    memset(l, 0, sizeof *l);
    char hex[17];
    random_hex(hex, 8);
    for (char *p = hex; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    snprintf(l->id, sizeof l->id, "MDR-%s", hex);
    memcpy(l->code, c->code, 21);
    copy(l->tier, sizeof l->tier, c->tier);
    copy(l->region, sizeof l->region, c->region);
    l->type = c->type;
    l->assets_limit = c->assets_limit;
    l->term_days = c->term_days;
    return l;
}

static void license_activate(org_license *l, const char *region, int64_t now_ms)
{
    copy(l->region, sizeof l->region, region);
    l->activation_ms = now_ms;
    l->expiration_ms = now_ms + (int64_t)l->term_days * ORG_DAY_MS;
    l->removed = 0;
}

int org_license_provision(org_world *w, int org, const char *code, org_err *e)
{
    char norm[21];
    org_code *c;
    if (org_code_normalize(code, norm) || !(c = code_find(w, norm)))
        return fail(e, 404, "code_unknown", "Unknown activation code.");
    org_license *l = license_new(w->orgs[org], c);
    if (!l)
        return fail(e, 409, "license_limit", "Too many licenses.");
    c->org = org;
    return 0;
}

static org_tenant *tenant_slot(org_org *o)
{
    if (o->tenant_slots >= ORG_TENANT_SLOTS)
        return NULL;
    org_tenant *t = calloc(1, sizeof *t);
    if (t)
        o->tenants[o->tenant_slots++] = t;
    return t;
}

org_tenant *org_tenant_adopt(org_world *w, int org, const char *name, int core_index,
                             int64_t now_ms)
{
    org_org *o = w->orgs[org];
    if (org_tenant_count(o) >= ORG_MAX_TENANTS)
        return NULL;
    org_tenant *t = tenant_slot(o);
    if (!t)
        return NULL;
    random_uuid(t->id);
    copy(t->name, sizeof t->name, name);
    t->description = strdup("");
    t->active = 1;
    t->core_index = core_index;
    t->created_ms = now_ms;
    return t;
}

/* ================================================================= lookups */

int org_account_find(const org_world *w, const char *login)
{
    for (int i = 0; login && i < w->account_count; i++)
        if (!strcasecmp(w->accounts[i].login, login))
            return i;
    return -1;
}

int org_account_check(const org_world *w, const char *login, const char *password)
{
    int a = org_account_find(w, login);
    if (a < 0 || !password)
        return -1;
    /* Constant-time compare: a sign-in must not leak the password's prefix. */
    const char *p = w->accounts[a].password;
    size_t n = strlen(p), m = strlen(password);
    unsigned char diff = (unsigned char)(n != m);
    for (size_t i = 0; i < n; i++)
        diff |= (unsigned char)(p[i] ^ (i < m ? password[i] : 0));
    return diff ? -1 : a;
}

org_license *org_license_find(org_org *o, const char *id)
{
    for (int i = 0; id && i < o->license_count; i++)
        if (!strcmp(o->licenses[i].id, id))
            return &o->licenses[i];
    return NULL;
}

org_tenant *org_tenant_find(org_org *o, const char *id)
{
    for (int i = 0; id && i < o->tenant_slots; i++)
        if (!o->tenants[i]->deleted && !strcmp(o->tenants[i]->id, id))
            return o->tenants[i];
    return NULL;
}

int org_tenant_count(const org_org *o)
{
    int n = 0;
    for (int i = 0; i < o->tenant_slots; i++)
        n += !o->tenants[i]->deleted;
    return n;
}

int org_has_current_license(const org_org *o, int64_t now_ms)
{
    for (int i = 0; i < o->license_count; i++)
        if (org_license_current(&o->licenses[i], now_ms))
            return 1;
    return 0;
}

int64_t org_tenant_expiration_ms(const org_tenant *t)
{
    int64_t max = 0;
    for (int i = 0; i < t->file_count; i++)
        if (t->files[i].expiration_ms > max)
            max = t->files[i].expiration_ms;
    return max;
}

const char *org_tenant_status(const org_tenant *t, int64_t now_ms)
{
    if (!t->active)
        return "Inactive";
    /* Automatically Inactive at the end of the tenant's lifetime. */
    if (t->file_count > 0 && now_ms >= org_tenant_expiration_ms(t))
        return "Inactive";
    return "Active";
}

size_t org_tenant_assets(const org_world *w, const org_tenant *t)
{
    return w->assets && !t->deleted ? w->assets(w->assets_ud, t->core_index) : 0;
}

const org_license *org_tenant_license(org_org *o, const org_tenant *t, int64_t now_ms)
{
    const org_license *best = NULL;
    int64_t best_exp = 0;
    for (int i = 0; i < t->file_count; i++) {
        const org_license *l = org_license_find(o, t->files[i].license_id);
        if (l && org_license_current(l, now_ms) && t->files[i].expiration_ms > now_ms &&
            t->files[i].expiration_ms > best_exp) {
            best = l;
            best_exp = t->files[i].expiration_ms;
        }
    }
    return best;
}

static const org_license *first_current(const org_org *o, int64_t now_ms)
{
    for (int i = 0; i < o->license_count; i++)
        if (org_license_current(&o->licenses[i], now_ms))
            return &o->licenses[i];
    return NULL;
}

static int org_index(const org_world *w, const org_org *o)
{
    for (int i = 0; i < w->org_count; i++)
        if (w->orgs[i] == o)
            return i;
    return -1;
}

/* Assets that count against license l (or against any current license when l is NULL).
 * Root-tenant assets belong to the seeded organization (index 0) only. */
static size_t license_assets(const org_world *w, org_org *o, const org_license *l, int64_t now_ms)
{
    if (o->state != ORG_ACTIVE)
        return 0;
    size_t n = 0;
    for (int i = 0; i < o->tenant_slots; i++) {
        const org_tenant *t = o->tenants[i];
        if (t->deleted || strcmp(org_tenant_status(t, now_ms), "Active"))
            continue;
        const org_license *tl = org_tenant_license(o, t, now_ms);
        if (tl && (!l || tl == l))
            n += org_tenant_assets(w, t);
    }
    const org_license *root = first_current(o, now_ms);
    if (root && (!l || root == l) && org_index(w, o) == 0 && w->assets)
        n += w->assets(w->assets_ud, -1);
    return n;
}

size_t org_connected_assets(const org_world *w, const org_org *o, int64_t now_ms)
{
    return license_assets(w, (org_org *)o, NULL, now_ms);
}

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
        add_str(a, "title", agreement_title(*id));
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
static int usable_code(org_world *w, int org, const char *code, const char *region, org_code **out,
                       org_err *e)
{
    char norm[21];
    if (org_code_normalize(code, norm))
        return fail(e, 400, "invalid_code_format",
                    "An activation code is 20 letters and digits (dashes allowed).");
    if (!org_region_valid(region))
        return fail(e, 400, "invalid_region",
                    "Unknown region (europe, canada, saudi_arabia, russia, other).");
    org_code *c = code_find(w, norm);
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
    if (usable_code(w, a->org, code, region, &c, e))
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
                        agreement_title(*n));
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
        if (usable_code(w, a->org, a->pending.code, a->pending.region, &c, e)) {
            org_activation_cancel(w, account);
            return -1;
        }
        int provisioned = 0;
        for (int i = 0; i < o->license_count; i++) {
            org_license *l = &o->licenses[i];
            if (!l->activation_ms && !l->removed && !l->deleted && !l->blocked) {
                license_activate(l, a->pending.region, now_ms);
                provisioned = 1;
            }
        }
        if (!provisioned || c->org != a->org) {
            org_license *l = license_new(o, c);
            if (!l)
                return fail(e, 409, "license_limit", "Too many licenses.");
            license_activate(l, a->pending.region, now_ms);
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
    if (usable_code(w, a->org, code, region, &c, e))
        return -1;
    if (strcmp(region, o->region))
        return fail(e, 422, "region_mismatch",
                    "The organization's region is '%s'; a new code cannot move it to '%s'.",
                    o->region, region);
    for (int i = 0; i < o->license_count; i++)
        if (!strcmp(o->licenses[i].code, c->code) && org_license_current(&o->licenses[i], now_ms))
            return fail(e, 409, "code_in_use", "This activation code is already applied.");
    org_license *l = license_new(o, c);
    if (!l)
        return fail(e, 409, "license_limit", "Too many licenses.");
    license_activate(l, region, now_ms);
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

/* ================================================================= licenses */

json_object *org_license_json(const org_world *w, org_org *o, const org_license *l, int64_t now_ms)
{
    json_object *j = json_object_new_object();
    char name[96];
    snprintf(name, sizeof name, "%s, %d assets", org_tier_title(l->tier), l->assets_limit);
    size_t connected = org_license_current(l, now_ms) ? license_assets(w, o, l, now_ms) : 0;
    add_str(j, "license_id", l->id);
    add_str(j, "name", name);
    add_str(j, "tier", l->tier);
    add_str(j, "region", l->region);
    add_str(j, "type", type_name(l->type));
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
    if (usable_code(w, org, code, o->region, &c, e))
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
    org_license *l = license_new(o, c);
    if (!l)
        return fail(e, 409, "license_limit", "Too many licenses.");
    license_activate(l, o->region, now_ms);
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
        const org_license *root = first_current(o, now_ms);
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
    } else if (creating && !first_current(o, now_ms)) {
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
        const org_license *l = first_current(o, now_ms);
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
    org_tenant *t = tenant_slot(o);
    if (!t) {
        fail(e, 409, "tenant_limit", "No room for more tenants.");
        return NULL;
    }
    random_uuid(t->id);
    t->description = strdup("");
    t->active = 1; /* the Active toggle is on by default */
    t->core_index = core_index;
    t->created_ms = now_ms;
    t->auto_accept = o->auto_mode == ORG_AUTO_ALL;
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
        add_int(x, "connected_assets", (int64_t)license_assets(w, o, l, now_ms));
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
        json_object *ts;
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
            }
        }
    }
    if (mode != o->auto_mode && mode != ORG_AUTO_PER_TENANT) {
        for (int i = 0; i < o->tenant_slots; i++) {
            flags_changed |= flags[i] != (mode == ORG_AUTO_ALL);
            flags[i] = mode == ORG_AUTO_ALL;
        }
    }
    if (ext == o->extended_notifications && consent == o->extended_consent &&
        !strcmp(lang, o->language) && mode == o->auto_mode && !flags_changed)
        return fail(e, 409, "no_changes", "Nothing changed.");
    o->extended_notifications = ext;
    o->extended_consent = consent;
    copy(o->language, sizeof o->language, lang);
    o->auto_mode = mode;
    for (int i = 0; i < o->tenant_slots; i++)
        o->tenants[i]->auto_accept = flags[i];
    return 0;
}

/* ================================================================= notifications */

static json_object *channel_json(const org_channel *c)
{
    json_object *j = json_object_new_object();
    add_bool(j, "enabled", c->enabled);
    add_bool(j, "incidents", c->incidents);
    add_bool(j, "comments", c->comments);
    add_bool(j, "responses", c->responses);
    return j;
}

json_object *org_notifications_json(const org_org *o, int64_t now_ms)
{
    json_object *j = json_object_new_object();
    json_object *em = channel_json(&o->email);
    add_str(em, "address", o->email_address);
    add_bool(em, "verified", o->email_verified);
    json_object *ver = json_object_new_object();
    const char *vs = "none";
    if (o->email_pending_address[0]) {
        if (o->email_wrong_tries >= ORG_CODE_TRIES)
            vs = "resend_required";
        else if (now_ms >= o->email_code_expires_ms)
            vs = "expired";
        else
            vs = "pending";
        add_str(ver, "address", o->email_pending_address);
        add_int(ver, "expires_time", o->email_code_expires_ms);
        add_int(ver, "tries_left", ORG_CODE_TRIES - o->email_wrong_tries);
    }
    add_str(ver, "status", vs);
    json_object_object_add(em, "verification", ver);
    json_object_object_add(j, "email", em);
    json_object *tg = channel_json(&o->telegram);
    add_bool(tg, "subscribed", o->telegram_subscribed);
    add_bool(tg, "link_outstanding", o->telegram_link[0] != 0);
    json_object_object_add(j, "telegram", tg);
    return j;
}

static int read_channel(json_object *in, org_channel *c, org_err *e)
{
    json_object *v;
    int *fields[] = {&c->incidents, &c->comments, &c->responses};
    const char *names[] = {"incidents", "comments", "responses"};
    for (int i = 0; i < 3; i++) {
        *fields[i] = 0;
        if (jhas(in, names[i], &v)) {
            if (!json_object_is_type(v, json_type_boolean))
                return fail(e, 400, "invalid_parameter", "%s must be a boolean.", names[i]);
            *fields[i] = json_object_get_boolean(v);
        }
    }
    if (!c->incidents && !c->comments && !c->responses)
        return fail(e, 422, "category_required",
                    "Select at least one of incidents, comments, responses.");
    c->enabled = 1;
    return 0;
}

static void new_code(org_org *o, int64_t now_ms)
{
    unsigned char r[4];
    if (RAND_bytes(r, sizeof r) != 1)
        abort();
    unsigned v = ((unsigned)r[0] << 24 | (unsigned)r[1] << 16 | (unsigned)r[2] << 8 | r[3]);
    snprintf(o->email_code, sizeof o->email_code, "%06u", v % 1000000u);
    o->email_code_expires_ms = now_ms + ORG_CODE_TTL_MS;
    o->email_wrong_tries = 0;
}

int org_email_start(org_org *o, json_object *in, int64_t now_ms, org_err *e)
{
    const char *addr = jstr(in, "address");
    org_channel c = {0};
    if (!org_email_valid(addr))
        return fail(e, 400, "invalid_email", "A valid email address is required.");
    if (read_channel(in, &c, e))
        return -1;
    copy(o->email_pending_address, sizeof o->email_pending_address, addr);
    o->email_pending = c;
    new_code(o, now_ms);
    return 0;
}

int org_email_verify(org_org *o, const char *code, int64_t now_ms, org_err *e)
{
    if (!o->email_pending_address[0])
        return fail(e, 409, "no_verification_pending", "No email address awaits verification.");
    if (!code)
        return fail(e, 400, "missing_parameter", "code is required.");
    if (o->email_wrong_tries >= ORG_CODE_TRIES)
        return fail(e, 409, "resend_required",
                    "Three wrong codes in a row: request a new code (resend).");
    if (now_ms >= o->email_code_expires_ms)
        return fail(e, 409, "code_expired", "The code has expired: request a new code (resend).");
    if (strcmp(code, o->email_code)) {
        o->email_wrong_tries++;
        if (o->email_wrong_tries >= ORG_CODE_TRIES)
            return fail(e, 409, "resend_required",
                        "Three wrong codes in a row: request a new code (resend).");
        return fail(e, 422, "code_invalid", "Wrong code: %d tries left.",
                    ORG_CODE_TRIES - o->email_wrong_tries);
    }
    copy(o->email_address, sizeof o->email_address, o->email_pending_address);
    o->email = o->email_pending;
    o->email_verified = 1;
    o->email_pending_address[0] = '\0';
    o->email_code[0] = '\0';
    o->email_wrong_tries = 0;
    return 0;
}

int org_email_resend(org_org *o, int64_t now_ms, org_err *e)
{
    if (!o->email_pending_address[0])
        return fail(e, 409, "no_verification_pending", "No email address awaits verification.");
    new_code(o, now_ms);
    return 0;
}

void org_email_disable(org_org *o)
{
    memset(&o->email, 0, sizeof o->email);
    o->email_pending_address[0] = '\0';
    o->email_code[0] = '\0';
}

int org_telegram_link(org_org *o, json_object *in, char out_token[33], org_err *e)
{
    org_channel c = {0};
    if (o->telegram_subscribed)
        return fail(e, 409, "already_subscribed",
                    "A Telegram account is subscribed: unsubscribe first to use another one.");
    if (read_channel(in, &c, e))
        return -1;
    o->telegram = c;
    random_hex(o->telegram_link, 16);
    memcpy(out_token, o->telegram_link, 33);
    return 0;
}

int org_telegram_use_link(org_world *w, const char *token, org_err *e)
{
    for (int i = 0; token && *token && i < w->org_count; i++) {
        org_org *o = w->orgs[i];
        if (!strcmp(o->telegram_link, token)) {
            o->telegram_subscribed = 1;
            o->telegram_link[0] = '\0'; /* one Telegram account per link */
            return 0;
        }
    }
    return fail(e, 404, "link_unknown", "Unknown or already used link.");
}

void org_telegram_unsubscribe(org_org *o)
{
    memset(&o->telegram, 0, sizeof o->telegram);
    o->telegram_subscribed = 0;
    o->telegram_link[0] = '\0';
}

/* ================================================================= report schedules */

static const char *const days[] = {"monday", "tuesday",  "wednesday", "thursday",
                                   "friday", "saturday", "sunday",    "every_day"};

json_object *org_schedule_json(const org_org *o, const org_schedule *s)
{
    (void)o;
    json_object *j = json_object_new_object();
    add_str(j, "schedule_id", s->id);
    add_str(j, "name", s->name);
    add_bool(j, "enabled", s->enabled);
    if (s->tenant_id[0])
        add_str(j, "tenant_id", s->tenant_id);
    else
        json_object_object_add(j, "tenant_id", NULL);
    json_object *em = json_object_new_array();
    for (int i = 0; i < s->email_count; i++)
        json_object_array_add(em, json_object_new_string(s->emails[i]));
    json_object_object_add(j, "emails", em);
    add_str(j, "day", days[s->day]);
    char t[16];
    snprintf(t, sizeof t, "%02d:%02d", s->minute / 60, s->minute % 60);
    add_str(j, "time", t);
    add_bool(j, "acknowledged", 1);
    add_int(j, "created_time", s->created_ms);
    return j;
}

json_object *org_schedules_list(const org_org *o)
{
    json_object *arr = json_object_new_array();
    for (int i = 0; i < o->schedule_count; i++)
        json_object_array_add(arr, org_schedule_json(o, o->schedules[i]));
    return arr;
}

org_schedule *org_schedule_find(org_org *o, const char *id)
{
    for (int i = 0; id && i < o->schedule_count; i++)
        if (!strcmp(o->schedules[i]->id, id))
            return o->schedules[i];
    return NULL;
}

static int tenant_schedules(const org_org *o, const char *tenant_id, const org_schedule *skip)
{
    int n = 0;
    for (int i = 0; i < o->schedule_count; i++)
        n += o->schedules[i] != skip && !strcmp(o->schedules[i]->tenant_id, tenant_id);
    return n;
}

/* Parses a schedule request into `out` (fresh strings); `current` for updates. */
static int parse_schedule(org_org *o, json_object *in, const org_schedule *current,
                          org_schedule *out, org_err *e)
{
    json_object *v = NULL;
    if (current) {
        *out = *current;
        out->name = NULL;
        out->email_count = 0;
    }
    if (!jhas(in, "acknowledged", &v) || !json_object_is_type(v, json_type_boolean) ||
        !json_object_get_boolean(v))
        return fail(e, 422, "acknowledgement_required",
                    "Reports travel by email as unencrypted PDF: acknowledge this "
                    "(acknowledged: true).");
    const char *name = jstr(in, "name");
    if (name || !current) {
        if (!name || !org_text_valid(name, ORG_SCHEDULE_NAME_MAX, 0, 0))
            return fail(e, 400, "invalid_name",
                        "A schedule name is 1 to %d Latin letters, digits and special "
                        "characters.",
                        ORG_SCHEDULE_NAME_MAX);
    }
    if (jhas(in, "enabled", &v)) {
        if (!json_object_is_type(v, json_type_boolean))
            return fail(e, 400, "invalid_parameter", "enabled must be a boolean.");
        out->enabled = json_object_get_boolean(v);
    } else if (!current) {
        out->enabled = 1;
    }
    if (json_object_object_get_ex(in, "tenant_id", &v)) {
        const char *tid = jstr(in, "tenant_id");
        if (v && !tid)
            return fail(e, 400, "invalid_parameter", "tenant_id is a tenant ID or null.");
        if (tid && !org_tenant_find(o, tid))
            return fail(e, 404, "tenant_not_found", "Unknown tenant.");
        copy(out->tenant_id, sizeof out->tenant_id, tid);
    }
    const char *day = jstr(in, "day");
    if (day || !current) {
        int d = -1;
        for (int i = 0; day && i < 8; i++)
            if (!strcmp(day, days[i]))
                d = i;
        if (d < 0)
            return fail(e, 400, "invalid_day", "day is a weekday (monday…sunday) or every_day.");
        out->day = d;
    }
    const char *time = jstr(in, "time");
    if (time || !current) {
        int ok = time && strlen(time) == 5 && time[2] == ':' && isdigit((unsigned char)time[0]) &&
                 isdigit((unsigned char)time[1]) && isdigit((unsigned char)time[3]) &&
                 isdigit((unsigned char)time[4]);
        int hh = ok ? (time[0] - '0') * 10 + time[1] - '0' : 0;
        int mm = ok ? (time[3] - '0') * 10 + time[4] - '0' : 0;
        if (!ok || hh > 23 || mm > 59)
            return fail(e, 400, "invalid_time", "time is HH:MM, 24-hour, UTC.");
        out->minute = hh * 60 + mm;
    }
    /* emails: an array, or the console's comma-separated text */
    char *list[ORG_MAX_EMAILS];
    int n = 0;
    if (jhas(in, "emails", &v) || !current) {
        char *text = NULL;
        if (v && json_object_is_type(v, json_type_string)) {
            text = strdup(json_object_get_string(v));
        } else if (v && json_object_is_type(v, json_type_array)) {
            size_t cap = 1;
            for (size_t i = 0; i < json_object_array_length(v); i++) {
                json_object *x = json_object_array_get_idx(v, i);
                if (!json_object_is_type(x, json_type_string))
                    return fail(e, 400, "invalid_email", "emails must be strings.");
                cap += strlen(json_object_get_string(x)) + 1;
            }
            text = calloc(1, cap);
            for (size_t i = 0; text && i < json_object_array_length(v); i++) {
                strcat(text, json_object_get_string(json_object_array_get_idx(v, i)));
                strcat(text, ",");
            }
        } else {
            return fail(e, 400, "invalid_email", "emails (one or more addresses) is required.");
        }
        if (!text)
            return fail(e, 500, "internal", "Out of memory.");
        char *save = NULL;
        for (char *tok = strtok_r(text, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            while (*tok == ' ')
                tok++;
            char *end = tok + strlen(tok);
            while (end > tok && end[-1] == ' ')
                *--end = '\0';
            if (!*tok)
                continue;
            if (!org_email_valid(tok) || n == ORG_MAX_EMAILS) {
                char bad[64];
                copy(bad, sizeof bad, tok);
                for (int i = 0; i < n; i++)
                    free(list[i]);
                free(text);
                if (n == ORG_MAX_EMAILS)
                    return fail(e, 400, "invalid_email", "At most %d addresses.", ORG_MAX_EMAILS);
                return fail(e, 400, "invalid_email", "Not an email address: %s", bad);
            }
            list[n++] = strdup(tok);
        }
        free(text);
        if (n == 0)
            return fail(e, 400, "invalid_email", "emails (one or more addresses) is required.");
    } else {
        for (int i = 0; i < current->email_count; i++)
            list[n++] = strdup(current->emails[i]);
    }
    out->name = strdup(name ? name : current->name);
    out->email_count = n;
    for (int i = 0; i < n; i++)
        out->emails[i] = list[i];
    return 0;
}

static int schedule_limits(const org_org *o, const org_schedule *s, const org_schedule *skip,
                           org_err *e)
{
    if (!skip && o->schedule_count >= ORG_MAX_SCHEDULES)
        return fail(e, 409, "schedule_limit", "An organization has at most %d schedules.",
                    ORG_MAX_SCHEDULES);
    if (s->tenant_id[0] && tenant_schedules(o, s->tenant_id, skip) >= ORG_MAX_SCHEDULES_TENANT)
        return fail(e, 409, "tenant_schedule_limit", "A tenant has at most %d schedules.",
                    ORG_MAX_SCHEDULES_TENANT);
    return 0;
}

static void schedule_fields_free(org_schedule *s)
{
    free(s->name);
    for (int i = 0; i < s->email_count; i++)
        free(s->emails[i]);
}

org_schedule *org_schedule_create(org_org *o, json_object *in, int64_t now_ms, org_err *e)
{
    org_schedule tmp;
    memset(&tmp, 0, sizeof tmp);
    if (o->schedule_count >= ORG_MAX_SCHEDULES) {
        fail(e, 409, "schedule_limit", "An organization has at most %d schedules.",
             ORG_MAX_SCHEDULES);
        return NULL;
    }
    if (parse_schedule(o, in, NULL, &tmp, e))
        return NULL;
    if (schedule_limits(o, &tmp, NULL, e)) {
        schedule_fields_free(&tmp);
        return NULL;
    }
    org_schedule *s = malloc(sizeof *s);
    if (!s) {
        schedule_fields_free(&tmp);
        fail(e, 500, "internal", "Out of memory.");
        return NULL;
    }
    *s = tmp;
    random_uuid(s->id);
    s->created_ms = now_ms;
    o->schedules[o->schedule_count++] = s;
    return s;
}

int org_schedule_update(org_org *o, org_schedule *s, json_object *in, org_err *e)
{
    org_schedule tmp;
    memset(&tmp, 0, sizeof tmp);
    if (parse_schedule(o, in, s, &tmp, e))
        return -1;
    if (schedule_limits(o, &tmp, s, e)) {
        schedule_fields_free(&tmp);
        return -1;
    }
    schedule_fields_free(s);
    *s = tmp;
    return 0;
}

int org_schedule_delete(org_org *o, const char *id, org_err *e)
{
    for (int i = 0; id && i < o->schedule_count; i++) {
        if (strcmp(o->schedules[i]->id, id))
            continue;
        schedule_free(o->schedules[i]);
        memmove(&o->schedules[i], &o->schedules[i + 1],
                sizeof o->schedules[0] * (size_t)(o->schedule_count - i - 1));
        o->schedule_count--;
        return 0;
    }
    return fail(e, 404, "schedule_not_found", "Unknown schedule.");
}

/* ================================================================= persistence */

static json_object *channel_save(const org_channel *c)
{
    json_object *j = json_object_new_array();
    json_object_array_add(j, json_object_new_int(c->enabled));
    json_object_array_add(j, json_object_new_int(c->incidents));
    json_object_array_add(j, json_object_new_int(c->comments));
    json_object_array_add(j, json_object_new_int(c->responses));
    return j;
}

static void channel_load(json_object *j, org_channel *c)
{
    if (!j || !json_object_is_type(j, json_type_array) || json_object_array_length(j) != 4)
        return;
    c->enabled = json_object_get_int(json_object_array_get_idx(j, 0));
    c->incidents = json_object_get_int(json_object_array_get_idx(j, 1));
    c->comments = json_object_get_int(json_object_array_get_idx(j, 2));
    c->responses = json_object_get_int(json_object_array_get_idx(j, 3));
}

static json_object *org_save(const org_org *o)
{
    json_object *j = json_object_new_object();
    add_str(j, "id", o->id);
    add_str(j, "name", o->name);
    add_str(j, "region", o->region);
    add_int(j, "state", o->state);
    add_int(j, "had_trial", o->had_trial);
    json_object *lic = json_object_new_array();
    for (int i = 0; i < o->license_count; i++) {
        const org_license *l = &o->licenses[i];
        json_object *x = json_object_new_object();
        add_str(x, "id", l->id);
        add_str(x, "code", l->code);
        add_str(x, "tier", l->tier);
        add_str(x, "region", l->region);
        add_int(x, "type", l->type);
        add_int(x, "limit", l->assets_limit);
        add_int(x, "term", l->term_days);
        add_int(x, "act", l->activation_ms);
        add_int(x, "exp", l->expiration_ms);
        add_int(x, "removed", l->removed);
        add_int(x, "blocked", l->blocked);
        add_int(x, "deleted", l->deleted);
        json_object_array_add(lic, x);
    }
    json_object_object_add(j, "licenses", lic);
    json_object *ten = json_object_new_array();
    for (int i = 0; i < o->tenant_slots; i++) {
        const org_tenant *t = o->tenants[i];
        json_object *x = json_object_new_object();
        add_str(x, "id", t->id);
        add_str(x, "name", t->name);
        add_str(x, "description", t->description);
        add_int(x, "active", t->active);
        add_int(x, "deleted", t->deleted);
        add_int(x, "auto_accept", t->auto_accept);
        add_int(x, "core_index", t->core_index);
        add_int(x, "created", t->created_ms);
        add_int(x, "revision", t->revision);
        json_object *fs = json_object_new_array();
        for (int k = 0; k < t->file_count; k++) {
            json_object *f = json_object_new_object();
            add_str(f, "id", t->files[k].id);
            add_str(f, "license_id", t->files[k].license_id);
            add_int(f, "exp", t->files[k].expiration_ms);
            json_object_array_add(fs, f);
        }
        json_object_object_add(x, "files", fs);
        json_object_array_add(ten, x);
    }
    json_object_object_add(j, "tenants", ten);
    json_object *sch = json_object_new_array();
    for (int i = 0; i < o->schedule_count; i++) {
        json_object *x = org_schedule_json(o, o->schedules[i]);
        json_object_array_add(sch, x);
    }
    json_object_object_add(j, "schedules", sch);
    add_int(j, "extended", o->extended_notifications);
    add_int(j, "extended_consent", o->extended_consent);
    add_str(j, "language", o->language);
    add_int(j, "auto_mode", o->auto_mode);
    json_object_object_add(j, "email", channel_save(&o->email));
    add_str(j, "email_address", o->email_address);
    add_int(j, "email_verified", o->email_verified);
    add_str(j, "email_pending_address", o->email_pending_address);
    json_object_object_add(j, "email_pending", channel_save(&o->email_pending));
    add_str(j, "email_code", o->email_code);
    add_int(j, "email_code_expires", o->email_code_expires_ms);
    add_int(j, "email_wrong_tries", o->email_wrong_tries);
    json_object_object_add(j, "telegram", channel_save(&o->telegram));
    add_str(j, "telegram_link", o->telegram_link);
    add_int(j, "telegram_subscribed", o->telegram_subscribed);
    add_int(j, "ksn_version", o->ksn_version);
    if (o->ksn_pem)
        add_str(j, "ksn_pem", o->ksn_pem);
    return j;
}

json_object *org_world_save(const org_world *w)
{
    json_object *j = json_object_new_object();
    json_object *orgs = json_object_new_array();
    for (int i = 0; i < w->org_count; i++)
        json_object_array_add(orgs, org_save(w->orgs[i]));
    json_object_object_add(j, "orgs", orgs);
    json_object *acc = json_object_new_array();
    for (int i = 0; i < w->account_count; i++) {
        const org_account *a = &w->accounts[i];
        json_object *x = json_object_new_object();
        add_str(x, "login", a->login);
        add_str(x, "password", a->password);
        add_int(x, "org", a->org);
        add_int(x, "tied", a->tied_elsewhere);
        add_int(x, "epoch", a->session_epoch);
        add_int(x, "activated", a->activated);
        add_str(x, "kind", a->kind);
        json_object *sel = json_object_new_array();
        for (int k = 0; k < a->selected_count; k++)
            json_object_array_add(sel, json_object_new_string(a->selected[k]));
        json_object_object_add(x, "selected", sel);
        json_object_array_add(acc, x);
    }
    json_object_object_add(j, "accounts", acc);
    json_object *codes = json_object_new_array();
    for (int i = 0; i < w->code_count; i++) {
        const org_code *c = &w->codes[i];
        json_object *x = json_object_new_object();
        add_str(x, "code", c->code);
        add_str(x, "tier", c->tier);
        add_str(x, "region", c->region);
        add_int(x, "type", c->type);
        add_int(x, "limit", c->assets_limit);
        add_int(x, "term", c->term_days);
        add_int(x, "org", c->org);
        json_object_array_add(codes, x);
    }
    json_object_object_add(j, "codes", codes);
    return j;
}

static json_object *jarr(json_object *o, const char *key)
{
    json_object *v;
    if (o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_array))
        return v;
    return NULL;
}

static int org_load(org_world *w, json_object *j, org_err *e)
{
    int idx = org_org_add(w, jstr(j, "name"));
    if (idx < 0)
        return fail(e, 500, "state", "too many organizations");
    org_org *o = w->orgs[idx];
    copy(o->id, sizeof o->id, jstr(j, "id"));
    copy(o->region, sizeof o->region, jstr(j, "region"));
    o->state = (int)jint(j, "state", 0);
    o->had_trial = (int)jint(j, "had_trial", 0);
    json_object *arr = jarr(j, "licenses");
    for (size_t i = 0; arr && i < json_object_array_length(arr) && i < ORG_MAX_LICENSES; i++) {
        json_object *x = json_object_array_get_idx(arr, i);
        org_license *l = &o->licenses[o->license_count++];
        copy(l->id, sizeof l->id, jstr(x, "id"));
        copy(l->code, sizeof l->code, jstr(x, "code"));
        copy(l->tier, sizeof l->tier, jstr(x, "tier"));
        copy(l->region, sizeof l->region, jstr(x, "region"));
        l->type = (int)jint(x, "type", 1);
        l->assets_limit = (int)jint(x, "limit", 0);
        l->term_days = (int)jint(x, "term", 365);
        l->activation_ms = jint(x, "act", 0);
        l->expiration_ms = jint(x, "exp", 0);
        l->removed = (int)jint(x, "removed", 0);
        l->blocked = (int)jint(x, "blocked", 0);
        l->deleted = (int)jint(x, "deleted", 0);
    }
    arr = jarr(j, "tenants");
    for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
        json_object *x = json_object_array_get_idx(arr, i);
        org_tenant *t = tenant_slot(o);
        if (!t)
            return fail(e, 500, "state", "too many tenants");
        copy(t->id, sizeof t->id, jstr(x, "id"));
        copy(t->name, sizeof t->name, jstr(x, "name"));
        t->description = dup_str(jstr(x, "description") ? jstr(x, "description") : "");
        t->active = (int)jint(x, "active", 1);
        t->deleted = (int)jint(x, "deleted", 0);
        t->auto_accept = (int)jint(x, "auto_accept", 0);
        t->core_index = (int)jint(x, "core_index", -1);
        t->created_ms = jint(x, "created", 0);
        t->revision = (int)jint(x, "revision", 0);
        json_object *fs = jarr(x, "files");
        for (size_t k = 0; fs && k < json_object_array_length(fs) && k < ORG_MAX_CONFIG_FILES;
             k++) {
            json_object *f = json_object_array_get_idx(fs, k);
            org_cfgfile *c = &t->files[t->file_count++];
            copy(c->id, sizeof c->id, jstr(f, "id"));
            copy(c->license_id, sizeof c->license_id, jstr(f, "license_id"));
            c->expiration_ms = jint(f, "exp", 0);
        }
    }
    arr = jarr(j, "schedules");
    for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
        json_object *x = json_object_array_get_idx(arr, i);
        json_object_object_add(x, "acknowledged", json_object_new_boolean(1));
        org_schedule *s = org_schedule_create(o, x, jint(x, "created_time", 0), e);
        if (!s)
            return -1;
        copy(s->id, sizeof s->id, jstr(x, "schedule_id"));
    }
    o->extended_notifications = (int)jint(j, "extended", 0);
    o->extended_consent = (int)jint(j, "extended_consent", 0);
    copy(o->language, sizeof o->language, jstr(j, "language") ? jstr(j, "language") : "en");
    o->auto_mode = (int)jint(j, "auto_mode", 0);
    json_object *v;
    if (json_object_object_get_ex(j, "email", &v))
        channel_load(v, &o->email);
    copy(o->email_address, sizeof o->email_address, jstr(j, "email_address"));
    o->email_verified = (int)jint(j, "email_verified", 0);
    copy(o->email_pending_address, sizeof o->email_pending_address,
         jstr(j, "email_pending_address"));
    if (json_object_object_get_ex(j, "email_pending", &v))
        channel_load(v, &o->email_pending);
    copy(o->email_code, sizeof o->email_code, jstr(j, "email_code"));
    o->email_code_expires_ms = jint(j, "email_code_expires", 0);
    o->email_wrong_tries = (int)jint(j, "email_wrong_tries", 0);
    if (json_object_object_get_ex(j, "telegram", &v))
        channel_load(v, &o->telegram);
    copy(o->telegram_link, sizeof o->telegram_link, jstr(j, "telegram_link"));
    o->telegram_subscribed = (int)jint(j, "telegram_subscribed", 0);
    o->ksn_version = (unsigned)jint(j, "ksn_version", 0);
    o->ksn_pem = dup_str(jstr(j, "ksn_pem"));
    return 0;
}

org_world *org_world_load(json_object *state, org_err *e)
{
    org_world *w = org_world_new();
    if (!w || !state || !json_object_is_type(state, json_type_object)) {
        org_world_free(w);
        fail(e, 500, "state", "the stored organizations are unreadable");
        return NULL;
    }
    json_object *arr = jarr(state, "orgs");
    for (size_t i = 0; arr && i < json_object_array_length(arr); i++)
        if (org_load(w, json_object_array_get_idx(arr, i), e)) {
            org_world_free(w);
            return NULL;
        }
    arr = jarr(state, "accounts");
    for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
        json_object *x = json_object_array_get_idx(arr, i);
        int org = (int)jint(x, "org", -1);
        int a =
            org >= 0 && org < w->org_count
                ? org_account_add(w, jstr(x, "login"), jstr(x, "password"), org, jstr(x, "kind"))
                : -1;
        if (a < 0)
            continue;
        org_account *acc = &w->accounts[a];
        acc->tied_elsewhere = (int)jint(x, "tied", 0);
        acc->session_epoch = (unsigned)jint(x, "epoch", 0);
        acc->activated = (int)jint(x, "activated", 0);
        json_object *sel = jarr(x, "selected");
        for (size_t k = 0; sel && k < json_object_array_length(sel) && k < ORG_MAX_TENANTS; k++)
            copy(acc->selected[acc->selected_count++], sizeof acc->selected[0],
                 json_object_get_string(json_object_array_get_idx(sel, k)));
    }
    arr = jarr(state, "codes");
    for (size_t i = 0; arr && i < json_object_array_length(arr) && i < ORG_MAX_CODES; i++) {
        json_object *x = json_object_array_get_idx(arr, i);
        org_code *c = &w->codes[w->code_count++];
        copy(c->code, sizeof c->code, jstr(x, "code"));
        copy(c->tier, sizeof c->tier, jstr(x, "tier"));
        copy(c->region, sizeof c->region, jstr(x, "region"));
        c->type = (int)jint(x, "type", 1);
        c->assets_limit = (int)jint(x, "limit", 0);
        c->term_days = (int)jint(x, "term", 365);
        c->org = (int)jint(x, "org", -1);
    }
    return w;
}
