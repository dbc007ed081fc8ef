/* XLIFF catalogs (mdr_i18n_check_xliff, plugin/core/i18n.c, libxml2 without network). Also
 * mdr_format with the input as a template. Asserts: a document accepted reports a language
 * that fits its buffer; a refusal says why. */
#include "core/i18n.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 262144)
        return 0;
    char lang[16], err[512];
    size_t keys = 0;
    lang[0] = err[0] = '\0';
    if (mdr_i18n_check_xliff((const char *)data, size, lang, sizeof lang, &keys, err, sizeof err) ==
        0)
        FUZZ_ASSERT(strnlen(lang, sizeof lang) < sizeof lang);
    else
        FUZZ_ASSERT(err[0]);
    char *tmpl = fuzz_cstr(data, size);
    static const char *const params[] = {"file", "/x", "reason", "{reason}", "n", "", NULL};
    char *out = mdr_format(tmpl, params);
    FUZZ_ASSERT(out);
    free(out);
    free(tmpl);
    return 0;
}
