/*
 * core.h — private declarations of the sandbox core (server, public API, admin). The
 * service side uses sbx.h only.
 */
#ifndef KSC_SANDBOX_CORE_H
#define KSC_SANDBOX_CORE_H

#include "sbx.h"

#include <stdio.h>

/* ---- router */
typedef struct sbx_route_entry {
    char method[8];
    char *pattern;
    sbx_auth auth;
    sbx_body_kind body;
    sbx_handler handler;
} sbx_route_entry;

struct sbx_router {
    sbx_route_entry *routes;
    size_t route_count, route_cap;
    const sbx_module **modules;
    size_t module_count, module_cap;
};

/* Finds the route for method+path; fills req params/client_id (pointing into `scratch`,
 * a copy of path of at least strlen(path)+1 bytes). NULL when none; *path_known set when
 * the path exists for another method. */
const sbx_route_entry *router_match(const sbx_router *r, const char *method, const char *path,
                                    char *scratch, sbx_request *req, int *path_known);
void router_free(sbx_router *r);

/* ---- a growable text buffer (fast JSON writing) */
typedef struct sbuf {
    char *data;
    size_t len, cap;
} sbuf;
void sb_reserve(sbuf *b, size_t extra);
void sb_put(sbuf *b, const char *s, size_t n);
void sb_puts(sbuf *b, const char *s);
void sb_putc(sbuf *b, char c);
void sb_int(sbuf *b, int64_t v);
void sb_jstr(sbuf *b, const char *s); /* a JSON string literal, escaped */
void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- faults and the request log */
typedef enum fault_kind { FAULT_NONE, FAULT_STATUS, FAULT_DELAY, FAULT_CUT, FAULT_DROP } fault_kind;
typedef struct fault {
    char *path;
    fault_kind kind;
    int status;
    int64_t delay_ms;
    int remaining;
} fault;

typedef struct log_entry {
    char method[8];
    char *path;
    int status;
    int64_t time_ms;
    char client_id[33];
} log_entry;

/* ---- assets: compact, strings in one arena */
typedef struct asset {
    uint32_t seed_index;
    uint32_t str_off; /* arena: asset_id\0 device_id\0 host\0 ipv4\0 ipv6\0 mac\0 */
    int64_t first_seen, last_seen;
    const char *os_version, *product_short, *product_version; /* static (seedgen) */
    uint16_t domain_id;                                       /* interned */
    int16_t tenant;                                           /* -1: none */
    uint8_t status;                                           /* index into asset_statuses */
    uint8_t isolated;
    uint8_t problem_count;
    uint8_t problems[3];     /* index into the problem names */
    uint32_t isolation_task; /* 0: none */
} asset;

/* ---- incidents */
typedef struct response {
    char id[41]; /* MDR_ + UUID */
    const char *type;
    char *details, *description, *comment;
    json_object *parameters;
    uint32_t asset; /* index into assets */
    int status;     /* 0 Waiting, 1 Confirmed, 2 Declined */
    int64_t creation_time, update_time;
    int was_read;
} response;

typedef struct comment {
    char id[21];
    char *author_name, *text, *origin;
    char *author_client; /* client_id of the connection that wrote it, "" otherwise */
    int64_t creation_time;
    int was_read;
} comment;

typedef struct attachment {
    char id[21];
    char *author_name, *caption, *full_name, *origin;
    unsigned char *data;
    size_t size;
    int64_t creation_time;
    int was_read;
} attachment;

typedef struct history_rec {
    int64_t changed_at;
    char *changed_by;
    const char *operation; /* create, update */
    const char *entity_type;
    json_object *entity; /* the entity's fields at that time */
} history_rec;

typedef struct incident {
    char id[21];
    int64_t number;
    char *summary, *description, *client_description, *status_description;
    int priority;    /* 0 LOW, 1 NORMAL, 2 HIGH */
    int status;      /* 0 Open, 1 On hold, 2 Resolved, 3 Closed */
    int resolution;  /* 0 "", 1 True positive, 2 False positive */
    uint32_t *hosts; /* asset indexes */
    size_t host_count;
    const char *detection_technology, *attack_stage, *origin;
    const char *tactics[3];
    const char *techniques[3];
    int tactic_count, technique_count;
    char *iocs_host, *iocs_net;
    int64_t creation_time, update_time, resolved_time;
    int tenant; /* -1 none */
    int was_read;
    int custom;
    int no_sla;
    response *responses;
    size_t response_count, response_cap;
    comment *comments;
    size_t comment_count, comment_cap;
    attachment *attachments;
    size_t attachment_count, attachment_cap;
    history_rec *history;
    size_t history_count, history_cap;
} incident;

/* ---- the core state (ctx->core) */
typedef struct core_state {
    /* assets */
    asset *assets;
    size_t asset_n;
    char *arena;
    size_t arena_len, arena_cap;
    char **domains;
    size_t domain_n;
    uint32_t *sort_index[8]; /* lazily built asc orders per sort field */
    /* incidents */
    incident **incidents;
    size_t incident_n, incident_cap;
    int64_t next_incident_number;
    uint64_t id_counter;
    /* connections */
    sbx_conn **conns;
    size_t conn_n, conn_cap;
    /* tokens: spent refresh token ids are not kept: a conn keeps its one live jti */
    unsigned char jwt_key[32];
    char admin_token[65];
    /* faults, log */
    fault *faults;
    size_t fault_n, fault_cap;
    log_entry *log;
    size_t log_n, log_cap;
    /* list caches */
    struct list_cache *caches;
    int dirty;
} core_state;

static inline core_state *core_of(sbx_ctx *ctx)
{
    return (core_state *)ctx->core;
}

extern const char *const asset_status_names[5];
extern const char *const asset_problem_names[6];
extern const char *const incident_priorities[3];
extern const char *const incident_statuses[4];
extern const char *const incident_resolutions[3];
extern const char *const response_statuses[3];

/* asset string accessors */
const char *asset_str(const core_state *cs, const asset *a, int which); /* 0..5 */
enum { AS_ID, AS_DEVICE, AS_HOST, AS_IPV4, AS_IPV6, AS_MAC };
const char *asset_tenant_name(const sbx_ctx *ctx, const asset *a);
long asset_find(core_state *cs, const char *asset_id); /* -1 when none */

/* seeding */
int store_seed(sbx_ctx *ctx);
void store_free(sbx_ctx *ctx);
void random_token(char *out, size_t hex_chars); /* lower-case hex from the OS RNG */
void make_id20(core_state *cs, char out[21]);
void make_uuid(char out[37]);

/* registrations inside the core */
void register_auth(sbx_router *r);
void register_assets(sbx_router *r);
void register_incidents(sbx_router *r);
void register_admin(sbx_router *r);
void register_core_module(sbx_router *r);

/* markdown → HTML (a small subset: paragraphs, **bold**, *em*, `code`, lists) */
char *markdown_to_html(const char *md);

/* projection: keeps only the keys named in fields (json array) */
void project_fields(json_object *obj, json_object *fields);
int fields_valid(json_object *fields, const char *const *known, sbx_reply *rep);

/* admin log + faults (server.c) */
void core_log_request(sbx_ctx *ctx, const char *method, const char *path, int status,
                      const char *client_id);
fault_kind core_take_fault(sbx_ctx *ctx, const char *path, int *status, int64_t *delay_ms);

/* persistence (persist.c) */
int persist_load(sbx_ctx *ctx, sbx_router *r, int *loaded);
int persist_save(sbx_ctx *ctx, sbx_router *r);

#endif
