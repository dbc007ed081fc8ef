/* i18n.h — the module's string catalogs (locales/mdr.<lang>.xlf, XLIFF 1.2, embedded at
 * build time), loaded once. The caller's language picks the catalog on every call. */
#ifndef MDR_I18N_H
#define MDR_I18N_H

#include <stddef.h>

#define MDR_DEFAULT_LANG "en"

/* The text of `key` in `lang`; falls back to English (also for NULL or unknown languages),
 * then to the key itself. Never NULL; static until the module is unloaded. Thread-safe. */
const char *mdr_tr(const char *lang, const char *key);

/* Replaces each {name} in `tmpl` by its value from `params` ("name", "value", …, NULL).
 * Placeholders without a value are kept as written. Returns a malloc'd string (NULL when
 * out of memory). */
char *mdr_format(const char *tmpl, const char *const *params);

/* mdr_tr() then mdr_format(): the usual way to build a localized message. */
char *mdr_trf(const char *lang, const char *key, const char *const *params);

/* Loads the catalogs if not yet done. Returns 0, or -1 with a message in err (a broken
 * catalog is a build defect: the entry refuses to hand out a descriptor). */
int mdr_i18n_load(char *err, size_t err_size);

/* Introspection for tests and checks: the languages loaded (in file order, "en" first), the
 * keys of one language (sorted), and a lookup without any fallback (NULL when absent). */
size_t mdr_i18n_languages(const char *const **langs);
size_t mdr_i18n_keys(const char *lang, const char *const **keys);
const char *mdr_i18n_lookup(const char *lang, const char *key);

/* Parses one XLIFF document into a temporary catalog and reports its language and key
 * count; for tests of malformed catalogs. Returns 0 or -1 with err. */
int mdr_i18n_check_xliff(const char *xml, size_t len, char *lang_out, size_t lang_size,
                         size_t *key_count, char *err, size_t err_size);

#endif
