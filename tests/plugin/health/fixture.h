/* fixture.h — what the MDR Health unit tests share: a module under the fake host whose
 * device inventory is an in-memory list, and an in-memory asset source that behaves like the
 * public API (filters, first_seen:asc stable paging, the 10,000 cap, injected faults). */
#ifndef HEALTH_FIXTURE_H
#define HEALTH_FIXTURE_H

#include "fake_host.h"
#include "health/health.h"
#include "unit.h"

#include <pthread.h>

#define FX_NOW 1795392000000LL /* the fake host's clock */
#define FX_DAY 86400000LL

typedef struct fx_asset {
    char asset_id[40], host_name[128], device_id[64], tenant[64];
    const char *status;
    int64_t first_seen, last_seen;
    int isolated, loss, deleted;
} fx_asset;

typedef struct fx_device {
    char id[64], name[128], server[32], tenant[64];
    const char *mdr_state;
    int self_defense, edr;
    const char *comp_state; /* the state of its one non-MDR component */
} fx_device;

typedef struct fx {
    fake_host *host;
    ksc_host_services services;
    ksc_module *m;
    fx_asset *assets;
    size_t asset_n, asset_cap;
    fx_device *devices;
    size_t device_n, device_cap;
    pthread_mutex_t lock;
    int fail_list;       /* the next N list calls fail with HTTP 503 */
    int fail_list_after; /* ... after this many successful list calls */
    int list_calls, count_calls;
    char tenants_json[1024]; /* the cloud's tenants/list; "" = the seeded three (t-1..t-3) */
} fx;

extern fx FX;

/* A fresh module and empty world. */
void fx_start(void);
void fx_stop(void);
fx_asset *fx_add_asset(const char *host, const char *status, int64_t last_seen_ago_ms,
                       const char *tenant);
fx_device *fx_add_device(const char *id, const char *name, const char *mdr_state);
/* n machines: asset i ↔ device i, tenants T0..T2 and none, statuses and names varied. */
void fx_seed(size_t n, size_t silent_devices);
health_sync_status fx_sync(int full, health_sync_result *res);
health_source fx_source(void);

/* Calls an action; returns its status; *out is the parsed answer (caller puts). */
ksc_status fx_call(ksc_action_fn fn, const char *user, const char *request, json_object **out);
/* A call whose file goes to a memory buffer (malloc'd, *len bytes, NUL-terminated). */
ksc_status fx_call_file(ksc_action_fn fn, const char *lang, const char *request, json_object **out,
                        char **file, size_t *len);

#endif
