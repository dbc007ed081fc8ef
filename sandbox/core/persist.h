/* persist.h — the --state file (core/persist.c): one SQLite row per module. */
#ifndef KSC_SANDBOX_PERSIST_H
#define KSC_SANDBOX_PERSIST_H

#include "core/router.h"

/* Loads every module's saved state (the core's first); *loaded = 1 when a state was there. */
int persist_load(sbx_ctx *ctx, sbx_router *r, int *loaded);
int persist_save(sbx_ctx *ctx, sbx_router *r);

#endif
