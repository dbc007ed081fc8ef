/* rights: the embedded XML gives the help's areas, presets and minimum set; bad documents
 * are refused with a message naming the problem. */
#include "core/rights.h"
#include "unit.h"

static int allows(const ksc_role_preset *p, const char *area)
{
    for (const char *const *a = p->allowed_areas; *a; a++)
        if (strcmp(*a, area) == 0)
            return 1;
    return 0;
}

static size_t count(const char *const *list)
{
    size_t n = 0;
    while (list[n])
        n++;
    return n;
}

static const ksc_role_preset *role(const mdr_rights *r, const char *id)
{
    for (size_t i = 0; i < r->role_count; i++)
        if (strcmp(r->roles[i].id, id) == 0)
            return &r->roles[i];
    return NULL;
}

static void rights__six_areas_of_the_help(void)
{
    char err[256];
    const mdr_rights *r = mdr_rights_get(err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    const char *ids[] = {
        "mdr.incident_access",   "mdr.auto_accept_settings",        "mdr.response_management",
        "mdr.tenant_management", "mdr.incident_summary_scheduling", "mdr.rest_api_access"};
    CU_ASSERT_EQUAL_FATAL(r->area_count, 6);
    for (size_t i = 0; i < 6; i++)
        CU_ASSERT_STRING_EQUAL(r->areas[i].id, ids[i]);
    CU_ASSERT_EQUAL(r->host_area_count, 1);
    CU_ASSERT_STRING_EQUAL(r->host_areas[0].id, "ksc.application_integration");
}

static void rights__role_presets_of_the_wizard(void)
{
    char err[256];
    const mdr_rights *r = mdr_rights_get(err, sizeof err);
    const ksc_role_preset *admin = role(r, "mdr.administrator");
    const ksc_role_preset *senior = role(r, "mdr.senior_security_officer");
    const ksc_role_preset *officer = role(r, "mdr.security_officer");
    CU_ASSERT_PTR_NOT_NULL_FATAL(admin);
    CU_ASSERT_PTR_NOT_NULL_FATAL(senior);
    CU_ASSERT_PTR_NOT_NULL_FATAL(officer);
    CU_ASSERT_EQUAL(count(admin->allowed_areas), 7);
    for (size_t i = 0; i < r->area_count; i++)
        CU_ASSERT_TRUE(allows(admin, r->areas[i].id));
    CU_ASSERT_TRUE(allows(admin, "ksc.application_integration"));
    CU_ASSERT_EQUAL(count(senior->allowed_areas), 3);
    CU_ASSERT_TRUE(allows(senior, "mdr.incident_access"));
    CU_ASSERT_TRUE(allows(senior, "mdr.auto_accept_settings"));
    CU_ASSERT_TRUE(allows(senior, "mdr.response_management"));
    CU_ASSERT_EQUAL(count(officer->allowed_areas), 1);
    CU_ASSERT_TRUE(allows(officer, "mdr.incident_access"));
}

static void rights__minimum_set_is_incident_access_only(void)
{
    char err[256];
    const mdr_rights *r = mdr_rights_get(err, sizeof err);
    CU_ASSERT_EQUAL(count(r->minimum_allowed), 1);
    CU_ASSERT_STRING_EQUAL(r->minimum_allowed[0], "mdr.incident_access");
    CU_ASSERT_EQUAL(count(r->minimum_denied), 6);
    CU_ASSERT_STRING_EQUAL(r->minimum_denied[0], "ksc.application_integration");
}

static void rights__actions_require_incident_access(void)
{
    char err[256];
    const mdr_rights *r = mdr_rights_get(err, sizeof err);
    const char *const *a = mdr_rights_action_areas(r, "mdr.plugin.info");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_STRING_EQUAL(a[0], "mdr.incident_access");
    CU_ASSERT_PTR_NULL(mdr_rights_action_areas(r, "mdr.no.such"));
}

#define NS "<rights xmlns=\"urn:mdr:rights:1\">"
#define AREA "<area id=\"mdr.a\" title-key=\"k.a\"/>"
#define MIN "<minimum-set><allow area=\"mdr.a\"/></minimum-set>"

/* Parses `doc`; expects failure with `fragment` in the message. */
static void refused(const char *doc, const char *fragment)
{
    char err[512] = "";
    mdr_rights *r = NULL;
    CU_ASSERT_EQUAL(mdr_rights_parse(doc, strlen(doc), &r, err, sizeof err), -1);
    CU_ASSERT_PTR_NULL(r);
    if (!strstr(err, fragment)) {
        fprintf(stderr, "\n  message \"%s\" lacks \"%s\"", err, fragment);
        CU_FAIL("unexpected message");
    }
}

static void rights__invalid_documents_refused(void)
{
    const char *ok = NS AREA MIN "</rights>";
    mdr_rights *r = NULL;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(mdr_rights_parse(ok, strlen(ok), &r, err, sizeof err), 0);
    mdr_rights_free(r);

    refused(NS AREA "<role id=\"mdr.r\" title-key=\"k\"><allow area=\"mdr.nope\"/></role>" MIN
                    "</rights>",
            "unknown area \"mdr.nope\"");
    refused(NS AREA AREA MIN "</rights>", "declared twice");
    refused(NS AREA "<area id=\"mdr.b\" title-key=\"k.b\"/>" MIN "</rights>",
            "must list every area once");
    refused(NS AREA MIN "<action name=\"mdr.x.y\"><require area=\"mdr.zzz\"/></action></rights>",
            "unknown area \"mdr.zzz\"");
    refused(NS "<area id=\"ksc.a\" title-key=\"k\"/>" MIN "</rights>", "must look like mdr.");
    refused(NS AREA MIN "<role id=\"mdr.r\"><allow area=\"mdr.a\"/></role></rights>", "title-key");
    refused("<rights>" AREA MIN "</rights>", "root element");
    refused(NS AREA MIN "<surprise/></rights>", "unexpected element <surprise>");
    refused(NS AREA MIN, "not well-formed");
}

int main(void)
{
    static const unit_test tests[] = {
        {"rights__six_areas_of_the_help", rights__six_areas_of_the_help},
        {"rights__role_presets_of_the_wizard", rights__role_presets_of_the_wizard},
        {"rights__minimum_set_is_incident_access_only",
         rights__minimum_set_is_incident_access_only},
        {"rights__actions_require_incident_access", rights__actions_require_incident_access},
        {"rights__invalid_documents_refused", rights__invalid_documents_refused},
        {NULL, NULL}};
    return run_tests("rights", tests);
}
