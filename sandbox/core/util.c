/* util.c — the sandbox clock, the data generation, and the tenant names every part shares. */
#include "core/state.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t sbx_now_ms(const sbx_ctx *ctx)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + ctx->clock_offset_ms;
}

void sbx_touch(sbx_ctx *ctx)
{
    ctx->generation++;
    if (ctx->core)
        core_of(ctx)->dirty = 1;
}

void sbx_set_str(char **slot, const char *value)
{
    char *copy = value ? strdup(value) : NULL;
    free(*slot);
    *slot = copy;
}

int sbx_tenant_find(const sbx_ctx *ctx, const char *name)
{
    for (int i = 0; i < ctx->tenant_name_count; i++)
        if (strcmp(ctx->tenant_names[i], name) == 0)
            return i;
    return -1;
}

int sbx_tenant_add(sbx_ctx *ctx, const char *name)
{
    char **grown = realloc(ctx->tenant_names, sizeof(char *) * (ctx->tenant_name_count + 1));
    if (!grown)
        return -1;
    ctx->tenant_names = grown;
    ctx->tenant_names[ctx->tenant_name_count] = strdup(name);
    sbx_touch(ctx);
    return ctx->tenant_name_count++;
}

int sbx_tenant_rename(sbx_ctx *ctx, int index, const char *name)
{
    if (index < 0 || index >= ctx->tenant_name_count)
        return -1;
    sbx_set_str(&ctx->tenant_names[index], name);
    sbx_touch(ctx);
    return 0;
}

int sbx_default_tenant_visible(sbx_ctx *ctx, const sbx_conn *conn, const char *tenant_name)
{
    (void)ctx;
    if (!conn || conn->tenant_count == 0)
        return 1;
    for (size_t i = 0; i < conn->tenant_count; i++)
        if (strcmp(conn->tenants[i], tenant_name) == 0)
            return 1;
    return 0;
}
