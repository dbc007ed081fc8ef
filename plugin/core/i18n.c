#include "i18n.h"
#include "embedded.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LANGS 16
#define XLIFF_NS "urn:oasis:names:tc:xliff:document:1.2"

typedef struct catalog {
    char lang[16];
    size_t count;
    char **keys; /* sorted; texts[i] belongs to keys[i] */
    char **texts;
} catalog;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static catalog catalogs[MAX_LANGS];
static const char *lang_names[MAX_LANGS];
static size_t catalog_count;
static char load_error[512];

static void fail(char *err, size_t err_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(char *err, size_t err_size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_size, fmt, ap);
    va_end(ap);
}

static void catalog_free(catalog *c)
{
    for (size_t i = 0; i < c->count; i++) {
        free(c->keys[i]);
        free(c->texts[i]);
    }
    free(c->keys);
    free(c->texts);
    memset(c, 0, sizeof *c);
}

static int is_element(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0 && n->ns &&
           strcmp((const char *)n->ns->href, XLIFF_NS) == 0;
}

static const xmlNode *child(const xmlNode *parent, const char *name)
{
    for (const xmlNode *n = parent->children; n; n = n->next)
        if (is_element(n, name))
            return n;
    return NULL;
}

static char *attr(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *copy = strdup((const char *)v);
    xmlFree(v);
    return copy;
}

static char *text_of(const xmlNode *n)
{
    xmlChar *v = xmlNodeGetContent(n);
    if (!v)
        return NULL;
    char *copy = strdup((const char *)v);
    xmlFree(v);
    return copy;
}

static int add_entry(catalog *c, size_t *cap, char *key, char *text)
{
    if (c->count == *cap) {
        size_t ncap = *cap ? *cap * 2 : 32;
        char **k = realloc(c->keys, ncap * sizeof *k);
        if (!k)
            return -1;
        c->keys = k;
        char **t = realloc(c->texts, ncap * sizeof *t);
        if (!t)
            return -1;
        c->texts = t;
        *cap = ncap;
    }
    c->keys[c->count] = key;
    c->texts[c->count] = text;
    c->count++;
    return 0;
}

/* Sorts keys (and texts with them) and refuses duplicates. */
static int sort_and_check(catalog *c, char *err, size_t err_size)
{
    for (size_t i = 1; i < c->count; i++) { /* insertion sort: catalogs are small */
        char *k = c->keys[i], *t = c->texts[i];
        size_t j = i;
        while (j > 0 && strcmp(c->keys[j - 1], k) > 0) {
            c->keys[j] = c->keys[j - 1];
            c->texts[j] = c->texts[j - 1];
            j--;
        }
        c->keys[j] = k;
        c->texts[j] = t;
    }
    for (size_t i = 1; i < c->count; i++)
        if (strcmp(c->keys[i - 1], c->keys[i]) == 0) {
            fail(err, err_size, "duplicate trans-unit id \"%s\"", c->keys[i]);
            return -1;
        }
    return 0;
}

static int parse_units(const xmlNode *body, int is_source_lang, catalog *c, char *err,
                       size_t err_size)
{
    size_t cap = 0;
    for (const xmlNode *u = body->children; u; u = u->next) {
        if (u->type != XML_ELEMENT_NODE)
            continue;
        if (!is_element(u, "trans-unit")) {
            fail(err, err_size, "line %d: unexpected element <%s> in <body>", u->line,
                 (const char *)u->name);
            return -1;
        }
        char *id = attr(u, "id");
        const xmlNode *src = child(u, "source"), *tgt = child(u, "target");
        const xmlNode *use = tgt ? tgt : (is_source_lang ? src : NULL);
        char *text = use ? text_of(use) : NULL;
        if (!id || !*id || !src || !text || !*text) {
            fail(err, err_size, "line %d: trans-unit %s%s%s needs an id, a <source> and a %s",
                 u->line, id ? "\"" : "", id ? id : "", id ? "\"" : "",
                 is_source_lang ? "text" : "non-empty <target>");
            free(id);
            free(text);
            return -1;
        }
        if (add_entry(c, &cap, id, text) != 0) {
            free(id);
            free(text);
            fail(err, err_size, "out of memory");
            return -1;
        }
    }
    return sort_and_check(c, err, err_size);
}

static int parse_xliff(const char *xml, size_t len, const char *name, catalog *c, char *err,
                       size_t err_size)
{
    memset(c, 0, sizeof *c);
    xmlDoc *doc = xmlReadMemory(xml, (int)len, name, "UTF-8",
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) {
        const xmlError *e = xmlGetLastError();
        fail(err, err_size, "not well-formed XML (line %d: %s)", e ? e->line : 0,
             e && e->message ? e->message : "?");
        return -1;
    }
    int rc = -1;
    const xmlNode *root = xmlDocGetRootElement(doc);
    const xmlNode *file = root && is_element(root, "xliff") ? child(root, "file") : NULL;
    const xmlNode *body = file ? child(file, "body") : NULL;
    char *version = root ? attr(root, "version") : NULL;
    char *src = file ? attr(file, "source-language") : NULL;
    char *tgt = file ? attr(file, "target-language") : NULL;
    if (!body || !version || strcmp(version, "1.2") != 0) {
        fail(err, err_size, "not an XLIFF 1.2 document (<xliff version=\"1.2\"><file><body>)");
    } else if (!src || strcmp(src, MDR_DEFAULT_LANG) != 0) {
        fail(err, err_size, "source-language must be \"%s\"", MDR_DEFAULT_LANG);
    } else {
        const char *lang = tgt ? tgt : src;
        if (strlen(lang) < 2 || strlen(lang) >= sizeof c->lang) {
            fail(err, err_size, "bad target-language \"%s\"", lang);
        } else {
            snprintf(c->lang, sizeof c->lang, "%s", lang);
            rc = parse_units(body, strcmp(lang, MDR_DEFAULT_LANG) == 0, c, err, err_size);
        }
    }
    free(version);
    free(src);
    free(tgt);
    xmlFreeDoc(doc);
    if (rc != 0)
        catalog_free(c);
    return rc;
}

/* Moves every entry of `from` into `into` (same language), then re-sorts; a key defined in
 * two files of one language is an error. `from` is left empty. */
static int catalog_merge(catalog *into, catalog *from, char *err, size_t err_size)
{
    size_t n = into->count + from->count;
    char **k = realloc(into->keys, n * sizeof *k);
    if (k)
        into->keys = k;
    char **t = k ? realloc(into->texts, n * sizeof *t) : NULL;
    if (!t) {
        fail(err, err_size, "out of memory");
        return -1;
    }
    into->texts = t;
    memcpy(into->keys + into->count, from->keys, from->count * sizeof *k);
    memcpy(into->texts + into->count, from->texts, from->count * sizeof *t);
    into->count = n;
    free(from->keys);
    free(from->texts);
    memset(from, 0, sizeof *from);
    return sort_and_check(into, err, err_size);
}

/* A catalog file is named PART.LANG.xlf (e.g. mdr.ru.xlf, activation.ru.xlf): each
 * functional area may keep its own strings, and the files of one language are merged. */
static int name_matches_lang(const char *file_name, const char *lang)
{
    size_t n = strlen(file_name), l = strlen(lang);
    const char *ext = ".xlf";
    if (n < l + 6 || strcmp(file_name + n - 4, ext) != 0)
        return 0;
    const char *dot_lang = file_name + n - 4 - l - 1;
    return *dot_lang == '.' && strncmp(dot_lang + 1, lang, l) == 0 && dot_lang > file_name;
}

static void load_all(void)
{
    char err[400];
    for (const ksc_embedded_file *f = mdr_locale_files; f->name; f++) {
        catalog c;
        if (parse_xliff((const char *)f->data, f->len, f->name, &c, err, sizeof err) != 0) {
            snprintf(load_error, sizeof load_error, "locales/%s: %s", f->name, err);
            break;
        }
        if (!name_matches_lang(f->name, c.lang)) {
            snprintf(load_error, sizeof load_error,
                     "locales/%s: target-language \"%s\" does not match the file name "
                     "(PART.%s.xlf)",
                     f->name, c.lang, c.lang);
            catalog_free(&c);
            break;
        }
        catalog *same = NULL;
        for (size_t i = 0; i < catalog_count; i++)
            if (strcmp(catalogs[i].lang, c.lang) == 0)
                same = &catalogs[i];
        if (same) {
            if (catalog_merge(same, &c, err, sizeof err) != 0) {
                snprintf(load_error, sizeof load_error, "locales/%s: %s", f->name, err);
                catalog_free(&c);
                break;
            }
            continue;
        }
        if (catalog_count == MAX_LANGS) {
            snprintf(load_error, sizeof load_error, "too many catalogs");
            catalog_free(&c);
            break;
        }
        catalogs[catalog_count++] = c;
    }
    /* English first: it is the fallback. */
    for (size_t i = 0; i < catalog_count; i++)
        if (strcmp(catalogs[i].lang, MDR_DEFAULT_LANG) == 0 && i != 0) {
            catalog tmp = catalogs[0];
            catalogs[0] = catalogs[i];
            catalogs[i] = tmp;
        }
    if (!load_error[0] && (catalog_count == 0 || strcmp(catalogs[0].lang, MDR_DEFAULT_LANG)))
        snprintf(load_error, sizeof load_error, "locales: no English catalog (mdr.en.xlf)");
    for (size_t i = 0; i < catalog_count; i++)
        lang_names[i] = catalogs[i].lang;
}

__attribute__((destructor)) static void unload_all(void)
{
    for (size_t i = 0; i < catalog_count; i++)
        catalog_free(&catalogs[i]);
    catalog_count = 0;
}

int mdr_i18n_load(char *err, size_t err_size)
{
    pthread_once(&load_once, load_all);
    if (load_error[0]) {
        snprintf(err, err_size, "%s", load_error);
        return -1;
    }
    return 0;
}

static const catalog *find_catalog(const char *lang)
{
    pthread_once(&load_once, load_all);
    if (!lang)
        return NULL;
    for (size_t i = 0; i < catalog_count; i++)
        if (strcmp(catalogs[i].lang, lang) == 0)
            return &catalogs[i];
    return NULL;
}

static int cmp_key(const void *key, const void *elem)
{
    return strcmp(key, *(char *const *)elem);
}

static const char *lookup_in(const catalog *c, const char *key)
{
    if (!c || !key || c->count == 0)
        return NULL;
    char *const *hit = bsearch(key, c->keys, c->count, sizeof *c->keys, cmp_key);
    return hit ? c->texts[hit - c->keys] : NULL;
}

const char *mdr_i18n_lookup(const char *lang, const char *key)
{
    return lookup_in(find_catalog(lang), key);
}

const char *mdr_tr(const char *lang, const char *key)
{
    if (!key)
        return "";
    const char *t = lookup_in(find_catalog(lang), key);
    if (!t)
        t = lookup_in(find_catalog(MDR_DEFAULT_LANG), key);
    return t ? t : key;
}

size_t mdr_i18n_languages(const char *const **langs)
{
    pthread_once(&load_once, load_all);
    *langs = lang_names;
    return catalog_count;
}

size_t mdr_i18n_keys(const char *lang, const char *const **keys)
{
    const catalog *c = find_catalog(lang);
    *keys = c ? (const char *const *)c->keys : NULL;
    return c ? c->count : 0;
}

int mdr_i18n_check_xliff(const char *xml, size_t len, char *lang_out, size_t lang_size,
                         size_t *key_count, char *err, size_t err_size)
{
    catalog c;
    if (parse_xliff(xml, len, "test.xlf", &c, err, err_size) != 0)
        return -1;
    snprintf(lang_out, lang_size, "%s", c.lang);
    *key_count = c.count;
    catalog_free(&c);
    return 0;
}

/* ---- formatter ---------------------------------------------------------------------- */

static const char *param_value(const char *const *params, const char *name, size_t name_len)
{
    for (size_t i = 0; params && params[i] && params[i + 1]; i += 2)
        if (strlen(params[i]) == name_len && strncmp(params[i], name, name_len) == 0)
            return params[i + 1];
    return NULL;
}

static int is_name_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_';
}

char *mdr_format(const char *tmpl, const char *const *params)
{
    if (!tmpl)
        tmpl = "";
    size_t cap = strlen(tmpl) + 1, len = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    for (const char *p = tmpl; *p;) {
        const char *value = NULL;
        size_t skip = 1;
        if (*p == '{') {
            size_t n = 0;
            while (is_name_char(p[1 + n]))
                n++;
            if (n > 0 && p[1 + n] == '}') {
                value = param_value(params, p + 1, n);
                if (value)
                    skip = n + 2;
            }
        }
        const char *piece = value ? value : p;
        size_t piece_len = value ? strlen(value) : 1;
        if (len + piece_len + 1 > cap) {
            cap = (len + piece_len + 1) * 2;
            char *grown = realloc(out, cap);
            if (!grown) {
                free(out);
                return NULL;
            }
            out = grown;
        }
        memcpy(out + len, piece, piece_len);
        len += piece_len;
        p += skip;
    }
    out[len] = '\0';
    return out;
}

char *mdr_trf(const char *lang, const char *key, const char *const *params)
{
    return mdr_format(mdr_tr(lang, key), params);
}
