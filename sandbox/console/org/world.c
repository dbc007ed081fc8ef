/* world.c — the organization model (org.h): building the world, lookups across it, and
 * saving and loading it whole. */
#include "console/org/internal.h"

#include <ctype.h>
#include <strings.h>

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

void org_schedule_free(org_schedule *s)
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
        org_schedule_free(o->schedules[i]);
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

org_code *org_code_find(org_world *w, const char *normalized)
{
    for (int i = 0; i < w->code_count; i++)
        if (!strcmp(w->codes[i].code, normalized))
            return &w->codes[i];
    return NULL;
}

org_license *org_license_new(org_org *o, const org_code *c)
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

void org_license_activate(org_license *l, const char *region, int64_t now_ms)
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
    if (org_code_normalize(code, norm) || !(c = org_code_find(w, norm)))
        return fail(e, 404, "code_unknown", "Unknown activation code.");
    org_license *l = org_license_new(w->orgs[org], c);
    if (!l)
        return fail(e, 409, "license_limit", "Too many licenses.");
    c->org = org;
    return 0;
}

org_tenant *org_tenant_slot(org_org *o)
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
    org_tenant *t = org_tenant_slot(o);
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

const org_license *org_first_current(const org_org *o, int64_t now_ms)
{
    for (int i = 0; i < o->license_count; i++)
        if (org_license_current(&o->licenses[i], now_ms))
            return &o->licenses[i];
    return NULL;
}

int org_index(const org_world *w, const org_org *o)
{
    for (int i = 0; i < w->org_count; i++)
        if (w->orgs[i] == o)
            return i;
    return -1;
}

/* Assets that count against license l (or against any current license when l is NULL).
 * Root-tenant assets belong to the seeded organization (index 0) only. */
size_t org_license_assets(const org_world *w, org_org *o, const org_license *l, int64_t now_ms)
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
    const org_license *root = org_first_current(o, now_ms);
    if (root && (!l || root == l) && org_index(w, o) == 0 && w->assets)
        n += w->assets(w->assets_ud, -1);
    return n;
}

size_t org_connected_assets(const org_world *w, const org_org *o, int64_t now_ms)
{
    return org_license_assets(w, (org_org *)o, NULL, now_ms);
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

static void notify_save(json_object *j, const org_notify *n)
{
    json_object_object_add(j, "email", channel_save(&n->email));
    add_str(j, "email_address", n->email_address);
    add_int(j, "email_verified", n->email_verified);
    add_str(j, "email_pending_address", n->email_pending_address);
    json_object_object_add(j, "email_pending", channel_save(&n->email_pending));
    add_str(j, "email_code", n->email_code);
    add_int(j, "email_code_expires", n->email_code_expires_ms);
    add_int(j, "email_wrong_tries", n->email_wrong_tries);
    json_object_object_add(j, "telegram", channel_save(&n->telegram));
    add_str(j, "telegram_link", n->telegram_link);
    add_int(j, "telegram_subscribed", n->telegram_subscribed);
}

static void notify_load(json_object *j, org_notify *n)
{
    json_object *v;
    if (json_object_object_get_ex(j, "email", &v))
        channel_load(v, &n->email);
    copy(n->email_address, sizeof n->email_address, jstr(j, "email_address"));
    n->email_verified = (int)jint(j, "email_verified", 0);
    copy(n->email_pending_address, sizeof n->email_pending_address,
         jstr(j, "email_pending_address"));
    if (json_object_object_get_ex(j, "email_pending", &v))
        channel_load(v, &n->email_pending);
    copy(n->email_code, sizeof n->email_code, jstr(j, "email_code"));
    n->email_code_expires_ms = jint(j, "email_code_expires", 0);
    n->email_wrong_tries = (int)jint(j, "email_wrong_tries", 0);
    if (json_object_object_get_ex(j, "telegram", &v))
        channel_load(v, &n->telegram);
    copy(n->telegram_link, sizeof n->telegram_link, jstr(j, "telegram_link"));
    n->telegram_subscribed = (int)jint(j, "telegram_subscribed", 0);
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
    add_int(j, "auto_new_on", o->auto_new_on);
    notify_save(j, &o->notify[0]); /* the account's own, where it always was */
    json_object *rcp = json_object_new_array();
    for (int i = 1; i <= o->recipient_count; i++) {
        json_object *x = json_object_new_object();
        add_str(x, "recipient", o->notify[i].recipient);
        notify_save(x, &o->notify[i]);
        json_object_array_add(rcp, x);
    }
    json_object_object_add(j, "recipients", rcp);
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
        org_tenant *t = org_tenant_slot(o);
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
    o->auto_new_on = (int)jint(j, "auto_new_on", 0);
    json_object *v;
    notify_load(j, &o->notify[0]);
    if (json_object_object_get_ex(j, "recipients", &v) && json_object_is_type(v, json_type_array))
        for (size_t i = 0; i < json_object_array_length(v) && o->recipient_count < ORG_RECIPIENTS;
             i++) {
            json_object *x = json_object_array_get_idx(v, i);
            org_notify *n = &o->notify[++o->recipient_count];
            copy(n->recipient, sizeof n->recipient, jstr(x, "recipient"));
            notify_load(x, n);
        }
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
