/* MDR Health sync under a race detector (scripts/race runs it under helgrind): the smallest
 * world in which the four fetch workers all have pages at once, through a full sync, an
 * incremental one (the filtered requests, the totals thread) and a failed page. Small on
 * purpose: helgrind slows it ~100 times. Under plain ctest it checks the same results. */
#include "fixture.h"

#define PAGE 10   /* assets per page */
#define ASSETS 55 /* six pages: more than HEALTH_FETCH_THREADS */

static health_sync_status sync_small_pages(int full, health_sync_result *r)
{
    health_source src = fx_source();
    health_sync_options opt = {.force_full = full, .owner = "race test", .page_size = PAGE};
    mdr_cloud_error ce;
    return health_sync_run(FX.m, &src, &opt, r, &ce);
}

static void sync_threads__full_incremental_and_failure(void)
{
    fx_start();
    fx_seed(ASSETS, 4);
    health_sync_result r;
    CU_ASSERT_EQUAL_FATAL(sync_small_pages(0, &r), HEALTH_SYNC_OK);
    CU_ASSERT_TRUE(r.full);
    CU_ASSERT_EQUAL(r.fetched, ASSETS);
    /* incremental: min_last_seen in every request, the totals counted on a thread of their own */
    FX.assets[3].status = "CRITICAL";
    FX.assets[3].last_seen = FX_NOW;
    CU_ASSERT_EQUAL(sync_small_pages(0, &r), HEALTH_SYNC_OK);
    CU_ASSERT_FALSE(r.full);
    CU_ASSERT_EQUAL(r.changed, 1);
    /* a full sync whose pages fail after two good ones: workers stop mid-flight */
    FX.fail_list_after = 2;
    FX.fail_list = 100;
    CU_ASSERT_EQUAL(sync_small_pages(1, &r), HEALTH_SYNC_CLOUD_ERROR);
    FX.fail_list = 0;
    FX.fail_list_after = 0;
    CU_ASSERT_EQUAL(sync_small_pages(1, &r), HEALTH_SYNC_OK);
    CU_ASSERT_EQUAL(r.assets, ASSETS);
    fx_stop();
}

int main(void)
{
    static const unit_test tests[] = {
        {"sync_threads__full_incremental_and_failure", sync_threads__full_incremental_and_failure},
        {NULL, NULL}};
    return run_tests("health_sync_threads", tests);
}
