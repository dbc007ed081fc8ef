#include "log.h"
#include "module.h"

#include <stdlib.h>
#include <string.h>

enum { JOB_LOGIN = 0, JOB_TIMER = 1 /* coalesced: one pending timer is enough */ };

typedef struct event_job {
    ksc_module *module;
    const mdr_area_hooks *hooks;
    size_t count;
    int64_t now_ms;
    char *user, *server, *lang;
} event_job;

static void job_free(void *arg)
{
    event_job *j = arg;
    free(j->user);
    free(j->server);
    free(j->lang);
    free(j);
}

static void run_login(void *arg)
{
    event_job *j = arg;
    mdr_login login = {j->user, j->server, j->lang, j->now_ms};
    for (size_t i = 0; i < j->count; i++)
        if (j->hooks[i].on_login)
            j->hooks[i].on_login(j->module, &login);
}

static void run_timer(void *arg)
{
    event_job *j = arg;
    for (size_t i = 0; i < j->count; i++)
        if (j->hooks[i].on_timer)
            j->hooks[i].on_timer(j->module, j->now_ms);
}

static char *dup_or_empty(const char *s)
{
    return strdup(s ? s : "");
}

ksc_status mdr_events_dispatch(ksc_module *module, const mdr_area_hooks *hooks, size_t count,
                               const ksc_event *event)
{
    if (!module || !event || !KSC_HAS_MEMBER(event, ksc_event, now_ms))
        return KSC_ERR_INVALID;
    if (event->kind != KSC_EVENT_LOGIN && event->kind != KSC_EVENT_TIMER)
        return KSC_OK; /* SHUTDOWN: shutdown drains; unknown kinds come from newer hosts */
    if (event->kind == KSC_EVENT_LOGIN && (!event->user || !*event->user)) {
        mdr_log(module->services, KSC_LOG_WARNING, "login event without a user ignored");
        return KSC_ERR_INVALID;
    }
    event_job *j = calloc(1, sizeof *j);
    if (!j)
        return KSC_ERR_NO_MEMORY;
    *j = (event_job){module, hooks, count, event->now_ms, NULL, NULL, NULL};
    int kind = JOB_TIMER;
    mdr_job_fn run = run_timer;
    if (event->kind == KSC_EVENT_LOGIN) {
        kind = JOB_LOGIN;
        run = run_login;
        j->user = dup_or_empty(event->user);
        j->server = dup_or_empty(event->server);
        j->lang = dup_or_empty(event->lang);
        if (!j->user || !j->server || !j->lang) {
            job_free(j);
            return KSC_ERR_NO_MEMORY;
        }
    }
    int rc = mdr_worker_submit(module->worker, kind, run, job_free, j);
    return rc < 0 ? KSC_ERR_FAILED : KSC_OK;
}

void mdr_events_shutdown(ksc_module *module, const mdr_area_hooks *hooks, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (hooks[i].on_shutdown)
            hooks[i].on_shutdown(module);
}
