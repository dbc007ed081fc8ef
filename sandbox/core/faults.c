/* faults.c — the request log and the injected faults the server applies (the admin
 * interface, api/admin.c, fills and reads them). */
#include "core/state.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LOG_MAX 200000     /* oldest entries are dropped past this */
#define HOLD_MAX_MS 600000 /* a held request goes on by itself after 10 minutes */

void core_log_request(sbx_ctx *ctx, const char *method, const char *path, int status,
                      const char *client_id)
{
    core_state *cs = core_of(ctx);
    if (cs->log_n == LOG_MAX) {
        free(cs->log[0].path);
        memmove(cs->log, cs->log + 1, (LOG_MAX - 1) * sizeof *cs->log);
        cs->log_n--;
    }
    if (cs->log_n == cs->log_cap) {
        size_t cap = cs->log_cap ? cs->log_cap * 2 : 1024;
        log_entry *grown = realloc(cs->log, cap * sizeof *grown);
        if (!grown)
            return;
        cs->log = grown;
        cs->log_cap = cap;
    }
    log_entry *e = &cs->log[cs->log_n++];
    snprintf(e->method, sizeof e->method, "%s", method);
    e->path = strdup(path);
    e->status = status;
    e->time_ms = sbx_now_ms(ctx);
    snprintf(e->client_id, sizeof e->client_id, "%s", client_id ? client_id : "");
}

int core_path_matches(const char *fault_path, const char *url)
{
    while (*fault_path == '/')
        fault_path++;
    size_t fl = strlen(fault_path), ul = strlen(url);
    if (fl > ul || strcmp(url + ul - fl, fault_path) != 0)
        return 0;
    return fl == ul || url[ul - fl - 1] == '/'; /* whole segments only */
}

fault_kind core_take_fault(sbx_ctx *ctx, const char *path, int *status, int *retry_after_s,
                           int64_t *delay_ms)
{
    core_state *cs = core_of(ctx);
    for (size_t i = 0; i < cs->fault_n; i++) {
        fault *f = &cs->faults[i];
        if (!core_path_matches(f->path, path))
            continue;
        fault_kind k = f->kind;
        *status = f->status;
        *retry_after_s = f->retry_after_s;
        *delay_ms = f->delay_ms;
        if (--f->remaining <= 0) {
            free(f->path);
            memmove(f, f + 1, (cs->fault_n - i - 1) * sizeof *f);
            cs->fault_n--;
        }
        return k;
    }
    return FAULT_NONE;
}

int core_rate_take(sbx_ctx *ctx, sbx_conn *conn, int *retry_after_s)
{
    core_state *cs = core_of(ctx);
    if (cs->rate_per_s <= 0 || !conn)
        return 1;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int64_t now_us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
    if (conn->rate_at_us == 0) {
        conn->rate_tokens = cs->rate_burst;
    } else if (now_us > conn->rate_at_us) {
        conn->rate_tokens += (double)(now_us - conn->rate_at_us) / 1e6 * cs->rate_per_s;
        if (conn->rate_tokens > cs->rate_burst)
            conn->rate_tokens = cs->rate_burst;
    }
    conn->rate_at_us = now_us;
    if (conn->rate_tokens >= 1) {
        conn->rate_tokens -= 1;
        return 1;
    }
    /* Whole seconds, rounded up: after waiting that long a token is surely there. */
    double wait_s = (1 - conn->rate_tokens) / cs->rate_per_s;
    long s = (long)wait_s;
    if ((double)s < wait_s)
        s++;
    *retry_after_s = s < 1 ? 1 : s > 86400 ? 86400 : (int)s;
    return 0;
}

void core_faults_init(sbx_ctx *ctx)
{
    core_state *cs = core_of(ctx);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC); /* the deadline ignores clock moves */
    pthread_cond_init(&cs->held_cond, &attr);
    pthread_condattr_destroy(&attr);
}

void core_hold(sbx_ctx *ctx)
{
    core_state *cs = core_of(ctx);
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += HOLD_MAX_MS / 1000;
    uint64_t gen = cs->release_gen;
    cs->held_n++;
    while (!cs->closing && cs->release_gen == gen)
        if (pthread_cond_timedwait(&cs->held_cond, &ctx->lock, &until) == ETIMEDOUT)
            break;
    cs->held_n--;
}

int core_held_count(sbx_ctx *ctx)
{
    return core_of(ctx)->held_n;
}

int core_release_held(sbx_ctx *ctx, int closing)
{
    core_state *cs = core_of(ctx);
    int n = cs->held_n;
    cs->release_gen++;
    if (closing)
        cs->closing = 1;
    pthread_cond_broadcast(&cs->held_cond);
    return n;
}

void core_faults_free(sbx_ctx *ctx)
{
    core_state *cs = core_of(ctx);
    pthread_cond_destroy(&cs->held_cond);
    for (size_t i = 0; i < cs->fault_n; i++)
        free(cs->faults[i].path);
    free(cs->faults);
    for (size_t i = 0; i < cs->log_n; i++)
        free(cs->log[i].path);
    free(cs->log);
}
