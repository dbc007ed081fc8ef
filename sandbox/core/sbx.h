/*
 * sbx.h — the internal API of mdr-sandbox: what the core (sandbox/core/) offers to the
 * public REST API and admin interface (sandbox/api/) and to the service side
 * (sandbox/console/, which uses the core through this header only).
 *
 * APPEND ONLY: other files build on every declaration here; add new ones at the end of a
 * section, never change or remove one.
 *
 * Threading: every handler and every module hook runs with ctx->lock held (one lock over
 * the whole state), so handlers may read and change the state freely and must not block.
 *
 * How a service file plugs in:
 *   1. write `void console_register_foo(sbx_router *r)` in sandbox/console/foo.c, calling
 *      sbx_route() (or console_routes()) for each path and, if it keeps state,
 *      sbx_add_module() once; its prototype goes to sandbox/console/console.h;
 *   2. add one line `console_register_foo(r);` to sandbox/routes.c.
 * Every .c file under sandbox/ is compiled into mdr-sandbox (CMake glob), nothing else to
 * edit.
 */
#ifndef KSC_SANDBOX_SBX_H
#define KSC_SANDBOX_SBX_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

/* ---------------------------------------------------------------- connections (API) */

typedef enum sbx_rights {
    SBX_RIGHTS_FULL = 0,   /* "full": MDR Administrator (incidents, responses, API, tenants) */
    SBX_RIGHTS_SENIOR = 1, /* "senior": incidents, response management, auto-accept */
    SBX_RIGHTS_OFFICER = 2 /* "officer": Incident access only (cannot confirm responses) */
} sbx_rights;

/* An API connection, as made in the console or in MDR Web Console. */
typedef struct sbx_conn {
    char client_id[33]; /* 32 lower-case hex */
    char *name;         /* author_name of comments made through the API */
    sbx_rights rights;
    char **tenants; /* tenant names the connection sees; tenant_count == 0: all tenants */
    size_t tenant_count;
    int org;            /* organization index (0: the seeded organization) */
    int64_t created_ms; /* sandbox clock */
    int64_t last_used_ms;
    int activated;         /* a session/confirm succeeded since the last console refresh */
    uint64_t epoch;        /* bumped by revoke / refresh: older tokens carry the old epoch */
    char live_jti[33];     /* the one refresh token that may still be spent ("" = none) */
    int64_t live_exp_ms;   /* its expiry */
    int live_from_console; /* 1: made in the console (24 h), 0: by session/confirm (7 d) */
    /* the public API's rate limit (core/faults.c): tokens left in the connection's bucket,
     * and when it was last filled (monotonic clock, µs; 0 = never used: a full bucket) */
    double rate_tokens;
    int64_t rate_at_us;
} sbx_conn;

/* ---------------------------------------------------------------- context */

/* Fields of the ready line that the service side fills in (module init). NULL = absent.
 * Strings are owned by the context (malloc'd; sbx_set_str replaces them). */
typedef struct sbx_ready_info {
    char *account_login; /* the seeded organization's account, no license active yet */
    char *account_password;
    char *activation_code;  /* activating with it makes the seeded licenses etc. its own */
    char *ksn_trust_anchor; /* PATH.pem of the anchor the KSN-file signer chains to */
    char *existing_login;   /* an organization with a current license and tenants */
    char *existing_password;
} sbx_ready_info;

typedef struct sbx_ctx sbx_ctx;

/* Decides whether the caller may see an item of `tenant_name` ("" = no tenant). The
 * default (sbx_default_tenant_visible) applies conn->tenants; the service side may install
 * its own (ctx->tenant_visible) that adds organization rules, and call the default. */
typedef int (*sbx_tenant_visible_fn)(sbx_ctx *ctx, const sbx_conn *conn, const char *tenant_name);

struct sbx_ctx {
    pthread_mutex_t lock; /* held around every handler and hook */
    /* seeding parameters, as given on the command line */
    uint64_t seed;
    uint32_t asset_count;
    uint32_t incident_count;
    int tenant_count_seeded;
    int license_count;
    int64_t seeded_at_ms; /* the clock when the world was seeded (persisted) */
    /* where files live (the KSN trust anchor, signed files…): a directory of this run, next
     * to the --state file when given, else a private temp dir removed at exit. */
    char files_dir[512];
    const char *state_path;  /* --state FILE.db or NULL */
    int64_t clock_offset_ms; /* moved forward by the admin `clock` call */
    uint64_t generation;     /* bumped on every data change (cache key); sbx_touch() */
    sbx_ready_info ready;
    /* tenant names by tenant index (seeded ones first); assets refer to them by index, so a
     * rename shows in every asset. Change only through sbx_tenant_add/sbx_tenant_rename. */
    char **tenant_names;
    int tenant_name_count;
    sbx_tenant_visible_fn tenant_visible;
    void *svc;  /* the service side's own state; the core never touches it */
    void *core; /* the core's own state (assets, incidents, connections…) */
    /* 1 when a response the SOC creates now for an incident of core tenant index `tenant`
     * (-1: no tenant) is accepted at once by its organization's auto-accept setting. The
     * service side installs it (it owns the settings); NULL: never. */
    int (*response_auto_accept)(sbx_ctx *ctx, int tenant);
};

/* The sandbox clock: real time plus the admin offset, in ms since the epoch. */
int64_t sbx_now_ms(const sbx_ctx *ctx);

/* Marks the data as changed: bumps ctx->generation (invalidates list caches). */
void sbx_touch(sbx_ctx *ctx);

/* Replaces *slot with a malloc'd copy of value (NULL allowed). */
void sbx_set_str(char **slot, const char *value);

/* Tenants known to the core (asset/incident tenant_name). Return the tenant index or -1. */
int sbx_tenant_find(const sbx_ctx *ctx, const char *name);
int sbx_tenant_add(sbx_ctx *ctx, const char *name);
int sbx_tenant_rename(sbx_ctx *ctx, int index, const char *name); /* 0 ok, -1 bad index */
int sbx_default_tenant_visible(sbx_ctx *ctx, const sbx_conn *conn, const char *tenant_name);

/* ---------------------------------------------------------------- requests and replies */

typedef struct sbx_part { /* one part of a multipart/form-data body */
    const char *name;
    const char *filename;     /* NULL when the part is not a file */
    const char *content_type; /* NULL when not given */
    const unsigned char *data;
    size_t len;
} sbx_part;

#define SBX_MAX_PARAMS 4

typedef struct sbx_request {
    sbx_ctx *ctx;
    const char *method;    /* "POST", "GET" */
    const char *path;      /* the URL path, e.g. "/api/v1/<client_id>/assets/list" */
    const char *client_id; /* the {client_id} segment, or NULL */
    /* other {name} segments of the route pattern */
    const char *param_name[SBX_MAX_PARAMS];
    const char *param_value[SBX_MAX_PARAMS];
    int param_count;
    const unsigned char *body; /* raw body (NUL-terminated), body_len bytes */
    size_t body_len;
    const char *content_type;
    /* the body parsed as a JSON object when it is JSON; NULL otherwise. For routes with
     * SBX_BODY_JSON the core has already answered 400 when it is not a JSON object. */
    json_object *json;
    const sbx_part *parts; /* multipart/form-data parts (SBX_BODY_MULTIPART) */
    size_t part_count;
    sbx_conn *conn;      /* SBX_AUTH_ACCESS: the connection the access token belongs to */
    json_object *claims; /* SBX_AUTH_ACCOUNT: the verified token's claims (borrowed) */
    int64_t now_ms;      /* sbx_now_ms() when the request arrived */
} sbx_request;

/* What a handler answers. Fill it with one of the sbx_reply_* helpers. */
typedef struct sbx_reply {
    int status;
    char *body; /* malloc'd */
    size_t len;
    char content_type[96];
    char *filename;    /* raw bytes: Content-Disposition attachment; filename="…" (or NULL) */
    int retry_after_s; /* > 0: a Retry-After header (seconds) goes with the answer */
} sbx_reply;

/* JSON reply; takes ownership of obj (json_object_put after serialising). */
void sbx_reply_json(sbx_reply *rep, int status, json_object *obj);
/* JSON reply from already serialised text; takes ownership of the malloc'd text. */
void sbx_reply_json_text(sbx_reply *rep, int status, char *text, size_t len);
/* {"error": {"code": code, "message": message}} with the given HTTP status. */
void sbx_reply_error(sbx_reply *rep, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Raw bytes (copied). filename may be NULL. */
void sbx_reply_bytes(sbx_reply *rep, int status, const char *content_type, const void *data,
                     size_t len, const char *filename);
/* {"status": "ok"}: the small JSON object of calls whose spec answer is "—". */
void sbx_reply_ok(sbx_reply *rep);

/* Value of a {name} segment, or NULL. */
const char *sbx_req_param(const sbx_request *req, const char *name);

/* JSON body helpers: 0 = absent, 1 = present and valid, -1 = present but of the wrong type
 * (the helpers then answer 400 "invalid_parameter" in rep). */
int sbx_body_string(const sbx_request *req, sbx_reply *rep, const char *key, const char **out);
int sbx_body_int64(const sbx_request *req, sbx_reply *rep, const char *key, int64_t *out);
int sbx_body_bool(const sbx_request *req, sbx_reply *rep, const char *key, int *out);
/* An array of strings (borrowed json array); -1 when an element is not a string. */
int sbx_body_strings(const sbx_request *req, sbx_reply *rep, const char *key, json_object **out);

/* ---------------------------------------------------------------- routes and modules */

typedef enum sbx_auth {
    SBX_AUTH_NONE = 0,   /* anyone (e.g. session/confirm, account sign-in) */
    SBX_AUTH_ACCESS = 1, /* "Bearer <access token>" of the API connection {client_id} */
    SBX_AUTH_ADMIN = 2,  /* "Bearer <admin_token>" of the ready line */
    SBX_AUTH_ACCOUNT = 3 /* "Bearer <JWT made by sbx_jwt_make with "typ":"account">" */
} sbx_auth;

typedef enum sbx_body_kind {
    SBX_BODY_JSON = 0,     /* a JSON object is required (empty body = {}) */
    SBX_BODY_ANY = 1,      /* raw body, json parsed when possible */
    SBX_BODY_MULTIPART = 2 /* multipart/form-data, parts parsed */
} sbx_body_kind;

typedef void (*sbx_handler)(sbx_request *req, sbx_reply *rep);

typedef struct sbx_router sbx_router;

/* Registers a route. method "POST" or "GET"; pattern is the full path with {name} segments,
 * e.g. "/api/v1/{client_id}/assets/list", "/admin/ksn/publish", "/api/v1/service/{x}/zip".
 * The {client_id} segment is required for SBX_AUTH_ACCESS. First match wins. */
void sbx_route(sbx_router *r, const char *method, const char *pattern, sbx_auth auth,
               sbx_body_kind body, sbx_handler handler);

/* State of a part of the sandbox: how it starts, persists and ends. Any hook may be NULL.
 * Hooks run with ctx->lock held, in registration order. */
typedef struct sbx_module {
    const char *name; /* unique; the key of its state in the --state file */
    /* after seeding (and after load, when a state was loaded), before the ready line;
     * fill ctx->ready here. Non-zero = fatal start-up error (message on stderr). */
    int (*init)(sbx_ctx *ctx, int loaded);
    /* the module's whole state as one JSON value (new reference), or NULL for nothing */
    json_object *(*save)(sbx_ctx *ctx);
    /* restores what save gave (borrowed), before init; non-zero = fatal */
    int (*load)(sbx_ctx *ctx, json_object *state);
    void (*fini)(sbx_ctx *ctx);
} sbx_module;

void sbx_add_module(sbx_router *r, const sbx_module *m); /* m must outlive the server */

/* sandbox/routes.c: calls every registration (core first, then api/, then console/). */
void sbx_register_all(sbx_router *r);

/* ---------------------------------------------------------------- JWT (HS256) */

typedef enum sbx_jwt_result {
    SBX_JWT_OK = 0,
    SBX_JWT_INVALID = 1, /* malformed, bad signature or algorithm: answer 401 */
    SBX_JWT_EXPIRED = 2  /* valid signature, exp <= sandbox clock: answer 403 */
} sbx_jwt_result;

/* Signs claims (borrowed; add "exp" in seconds yourself) with the sandbox key (random per
 * run, persisted in the --state file). Returns a malloc'd "header.payload.signature". */
char *sbx_jwt_make(sbx_ctx *ctx, json_object *claims);
/* Verifies signature and exp; on OK/EXPIRED *claims_out gets a new reference (caller puts),
 * on INVALID it is set to NULL. */
sbx_jwt_result sbx_jwt_verify(sbx_ctx *ctx, const char *token, json_object **claims_out);

/* ---------------------------------------------------------------- API connections */

/* Creates a connection as the console would (name 1..100 chars, tenants may be NULL/0) and
 * its console refresh token (24 h, single use) in *refresh_token (malloc'd). NULL on bad
 * input. The connection stays owned by the core. */
sbx_conn *sbx_conn_create(sbx_ctx *ctx, const char *name, sbx_rights rights,
                          const char *const *tenants, size_t tenant_count, int org,
                          char **refresh_token);
sbx_conn *sbx_conn_find(sbx_ctx *ctx, const char *client_id);
size_t sbx_conn_count(const sbx_ctx *ctx);
sbx_conn *sbx_conn_at(sbx_ctx *ctx, size_t i);
/* The console's "Refresh" button: a new console refresh token; every older token fails. */
char *sbx_conn_issue_refresh(sbx_ctx *ctx, sbx_conn *conn);
/* Revokes: every token of the connection fails; status back to Pending activation. */
void sbx_conn_revoke(sbx_ctx *ctx, sbx_conn *conn);
/* Changes name/rights/tenants (NULL name = unchanged; tenants replaced when set_tenants). */
int sbx_conn_edit(sbx_ctx *ctx, sbx_conn *conn, const char *name, int set_rights, sbx_rights rights,
                  int set_tenants, const char *const *tenants, size_t tenant_count);
/* Deletes the connection: its tokens fail. 0 ok, -1 unknown. */
int sbx_conn_delete(sbx_ctx *ctx, const char *client_id);
/* "Pending activation", "Active" or "Idle" (activated, but its refresh token expired). */
const char *sbx_conn_status(const sbx_ctx *ctx, const sbx_conn *conn);
const char *sbx_rights_name(sbx_rights rights);          /* "full" | "senior" | "officer" */
int sbx_rights_parse(const char *name, sbx_rights *out); /* 0 ok, -1 unknown */

/* ---------------------------------------------------------------- data the service side reads */

/* Assets per tenant: counts[t] for tenant index t (0..tenant_name_count-1), and
 * counts[tenant_name_count] for assets without a tenant. counts has tenant_name_count+1
 * slots. */
void sbx_assets_by_tenant(sbx_ctx *ctx, size_t *counts);
/* Assets whose last_seen is within [from_ms, to_ms]. */
size_t sbx_assets_seen_between(sbx_ctx *ctx, int64_t from_ms, int64_t to_ms);
/* Incidents made through incidents/create (custom incidents) with creation_time in
 * [from_ms, to_ms]. */
size_t sbx_custom_incidents_between(sbx_ctx *ctx, int64_t from_ms, int64_t to_ms);

#endif
