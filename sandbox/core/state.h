/*
 * state.h — the core's own state (ctx->core): assets, incidents, API connections, tokens,
 * injected faults and the request log, and how the core starts, persists and ends. The
 * public REST API (api/) reads and changes it; the service side (console/) uses sbx.h only.
 */
#ifndef KSC_SANDBOX_STATE_H
#define KSC_SANDBOX_STATE_H

#include "core/sbx.h"

#include <stdio.h>

/* ---- faults and the request log (core/faults.c) */
typedef enum fault_kind {
    FAULT_NONE,
    FAULT_STATUS,
    FAULT_DELAY,
    FAULT_CUT,
    FAULT_DROP,
    FAULT_HOLD /* waits before the handler until released (tests kill a client meanwhile) */
} fault_kind;
typedef struct fault {
    char *path;
    fault_kind kind;
    int status;
    int retry_after_s; /* FAULT_STATUS: the Retry-After header (0 = none) */
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

void core_log_request(sbx_ctx *ctx, const char *method, const char *path, int status,
                      const char *client_id);
fault_kind core_take_fault(sbx_ctx *ctx, const char *path, int *status, int *retry_after_s,
                           int64_t *delay_ms);
/* Whether an injected fault's or a log query's path names the URL (whole segments, from
 * the end). */
int core_path_matches(const char *fault_path, const char *url);
void core_faults_free(sbx_ctx *ctx);
/* Held requests: core_hold waits (ctx->lock held by the caller, released while waiting)
 * until core_release_held, at most HOLD_MAX_MS, or at once when the server is closing. */
void core_faults_init(sbx_ctx *ctx);
void core_hold(sbx_ctx *ctx);
int core_held_count(sbx_ctx *ctx);
int core_release_held(sbx_ctx *ctx, int closing); /* returns how many were held */
/* The public API's rate limit: a token bucket per API connection, filled at
 * cs->rate_per_s up to cs->rate_burst on the monotonic clock (the admin clock never moves
 * it). Takes one token and returns 1, or returns 0 with the seconds until one is there in
 * *retry_after_s (at least 1). Always 1 when the limit is off (rate_per_s == 0). */
int core_rate_take(sbx_ctx *ctx, sbx_conn *conn, int *retry_after_s);
#define CORE_RATE_DEFAULT_PER_S 100   /* --rate-limit's default: 100 requests/s sustained */
#define CORE_RATE_DEFAULT_BURST 10000 /* after a burst of 10,000 */

/* ---- assets: compact, strings in one arena (core/store.c) */
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

typedef struct incident incident; /* core/incidents.h */

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
    pthread_cond_t held_cond; /* signalled by core_release_held */
    int held_n;               /* requests waiting in core_hold */
    uint64_t release_gen;     /* bumped by every release */
    int closing;              /* the server is stopping: nothing waits any more */
    log_entry *log;
    size_t log_n, log_cap;
    /* the public API's rate limit per connection (--rate-limit; 0 = off) */
    double rate_per_s, rate_burst;
    /* list caches (api/assets.c owns them and frees them in its module's fini) */
    struct list_cache *caches;
    int dirty;
} core_state;

static inline core_state *core_of(sbx_ctx *ctx)
{
    return (core_state *)ctx->core;
}

extern const char *const asset_status_names[5];
extern const char *const asset_problem_names[6];

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

/* ---- start and end (core/state.c) */
/* The core's module ("core": its state in the --state file); registered first, since
 * persist_load relies on it. */
void core_register_module(sbx_router *r);
/* The router main() built: POST /admin/state/save saves every module through it. */
void core_set_router(sbx_router *r);
sbx_router *core_router(void);
/* A fresh world from the seed (when no state was loaded). */
void core_fresh(sbx_ctx *ctx);
void core_free(sbx_ctx *ctx);

#endif
