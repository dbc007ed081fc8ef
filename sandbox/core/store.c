/* store.c — the seeded world's assets: compact structs, strings in one arena, interned
 * domains; ids and randomness. */
#include "core/state.h"
#include "seedgen.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

const char *const asset_status_names[5] = {"OK", "WARNING", "CRITICAL", "ABSENT", "OFFLINE"};
/* The protection problems as common/seedgen.c words them (the cloud's own wording:
 * "Telemetry loss detected" is what the module's telemetry-loss flag recognises), in its
 * order. store_seed refuses a problem not listed here, so the two cannot drift apart
 * silently again. */
const char *const asset_problem_names[6] = {"Protection components are disabled",
                                            "Anti-virus databases are out of date",
                                            "License expires soon",
                                            "Telemetry loss detected",
                                            "Self-Defense is disabled",
                                            "Restart required"};

void random_token(char *out, size_t hex_chars)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char raw[64];
    size_t n = (hex_chars + 1) / 2;
    if (n > sizeof raw)
        n = sizeof raw;
    if (getrandom(raw, n, 0) != (ssize_t)n)
        abort(); /* no randomness: tokens would be guessable */
    for (size_t i = 0; i < hex_chars && i / 2 < n; i++)
        out[i] = hex[(raw[i / 2] >> ((i % 2) ? 0 : 4)) & 15];
    out[hex_chars] = '\0';
}

void make_uuid(char out[37])
{
    char h[33];
    random_token(h, 32);
    snprintf(out, 37, "%.8s-%.4s-4%.3s-a%.3s-%.12s", h, h + 8, h + 13, h + 17, h + 20);
}

void make_id20(core_state *cs, char out[21])
{
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    uint64_t x = seed_mix(++cs->id_counter * 0x9E3779B97F4A7C15ULL);
    uint64_t y = seed_mix(x ^ cs->id_counter);
    for (int i = 0; i < 20; i++) {
        uint64_t v = i < 10 ? x >> (i * 6) : y >> ((i - 10) * 6);
        out[i] = al[v & 63];
    }
    out[20] = '\0';
}

static uint32_t arena_add(core_state *cs, const char *s)
{
    size_t n = strlen(s) + 1;
    if (cs->arena_len + n > cs->arena_cap) {
        size_t cap = cs->arena_cap ? cs->arena_cap * 2 : (1u << 20);
        while (cap < cs->arena_len + n)
            cap *= 2;
        char *grown = realloc(cs->arena, cap);
        if (!grown)
            abort();
        cs->arena = grown;
        cs->arena_cap = cap;
    }
    uint32_t off = (uint32_t)cs->arena_len;
    memcpy(cs->arena + off, s, n);
    cs->arena_len += n;
    return off;
}

const char *asset_str(const core_state *cs, const asset *a, int which)
{
    const char *p = cs->arena + a->str_off;
    for (int i = 0; i < which; i++)
        p += strlen(p) + 1;
    return p;
}

const char *asset_tenant_name(const sbx_ctx *ctx, const asset *a)
{
    return a->tenant >= 0 && a->tenant < ctx->tenant_name_count ? ctx->tenant_names[a->tenant] : "";
}

static uint16_t intern_domain(core_state *cs, const char *d)
{
    for (size_t i = 0; i < cs->domain_n; i++)
        if (strcmp(cs->domains[i], d) == 0)
            return (uint16_t)i;
    char **grown = realloc(cs->domains, (cs->domain_n + 1) * sizeof(char *));
    if (!grown)
        abort();
    cs->domains = grown;
    cs->domains[cs->domain_n] = strdup(d);
    return (uint16_t)cs->domain_n++;
}

static int problem_index(const char *p)
{
    for (int i = 0; i < 6; i++)
        if (strcmp(asset_problem_names[i], p) == 0)
            return i;
    return -1;
}

static int status_index(const char *s)
{
    for (int i = 0; i < 5; i++)
        if (strcmp(asset_status_names[i], s) == 0)
            return i;
    return 0;
}

/* Asset i = seed machine i of the telemetry-sending space (matches ksc-host devices). */
int store_seed(sbx_ctx *ctx)
{
    core_state *cs = core_of(ctx);
    cs->assets = calloc(ctx->asset_count ? ctx->asset_count : 1, sizeof(asset));
    if (!cs->assets)
        return -1;
    cs->arena_len = 0;
    for (uint32_t i = 0; i < ctx->asset_count; i++) {
        seed_machine m;
        seed_machine_make(ctx->seed, i, 0, ctx->tenant_count_seeded, &m);
        asset *a = &cs->assets[i];
        a->seed_index = i;
        a->str_off = arena_add(cs, m.asset_id);
        arena_add(cs, m.device_id);
        arena_add(cs, m.host_name);
        arena_add(cs, m.ipv4);
        arena_add(cs, m.ipv6);
        arena_add(cs, m.mac);
        a->first_seen = ctx->seeded_at_ms - m.first_seen_ago_ms;
        a->last_seen = ctx->seeded_at_ms - m.last_seen_ago_ms;
        a->os_version = m.os_version;
        a->product_short = m.product_short;
        a->product_version = m.product_version;
        a->domain_id = intern_domain(cs, m.domain);
        a->tenant = (int16_t)m.tenant_index;
        a->status = (uint8_t)status_index(m.status);
        a->isolated = (uint8_t)m.isolated;
        a->isolation_task = m.isolated ? (uint32_t)(seed_mix(ctx->seed ^ i) | 1) : 0;
        a->problem_count = (uint8_t)(m.problem_count > 3 ? 3 : m.problem_count);
        for (int p = 0; p < a->problem_count; p++) {
            int k = problem_index(m.problems[p]);
            if (k < 0) {
                fprintf(stderr, "mdr-sandbox: seedgen problem \"%s\" has no name in store.c\n",
                        m.problems[p]);
                return -1;
            }
            a->problems[p] = (uint8_t)k;
        }
    }
    cs->asset_n = ctx->asset_count;
    return 0;
}

long asset_find(core_state *cs, const char *asset_id)
{
    /* ids are "0x" + 32 hex; a linear scan is fast enough for details (1M: ~2 ms) */
    if (!asset_id || strlen(asset_id) != 34)
        return -1;
    for (size_t i = 0; i < cs->asset_n; i++)
        if (strcasecmp(cs->arena + cs->assets[i].str_off, asset_id) == 0)
            return (long)i;
    return -1;
}

void store_free(sbx_ctx *ctx)
{
    core_state *cs = core_of(ctx);
    free(cs->assets);
    free(cs->arena);
    for (size_t i = 0; i < cs->domain_n; i++)
        free(cs->domains[i]);
    free(cs->domains);
    for (int i = 0; i < 8; i++)
        free(cs->sort_index[i]);
}

void sbx_assets_by_tenant(sbx_ctx *ctx, size_t *counts)
{
    core_state *cs = core_of(ctx);
    memset(counts, 0, sizeof(size_t) * (size_t)(ctx->tenant_name_count + 1));
    for (size_t i = 0; i < cs->asset_n; i++) {
        int t = cs->assets[i].tenant;
        counts[t >= 0 && t < ctx->tenant_name_count ? t : ctx->tenant_name_count]++;
    }
}

size_t sbx_assets_seen_between(sbx_ctx *ctx, int64_t from_ms, int64_t to_ms)
{
    core_state *cs = core_of(ctx);
    size_t n = 0;
    for (size_t i = 0; i < cs->asset_n; i++)
        n += cs->assets[i].last_seen >= from_ms && cs->assets[i].last_seen <= to_ms;
    return n;
}
