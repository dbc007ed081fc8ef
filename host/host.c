/* host.c — the process context: config, store, log, lock. */
#include "host.h"

#include "store.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int host_exit_code(ksc_status status)
{
    switch (status) {
    case KSC_OK:
        return EXIT_OK;
    case KSC_ERR_USAGE:
        return EXIT_USAGE;
    case KSC_ERR_DENIED:
        return EXIT_DENIED;
    case KSC_ERR_INVALID:
    case KSC_ERR_NOT_FOUND: /* an unknown name is invalid input to the CLI */
        return EXIT_INVALID;
    case KSC_ERR_FAILED:
    case KSC_ERR_CONFLICT: /* the action could not be done in the current state */
    case KSC_ERR_NO_MEMORY:
    default:
        return EXIT_FAILED;
    }
}

int host_valid_name(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > HOST_NAME_MAX_LEN)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-' || c == '@'))
            return 0;
    }
    return 1;
}

int host_valid_lang(const char *lang)
{
    static const char *const langs[] = {"en", "ru", "de", "es", "fr", "it"};
    for (size_t i = 0; lang && i < sizeof langs / sizeof langs[0]; i++)
        if (strcmp(lang, langs[i]) == 0)
            return 1;
    return 0;
}

void host_lock(host_ctx *ctx)
{
    pthread_mutex_lock(&ctx->lock);
}

void host_unlock(host_ctx *ctx)
{
    pthread_mutex_unlock(&ctx->lock);
}

static const char *level_name(ksc_log_level level)
{
    switch (level) {
    case KSC_LOG_DEBUG:
        return "debug";
    case KSC_LOG_INFO:
        return "info";
    case KSC_LOG_WARNING:
        return "warning";
    default:
        return "error";
    }
}

void host_log(host_ctx *ctx, const char *who, ksc_log_level level, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *src = (who && who[0]) ? who : "host";
    host_lock(ctx);
    if (level >= KSC_LOG_WARNING || getenv("KSC_HOST_VERBOSE")) {
        char line[2200];
        int n = snprintf(line, sizeof line, "ksc-host: [%s] %s: %s\n", src, level_name(level), msg);
        size_t len = n < 0 ? 0 : (size_t)n >= sizeof line ? sizeof line - 1 : (size_t)n;
        char *grown = NULL;
        if (ctx->holding_for && who && strcmp(who, ctx->holding_for) == 0 &&
            (grown = realloc(ctx->held, ctx->held_len + len + 1))) {
            memcpy(grown + ctx->held_len, line, len + 1);
            ctx->held = grown;
            ctx->held_len += len;
        } else {
            fputs(line, stderr);
        }
    }
    if (ctx->log_file) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        struct tm tm;
        gmtime_r(&ts.tv_sec, &tm);
        char when[32];
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
        fprintf(ctx->log_file, "%s [%s] %s: %s\n", when, src, level_name(level), msg);
        fflush(ctx->log_file);
    }
    host_unlock(ctx);
}

static int make_dir(const char *path, mode_t mode)
{
    if (mkdir(path, mode) == 0 || errno == EEXIST)
        return 0;
    return -1;
}

int host_open(host_ctx *ctx, const char *config_path)
{
    memset(ctx, 0, sizeof *ctx);
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&ctx->lock, &attr);
    pthread_mutexattr_destroy(&attr);
    ctx->self.ctx = ctx;

    char err[1024];
    if (host_config_load(config_path, &ctx->cfg, err, sizeof err) != 0) {
        fprintf(stderr, "ksc-host: %s\n", err);
        return -1;
    }
    if (make_dir(ctx->cfg.data_dir, 0700) != 0) {
        fprintf(stderr, "ksc-host: cannot create the data directory %s: %s\n", ctx->cfg.data_dir,
                strerror(errno));
        return -1;
    }
    char path[PATH_MAX];
    if (host_path_resolve(ctx->cfg.data_dir, "host.log", path, sizeof path) == 0)
        ctx->log_file = fopen(path, "a");
    if (host_path_resolve(ctx->cfg.data_dir, "host.db", path, sizeof path) != 0) {
        fprintf(stderr, "ksc-host: data_dir path too long\n");
        return -1;
    }
    ctx->db = store_open(path, err, sizeof err);
    if (!ctx->db) {
        fprintf(stderr, "ksc-host: %s\n", err);
        return -1;
    }
    return 0;
}

void host_close(host_ctx *ctx)
{
    if (ctx->db)
        sqlite3_close(ctx->db);
    ctx->db = NULL;
    if (ctx->log_file)
        fclose(ctx->log_file);
    ctx->log_file = NULL;
    host_config_free(&ctx->cfg);
    free(ctx->held);
    ctx->held = NULL;
    ctx->held_len = 0;
    pthread_mutex_destroy(&ctx->lock);
}
