/*
 * mdr-sandbox — the MDR cloud over HTTPS on loopback, for tests, benchmarks and demos.
 *   mdr-sandbox --listen 127.0.0.1:0 --tls-cert FILE --tls-key FILE [--seed S] [--assets N]
 *               [--incidents N] [--tenants N] [--licenses N] [--state FILE.db]
 *               [--rate-limit RATE/BURST|off]
 * Prints one JSON line on stdout when ready (see docs/sandbox.md); stops on SIGTERM/SIGINT.
 */
#define _GNU_SOURCE /* nftw */
#include "core/persist.h"
#include "core/sbuf.h"
#include "core/server.h"
#include "core/state.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    sbuf b = {0};
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sb_put(&b, buf, n);
    fclose(f);
    return b.data;
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || !end || *end || end == s || s[0] == '-' || v > max)
        return -1;
    *out = v;
    return 0;
}

static int parse_listen(const char *s, struct sockaddr_in *addr)
{
    char host[64];
    const char *colon = strrchr(s, ':');
    uint64_t port;
    if (!colon || (size_t)(colon - s) >= sizeof host || parse_u64(colon + 1, 65535, &port) != 0)
        return -1;
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    if (strcmp(host, "localhost") == 0)
        strcpy(host, "127.0.0.1");
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &addr->sin_addr) != 1)
        return -1;
    /* loopback only: the sandbox must never be reachable from elsewhere */
    if ((ntohl(addr->sin_addr.s_addr) >> 24) != 127)
        return -2;
    return 0;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void usage(void)
{
    fprintf(stderr, "usage: mdr-sandbox --listen 127.0.0.1:PORT --tls-cert FILE --tls-key FILE "
                    "[--seed S] [--assets N] [--incidents N] [--tenants N] [--licenses N] "
                    "[--state FILE.db] [--rate-limit RATE/BURST|off]\n");
}

/* --rate-limit RATE/BURST (requests per second per API connection, 1-1,000,000, after a burst
 * of 1-10,000,000) or "off". */
static int parse_rate_limit(const char *s, uint64_t *rate, uint64_t *burst)
{
    if (strcmp(s, "off") == 0) {
        *rate = *burst = 0;
        return 0;
    }
    const char *slash = strchr(s, '/');
    char head[24];
    if (!slash || (size_t)(slash - s) >= sizeof head)
        return 1;
    memcpy(head, s, (size_t)(slash - s));
    head[slash - s] = '\0';
    if (parse_u64(head, 1000000, rate) != 0 || parse_u64(slash + 1, 10000000, burst) != 0 ||
        *rate == 0 || *burst == 0)
        return 1;
    return 0;
}

static void print_ready(sbx_ctx *ctx, unsigned port)
{
    json_object *o = json_object_new_object();
    char url[128];
    snprintf(url, sizeof url, "https://127.0.0.1:%u/api/v1", port);
    json_object_object_add(o, "base_url", json_object_new_string(url));
    snprintf(url, sizeof url, "https://127.0.0.1:%u/admin", port);
    json_object_object_add(o, "admin_url", json_object_new_string(url));
    json_object_object_add(o, "admin_token", json_object_new_string(core_of(ctx)->admin_token));
    sbx_ready_info *r = &ctx->ready;
    if (r->account_login) {
        json_object *a = json_object_new_object();
        json_object_object_add(a, "login", json_object_new_string(r->account_login));
        json_object_object_add(
            a, "password", json_object_new_string(r->account_password ? r->account_password : ""));
        json_object_object_add(o, "account", a);
    }
    if (r->activation_code)
        json_object_object_add(o, "activation_code", json_object_new_string(r->activation_code));
    if (r->ksn_trust_anchor)
        json_object_object_add(o, "ksn_trust_anchor", json_object_new_string(r->ksn_trust_anchor));
    if (r->existing_login) {
        json_object *a = json_object_new_object();
        json_object_object_add(a, "login", json_object_new_string(r->existing_login));
        json_object_object_add(
            a, "password",
            json_object_new_string(r->existing_password ? r->existing_password : ""));
        json_object_object_add(o, "existing_account", a);
    }
    printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
                                                         JSON_C_TO_STRING_NOSLASHESCAPE));
    fflush(stdout);
    json_object_put(o);
}

int main(int argc, char **argv)
{
    const char *listen = NULL, *cert = NULL, *key = NULL, *state = NULL;
    uint64_t seed = 1, assets = 1000, incidents = 200, tenants = 3, licenses = 2;
    uint64_t rate = CORE_RATE_DEFAULT_PER_S, burst = CORE_RATE_DEFAULT_BURST;
    for (int i = 1; i < argc; i += 2) { /* every option takes one value */
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int bad = 0;
        if (strcmp(a, "--help") == 0) {
            usage();
            return 0;
        } else if (!v) {
            bad = 1;
        } else if (strcmp(a, "--listen") == 0) {
            listen = v;
        } else if (strcmp(a, "--tls-cert") == 0) {
            cert = v;
        } else if (strcmp(a, "--tls-key") == 0) {
            key = v;
        } else if (strcmp(a, "--state") == 0) {
            state = v;
        } else if (strcmp(a, "--seed") == 0) {
            bad = parse_u64(v, UINT64_MAX, &seed);
        } else if (strcmp(a, "--assets") == 0) {
            bad = parse_u64(v, 20000000, &assets);
        } else if (strcmp(a, "--incidents") == 0) {
            bad = parse_u64(v, 1000000, &incidents);
        } else if (strcmp(a, "--tenants") == 0) {
            bad = parse_u64(v, 10000, &tenants);
        } else if (strcmp(a, "--licenses") == 0) {
            bad = parse_u64(v, 1000, &licenses);
        } else if (strcmp(a, "--rate-limit") == 0) {
            bad = parse_rate_limit(v, &rate, &burst);
        } else {
            bad = 1;
        }
        if (bad) {
            fprintf(stderr, "mdr-sandbox: bad or incomplete option %s\n", a);
            usage();
            return 2;
        }
    }
    if (!listen || !cert || !key) {
        usage();
        return 2;
    }
    struct sockaddr_in addr;
    int lr = parse_listen(listen, &addr);
    if (lr != 0) {
        fprintf(stderr, "mdr-sandbox: --listen %s: %s\n", listen,
                lr == -2 ? "only loopback addresses (127.x.x.x) are allowed"
                         : "expected HOST:PORT");
        return 2;
    }
    char *cert_pem = read_file(cert), *key_pem = read_file(key);
    if (!cert_pem || !key_pem) {
        fprintf(stderr, "mdr-sandbox: cannot read %s\n", !cert_pem ? cert : key);
        free(cert_pem);
        free(key_pem);
        return 2;
    }

    /* SIGTERM/SIGINT are taken by sigwait below; every thread inherits the mask */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    sbx_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    pthread_mutex_init(&ctx.lock, NULL);
    ctx.seed = seed;
    ctx.asset_count = (uint32_t)assets;
    ctx.incident_count = (uint32_t)incidents;
    ctx.tenant_count_seeded = (int)tenants;
    ctx.license_count = (int)licenses;
    ctx.state_path = state;
    ctx.tenant_visible = sbx_default_tenant_visible;
    core_state *cs = calloc(1, sizeof *cs);
    ctx.core = cs;
    cs->rate_per_s = (double)rate;
    cs->rate_burst = (double)burst;
    core_faults_init(&ctx);
    random_token((char *)cs->admin_token, 64);
    char keyhex[65];
    random_token(keyhex, 64);
    for (int i = 0; i < 32; i++) {
        unsigned v;
        sscanf(keyhex + 2 * i, "%2x", &v);
        cs->jwt_key[i] = (unsigned char)v;
    }

    int tmp_dir = 0;
    if (state) {
        snprintf(ctx.files_dir, sizeof ctx.files_dir, "%s.files", state);
        mkdir(ctx.files_dir, 0700);
    } else {
        const char *t = getenv("TMPDIR");
        snprintf(ctx.files_dir, sizeof ctx.files_dir, "%s/mdr-sandbox-XXXXXX",
                 t && *t ? t : "/tmp");
        if (!mkdtemp(ctx.files_dir)) {
            perror("mdr-sandbox: mkdtemp");
            return 1;
        }
        tmp_dir = 1;
    }

    sbx_router router;
    memset(&router, 0, sizeof router);
    core_set_router(&router);
    sbx_register_all(&router);
    int status = 0, loaded = 0;
    pthread_mutex_lock(&ctx.lock);
    if (persist_load(&ctx, &router, &loaded) != 0)
        status = 1;
    if (status == 0 && !loaded) {
        ctx.seeded_at_ms = sbx_now_ms(&ctx);
        core_fresh(&ctx);
    }
    for (size_t i = 0; status == 0 && i < router.module_count; i++)
        if (router.modules[i]->init && router.modules[i]->init(&ctx, loaded) != 0) {
            fprintf(stderr, "mdr-sandbox: %s failed to start\n", router.modules[i]->name);
            status = 1;
        }
    pthread_mutex_unlock(&ctx.lock);

    sbx_server srv = {.ctx = &ctx, .router = &router};
    if (status == 0 && server_start(&srv, &addr, cert_pem, key_pem) != 0) {
        fprintf(stderr, "mdr-sandbox: cannot listen on %s with the given certificate and key\n",
                listen);
        status = 1;
    }
    if (status == 0) {
        print_ready(&ctx, srv.port);
        int sig = 0;
        sigwait(&sigs, &sig);
        server_stop(&srv);
        pthread_mutex_lock(&ctx.lock);
        if (persist_save(&ctx, &router) != 0)
            status = 1;
        pthread_mutex_unlock(&ctx.lock);
    }
    for (size_t i = router.module_count; i-- > 0;)
        if (router.modules[i]->fini)
            router.modules[i]->fini(&ctx);
    core_free(&ctx);
    for (int i = 0; i < ctx.tenant_name_count; i++)
        free(ctx.tenant_names[i]);
    free(ctx.tenant_names);
    sbx_ready_info *r = &ctx.ready;
    free(r->account_login);
    free(r->account_password);
    free(r->activation_code);
    free(r->ksn_trust_anchor);
    free(r->existing_login);
    free(r->existing_password);
    router_free(&router);
    if (tmp_dir)
        nftw(ctx.files_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(cs);
    free(cert_pem);
    free(key_pem);
    pthread_mutex_destroy(&ctx.lock);
    return status;
}
