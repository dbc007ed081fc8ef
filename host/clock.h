/* clock.h — the host clock: real time plus an offset kept in the store (tests move it). */
#ifndef KSC_HOST_CLOCK_H
#define KSC_HOST_CLOCK_H

#include "host.h"

int64_t clock_now_ms(host_ctx *ctx);
int64_t clock_offset_ms(host_ctx *ctx);
/* Adds ms (>= 0) to the offset; returns 0 or -1. */
int clock_advance(host_ctx *ctx, int64_t ms);

#endif
