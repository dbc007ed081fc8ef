/* clock.c — the host clock the modules see (services->now_ms). */
#include "clock.h"

#include "store.h"

#include <time.h>

int64_t clock_offset_ms(host_ctx *ctx)
{
    int64_t offset = 0;
    host_lock(ctx);
    if (store_query_int(ctx->db, "SELECT offset_ms FROM clock WHERE id = 1", NULL, NULL, &offset) !=
        1)
        offset = 0;
    host_unlock(ctx);
    return offset;
}

int64_t clock_now_ms(host_ctx *ctx)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + clock_offset_ms(ctx);
}

int clock_advance(host_ctx *ctx, int64_t ms)
{
    host_lock(ctx);
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(ctx->db, "UPDATE clock SET offset_ms = offset_ms + ?1 WHERE id = 1", -1,
                           &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, ms);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    }
    sqlite3_finalize(st);
    host_unlock(ctx);
    return rc;
}
