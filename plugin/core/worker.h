/* worker.h — one background thread running queued jobs in order. Event hooks hand slow
 * work to it so they return quickly; mdr_worker_stop() runs every job already queued, then
 * joins the thread, so no work is lost or left running when shutdown returns. */
#ifndef MDR_WORKER_H
#define MDR_WORKER_H

#include <stddef.h>

typedef struct mdr_worker mdr_worker;

/* A job: run(ctx) on the worker thread, then release(ctx) if not NULL. `kind` lets a caller
 * coalesce (see mdr_worker_submit); 0 means "never coalesce". */
typedef void (*mdr_job_fn)(void *ctx);

/* Starts the thread. Returns NULL when out of memory or the thread cannot start. */
mdr_worker *mdr_worker_start(void);

/* Queues a job. When `kind` is non-zero and a job of the same kind is still queued (not yet
 * started), the new one is dropped and release(ctx) is called at once; returns 1 then.
 * Returns 0 when queued, -1 when out of memory or the worker is stopping (release(ctx) is
 * called in both cases so the caller never leaks). */
int mdr_worker_submit(mdr_worker *worker, int kind, mdr_job_fn run, mdr_job_fn release, void *ctx);

/* Runs every queued job, joins the thread, frees the worker. NULL is a no-op. */
void mdr_worker_stop(mdr_worker *worker);

/* Jobs run so far (for tests and diagnostics). */
size_t mdr_worker_jobs_done(mdr_worker *worker);

#endif
