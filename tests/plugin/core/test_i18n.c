/* i18n: every key in every language, placeholders alike, fallbacks, the formatter. */
#include "core/i18n.h"
#include "core/rights.h"
#include "unit.h"

/* The sorted, de-duplicated {placeholder} names of `s`, joined with ','. */
static void placeholders(const char *s, char *out, size_t size)
{
    char names[16][64];
    size_t n = 0;
    for (const char *p = s; *p; p++) {
        if (*p != '{')
            continue;
        size_t len = strcspn(p + 1, "{} ");
        if (p[1 + len] != '}' || len == 0 || len >= 64 || n == 16)
            continue;
        char name[64];
        memcpy(name, p + 1, len);
        name[len] = '\0';
        size_t i = 0;
        while (i < n && strcmp(names[i], name) < 0)
            i++;
        if (i < n && strcmp(names[i], name) == 0)
            continue;
        memmove(names[i + 1], names[i], (n - i) * sizeof names[0]);
        strcpy(names[i], name);
        n++;
    }
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        snprintf(out + strlen(out), size - strlen(out), "%s%s", i ? "," : "", names[i]);
}

static void i18n__six_languages_loaded(void)
{
    char err[256];
    CU_ASSERT_EQUAL_FATAL(mdr_i18n_load(err, sizeof err), 0);
    const char *const *langs;
    size_t n = mdr_i18n_languages(&langs);
    CU_ASSERT_EQUAL(n, 6);
    CU_ASSERT_STRING_EQUAL(langs[0], "en");
    const char *want[] = {"en", "ru", "de", "es", "fr", "it"};
    for (size_t w = 0; w < 6; w++) {
        int found = 0;
        for (size_t i = 0; i < n; i++)
            found |= strcmp(langs[i], want[w]) == 0;
        CU_ASSERT_TRUE(found);
    }
}

static void i18n__every_key_in_every_language(void)
{
    const char *const *langs, *const *en_keys;
    size_t n = mdr_i18n_languages(&langs);
    size_t en_count = mdr_i18n_keys("en", &en_keys);
    CU_ASSERT_TRUE(en_count > 20);
    for (size_t l = 1; l < n; l++) {
        const char *const *keys;
        size_t count = mdr_i18n_keys(langs[l], &keys);
        for (size_t k = 0; k < en_count; k++)
            if (!mdr_i18n_lookup(langs[l], en_keys[k])) {
                fprintf(stderr, "\n  %s lacks %s", langs[l], en_keys[k]);
                CU_FAIL("key missing in a language");
            }
        for (size_t k = 0; k < count; k++)
            if (!mdr_i18n_lookup("en", keys[k])) {
                fprintf(stderr, "\n  %s has %s, English does not", langs[l], keys[k]);
                CU_FAIL("key only in a translation");
            }
    }
}

static void i18n__placeholders_match_english(void)
{
    const char *const *langs, *const *keys;
    size_t n = mdr_i18n_languages(&langs);
    size_t count = mdr_i18n_keys("en", &keys);
    for (size_t l = 1; l < n; l++)
        for (size_t k = 0; k < count; k++) {
            const char *t = mdr_i18n_lookup(langs[l], keys[k]);
            if (!t)
                continue;
            char want[256], got[256];
            placeholders(mdr_i18n_lookup("en", keys[k]), want, sizeof want);
            placeholders(t, got, sizeof got);
            if (strcmp(want, got) != 0) {
                fprintf(stderr, "\n  %s %s: {%s} vs English {%s}", langs[l], keys[k], got, want);
                CU_FAIL("placeholders differ");
            }
        }
}

/* Translations are real: area and role titles differ from English in every language. */
static void i18n__titles_are_translated(void)
{
    char err[256];
    const mdr_rights *r = mdr_rights_get(err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    const char *const *langs;
    size_t n = mdr_i18n_languages(&langs);
    for (size_t l = 1; l < n; l++) {
        for (size_t i = 0; i < r->area_count; i++)
            CU_ASSERT_STRING_NOT_EQUAL(mdr_i18n_lookup(langs[l], r->areas[i].title_key),
                                       mdr_i18n_lookup("en", r->areas[i].title_key));
        for (size_t i = 0; i < r->role_count; i++)
            CU_ASSERT_STRING_NOT_EQUAL(mdr_i18n_lookup(langs[l], r->roles[i].title_key),
                                       mdr_i18n_lookup("en", r->roles[i].title_key));
    }
}

static void i18n__fallbacks(void)
{
    CU_ASSERT_STRING_EQUAL(mdr_tr("ru", "role.security_officer.title"),
                           "Специалист по безопасности");
    CU_ASSERT_STRING_EQUAL(mdr_tr("zz", "role.security_officer.title"), "Security Officer");
    CU_ASSERT_STRING_EQUAL(mdr_tr(NULL, "role.security_officer.title"), "Security Officer");
    CU_ASSERT_STRING_EQUAL(mdr_tr("../../etc/passwd", "error.internal"),
                           mdr_tr("en", "error.internal"));
    CU_ASSERT_STRING_EQUAL(mdr_tr("fr", "no.such.key"), "no.such.key");
    CU_ASSERT_STRING_EQUAL(mdr_tr("fr", NULL), "");
}

static void i18n__generic_errors_present(void)
{
    const char *codes[] = {"invalid_json",  "wrong_type",   "too_long",    "unknown_action",
                           "not_activated", "internal",     "store",       "missing_field",
                           "unknown_field", "out_of_range", "not_allowed", "config_invalid"};
    for (size_t i = 0; i < sizeof codes / sizeof *codes; i++) {
        char key[64];
        snprintf(key, sizeof key, "error.%s", codes[i]);
        CU_ASSERT_PTR_NOT_NULL(mdr_i18n_lookup("en", key));
    }
}

static void i18n__format_substitutes_named_placeholders(void)
{
    const char *params[] = {"version", "1.2.3", "field", "name", NULL};
    char *s = mdr_format("v{version} / {field} / {unknown} / {version} / {", params);
    CU_ASSERT_STRING_EQUAL(s, "v1.2.3 / name / {unknown} / 1.2.3 / {");
    free(s);
    s = mdr_format("{field}", NULL);
    CU_ASSERT_STRING_EQUAL(s, "{field}");
    free(s);
    s = mdr_trf("ru", "plugin.summary", params);
    CU_ASSERT_STRING_EQUAL(s, "Плагин MDR версии 1.2.3");
    free(s);
}

static void i18n__malformed_catalogs_refused(void)
{
    char lang[16], err[256];
    size_t count;
    const char *head = "<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\">"
                       "<file source-language=\"en\" target-language=\"ru\"><body>";
    char doc[1024];
    snprintf(doc, sizeof doc,
             "%s<trans-unit id=\"a\"><source>A</source><target>Б</target>"
             "</trans-unit></body></file></xliff>",
             head);
    CU_ASSERT_EQUAL(
        mdr_i18n_check_xliff(doc, strlen(doc), lang, sizeof lang, &count, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(lang, "ru");
    CU_ASSERT_EQUAL(count, 1);
    snprintf(doc, sizeof doc,
             "%s<trans-unit id=\"a\"><source>A</source></trans-unit>"
             "</body></file></xliff>",
             head);
    CU_ASSERT_EQUAL(
        mdr_i18n_check_xliff(doc, strlen(doc), lang, sizeof lang, &count, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "<target>"));
    snprintf(doc, sizeof doc,
             "%s<trans-unit id=\"a\"><source>A</source><target>1</target>"
             "</trans-unit><trans-unit id=\"a\"><source>A</source><target>2</target>"
             "</trans-unit></body></file></xliff>",
             head);
    CU_ASSERT_EQUAL(
        mdr_i18n_check_xliff(doc, strlen(doc), lang, sizeof lang, &count, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "duplicate"));
    const char *broken = "<xliff version=\"1.2\"><file>";
    CU_ASSERT_EQUAL(
        mdr_i18n_check_xliff(broken, strlen(broken), lang, sizeof lang, &count, err, sizeof err),
        -1);
}

int main(void)
{
    static const unit_test tests[] = {
        {"i18n__six_languages_loaded", i18n__six_languages_loaded},
        {"i18n__every_key_in_every_language", i18n__every_key_in_every_language},
        {"i18n__placeholders_match_english", i18n__placeholders_match_english},
        {"i18n__titles_are_translated", i18n__titles_are_translated},
        {"i18n__fallbacks", i18n__fallbacks},
        {"i18n__generic_errors_present", i18n__generic_errors_present},
        {"i18n__format_substitutes_named_placeholders",
         i18n__format_substitutes_named_placeholders},
        {"i18n__malformed_catalogs_refused", i18n__malformed_catalogs_refused},
        {NULL, NULL}};
    return run_tests("i18n", tests);
}
