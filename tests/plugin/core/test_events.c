/* events: login work runs on the worker and has finished when shutdown returns; timers
 * coalesce; malformed events refused. */
#include "fake_host.h"
#include "core/module.h"
#include "unit.h"

#include <pthread.h>
#include <time.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int logins_done, timers_done;
static char last_user[64];

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void slow_login(ksc_module *m, const mdr_login *login)
{
    (void)m;
    sleep_ms(200); /* slow work, e.g. a cloud call */
    pthread_mutex_lock(&lock);
    logins_done++;
    snprintf(last_user, sizeof last_user, "%s", login->user);
    pthread_mutex_unlock(&lock);
}

static void slow_timer(ksc_module *m, int64_t now)
{
    (void)m, (void)now;
    sleep_ms(100);
    pthread_mutex_lock(&lock);
    timers_done++;
    pthread_mutex_unlock(&lock);
}

static const mdr_area_hooks hooks[] = {{"test", slow_login, slow_timer, NULL}};

static ksc_module *start(fake_host **h)
{
    *h = fake_host_new();
    ksc_module *m = NULL;
    char *err = NULL;
    CU_ASSERT_EQUAL(mdr_module_init(fake_host_services(*h), NULL, &m, &err), KSC_OK);
    free(err);
    return m;
}

static void events__login_finished_before_shutdown_returns(void)
{
    fake_host *h;
    ksc_module *m = start(&h);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    logins_done = 0;
    ksc_event login = {sizeof login, KSC_EVENT_LOGIN, "alice", "main", "ru", 1};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CU_ASSERT_EQUAL(mdr_events_dispatch(m, hooks, 1, &login), KSC_OK);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    /* The hook returned at once: the work is on the worker. */
    CU_ASSERT_TRUE((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 < 100);
    mdr_module_shutdown(m);
    CU_ASSERT_EQUAL(logins_done, 1);
    CU_ASSERT_STRING_EQUAL(last_user, "alice");
    fake_host_free(h);
}

static void events__timers_coalesce(void)
{
    fake_host *h;
    ksc_module *m = start(&h);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    timers_done = 0;
    ksc_event timer = {sizeof timer, KSC_EVENT_TIMER, NULL, NULL, NULL, 1};
    for (int i = 0; i < 5; i++)
        CU_ASSERT_EQUAL(mdr_events_dispatch(m, hooks, 1, &timer), KSC_OK);
    mdr_module_shutdown(m);
    /* the first may have started, the rest wait as one: never five runs */
    CU_ASSERT_TRUE(timers_done >= 1 && timers_done <= 2);
    fake_host_free(h);
}

static void events__malformed_events_refused(void)
{
    fake_host *h;
    ksc_module *m = start(&h);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    ksc_event no_user = {sizeof no_user, KSC_EVENT_LOGIN, NULL, "main", "en", 1};
    CU_ASSERT_EQUAL(mdr_module_on_event(m, &no_user), KSC_ERR_INVALID);
    ksc_event tiny = {sizeof(size_t), KSC_EVENT_TIMER, NULL, NULL, NULL, 1};
    CU_ASSERT_EQUAL(mdr_module_on_event(m, &tiny), KSC_ERR_INVALID);
    CU_ASSERT_EQUAL(mdr_module_on_event(m, NULL), KSC_ERR_INVALID);
    ksc_event shutdown = {sizeof shutdown, KSC_EVENT_SHUTDOWN, NULL, NULL, NULL, 1};
    CU_ASSERT_EQUAL(mdr_module_on_event(m, &shutdown), KSC_OK);
    mdr_module_shutdown(m);
    fake_host_free(h);
}

int main(void)
{
    static const unit_test tests[] = {
        {"events__login_finished_before_shutdown_returns",
         events__login_finished_before_shutdown_returns},
        {"events__timers_coalesce", events__timers_coalesce},
        {"events__malformed_events_refused", events__malformed_events_refused},
        {NULL, NULL}};
    return run_tests("events", tests);
}
