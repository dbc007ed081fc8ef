/*
 * seedgen — the deterministic generator of the world's machines, shared by ksc-host
 * (`devices generate`) and mdr-sandbox (seeding), so that one seed yields devices in the
 * console's inventory and assets in the MDR cloud that match by ksc_host_id.
 *
 * Index spaces: telemetry-sending machine i (0-based) is sandbox asset i and host device i.
 * Machines that never sent telemetry live in a separate index space (never_sent = 1), so
 * `ksc-host devices generate --count 110000 --never-sent 10000 --seed S` and
 * `mdr-sandbox --assets 100000 --seed S` describe the same 100,000 machines plus 10,000 the
 * cloud never saw. The same (seed, index, never_sent, tenant_count) always gives the same
 * machine, on every platform (integer arithmetic only).
 */
#ifndef KSC_SEEDGEN_H
#define KSC_SEEDGEN_H

#include <stdint.h>

#define SEED_MAX_COMPONENTS 8

typedef struct seed_component {
    const char *name;
    const char *state; /* Running, Paused, Starting, Unknown, Stopped, Failed, No license,
                          Not installed */
} seed_component;

typedef struct seed_machine {
    /* identity */
    char device_id[37]; /* UUID v4 form: the console's device id = the asset's ksc_host_id */
    char asset_id[35];  /* "0x" + 32 upper-case hex: the MDR cloud's asset id */
    char host_name[40];
    char domain[40];
    char group[48];   /* administration group */
    int tenant_index; /* -1: no tenant (root); else 0..tenant_count-1 */
    /* software */
    const char *os_version;    /* "Windows 11 Pro 23H2", "Ubuntu 22.04", … */
    const char *product_code;  /* KES, KEA, KESL, KESMAC, KSVLA, EDR (KES as EDR Agent) */
    const char *product_name;  /* "Kaspersky Endpoint Security for Windows" */
    const char *product_short; /* what installed_product_info starts with: "KES", "KEA", … */
    const char *product_version;
    int edr_agent_config; /* 1: KES for Windows 12.3+ in the EDR Agent configuration */
    /* console side */
    const char *mdr_state; /* the MDR component's state */
    int self_defense;
    int component_count;
    seed_component components[SEED_MAX_COMPONENTS];
    /* network */
    char ipv4[16];
    char ipv6[40]; /* "" when the machine has none */
    char mac[18];
    /* cloud side (meaningful only for telemetry-sending machines) */
    const char *status;        /* OK, WARNING, CRITICAL, ABSENT, OFFLINE */
    int64_t first_seen_ago_ms; /* how long before the seeding clock it was first seen */
    int64_t last_seen_ago_ms;  /* how long before the seeding clock it was last seen (>= 0) */
    int isolated;
    int telemetry_loss; /* asset reports telemetry losses */
    int problem_count;  /* protection problems in the last 72 h (0..3) */
    const char *problems[3];
} seed_machine;

/* Fills `out` with machine `index` of the given space. tenant_count may be 0. */
void seed_machine_make(uint64_t seed, uint32_t index, int never_sent, int tenant_count,
                       seed_machine *out);

/* The name of tenant `t` (0-based) for this seed: Latin letters, digits, spaces, at most
 * 100 characters, unique per t. Writes at most `size` bytes including the NUL. */
void seed_tenant_name(uint64_t seed, int t, char *buf, unsigned size);

/* A small, fast deterministic PRNG (splitmix64) for callers that need more randomness
 * derived from the same seed. */
uint64_t seed_mix(uint64_t x);

#endif
