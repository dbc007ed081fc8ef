/* wizard/load.c — the wizard's XML read and checked against its schema (libxml2), once. */
#include "wizard.h"
#include "core/embedded.h"
#include "core/module.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define WIZARD_NS "urn:mdr:wizard:1"

/* The first schema error, with its line. */
typedef struct first_error {
    char *err;
    size_t err_size;
    int seen;
} first_error;

#if LIBXML_VERSION >= 21200
static void on_error(void *ctx, const xmlError *e)
#else
static void on_error(void *ctx, xmlErrorPtr e)
#endif
{
    first_error *f = ctx;
    if (f->seen || !e)
        return;
    f->seen = 1;
    char msg[256];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "?");
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = 0;
    snprintf(f->err, f->err_size, "line %d: %s", e->line, msg);
}

static int validate(xmlDoc *doc, const char *xsd, size_t xsd_len, char *err, size_t err_size)
{
    first_error f = {err, err_size, 0};
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewMemParserCtxt(xsd, (int)xsd_len);
    xmlSchemaPtr schema = NULL;
    if (pc) {
        xmlSchemaSetParserStructuredErrors(pc, on_error, &f);
        schema = xmlSchemaParse(pc);
        xmlSchemaFreeParserCtxt(pc);
    }
    if (!schema) {
        if (!f.seen)
            snprintf(err, err_size, "the schema does not parse");
        else
            snprintf(err + strlen(err), err_size - strlen(err), " (in the schema)");
        return -1;
    }
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    int rc = -1;
    if (vc) {
        xmlSchemaSetValidStructuredErrors(vc, on_error, &f);
        rc = xmlSchemaValidateDoc(vc, doc);
        xmlSchemaFreeValidCtxt(vc);
    }
    xmlSchemaFree(schema);
    if (rc != 0 && !f.seen)
        snprintf(err, err_size, "does not match the schema");
    return rc == 0 ? 0 : -1;
}

static void copy_attr(const xmlNode *n, const char *name, char *out, size_t size)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    snprintf(out, size, "%s", v ? (const char *)v : "");
    xmlFree(v);
}

static int is_el(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static int action_known(const char *name)
{
    for (size_t i = 0; i < mdr_action_count; i++)
        if (strcmp(mdr_action_table[i].name, name) == 0)
            return 1;
    return 0;
}

int mdr_wizard_parse(const char *xml, size_t xml_len, const char *xsd, size_t xsd_len,
                     mdr_wizard *out, char *err, size_t err_size)
{
    memset(out, 0, sizeof *out);
    xmlDoc *doc = xmlReadMemory(xml, (int)xml_len, "getting-started.xml", "UTF-8",
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) {
        const xmlError *e = xmlGetLastError();
        snprintf(err, err_size, "line %d: not well-formed XML: %s", e ? e->line : 0,
                 e && e->message ? e->message : "?");
        return -1;
    }
    if (validate(doc, xsd, xsd_len, err, err_size) != 0) {
        xmlFreeDoc(doc);
        return -1;
    }
    const xmlNode *root = xmlDocGetRootElement(doc);
    copy_attr(root, "id", out->id, sizeof out->id);
    int rc = 0;
    for (const xmlNode *n = root->children; n && rc == 0; n = n->next) {
        if (!is_el(n, "step"))
            continue;
        mdr_wizard_step *s = &out->steps[out->step_count++];
        s->line = (int)xmlGetLineNo(n);
        copy_attr(n, "id", s->id, sizeof s->id);
        copy_attr(n, "title-key", s->title_key, sizeof s->title_key);
        copy_attr(n, "text-key", s->text_key, sizeof s->text_key);
        copy_attr(n, "action", s->action, sizeof s->action);
        copy_attr(n, "done-when", s->done_when, sizeof s->done_when);
        for (const xmlNode *c = n->children; c; c = c->next)
            if (is_el(c, "see-also"))
                copy_attr(c, "action", s->see_also[s->see_also_count++], sizeof s->see_also[0]);
        if (!mdr_wizard_condition(s->done_when)) {
            snprintf(err, err_size,
                     "line %d: step %s: no condition \"%s\" (plugin/wizard/conditions.c)", s->line,
                     s->id, s->done_when);
            rc = -1;
        } else if (!action_known(s->action)) {
            snprintf(err, err_size, "line %d: step %s: no action \"%s\" in the module", s->line,
                     s->id, s->action);
            rc = -1;
        }
    }
    xmlFreeDoc(doc);
    return rc;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static mdr_wizard loaded;
static char load_error[512];

static const ksc_embedded_file *embedded(const char *name)
{
    for (const ksc_embedded_file *f = mdr_wizard_files; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

static void load(void)
{
    const ksc_embedded_file *x = embedded("getting-started.xml"),
                            *s = embedded("getting-started.xsd");
    char err[400] = "";
    if (!x || !s)
        snprintf(load_error, sizeof load_error,
                 "wizards/: getting-started.xml and getting-started.xsd are both needed");
    else if (mdr_wizard_parse((const char *)x->data, x->len, (const char *)s->data, s->len, &loaded,
                              err, sizeof err) != 0)
        snprintf(load_error, sizeof load_error, "wizards/getting-started.xml: %s", err);
}

const mdr_wizard *mdr_wizard_getting_started(char *err, size_t err_size)
{
    pthread_once(&once, load);
    if (load_error[0]) {
        snprintf(err, err_size, "%s", load_error);
        return NULL;
    }
    return &loaded;
}

int mdr_wizard_check_loaded(char *err, size_t err_size)
{
    return mdr_wizard_getting_started(err, err_size) ? 0 : -1;
}
