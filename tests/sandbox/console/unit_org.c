/* Unit tests of the service side's organization rules (sandbox/console/org/), at their edges. */
#include "console/org/org.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOW 1790000000000LL /* a fixed sandbox clock */
#define DAY ORG_DAY_MS

static org_world *w;
static int acc;

static size_t no_assets(void *ud, int core_index)
{
    (void)ud;
    return core_index < 0 ? 0 : 7;
}

/* A world with one organization activated in `region` on a 365-day expert license. */
static void setup_active(const char *region)
{
    org_world_free(w);
    w = org_world_new();
    w->assets = no_assets;
    int o = org_org_add(w, "Test Org");
    acc = org_account_add(w, "a@b.example", "pw", o, "seeded");
    char code[21];
    org_code_add(w, "expert", "", ORG_COMMERCIAL, 100, 365, 0, code);
    org_err e = {0};
    CU_ASSERT_EQUAL_FATAL(org_activation_activate(w, acc, code, region, NOW, NULL, &e), 0);
    json_object *ids = json_object_new_array();
    for (const char *const *a = org_region_agreements(region); *a; a++)
        json_object_array_add(ids, json_object_new_string(*a));
    CU_ASSERT_EQUAL_FATAL(org_activation_accept_agreements(w, acc, ids, &e), 0);
    json_object_put(ids);
    CU_ASSERT_EQUAL_FATAL(org_activation_accept_ksn(w, acc, 1, NOW, &e), 0);
}

static json_object *tenant_in(const char *name)
{
    json_object *in = json_object_new_object();
    json_object_object_add(in, "name", json_object_new_string(name));
    return in;
}

static org_tenant *make_tenant(const char *name, org_err *e)
{
    static int next_core_index; /* the core's tenant slot, as the service would register it */
    json_object *in = tenant_in(name);
    org_tenant *t = org_tenant_create(w, 0, in, next_core_index++, NOW, e);
    json_object_put(in);
    return t;
}

static void code_format__twenty_letters_and_digits(void)
{
    char out[21];
    CU_ASSERT_EQUAL(org_code_normalize("abcde-12345-FGHIJ-67890", out), 0);
    CU_ASSERT_STRING_EQUAL(out, "ABCDE12345FGHIJ67890");
    CU_ASSERT_EQUAL(org_code_normalize("ABCDE12345FGHIJ6789", out), -1);   /* 19 */
    CU_ASSERT_EQUAL(org_code_normalize("ABCDE12345FGHIJ678901", out), -1); /* 21 */
    CU_ASSERT_EQUAL(org_code_normalize("ABCDE12345FGHIJ6789!", out), -1);
}

static void regions__storage_language_kata_agreements(void)
{
    CU_ASSERT_STRING_EQUAL(org_region_storage("europe"), "northern_europe");
    CU_ASSERT_STRING_EQUAL(org_region_storage("canada"), "northern_europe");
    CU_ASSERT_STRING_EQUAL(org_region_storage("saudi_arabia"), "ksa");
    CU_ASSERT_STRING_EQUAL(org_region_storage("russia"), "russia");
    CU_ASSERT_STRING_EQUAL(org_region_storage("other"), "russia");
    CU_ASSERT_STRING_EQUAL(org_region_language("russia"), "ru");
    CU_ASSERT_STRING_EQUAL(org_region_language("europe"), "en");
    CU_ASSERT_FALSE(org_region_kata("saudi_arabia"));
    CU_ASSERT_TRUE(org_region_kata("europe"));
    CU_ASSERT_PTR_NOT_NULL(org_region_agreements("europe")[1]);
    CU_ASSERT_PTR_NULL(org_region_agreements("russia")[1]);
    CU_ASSERT_FALSE(org_region_valid("mars"));
}

static void activation__tied_account_refused(void)
{
    setup_active("europe");
    int o = org_org_add(w, "Other");
    int tied = org_account_add(w, "t@b.example", "pw", o, "tied");
    w->accounts[tied].tied_elsewhere = 1;
    char code[21];
    org_code_add(w, "expert", "", ORG_COMMERCIAL, 10, 30, 0, code);
    org_err e = {0};
    CU_ASSERT_EQUAL(org_activation_activate(w, tied, code, "europe", NOW, NULL, &e), -1);
    CU_ASSERT_STRING_EQUAL(e.code, "account_tied_elsewhere");
    CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "Technical Support"));
}

static void activation__refusing_ksn_changes_nothing(void)
{
    org_world_free(w);
    w = org_world_new();
    int o = org_org_add(w, "O");
    int a = org_account_add(w, "x@y.example", "pw", o, "fresh");
    char code[21];
    org_code_add(w, "expert", "canada", ORG_COMMERCIAL, 10, 30, 0, code);
    org_err e = {0};
    CU_ASSERT_EQUAL(org_activation_activate(w, a, code, "europe", NOW, NULL, &e), -1);
    CU_ASSERT_STRING_EQUAL(e.code, "region_mismatch");
    CU_ASSERT_EQUAL(org_activation_activate(w, a, code, "canada", NOW, NULL, &e), 0);
    json_object *ids = json_object_new_array();
    json_object_array_add(ids, json_object_new_string("mdr_agreement"));
    CU_ASSERT_EQUAL(org_activation_accept_agreements(w, a, ids, &e), -1); /* dpa missing */
    CU_ASSERT_STRING_EQUAL(e.code, "agreements_incomplete");
    json_object_array_add(ids, json_object_new_string("dpa"));
    CU_ASSERT_EQUAL(org_activation_accept_agreements(w, a, ids, &e), 0);
    json_object_put(ids);
    CU_ASSERT_EQUAL(org_activation_accept_ksn(w, a, 0, NOW, &e), -1);
    CU_ASSERT_EQUAL(w->orgs[o]->license_count, 0);
    CU_ASSERT_EQUAL(w->orgs[o]->state, ORG_NOT_ACTIVATED);
    CU_ASSERT_EQUAL(w->codes[0].org, -1);
}

static void licenses__tier_and_region_must_match(void)
{
    setup_active("europe");
    char code[21];
    org_license *l = NULL;
    org_err e = {0};
    org_code_add(w, "optimum", "", ORG_COMMERCIAL, 10, 30, 0, code);
    CU_ASSERT_EQUAL(org_license_add(w, 0, code, NOW, &l, &e), -1);
    CU_ASSERT_STRING_EQUAL(e.code, "tier_mismatch");
    org_code_add(w, "expert", "russia", ORG_COMMERCIAL, 10, 30, 0, code);
    CU_ASSERT_EQUAL(org_license_add(w, 0, code, NOW, &l, &e), -1);
    CU_ASSERT_STRING_EQUAL(e.code, "region_mismatch");
    org_code_add(w, "expert", "europe", ORG_COMMERCIAL, 10, 30, 0, code);
    CU_ASSERT_EQUAL(org_license_add(w, 0, code, NOW, &l, &e), 0);
    CU_ASSERT_STRING_EQUAL(org_license_status(l, NOW), "Active");
    CU_ASSERT_EQUAL(org_license_remove(w, 0, l->id, NOW, &e), 0);
    CU_ASSERT_STRING_EQUAL(org_license_status(l, NOW), "Removed");
    CU_ASSERT_EQUAL(org_license_add(w, 0, code, NOW, &l, &e), 0); /* re-added */
    CU_ASSERT_STRING_EQUAL(org_license_status(l, NOW), "Active");
    CU_ASSERT_STRING_EQUAL(org_license_status(l, l->expiration_ms), "Expired");
}

static void tenants__hundredth_and_hundred_first(void)
{
    setup_active("europe");
    org_err e = {0};
    char name[32];
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof name, "Tenant %d", i);
        CU_ASSERT_PTR_NOT_NULL_FATAL(make_tenant(name, &e));
    }
    CU_ASSERT_PTR_NULL(make_tenant("Tenant 100", &e));
    CU_ASSERT_STRING_EQUAL(e.code, "tenant_limit");
    size_t n = 0;
    CU_ASSERT_EQUAL(org_tenant_delete(w, w->orgs[0]->tenants[0], &n, &e), 0);
    CU_ASSERT_EQUAL(n, 7); /* its assets are reported as disconnected */
    CU_ASSERT_PTR_NOT_NULL(make_tenant("Tenant 100", &e));
}

static void tenants__name_and_description_limits(void)
{
    setup_active("europe");
    org_err e = {0};
    char name[102], desc[2002];
    memset(name, 'n', 100);
    name[100] = 0;
    CU_ASSERT_PTR_NOT_NULL(make_tenant(name, &e));
    memset(name, 'm', 101);
    name[101] = 0;
    CU_ASSERT_PTR_NULL(make_tenant(name, &e));
    CU_ASSERT_STRING_EQUAL(e.code, "invalid_name");
    CU_ASSERT_PTR_NULL(make_tenant("Caf\xc3\xa9", &e)); /* not Latin-only */
    CU_ASSERT_PTR_NULL(make_tenant("   ", &e));
    org_tenant *t = make_tenant("Desc", &e);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    memset(desc, 'd', 2000);
    desc[2000] = 0;
    json_object *in = json_object_new_object();
    json_object_object_add(in, "description", json_object_new_string(desc));
    CU_ASSERT_EQUAL(org_tenant_update(w, 0, t, in, NOW, &e), 0);
    json_object_put(in);
    desc[2000] = 'd';
    desc[2001] = 0;
    in = json_object_new_object();
    json_object_object_add(in, "description", json_object_new_string(desc));
    CU_ASSERT_EQUAL(org_tenant_update(w, 0, t, in, NOW, &e), -1);
    CU_ASSERT_STRING_EQUAL(e.code, "invalid_description");
    json_object_put(in);
    CU_ASSERT_PTR_NULL(make_tenant("desc", &e)); /* names are unique, case aside */
    CU_ASSERT_STRING_EQUAL(e.code, "tenant_name_taken");
}

static void tenants__expiry_before_license_last_day(void)
{
    setup_active("europe");
    org_err e = {0};
    org_tenant *t = make_tenant("T", &e);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    const org_license *l = &w->orgs[0]->licenses[0];
    int64_t last_day = org_license_last_day_ms(l);
    CU_ASSERT_EQUAL(org_tenant_file_add(w, 0, t, l->id, last_day, NOW, &e), -1);
    CU_ASSERT_STRING_EQUAL(e.code, "expiration_after_license");
    CU_ASSERT_EQUAL(org_tenant_file_add(w, 0, t, l->id, last_day - 1, NOW, &e), 0);
    CU_ASSERT_EQUAL(org_tenant_file_add(w, 0, t, l->id, NOW, NOW, &e), -1);
    CU_ASSERT_EQUAL(t->file_count, 2);
    CU_ASSERT_EQUAL(org_tenant_file_delete(t, t->files[0].id, &e), 0);
    CU_ASSERT_EQUAL(org_tenant_file_delete(t, t->files[0].id, &e), -1); /* the last one */
    CU_ASSERT_STRING_EQUAL(e.code, "last_config_file");
    /* automatically Inactive at the end of its lifetime */
    CU_ASSERT_STRING_EQUAL(org_tenant_status(t, last_day - 2), "Active");
    CU_ASSERT_STRING_EQUAL(org_tenant_status(t, last_day - 1), "Inactive");
}

static void usage__custom_incident_quota(void)
{
    CU_ASSERT_EQUAL(org_custom_quota(0), 3);
    CU_ASSERT_EQUAL(org_custom_quota(9999), 3);
    CU_ASSERT_EQUAL(org_custom_quota(10000), 4);
    CU_ASSERT_EQUAL(org_custom_quota(25000), 5);
    /* 2026-09-21 is a Monday */
    CU_ASSERT_EQUAL(org_week_start_ms(1790000000000LL) % (7 * DAY), (4 * DAY) % (7 * DAY));
}

static void email__code_ten_minutes_three_tries(void)
{
    setup_active("europe");
    org_notify *o = org_notify_of(w->orgs[0], NULL, 0, NULL);
    org_err e = {0};
    json_object *in = json_object_new_object();
    json_object_object_add(in, "address", json_object_new_string("soc@b.example"));
    CU_ASSERT_EQUAL(org_email_start(o, in, NOW, &e), -1); /* no category */
    CU_ASSERT_STRING_EQUAL(e.code, "category_required");
    json_object_object_add(in, "incidents", json_object_new_boolean(1));
    CU_ASSERT_EQUAL(org_email_start(o, in, NOW, &e), 0);
    json_object_put(in);
    char good[7];
    memcpy(good, o->email_code, 7);
    CU_ASSERT_EQUAL(org_email_verify(o, good, NOW + ORG_CODE_TTL_MS, &e), -1);
    CU_ASSERT_STRING_EQUAL(e.code, "code_expired");
    CU_ASSERT_EQUAL(org_email_resend(o, NOW, &e), 0);
    memcpy(good, o->email_code, 7);
    CU_ASSERT_EQUAL(org_email_verify(o, "xxxxxx", NOW, &e), -1);
    CU_ASSERT_STRING_EQUAL(e.code, "code_invalid");
    CU_ASSERT_EQUAL(org_email_verify(o, "xxxxxx", NOW, &e), -1);
    CU_ASSERT_EQUAL(org_email_verify(o, "xxxxxx", NOW, &e), -1);
    CU_ASSERT_STRING_EQUAL(e.code, "resend_required");
    CU_ASSERT_EQUAL(org_email_verify(o, good, NOW, &e), -1); /* even the right one */
    CU_ASSERT_EQUAL(org_email_resend(o, NOW, &e), 0);
    CU_ASSERT_EQUAL(org_email_verify(o, o->email_code, NOW + ORG_CODE_TTL_MS - 1, &e), 0);
    CU_ASSERT_TRUE(o->email_verified);
}

static void email__each_recipient_their_own(void)
{
    setup_active("europe");
    org_org *org = w->orgs[0];
    org_err e = {0};
    org_notify *anna = org_notify_of(org, "anna", 1, &e), *own = org_notify_of(org, "", 0, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(anna);
    CU_ASSERT_PTR_EQUAL(org_notify_of(org, "anna", 0, NULL), anna);
    CU_ASSERT_PTR_NULL(org_notify_of(org, "boris", 0, NULL)); /* unknown, not created */
    json_object *in = json_object_new_object();
    json_object_object_add(in, "address", json_object_new_string("anna@b.example"));
    json_object_object_add(in, "comments", json_object_new_boolean(1));
    CU_ASSERT_EQUAL(org_email_start(anna, in, NOW, &e), 0);
    json_object_put(in);
    CU_ASSERT_STRING_EQUAL(own->email_pending_address, "");
    CU_ASSERT_EQUAL(org_email_verify(anna, anna->email_code, NOW, &e), 0);
    CU_ASSERT_TRUE(anna->email_verified);
    CU_ASSERT_FALSE(own->email_verified);
    for (int i = 1; i < ORG_RECIPIENTS; i++) {
        char name[16];
        snprintf(name, sizeof name, "r%d", i);
        CU_ASSERT_PTR_NOT_NULL(org_notify_of(org, name, 1, &e));
    }
    CU_ASSERT_PTR_NULL(org_notify_of(org, "one too many", 1, &e));
    CU_ASSERT_STRING_EQUAL(e.code, "recipient_limit");
}

static json_object *schedule_in(const char *tenant_id)
{
    json_object *in = json_object_new_object();
    json_object_object_add(in, "name", json_object_new_string("Weekly"));
    json_object_object_add(in, "acknowledged", json_object_new_boolean(1));
    json_object_object_add(in, "emails", json_object_new_string("a@b.example, c@d.example"));
    json_object_object_add(in, "day", json_object_new_string("monday"));
    json_object_object_add(in, "time", json_object_new_string("15:00"));
    if (tenant_id)
        json_object_object_add(in, "tenant_id", json_object_new_string(tenant_id));
    return in;
}

static void reports__fifty_per_org_ten_per_tenant(void)
{
    setup_active("europe");
    org_err e = {0};
    org_org *o = w->orgs[0];
    org_tenant *t = make_tenant("T", &e);
    json_object *in = schedule_in(t->id);
    for (int i = 0; i < 10; i++)
        CU_ASSERT_PTR_NOT_NULL(org_schedule_create(o, in, NOW, &e));
    CU_ASSERT_PTR_NULL(org_schedule_create(o, in, NOW, &e));
    CU_ASSERT_STRING_EQUAL(e.code, "tenant_schedule_limit");
    json_object_put(in);
    in = schedule_in(NULL);
    for (int i = 10; i < 50; i++)
        CU_ASSERT_PTR_NOT_NULL(org_schedule_create(o, in, NOW, &e));
    CU_ASSERT_PTR_NULL(org_schedule_create(o, in, NOW, &e));
    CU_ASSERT_STRING_EQUAL(e.code, "schedule_limit");
    CU_ASSERT_EQUAL(o->schedules[10]->email_count, 2);
    json_object_put(in);
    in = schedule_in(NULL);
    json_object_object_add(in, "acknowledged", json_object_new_boolean(0));
    CU_ASSERT_EQUAL(org_schedule_update(o, o->schedules[0], in, &e), -1);
    CU_ASSERT_STRING_EQUAL(e.code, "acknowledgement_required");
    json_object_object_add(in, "acknowledged", json_object_new_boolean(1));
    json_object_object_add(in, "time", json_object_new_string("24:00"));
    CU_ASSERT_EQUAL(org_schedule_update(o, o->schedules[0], in, &e), -1);
    CU_ASSERT_STRING_EQUAL(e.code, "invalid_time");
    json_object_put(in);
}

static void persistence__save_load_round_trip(void)
{
    setup_active("saudi_arabia");
    org_err e = {0};
    make_tenant("Kept", &e);
    json_object *saved = org_world_save(w);
    org_world *back = org_world_load(saved, &e);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    json_object *again = org_world_save(back);
    CU_ASSERT_STRING_EQUAL(json_object_to_json_string(saved), json_object_to_json_string(again));
    CU_ASSERT_STRING_EQUAL(back->orgs[0]->region, "saudi_arabia");
    json_object_put(saved);
    json_object_put(again);
    org_world_free(back);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite s = CU_add_suite("svc_org", NULL, NULL);
    CU_add_test(s, "code_format__twenty_letters_and_digits",
                code_format__twenty_letters_and_digits);
    CU_add_test(s, "regions__storage_language_kata_agreements",
                regions__storage_language_kata_agreements);
    CU_add_test(s, "activation__tied_account_refused", activation__tied_account_refused);
    CU_add_test(s, "activation__refusing_ksn_changes_nothing",
                activation__refusing_ksn_changes_nothing);
    CU_add_test(s, "licenses__tier_and_region_must_match", licenses__tier_and_region_must_match);
    CU_add_test(s, "tenants__hundredth_and_hundred_first", tenants__hundredth_and_hundred_first);
    CU_add_test(s, "tenants__name_and_description_limits", tenants__name_and_description_limits);
    CU_add_test(s, "tenants__expiry_before_license_last_day",
                tenants__expiry_before_license_last_day);
    CU_add_test(s, "usage__custom_incident_quota", usage__custom_incident_quota);
    CU_add_test(s, "email__code_ten_minutes_three_tries", email__code_ten_minutes_three_tries);
    CU_add_test(s, "email__each_recipient_their_own", email__each_recipient_their_own);
    CU_add_test(s, "reports__fifty_per_org_ten_per_tenant", reports__fifty_per_org_ten_per_tenant);
    CU_add_test(s, "persistence__save_load_round_trip", persistence__save_load_round_trip);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures();
    CU_cleanup_registry();
    org_world_free(w);
    return failed ? 1 : 0;
}
