/* wizard: wizards/getting-started.xml against its schema; a broken wizard says the line and
 * the reason (the module then refuses to load); every step's strings are in six catalogs. */
#include "core/i18n.h"
#include "unit.h"
#include "wizard/wizard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", MDR_WIZARDS_DIR, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = calloc(1, 1 << 16);
    *len = fread(buf, 1, (1 << 16) - 1, f);
    fclose(f);
    return buf;
}

static char *xsd;
static size_t xsd_len;

static int parse(const char *xml, char *err, size_t err_size)
{
    static mdr_wizard w;
    return mdr_wizard_parse(xml, strlen(xml), xsd, xsd_len, &w, err, err_size);
}

#define HEAD "<?xml version=\"1.0\"?>\n<wizard xmlns=\"urn:mdr:wizard:1\" id=\"w\">\n"

static void wizard__shipped_file_loads(void)
{
    char err[512] = "";
    const mdr_wizard *w = mdr_wizard_getting_started(err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_EQUAL(w->step_count, 6);
    CU_ASSERT_STRING_EQUAL(w->steps[0].done_when, "mdr_roles_exist");
    CU_ASSERT_EQUAL(w->steps[5].see_also_count, 2);
    char e2[256];
    CU_ASSERT_EQUAL_FATAL(mdr_i18n_load(e2, sizeof e2), 0);
    static const char *const langs[] = {"en", "ru", "de", "es", "fr", "it", NULL};
    for (size_t i = 0; i < w->step_count; i++)
        for (const char *const *l = langs; *l; l++) {
            CU_ASSERT_STRING_NOT_EQUAL(mdr_tr(*l, w->steps[i].title_key), w->steps[i].title_key);
            CU_ASSERT_STRING_NOT_EQUAL(mdr_tr(*l, w->steps[i].text_key), w->steps[i].text_key);
        }
}

static void wizard__broken_files_name_line_and_reason(void)
{
    char err[512];
    /* not well-formed */
    CU_ASSERT_EQUAL(parse(HEAD "<step id=\"a\"\n", err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "not well-formed"));
    /* a missing attribute, on line 3 */
    CU_ASSERT_EQUAL(parse(HEAD "<step id=\"a\" title-key=\"x.t\" text-key=\"x.x\" "
                               "action=\"mdr.wizard.get\"/>\n</wizard>\n",
                          err, sizeof err),
                    -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 3:"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "done-when"));
    /* an element the schema does not know */
    CU_ASSERT_EQUAL(parse(HEAD "<stepp/>\n</wizard>\n", err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 3:"));
    /* two steps with one id */
    CU_ASSERT_EQUAL(parse(HEAD "<step id=\"a\" title-key=\"x.t\" text-key=\"x.x\" "
                               "action=\"mdr.wizard.get\" done-when=\"mdr_activated\"/>\n"
                               "<step id=\"a\" title-key=\"x.t\" text-key=\"x.x\" "
                               "action=\"mdr.wizard.get\" done-when=\"mdr_activated\"/>\n"
                               "</wizard>\n",
                          err, sizeof err),
                    -1);
    /* schema-valid, but no such condition or action */
    CU_ASSERT_EQUAL(parse(HEAD "<step id=\"a\" title-key=\"x.t\" text-key=\"x.x\"\n"
                               "action=\"mdr.wizard.get\" done-when=\"moon_is_full\"/>\n"
                               "</wizard>\n",
                          err, sizeof err),
                    -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 4:")); /* where the start tag ends */
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "moon_is_full"));
    CU_ASSERT_EQUAL(parse(HEAD "<step id=\"a\" title-key=\"x.t\" text-key=\"x.x\" "
                               "action=\"mdr.nothing.here\" done-when=\"mdr_activated\"/>\n"
                               "</wizard>\n",
                          err, sizeof err),
                    -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "mdr.nothing.here"));
    /* and a good one */
    CU_ASSERT_EQUAL(parse(HEAD "<step id=\"a\" title-key=\"x.t\" text-key=\"x.x\" "
                               "action=\"mdr.wizard.get\" done-when=\"mdr_activated\"/>\n"
                               "</wizard>\n",
                          err, sizeof err),
                    0);
}

int main(void)
{
    xsd = slurp("getting-started.xsd", &xsd_len);
    if (!xsd) {
        fprintf(stderr, "cannot read %s/getting-started.xsd\n", MDR_WIZARDS_DIR);
        return 1;
    }
    static const unit_test tests[] = {
        {"wizard__shipped_file_loads", wizard__shipped_file_loads},
        {"wizard__broken_files_name_line_and_reason", wizard__broken_files_name_line_and_reason},
        {NULL, NULL}};
    int rc = run_tests("wizard_load", tests);
    free(xsd);
    return rc;
}
