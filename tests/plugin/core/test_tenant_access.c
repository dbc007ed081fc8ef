/* tenants: per-user visibility through the module's store (migrations 004, 005): by tenant
 * id only; a name is a label that never decides. */
#include "fake_host.h"
#include "core/module.h"
#include "core/tenant_access.h"
#include "unit.h"

static json_object *grants(const char *id1, const char *name1, const char *id2, const char *name2)
{
    json_object *a = json_object_new_array();
    const char *ids[] = {id1, id2}, *names[] = {name1, name2};
    for (int i = 0; i < 2; i++) {
        if (!ids[i])
            continue;
        json_object *t = json_object_new_object();
        json_object_object_add(t, "tenant_id", json_object_new_string(ids[i]));
        json_object_object_add(t, "name", json_object_new_string(names[i]));
        json_object_array_add(a, t);
    }
    return a;
}

static void tenants__access_rule(void)
{
    fake_host *h = fake_host_new();
    ksc_module *m = NULL;
    char *err = NULL;
    CU_ASSERT_EQUAL_FATAL(mdr_module_init(fake_host_services(h), NULL, &m, &err), KSC_OK);
    sqlite3 *db = mdr_store_conn(m->store);

    /* no grant: everything, the root included */
    CU_ASSERT_EQUAL(mdr_tenant_access_visible_id(db, "olga", "T1"), 1);
    CU_ASSERT_EQUAL(mdr_tenant_access_visible_id(db, "olga", ""), 1);
    CU_ASSERT_EQUAL(mdr_tenant_access_restricted(db, "olga"), 0);

    json_object *g = grants("T1", "Acme", "T2", "Globex");
    CU_ASSERT_EQUAL(mdr_tenant_access_set(db, "olga", 0, g, "admin", 5), 0);
    json_object_put(g);
    CU_ASSERT_EQUAL(mdr_tenant_access_visible_id(db, "olga", "T1"), 1);
    CU_ASSERT_EQUAL(mdr_tenant_access_visible_id(db, "olga", "T3"), 0);
    CU_ASSERT_EQUAL(mdr_tenant_access_visible_id(db, "olga", "Acme"), 0); /* a name is no id */
    CU_ASSERT_EQUAL(mdr_tenant_access_visible_id(db, "olga", ""), 0);     /* root not granted */
    CU_ASSERT_EQUAL(mdr_tenant_access_visible_id(db, "olga", NULL), 0);
    CU_ASSERT_EQUAL(mdr_tenant_access_visible_id(db, "ivan", "T3"), 1); /* others unaffected */

    /* a rename changes the label only; a deleted tenant leaves every set */
    CU_ASSERT_EQUAL(mdr_tenant_access_rename(db, "T1", "Acme Europe"), 0);
    CU_ASSERT_EQUAL(mdr_tenant_access_visible_id(db, "olga", "T1"), 1);
    CU_ASSERT_EQUAL(mdr_tenant_access_forget(db, "T2"), 0);
    CU_ASSERT_EQUAL(mdr_tenant_access_visible_id(db, "olga", "T2"), 0);

    /* adding reaches only restricted users */
    CU_ASSERT_EQUAL(mdr_tenant_access_add(db, "olga", "T4", "Umbrella"), 0);
    CU_ASSERT_EQUAL(mdr_tenant_access_add(db, "ivan", "T4", "Umbrella"), 0);
    CU_ASSERT_EQUAL(mdr_tenant_access_visible_id(db, "olga", "T4"), 1);
    CU_ASSERT_EQUAL(mdr_tenant_access_restricted(db, "ivan"), 0);

    /* root granted, then the restriction lifted */
    g = grants("T1", "Acme Europe", NULL, NULL);
    CU_ASSERT_EQUAL(mdr_tenant_access_set(db, "olga", 1, g, "admin", 6), 0);
    json_object_put(g);
    CU_ASSERT_EQUAL(mdr_tenant_access_visible_id(db, "olga", ""), 1);
    CU_ASSERT_EQUAL(mdr_tenant_access_visible_id(db, "olga", "T4"), 0); /* the set was replaced */
    json_object *list = mdr_tenant_access_list(db);
    CU_ASSERT_EQUAL(json_object_array_length(list), 1);
    json_object *first = json_object_array_get_idx(list, 0), *ts;
    json_object_object_get_ex(first, "tenants", &ts);
    CU_ASSERT_EQUAL(json_object_array_length(ts), 1);
    json_object_put(list);
    CU_ASSERT_EQUAL(mdr_tenant_access_clear(db, "olga"), 0);
    CU_ASSERT_EQUAL(mdr_tenant_access_visible_id(db, "olga", "T3"), 1);

    mdr_module_shutdown(m);
    fake_host_free(h);
}

static json_object *ids(const char *a, const char *b)
{
    json_object *arr = json_object_new_array();
    if (a)
        json_object_array_add(arr, json_object_new_string(a));
    if (b)
        json_object_array_add(arr, json_object_new_string(b));
    return arr;
}

/* The server's scope (the tenants selected at activation) bounds everybody; a grant narrows
 * it; the root stays in scope; a tenant made here joins it, a deleted one leaves it. */
static void tenants__server_scope(void)
{
    fake_host *h = fake_host_new();
    ksc_module *m = NULL;
    char *err = NULL;
    CU_ASSERT_EQUAL_FATAL(mdr_module_init(fake_host_services(h), NULL, &m, &err), KSC_OK);
    sqlite3 *db = mdr_store_conn(m->store);
    int root = 0, error = 0;

    /* no scope recorded: every tenant, nothing to filter */
    CU_ASSERT_PTR_NULL(mdr_tenant_access_visible_ids(db, "ivan", &root));
    CU_ASSERT_EQUAL(root, 1);
    CU_ASSERT_PTR_NULL(mdr_tenant_access_scope(db, &error));
    CU_ASSERT_EQUAL(error, 0);

    json_object *scope = ids("T1", "T2");
    CU_ASSERT_EQUAL(mdr_tenant_access_set_scope(db, scope), 0);
    json_object_put(scope);
    CU_ASSERT_EQUAL(mdr_tenant_access_restricted(db, "ivan"), 1);
    CU_ASSERT_EQUAL(mdr_tenant_access_has_grant(db, "ivan"), 0);
    CU_ASSERT_EQUAL(mdr_tenant_access_visible_id(db, "ivan", "T1"), 1);
    CU_ASSERT_EQUAL(mdr_tenant_access_visible_id(db, "ivan", "T3"), 0); /* outside the scope */
    CU_ASSERT_EQUAL(mdr_tenant_access_visible_id(db, "ivan", ""), 1);   /* the root stays */
    json_object *v = mdr_tenant_access_visible_ids(db, "ivan", &root);
    CU_ASSERT_EQUAL(json_object_array_length(v), 2);
    CU_ASSERT_EQUAL(root, 1);
    json_object_put(v);

    /* a grant narrows the scope and never widens it */
    json_object *g = grants("T2", "Globex", "T3", "Initech");
    CU_ASSERT_EQUAL(mdr_tenant_access_set(db, "olga", 0, g, "admin", 5), 0);
    json_object_put(g);
    CU_ASSERT_EQUAL(mdr_tenant_access_visible_id(db, "olga", "T1"), 0);
    CU_ASSERT_EQUAL(mdr_tenant_access_visible_id(db, "olga", "T2"), 1);
    CU_ASSERT_EQUAL(mdr_tenant_access_visible_id(db, "olga", "T3"), 0);
    v = mdr_tenant_access_visible_ids(db, "olga", &root);
    CU_ASSERT_EQUAL(root, 0);
    CU_ASSERT_EQUAL(json_object_array_length(v), 1); /* T2: T3 is outside the scope */
    json_object_put(v);

    /* a tenant made here joins the scope; a deleted one leaves it */
    CU_ASSERT_EQUAL(mdr_tenant_access_add(db, "ivan", "T9", "New"), 0);
    CU_ASSERT_EQUAL(mdr_tenant_access_visible_id(db, "ivan", "T9"), 1);
    CU_ASSERT_EQUAL(mdr_tenant_access_forget(db, "T1"), 0);
    CU_ASSERT_EQUAL(mdr_tenant_access_visible_id(db, "ivan", "T1"), 0);
    scope = mdr_tenant_access_scope(db, &error);
    CU_ASSERT_EQUAL(json_object_array_length(scope), 2); /* T2, T9 */
    json_object_put(scope);

    /* terminating clears it: everything again */
    CU_ASSERT_EQUAL(mdr_tenant_access_set_scope(db, NULL), 0);
    CU_ASSERT_EQUAL(mdr_tenant_access_visible_id(db, "ivan", "T1"), 1);
    CU_ASSERT_EQUAL(mdr_tenant_access_restricted(db, "ivan"), 0);

    mdr_module_shutdown(m);
    fake_host_free(h);
}

int main(void)
{
    static const unit_test tests[] = {{"tenants__access_rule", tenants__access_rule},
                                      {"tenants__server_scope", tenants__server_scope},
                                      {NULL, NULL}};
    return run_tests("tenants_access", tests);
}
