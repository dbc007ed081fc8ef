#include "seedgen.h"

#include <stdio.h>
#include <string.h>

uint64_t seed_mix(uint64_t x)
{
    /* splitmix64's finaliser: a full-avalanche bijection, so nearby indices look unrelated */
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/* A stream of numbers for one machine. */
typedef struct rng {
    uint64_t state;
} rng;

static uint64_t next(rng *r)
{
    r->state = seed_mix(r->state);
    return r->state;
}

static uint32_t below(rng *r, uint32_t n)
{
    return (uint32_t)(next(r) % n);
}

/* Picks an index by weights (per mille, summing to 1000). */
static int weighted(rng *r, const int *weights, int n)
{
    int roll = (int)below(r, 1000), acc = 0;
    for (int i = 0; i < n; i++) {
        acc += weights[i];
        if (roll < acc)
            return i;
    }
    return n - 1;
}

typedef struct product {
    const char *code, *name, *short_name;
    const char *const *versions;
    const char *const *os;
    const char *host_prefix;
    const char *const *components;
} product;

static const char *const kes_versions[] = {"11.11.0.452", "12.3.0.493", "12.4.0.467",
                                           "12.5.0.538",  "12.6.0.438", NULL};
static const char *const kea_versions[] = {"3.12.0.582", "3.14.0.856", "3.15.0.1118", NULL};
static const char *const kesl_versions[] = {"11.4.0.1096", "12.0.0.6672", "12.1.0.1297", NULL};
static const char *const kesmac_versions[] = {"11.3.0.273", "12.0.0.237", "12.1.0.310", NULL};
static const char *const ksvla_versions[] = {"5.2.16.117", "6.1.0.211", "6.2.0.145", NULL};
static const char *const edr_versions[] = {"12.3.0.493", "12.4.0.467", "12.6.0.438", NULL};

static const char *const win_ws_os[] = {"Windows 10 Enterprise 22H2", "Windows 11 Pro 23H2",
                                        "Windows 11 Enterprise 24H2", NULL};
static const char *const win_srv_os[] = {"Windows Server 2016 Standard",
                                         "Windows Server 2019 Standard",
                                         "Windows Server 2022 Datacenter", NULL};
static const char *const linux_os[] = {"Ubuntu 22.04.4 LTS", "Red Hat Enterprise Linux 9.3",
                                       "Debian GNU/Linux 12", "Astra Linux 1.7", NULL};
static const char *const mac_os[] = {"macOS Ventura 13.6", "macOS Sonoma 14.5",
                                     "macOS Sequoia 15.1", NULL};

static const char *const kes_components[] = {"Managed Detection and Response",
                                             "File Threat Protection",
                                             "Behavior Detection",
                                             "Exploit Prevention",
                                             "Kaspersky Security Network",
                                             NULL};
static const char *const kea_components[] = {"Managed Detection and Response", "Endpoint Sensor",
                                             "Kaspersky Security Network", NULL};
static const char *const kesl_components[] = {"Managed Detection and Response",
                                              "File Threat Protection", "Behavior Detection",
                                              "Kaspersky Security Network", NULL};
static const char *const kesmac_components[] = {
    "Managed Detection and Response", "File Threat Protection", "Kaspersky Security Network", NULL};
static const char *const ksvla_components[] = {
    "Managed Detection and Response", "File Threat Protection", "Kaspersky Security Network", NULL};
static const char *const edr_components[] = {"Managed Detection and Response",
                                             "Endpoint Detection and Response",
                                             "Kaspersky Security Network", NULL};

static const product products[] = {
    {"KES", "Kaspersky Endpoint Security for Windows", "KES", kes_versions, win_ws_os, "WS",
     kes_components},
    {"KEA", "Kaspersky Endpoint Agent", "KEA", kea_versions, win_srv_os, "SRV", kea_components},
    {"KESL", "Kaspersky Endpoint Security for Linux", "KESL", kesl_versions, linux_os, "LNX",
     kesl_components},
    {"KESMAC", "Kaspersky Endpoint Security for Mac", "KESMAC", kesmac_versions, mac_os, "MAC",
     kesmac_components},
    {"KSVLA", "Kaspersky Security for Virtualization Light Agent", "KSVLA", ksvla_versions,
     win_ws_os, "VDI", ksvla_components},
    {"EDR", "Kaspersky Endpoint Security for Windows (EDR Agent configuration)", "KES",
     edr_versions, win_srv_os, "SRV", edr_components},
};
static const int product_weights[] = {560, 60, 150, 80, 90, 60};

static const char *const departments[] = {"FIN", "HR",  "DEV", "OPS", "SALES", "LEGAL",
                                          "IT",  "MKT", "SUP", "RND", NULL};
static const char *const domains[] = {"corp.example.com", "branch.example.com", "dev.example.net",
                                      "eu.example.org", NULL};

static const char *const states_sending[] = {"Running", "Paused",   "Stopped",
                                             "Failed",  "Starting", "Unknown"};
static const int states_sending_weights[] = {940, 15, 15, 10, 10, 10};
/* Machines that never sent telemetry: the reasons the help's Malfunctioning list exists. */
static const char *const states_silent[] = {"Unknown", "Stopped", "Paused",        "Starting",
                                            "Running", "Failed",  "Not installed", "No license"};
static const int states_silent_weights[] = {160, 140, 70, 60, 170, 120, 130, 150};

static const char *const component_states[] = {"Running", "Paused", "Starting",      "Unknown",
                                               "Stopped", "Failed", "Not installed", "No license"};

static const char *const statuses[] = {"OK", "WARNING", "CRITICAL", "OFFLINE", "ABSENT"};
static const int status_weights[] = {700, 120, 80, 60, 40};

static const char *const problems[] = {"Protection components are disabled",
                                       "Anti-virus databases are out of date",
                                       "License expires soon",
                                       "Telemetry loss detected",
                                       "Self-Defense is disabled",
                                       "Restart required"};

static const char *const tenant_words[] = {"Northwind Traders",
                                           "Contoso",
                                           "Fabrikam",
                                           "Tailspin Toys",
                                           "Woodgrove Bank",
                                           "Adventure Works",
                                           "Litware",
                                           "Proseware",
                                           "Fourth Coffee",
                                           "Wide World Importers",
                                           "Alpine Ski House",
                                           "Blue Yonder",
                                           "Coho Winery",
                                           "Lucerne Publishing",
                                           "Margie Travel",
                                           "Trey Research",
                                           "Wingtip Toys",
                                           "Graphic Design Institute",
                                           "School of Fine Art",
                                           "City Power and Light"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int list_len(const char *const *list)
{
    int n = 0;
    while (list[n])
        n++;
    return n;
}

static const char *pick(rng *r, const char *const *list)
{
    return list[below(r, (uint32_t)list_len(list))];
}

void seed_tenant_name(uint64_t seed, int t, char *buf, unsigned size)
{
    /* A rotation of the word list by the seed, then a numeric suffix past its end. */
    unsigned n = (unsigned)COUNT(tenant_words);
    unsigned start = (unsigned)(seed_mix(seed ^ 0x7E4A47ull) % n);
    const char *base = tenant_words[(start + (unsigned)t) % n];
    if ((unsigned)t < n)
        snprintf(buf, size, "%s", base);
    else
        snprintf(buf, size, "%s %u", base, (unsigned)t / n + 1);
}

void seed_machine_make(uint64_t seed, uint32_t index, int never_sent, int tenant_count,
                       seed_machine *out)
{
    memset(out, 0, sizeof *out);
    uint64_t key = seed_mix(seed) ^ ((uint64_t)index << 1) ^ (never_sent ? 1ull << 40 : 0);
    rng r = {seed_mix(key)};

    /* identity: UUID v4 layout from 128 random bits */
    uint64_t hi = next(&r), lo = next(&r);
    hi = (hi & ~0xF000ull) | 0x4000ull;                        /* version 4 */
    lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull; /* variant 10 */
    snprintf(out->device_id, sizeof out->device_id, "%08x-%04x-%04x-%04x-%012llx",
             (unsigned)(hi >> 32), (unsigned)((hi >> 16) & 0xFFFF), (unsigned)(hi & 0xFFFF),
             (unsigned)(lo >> 48), (unsigned long long)(lo & 0xFFFFFFFFFFFFull));
    uint64_t a1 = next(&r), a2 = next(&r);
    snprintf(out->asset_id, sizeof out->asset_id, "0x%016llX%016llX", (unsigned long long)a1,
             (unsigned long long)a2);

    const product *p = &products[weighted(&r, product_weights, (int)COUNT(products))];
    out->product_code = p->code;
    out->product_name = p->name;
    out->product_short = p->short_name;
    out->product_version = pick(&r, p->versions);
    out->os_version = pick(&r, p->os);
    out->edr_agent_config = strcmp(p->code, "EDR") == 0;

    const char *dept = pick(&r, departments);
    /* The index keeps names unique; the space letter keeps silent machines apart. */
    snprintf(out->host_name, sizeof out->host_name, "%s-%s-%s%06u", p->host_prefix, dept,
             never_sent ? "N" : "", index);
    snprintf(out->domain, sizeof out->domain, "%s", pick(&r, domains));

    out->tenant_index = tenant_count > 0 ? (int)below(&r, (uint32_t)tenant_count + 1) - 1 : -1;
    if (out->tenant_index >= 0) {
        char tenant[101];
        seed_tenant_name(seed, out->tenant_index, tenant, sizeof tenant);
        snprintf(out->group, sizeof out->group, "Managed devices/%.20s/%s", tenant, dept);
    } else {
        snprintf(out->group, sizeof out->group, "Managed devices/%s", dept);
    }

    /* console side: MDR state and critical components */
    if (never_sent)
        out->mdr_state =
            states_silent[weighted(&r, states_silent_weights, (int)COUNT(states_silent))];
    else
        out->mdr_state =
            states_sending[weighted(&r, states_sending_weights, (int)COUNT(states_sending))];
    out->self_defense = below(&r, 100) >= (never_sent ? 12u : 3u);
    int ncomp = list_len(p->components);
    for (int i = 0; i < ncomp && i < SEED_MAX_COMPONENTS; i++) {
        out->components[i].name = p->components[i];
        if (i == 0) {
            out->components[i].state = out->mdr_state;
        } else {
            /* Mostly Running; a silent machine is more often broken elsewhere too. */
            unsigned bad = never_sent ? 25u : 6u;
            out->components[i].state =
                below(&r, 100) < bad ? component_states[1 + below(&r, 7)] : "Running";
        }
    }
    out->component_count = ncomp < SEED_MAX_COMPONENTS ? ncomp : SEED_MAX_COMPONENTS;

    /* network */
    snprintf(out->ipv4, sizeof out->ipv4, "10.%u.%u.%u", below(&r, 200) + 1, below(&r, 250),
             below(&r, 250) + 2);
    if (below(&r, 100) < 35)
        snprintf(out->ipv6, sizeof out->ipv6, "fd00:%x:%x::%x", below(&r, 0xFFFF),
                 below(&r, 0xFFFF), below(&r, 0xFFFF) + 1);
    uint64_t m = next(&r);
    snprintf(out->mac, sizeof out->mac, "%02X-%02X-%02X-%02X-%02X-%02X",
             (unsigned)((m >> 40) & 0xFE) | 0x02, (unsigned)(m >> 32) & 0xFF,
             (unsigned)(m >> 24) & 0xFF, (unsigned)(m >> 16) & 0xFF, (unsigned)(m >> 8) & 0xFF,
             (unsigned)m & 0xFF);

    /* cloud side */
    const int64_t hour = 3600000, day = 24 * hour;
    out->status = statuses[weighted(&r, status_weights, (int)COUNT(statuses))];
    out->first_seen_ago_ms = (int64_t)(below(&r, 400) + 1) * day + (int64_t)below(&r, 24) * hour;
    int64_t last;
    if (strcmp(out->status, "ABSENT") == 0)
        last = (int64_t)(below(&r, 300) + 31) * day; /* not seen for more than 30 days */
    else if (strcmp(out->status, "OFFLINE") == 0)
        last = (int64_t)(below(&r, 29) + 1) * day + (int64_t)below(&r, 24) * hour;
    else
        last = (int64_t)below(&r, 6 * 60) * 60000; /* within the last six hours */
    out->last_seen_ago_ms = last < out->first_seen_ago_ms ? last : out->first_seen_ago_ms;
    out->isolated = below(&r, 1000) < 8;
    out->telemetry_loss = below(&r, 100) < 4;
    if (strcmp(out->status, "WARNING") == 0 || strcmp(out->status, "CRITICAL") == 0)
        out->problem_count = 1 + (int)below(&r, 2);
    else if (strcmp(out->status, "OK") == 0 && below(&r, 100) < 10)
        out->problem_count = 1; /* recovered, but had a problem in the last 72 hours */
    for (int i = 0; i < out->problem_count; i++)
        out->problems[i] =
            problems[(below(&r, (uint32_t)COUNT(problems)) + (unsigned)i) % COUNT(problems)];
    if (out->telemetry_loss && out->problem_count < 3)
        out->problems[out->problem_count++] = "Telemetry loss detected";
}
