#include "worker.h"

#include <pthread.h>
#include <stdlib.h>

typedef struct job {
    struct job *next;
    int kind;
    mdr_job_fn run;
    mdr_job_fn release;
    void *ctx;
} job;

struct mdr_worker {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    job *head, *tail;
    int stopping;
    size_t done;
};

static void *worker_main(void *arg)
{
    mdr_worker *w = arg;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->head && !w->stopping)
            pthread_cond_wait(&w->wake, &w->lock);
        job *j = w->head;
        if (!j)
            break; /* stopping and drained */
        w->head = j->next;
        if (!w->head)
            w->tail = NULL;
        pthread_mutex_unlock(&w->lock);
        j->run(j->ctx);
        if (j->release)
            j->release(j->ctx);
        free(j);
        pthread_mutex_lock(&w->lock);
        w->done++;
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

mdr_worker *mdr_worker_start(void)
{
    mdr_worker *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, NULL);
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
        pthread_cond_destroy(&w->wake);
        pthread_mutex_destroy(&w->lock);
        free(w);
        return NULL;
    }
    return w;
}

int mdr_worker_submit(mdr_worker *w, int kind, mdr_job_fn run, mdr_job_fn release, void *ctx)
{
    job *j = calloc(1, sizeof *j);
    if (!j) {
        if (release)
            release(ctx);
        return -1;
    }
    j->kind = kind;
    j->run = run;
    j->release = release;
    j->ctx = ctx;
    pthread_mutex_lock(&w->lock);
    int result = 0;
    if (w->stopping) {
        result = -1;
    } else if (kind != 0) {
        for (job *q = w->head; q; q = q->next)
            if (q->kind == kind)
                result = 1;
    }
    if (result == 0) {
        if (w->tail)
            w->tail->next = j;
        else
            w->head = j;
        w->tail = j;
        pthread_cond_signal(&w->wake);
    }
    pthread_mutex_unlock(&w->lock);
    if (result != 0) {
        if (release)
            release(ctx);
        free(j);
    }
    return result;
}

void mdr_worker_stop(mdr_worker *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->stopping = 1;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    free(w);
}

size_t mdr_worker_jobs_done(mdr_worker *w)
{
    pthread_mutex_lock(&w->lock);
    size_t n = w->done;
    pthread_mutex_unlock(&w->lock);
    return n;
}
