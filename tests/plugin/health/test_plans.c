/* MDR Health page plans: every page of both lists (each sort column both ways, under each
 * filter, scoped or not, deep or not) walks an index in the sort's order: EXPLAIN QUERY PLAN
 * never shows a temp B-tree, which would sort every matching row for each page. */
#include "fixture.h"

#include <stdio.h>
#include <string.h>

static int checked;

static void check_plan(health_list list, const char *filter, const char *sort, int scoped)
{
    char text[512];
    snprintf(text, sizeof text, "{%s%s\"sort\": \"%s\"}", filter, filter[0] ? ", " : "", sort);
    json_object *req = json_tokener_parse(text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(req);
    health_query q;
    memset(&q, 0, sizeof q);
    mdr_request_error err;
    memset(&err, 0, sizeof err);
    CU_ASSERT_EQUAL_FATAL(health_query_from_json(req, list, FX_NOW, &q, &err), 0);
    json_object_put(req);
    q.page = q.page ? q.page : 1;
    q.page_size = q.page_size ? q.page_size : HEALTH_PAGE_SIZE_DEFAULT;
    if (scoped) {
        q.visible_tenants = strdup("[\"Contoso\", \"\"]");
        snprintf(q.server, sizeof q.server, "main");
    }
    char plan[2048];
    CU_ASSERT_EQUAL(health_query_plan(mdr_store_conn(FX.m->store), &q, plan, sizeof plan), 0);
    if (strstr(plan, "TEMP B-TREE") || !strstr(plan, "USING INDEX")) {
        fprintf(stderr, "\n%s %s (scoped %d): sorts instead of walking an index:\n%s",
                list == HEALTH_ASSETS ? "assets" : "malfunctioning", text, scoped, plan);
        CU_FAIL("a page sorts in a temp B-tree");
    }
    checked++;
    health_query_clear(&q);
}

static void plans__no_page_sorts_in_a_temp_btree(void)
{
    fx_start();
    fx_seed(3000, 300);
    health_sync_result r;
    CU_ASSERT_EQUAL_FATAL(fx_sync(0, &r), HEALTH_SYNC_OK); /* ANALYZE: the planner's figures */
    static const char *const asset_filters[] = {
        "",
        "\"statuses\": [\"CRITICAL\", \"WARNING\"]",
        "\"statuses\": [\"OFFLINE\"], \"last_seen\": {\"days\": 365}",
        "\"search\": \"ws-1\", \"last_seen\": {\"all\": true}",
        "\"search\": \"7\"",
        "\"last_seen\": {\"all\": true}, \"page\": 199, \"page_size\": 500",
        NULL};
    static const char *const device_filters[] = {"",
                                                 "\"mdr_states\": [\"Failed\", \"Stopped\"]",
                                                 "\"preset\": \"license_missing\"",
                                                 "\"search\": \"ws-1\"",
                                                 "\"page\": 19, \"page_size\": 500",
                                                 NULL};
    for (int l = 0; l < 2; l++) {
        health_list list = l ? HEALTH_MALFUNCTIONING : HEALTH_ASSETS;
        const char *const *filters = l ? device_filters : asset_filters;
        const char *const *cols = health_sort_columns(list);
        for (int c = 0; cols[c]; c++)
            for (int desc = 0; desc < 2; desc++)
                for (int f = 0; filters[f]; f++)
                    for (int scoped = 0; scoped < 2; scoped++) {
                        char sort[64];
                        snprintf(sort, sizeof sort, "%s:%s", cols[c], desc ? "desc" : "asc");
                        check_plan(list, filters[f], sort, scoped);
                    }
    }
    CU_ASSERT_EQUAL(checked, 2 * 2 * (10 * 6 + 6 * 5)); /* every sort, both ways, each filter */
    fx_stop();
}

int main(void)
{
    static const unit_test tests[] = {
        {"plans__no_page_sorts_in_a_temp_btree", plans__no_page_sorts_in_a_temp_btree},
        {NULL, NULL}};
    return run_tests("health_plans", tests);
}
