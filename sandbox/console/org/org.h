/*
 * org — the MDR cloud's organization model and every rule of the service side
 * (docs/cloud-api.md, product.md): company accounts, activation codes, regions and
 * agreements, licenses, tenants and their configuration files, usage, settings, email and
 * Telegram notifications, report schedules.
 *
 * Pure data and rules: no HTTP, no global state. Time is always passed in (the sandbox
 * clock). The number of assets of a tenant comes from a callback so the core keeps the
 * assets. Every operation either succeeds completely or changes nothing and fills an
 * org_err with the HTTP status, an error code and a message for the JSON error body.
 *
 * One file per area in console/org/: rules.c (the small rules), world.c (building, lookups,
 * save and load), activation.c, licenses.c, tenants.c, usage.c, settings.c,
 * notifications.c, schedules.c; what they share is internal.h.
 */
#ifndef SBX_ORG_H
#define SBX_ORG_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#define ORG_MAX_ORGS 64
#define ORG_MAX_ACCOUNTS 128
#define ORG_MAX_CODES 512
#define ORG_MAX_LICENSES 64
#define ORG_MAX_TENANTS 100  /* per organization (product.md) */
#define ORG_TENANT_SLOTS 400 /* deleted tenants are kept for the archive */
#define ORG_TENANT_NAME_MAX 100
#define ORG_TENANT_DESC_MAX 2000
#define ORG_MAX_CONFIG_FILES 16
#define ORG_MAX_SCHEDULES 50 /* per organization */
#define ORG_MAX_SCHEDULES_TENANT 10
#define ORG_SCHEDULE_NAME_MAX 1000
#define ORG_MAX_EMAILS 20 /* recipients of one schedule */
#define ORG_EMAIL_MAX 254
#define ORG_CODE_TTL_MS (10 * 60 * 1000)
#define ORG_CODE_TRIES 3
#define ORG_RECIPIENTS 64     /* named notification recipients per organization */
#define ORG_RECIPIENT_MAX 255 /* characters of a recipient's name */
#define ORG_DAY_MS (24LL * 3600 * 1000)

typedef struct org_err {
    int status;    /* HTTP status */
    char code[48]; /* machine-readable error code */
    char message[256];
} org_err;

enum org_license_type { ORG_TRIAL = 0, ORG_COMMERCIAL = 1, ORG_SUBSCRIPTION = 2 };

/* An activation code the cloud knows (sold, not necessarily used). */
typedef struct org_code {
    char code[21];   /* 20 upper-case letters and digits, no dashes */
    char tier[16];   /* expert, optimum, basic, advanced, prime */
    char region[16]; /* "" = any region (chosen at activation) */
    int type;        /* enum org_license_type */
    int assets_limit;
    int term_days;
    int org; /* organization it is bound to, -1 = not used yet */
} org_code;

typedef struct org_license {
    char id[40];
    char code[21];
    char tier[16];
    char region[16];
    int type;
    int assets_limit;
    int term_days;
    int64_t activation_ms; /* 0 = never activated (Inactive) */
    int64_t expiration_ms; /* exclusive end of the term */
    int removed, blocked, deleted;
} org_license;

typedef struct org_cfgfile {
    char id[24];
    char license_id[40];
    int64_t expiration_ms;
} org_cfgfile;

typedef struct org_tenant {
    char id[40];
    char name[ORG_TENANT_NAME_MAX + 1];
    char *description;
    int active; /* the manual toggle */
    int deleted;
    int auto_accept; /* per-tenant auto-acceptance flag */
    int core_index;  /* the core's tenant index (assets' tenant_name) */
    int64_t created_ms;
    int revision; /* bumped at every save: the configuration file is regenerated */
    int file_count;
    org_cfgfile files[ORG_MAX_CONFIG_FILES];
} org_tenant;

typedef struct org_schedule {
    char id[40];
    char *name;
    int enabled;
    char tenant_id[40]; /* "" = All tenants */
    int email_count;
    char *emails[ORG_MAX_EMAILS];
    int day;    /* 0 = Monday … 6 = Sunday, 7 = every day */
    int minute; /* minutes after 00:00 UTC */
    int64_t created_ms;
} org_schedule;

enum org_state {
    ORG_NOT_ACTIVATED = 0, /* no current license taken into use */
    ORG_ACTIVE = 1,
    ORG_CONSENT_REVOKED = 2,
    ORG_TERMINATED = 3
};

enum org_auto_mode { ORG_AUTO_OFF = 0, ORG_AUTO_ALL = 1, ORG_AUTO_PER_TENANT = 2 };

typedef struct org_channel { /* a notification channel's categories */
    int enabled;
    int incidents, comments, responses;
} org_channel;

/* One recipient's email and Telegram notifications: the account's own (recipient "") or a
 * named person of the organization (the plug-in names each console user). */
typedef struct org_notify {
    char recipient[ORG_RECIPIENT_MAX + 1];
    /* email */
    org_channel email;
    char email_address[ORG_EMAIL_MAX + 1];
    int email_verified;
    char email_pending_address[ORG_EMAIL_MAX + 1];
    org_channel email_pending; /* categories waiting for verification */
    char email_code[7];        /* "" = no code outstanding */
    int64_t email_code_expires_ms;
    int email_wrong_tries;
    /* Telegram */
    org_channel telegram;
    char telegram_link[33]; /* outstanding one-time link token, "" = none */
    int telegram_subscribed;
} org_notify;

typedef struct org_org {
    char id[40];
    char name[128];
    char region[16]; /* "" until activated */
    int state;       /* enum org_state */
    int had_trial;
    int license_count;
    org_license licenses[ORG_MAX_LICENSES];
    int tenant_slots;
    org_tenant *tenants[ORG_TENANT_SLOTS];
    int schedule_count;
    org_schedule *schedules[ORG_MAX_SCHEDULES];
    /* settings */
    int extended_notifications, extended_consent;
    char language[3];
    int auto_mode;
    int auto_new_on; /* per_tenant mode with "All tenants" ticked: new tenants start on */
    /* notifications: [0] the account's own, [1..recipient_count] named recipients */
    org_notify notify[ORG_RECIPIENTS + 1];
    int recipient_count;
    /* the KSN configuration file served to this organization (cached per version) */
    unsigned ksn_version;
    char *ksn_pem;
} org_org;

/* Activation in progress for one account (nothing is committed before the last step). */
typedef struct org_pending {
    int started;
    char code[21]; /* "" when a current license exists (tenant-selection branch) */
    char region[16];
    int tenants_selected;
    int agreements_accepted;
} org_pending;

typedef struct org_account {
    char login[128];
    char password[64];
    int org;
    int tied_elsewhere;     /* tied to another organization's MDR data: support must untie it */
    unsigned session_epoch; /* bumped by sign-out: older account tokens fail */
    int activated;          /* this account's console finished activation */
    char kind[16];          /* seeded, existing, tied, fresh */
    org_pending pending;
    int selected_count; /* tenants this console's users may access (tenant-selection branch) */
    char selected[ORG_MAX_TENANTS][40];
} org_account;

/* Assets connected to a core tenant index (-1: assets without a tenant). */
typedef size_t (*org_assets_fn)(void *ud, int core_index);

typedef struct org_world {
    int org_count;
    org_org *orgs[ORG_MAX_ORGS];
    int account_count;
    org_account accounts[ORG_MAX_ACCOUNTS];
    int code_count;
    org_code codes[ORG_MAX_CODES];
    org_assets_fn assets;
    void *assets_ud;
} org_world;

/* ----- lifecycle */
org_world *org_world_new(void);
void org_world_free(org_world *w);
json_object *org_world_save(const org_world *w);
org_world *org_world_load(json_object *state, org_err *e);

/* ----- building the world (seeding, admin) */
int org_org_add(org_world *w, const char *name);
/* An account for an organization; password random when NULL. Returns the account index. */
int org_account_add(org_world *w, const char *login, const char *password, int org,
                    const char *kind);
int org_code_add(org_world *w, const char *tier, const char *region, int type, int assets_limit,
                 int term_days, uint64_t salt, char out_code[21]);
/* A license bound to an organization but not yet activated (provisioned with a code). */
int org_license_provision(org_world *w, int org, const char *code, org_err *e);
/* A tenant taken from the core (seeding): no validation beyond the slot limit. */
org_tenant *org_tenant_adopt(org_world *w, int org, const char *name, int core_index,
                             int64_t now_ms);

/* ----- small rules, exposed for tests */
/* "ABCDE-12345-…" → 20 upper-case characters; -1 when not 20 letters and digits. */
int org_code_normalize(const char *in, char out[21]);
int org_region_valid(const char *region);
const char *org_region_storage(const char *region);  /* northern_europe, ksa, russia */
const char *org_region_language(const char *region); /* en, ru */
int org_region_kata(const char *region);
/* The agreements a region must accept (NULL-terminated ids): mdr_agreement [, dpa]. */
const char *const *org_region_agreements(const char *region);
int org_tier_valid(const char *tier);
const char *org_tier_title(const char *tier);
int org_tier_rest_api(const char *tier);
int org_type_parse(const char *type); /* trial, commercial, subscription → enum; -1 */
int org_text_valid(const char *s, size_t max, int allow_newlines, int allow_empty);
int org_email_valid(const char *s);
/* Start of the UTC day holding the license's last moment: tenant files must expire before. */
int64_t org_license_last_day_ms(const org_license *l);
const char *org_license_status(const org_license *l, int64_t now_ms);
int org_license_current(const org_license *l, int64_t now_ms);
/* Quota of custom incidents a week: 3 + 1 per 10,000 connected endpoints. */
long org_custom_quota(size_t connected_assets);
/* Monday 00:00 UTC of the week holding now. */
int64_t org_week_start_ms(int64_t now_ms);

/* ----- lookups */
int org_account_find(const org_world *w, const char *login);
int org_account_check(const org_world *w, const char *login, const char *password);
org_license *org_license_find(org_org *o, const char *id);
org_tenant *org_tenant_find(org_org *o, const char *id);
int org_tenant_count(const org_org *o); /* not deleted */
int org_has_current_license(const org_org *o, int64_t now_ms);
int64_t org_tenant_expiration_ms(const org_tenant *t);
const char *org_tenant_status(const org_tenant *t, int64_t now_ms);
size_t org_tenant_assets(const org_world *w, const org_tenant *t);
size_t org_connected_assets(const org_world *w, const org_org *o, int64_t now_ms);
/* The current license a tenant's assets count against (NULL when none). */
const org_license *org_tenant_license(org_org *o, const org_tenant *t, int64_t now_ms);

/* ----- activation (the account's organization) */
json_object *org_activation_status(org_world *w, int account, int64_t now_ms);
int org_activation_activate(org_world *w, int account, const char *code, const char *region,
                            int64_t now_ms, json_object **out, org_err *e);
int org_activation_select_tenants(org_world *w, int account, json_object *ids, int64_t now_ms,
                                  org_err *e);
int org_activation_accept_agreements(org_world *w, int account, json_object *ids, org_err *e);
int org_activation_accept_ksn(org_world *w, int account, int accepted, int64_t now_ms, org_err *e);
void org_activation_cancel(org_world *w, int account);
int org_activation_new_code(org_world *w, int account, const char *code, const char *region,
                            int64_t now_ms, json_object **out, org_err *e);
int org_activation_revoke(org_world *w, int account, org_err *e);
int org_activation_terminate(org_world *w, int account, org_err *e);
/* Operations past activation need an active organization (409 not_activated otherwise). */
int org_require_active(const org_world *w, int account, org_err *e);

/* ----- licenses */
json_object *org_license_json(const org_world *w, org_org *o, const org_license *l, int64_t now_ms);
json_object *org_licenses_list(const org_world *w, org_org *o, int all, int64_t now_ms);
int org_license_add(org_world *w, int org, const char *code, int64_t now_ms, org_license **out,
                    org_err *e);
int org_license_remove(org_world *w, int org, const char *id, int64_t now_ms, org_err *e);
json_object *org_licenses_by_tenant(const org_world *w, org_org *o, int64_t now_ms);
int org_license_expire(org_world *w, const char *id, int64_t now_ms, org_err *e);

/* ----- tenants: `in` is the request body (name, description, active, config_files) */
json_object *org_tenant_json(const org_world *w, org_org *o, const org_tenant *t, int64_t now_ms);
json_object *org_tenants_list(const org_world *w, org_org *o, int include_deleted, int64_t now_ms);
/* core_index: the caller registers the name with the core and passes its index. */
int org_tenant_validate(org_world *w, int org, const org_tenant *editing, json_object *in,
                        int creating, int64_t now_ms, org_err *e);
org_tenant *org_tenant_create(org_world *w, int org, json_object *in, int core_index,
                              int64_t now_ms, org_err *e);
int org_tenant_update(org_world *w, int org, org_tenant *t, json_object *in, int64_t now_ms,
                      org_err *e);
int org_tenant_set_active(org_world *w, int org, org_tenant *t, int active, int64_t now_ms,
                          org_err *e);
int org_tenant_file_add(org_world *w, int org, org_tenant *t, const char *license_id,
                        int64_t expiration_ms, int64_t now_ms, org_err *e);
int org_tenant_file_delete(org_tenant *t, const char *file_id, org_err *e);
/* Deletes; *disconnected = its assets that stop being served. */
int org_tenant_delete(org_world *w, org_tenant *t, size_t *disconnected, org_err *e);

/* ----- usage */
json_object *org_usage_json(const org_world *w, org_org *o, size_t custom_used, int64_t now_ms);

/* ----- settings */
json_object *org_settings_json(const org_org *o);
int org_settings_update(org_org *o, json_object *in, org_err *e);

/* ----- notifications */
json_object *org_notifications_json(const org_notify *n, int64_t now_ms);
/* The notifications of `recipient` (NULL or "": the account's own); create: add a named
 * recipient not seen yet (409 recipient_limit past ORG_RECIPIENTS, 400 invalid_recipient).
 * NULL with e filled when refused; without create, NULL (no error) for an unknown name. */
org_notify *org_notify_of(org_org *o, const char *recipient, int create, org_err *e);
int org_email_start(org_notify *n, json_object *in, int64_t now_ms, org_err *e);
int org_email_verify(org_notify *n, const char *code, int64_t now_ms, org_err *e);
int org_email_resend(org_notify *n, int64_t now_ms, org_err *e);
void org_email_disable(org_notify *n);
int org_telegram_link(org_notify *n, json_object *in, char out_token[33], org_err *e);
int org_telegram_use_link(org_world *w, const char *token, org_err *e); /* the chatbot side */
void org_telegram_unsubscribe(org_notify *n);

/* ----- report schedules */
json_object *org_schedule_json(const org_org *o, const org_schedule *s);
json_object *org_schedules_list(const org_org *o);
org_schedule *org_schedule_find(org_org *o, const char *id);
org_schedule *org_schedule_create(org_org *o, json_object *in, int64_t now_ms, org_err *e);
int org_schedule_update(org_org *o, org_schedule *s, json_object *in, org_err *e);
int org_schedule_delete(org_org *o, const char *id, org_err *e);

#endif
