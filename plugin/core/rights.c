#include "rights.h"
#include "embedded.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RIGHTS_NS "urn:mdr:rights:1"

/* The parsed document and every allocation behind it, freed together. */
typedef struct rights_doc {
    mdr_rights pub;
    void **owned;
    size_t owned_count, owned_cap;
} rights_doc;

typedef struct parser {
    rights_doc *doc;
    char *err;
    size_t err_size;
    int failed;
} parser;

static void failf(parser *p, const xmlNode *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void failf(parser *p, const xmlNode *at, const char *fmt, ...)
{
    if (p->failed)
        return;
    p->failed = 1;
    int n = snprintf(p->err, p->err_size, "line %d: ", at ? at->line : 0);
    if (n < 0 || (size_t)n >= p->err_size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err + n, p->err_size - (size_t)n, fmt, ap);
    va_end(ap);
}

static void *own(parser *p, void *ptr)
{
    rights_doc *d = p->doc;
    if (ptr && d->owned_count == d->owned_cap) {
        size_t cap = d->owned_cap ? d->owned_cap * 2 : 64;
        void **grown = realloc(d->owned, cap * sizeof *grown);
        if (!grown) {
            free(ptr);
            ptr = NULL;
        } else {
            d->owned = grown;
            d->owned_cap = cap;
        }
    }
    if (!ptr) {
        failf(p, NULL, "out of memory");
        return NULL;
    }
    d->owned[d->owned_count++] = ptr;
    return ptr;
}

static void *alloc_zero(parser *p, size_t count, size_t size)
{
    return own(p, calloc(count ? count : 1, size));
}

static int is_el(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->ns &&
           strcmp((const char *)n->ns->href, RIGHTS_NS) == 0 &&
           (!name || strcmp((const char *)n->name, name) == 0);
}

static size_t count_children(const xmlNode *parent, const char *name)
{
    size_t n = 0;
    for (const xmlNode *c = parent->children; c; c = c->next)
        if (is_el(c, name))
            n++;
    return n;
}

/* An attribute that must be present and non-empty; copied into the document. */
static const char *req_attr(parser *p, const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v || !*v) {
        xmlFree(v);
        failf(p, n, "<%s> needs a non-empty %s attribute", (const char *)n->name, name);
        return NULL;
    }
    char *copy = own(p, strdup((const char *)v));
    xmlFree(v);
    return copy;
}

/* ids: "<prefix>" then lower-case letters, digits, '_' and '.'. */
static int id_ok(const char *id, const char *prefix)
{
    if (strncmp(id, prefix, strlen(prefix)) != 0 || !id[strlen(prefix)])
        return 0;
    for (const char *c = id; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_' || *c == '.'))
            return 0;
    return 1;
}

const ksc_area *mdr_rights_area_find(const mdr_rights *r, const char *id)
{
    for (size_t i = 0; id && i < r->area_count; i++)
        if (strcmp(r->areas[i].id, id) == 0)
            return &r->areas[i];
    for (size_t i = 0; id && i < r->host_area_count; i++)
        if (strcmp(r->host_areas[i].id, id) == 0)
            return &r->host_areas[i];
    return NULL;
}

const char *const *mdr_rights_action_areas(const mdr_rights *r, const char *action)
{
    for (size_t i = 0; action && i < r->action_count; i++)
        if (strcmp(r->actions[i].name, action) == 0)
            return r->actions[i].required_areas;
    return NULL;
}

static void parse_areas(parser *p, const xmlNode *root, const char *el, const char *prefix,
                        ksc_area **out, size_t *count)
{
    *count = count_children(root, el);
    ksc_area *areas = alloc_zero(p, *count, sizeof *areas);
    size_t i = 0;
    for (const xmlNode *n = root->children; n && !p->failed; n = n->next) {
        if (!is_el(n, el))
            continue;
        const char *id = req_attr(p, n, "id");
        const char *key = req_attr(p, n, "title-key");
        if (p->failed)
            return;
        if (!id_ok(id, prefix))
            failf(p, n, "<%s> id \"%s\" must look like %s<name>", el, id, prefix);
        else if (mdr_rights_area_find(&p->doc->pub, id))
            failf(p, n, "area \"%s\" declared twice", id);
        areas[i] = (ksc_area){sizeof(ksc_area), id, key};
        i++;
        /* visible to duplicate checks right away */
        if (strcmp(el, "area") == 0) {
            p->doc->pub.areas = areas;
            p->doc->pub.area_count = i;
        } else {
            p->doc->pub.host_areas = areas;
            p->doc->pub.host_area_count = i;
        }
    }
    *out = areas;
}

/* The area ids of the <child_el> children of `parent` (attribute "area"), NULL-terminated;
 * each must be declared and appear once. */
static const char **area_list(parser *p, const xmlNode *parent, const char *child_el)
{
    size_t n = count_children(parent, child_el);
    const char **list = alloc_zero(p, n + 1, sizeof *list);
    size_t i = 0;
    for (const xmlNode *c = parent->children; c && !p->failed; c = c->next) {
        if (!is_el(c, child_el))
            continue;
        const char *area = req_attr(p, c, "area");
        if (p->failed)
            break;
        const ksc_area *known = mdr_rights_area_find(&p->doc->pub, area);
        if (!known) {
            failf(p, c, "unknown area \"%s\"", area);
            break;
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(list[j], area) == 0)
                failf(p, c, "area \"%s\" listed twice", area);
        list[i++] = known->id;
    }
    return list;
}

static void parse_roles(parser *p, const xmlNode *root)
{
    size_t count = count_children(root, "role");
    ksc_role_preset *roles = alloc_zero(p, count, sizeof *roles);
    size_t i = 0;
    for (const xmlNode *n = root->children; n && !p->failed; n = n->next) {
        if (!is_el(n, "role"))
            continue;
        const char *id = req_attr(p, n, "id");
        const char *key = req_attr(p, n, "title-key");
        if (p->failed)
            return;
        if (!id_ok(id, "mdr."))
            failf(p, n, "role id \"%s\" must look like mdr.<name>", id);
        for (size_t j = 0; j < i; j++)
            if (strcmp(roles[j].id, id) == 0)
                failf(p, n, "role \"%s\" declared twice", id);
        for (const xmlNode *c = n->children; c; c = c->next)
            if (c->type == XML_ELEMENT_NODE && !is_el(c, "allow"))
                failf(p, c, "unexpected <%s> in role \"%s\"", (const char *)c->name, id);
        const char **allowed = area_list(p, n, "allow");
        if (!p->failed && !allowed[0])
            failf(p, n, "role \"%s\" allows no area", id);
        roles[i++] = (ksc_role_preset){sizeof(ksc_role_preset), id, key, allowed};
    }
    p->doc->pub.roles = roles;
    p->doc->pub.role_count = count;
}

static void parse_minimum_set(parser *p, const xmlNode *root)
{
    const xmlNode *set = NULL;
    for (const xmlNode *n = root->children; n; n = n->next)
        if (is_el(n, "minimum-set")) {
            if (set) {
                failf(p, n, "more than one <minimum-set>");
                return;
            }
            set = n;
        }
    if (!set) {
        failf(p, root, "no <minimum-set>");
        return;
    }
    const char **allowed = area_list(p, set, "allow");
    const char **denied = area_list(p, set, "deny");
    if (p->failed)
        return;
    const mdr_rights *r = &p->doc->pub;
    size_t listed = count_children(set, "allow") + count_children(set, "deny");
    if (listed != r->area_count + r->host_area_count)
        failf(p, set, "<minimum-set> must list every area once (%zu listed, %zu declared)", listed,
              r->area_count + r->host_area_count);
    for (size_t i = 0; allowed[i] && !p->failed; i++)
        for (size_t j = 0; denied[j]; j++)
            if (strcmp(allowed[i], denied[j]) == 0)
                failf(p, set, "area \"%s\" both allowed and denied", allowed[i]);
    p->doc->pub.minimum_allowed = allowed;
    p->doc->pub.minimum_denied = denied;
}

static void parse_actions(parser *p, const xmlNode *root)
{
    size_t count = count_children(root, "action");
    mdr_action_rights *actions = alloc_zero(p, count, sizeof *actions);
    size_t i = 0;
    for (const xmlNode *n = root->children; n && !p->failed; n = n->next) {
        if (!is_el(n, "action"))
            continue;
        const char *name = req_attr(p, n, "name");
        if (p->failed)
            return;
        if (!id_ok(name, "mdr."))
            failf(p, n, "action name \"%s\" must look like mdr.<area>.<verb>", name);
        for (size_t j = 0; j < i; j++)
            if (strcmp(actions[j].name, name) == 0)
                failf(p, n, "action \"%s\" declared twice", name);
        const char **areas = area_list(p, n, "require");
        if (!p->failed && !areas[0])
            failf(p, n, "action \"%s\" requires no area", name);
        actions[i++] = (mdr_action_rights){name, areas};
    }
    p->doc->pub.actions = actions;
    p->doc->pub.action_count = count;
}

void mdr_rights_free(mdr_rights *rights)
{
    if (!rights)
        return;
    rights_doc *d = (rights_doc *)rights; /* pub is the first member */
    for (size_t i = 0; i < d->owned_count; i++)
        free(d->owned[i]);
    free(d->owned);
    free(d);
}

int mdr_rights_parse(const char *xml, size_t len, mdr_rights **out, char *err, size_t err_size)
{
    *out = NULL;
    rights_doc *d = calloc(1, sizeof *d);
    if (!d) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    parser p = {d, err, err_size, 0};
    xmlDoc *doc = xmlReadMemory(xml, (int)len, "mdr-rights.xml", "UTF-8",
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    const xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!doc) {
        const xmlError *e = xmlGetLastError();
        snprintf(err, err_size, "line %d: not well-formed XML: %s", e ? e->line : 0,
                 e && e->message ? e->message : "?");
        p.failed = 1;
    } else if (!root || !is_el(root, "rights")) {
        failf(&p, root, "the root element must be <rights xmlns=\"%s\">", RIGHTS_NS);
    } else {
        for (const xmlNode *n = root->children; n; n = n->next)
            if (n->type == XML_ELEMENT_NODE && !is_el(n, "host-area") && !is_el(n, "area") &&
                !is_el(n, "role") && !is_el(n, "minimum-set") && !is_el(n, "action"))
                failf(&p, n, "unexpected element <%s>", (const char *)n->name);
        ksc_area *areas, *host_areas;
        size_t area_count, host_count;
        parse_areas(&p, root, "host-area", "ksc.", &host_areas, &host_count);
        parse_areas(&p, root, "area", "mdr.", &areas, &area_count);
        if (!p.failed && area_count == 0)
            failf(&p, root, "no <area>");
        parse_roles(&p, root);
        parse_minimum_set(&p, root);
        parse_actions(&p, root);
    }
    xmlFreeDoc(doc);
    if (p.failed) {
        mdr_rights_free(&d->pub);
        return -1;
    }
    *out = &d->pub;
    return 0;
}

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static mdr_rights *loaded;
static char load_error[512];

static void load_embedded(void)
{
    char err[400];
    const ksc_embedded_file *f = &mdr_rights_files[0];
    if (!f->name || mdr_rights_files[1].name) {
        snprintf(load_error, sizeof load_error,
                 "rights: expected exactly one rights/mdr-rights.xml");
        return;
    }
    if (mdr_rights_parse((const char *)f->data, f->len, &loaded, err, sizeof err) != 0)
        snprintf(load_error, sizeof load_error, "rights/%s: %s", f->name, err);
}

__attribute__((destructor)) static void unload_embedded(void)
{
    mdr_rights_free(loaded);
    loaded = NULL;
}

const mdr_rights *mdr_rights_get(char *err, size_t err_size)
{
    pthread_once(&load_once, load_embedded);
    if (!loaded)
        snprintf(err, err_size, "%s", load_error);
    return loaded;
}
