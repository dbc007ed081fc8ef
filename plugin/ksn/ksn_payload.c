#include "ksn_payload.h"

#include <ksc_utc_time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KSN_NAMESPACE "urn:mdr:ksn-configuration:1"

mdr_ksn_status mdr_ksn_fail(mdr_ksn_error *err, mdr_ksn_status status, const char *fmt, ...)
{
    if (err) {
        err->status = status;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
        va_end(ap);
    }
    return status;
}

int mdr_ksn_version_parse(const char *text, int64_t *version)
{
    if (!text)
        return -1;
    size_t n = strlen(text);
    if (n == 0 || n > 18)
        return -1;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (text[i] < '0' || text[i] > '9')
            return -1;
        v = v * 10 + (text[i] - '0');
    }
    if (v <= 0)
        return -1;
    *version = v;
    return 0;
}

int mdr_ksn_version_compare(const char *a, const char *b, int *cmp)
{
    int64_t va, vb;
    if (mdr_ksn_version_parse(a, &va) != 0 || mdr_ksn_version_parse(b, &vb) != 0)
        return -1;
    *cmp = va < vb ? -1 : va > vb;
    return 0;
}

int mdr_ksn_parse_time(const char *text, int64_t *ms)
{
    /* Exactly YYYY-MM-DDThh:mm:ssZ (a date alone is not a validity time). */
    if (!text || strlen(text) != 20)
        return -1;
    return ksc_utc_parse(text, ms);
}

void mdr_ksn_info_clear(mdr_ksn_info *info)
{
    if (!info)
        return;
    free(info->organization_id);
    free(info->region);
    for (size_t i = 0; i < info->server_count; i++)
        free(info->servers[i].address);
    free(info->servers);
    free(info->telemetry_key_id);
    free(info->telemetry_key_algorithm);
    memset(info, 0, sizeof(*info));
}

static int is_ksn_element(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           strcmp((const char *)n->ns->href, KSN_NAMESPACE) == 0 &&
           strcmp((const char *)n->name, name) == 0;
}

/* An attribute as a malloc'd string; NULL when absent or empty. */
static char *attr(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
    char *copy = v && v[0] ? strdup((const char *)v) : NULL;
    xmlFree(v);
    return copy;
}

static int count_children(const xmlNode *parent, const char *name, const xmlNode **first)
{
    int count = 0;
    *first = NULL;
    for (const xmlNode *c = parent->children; c; c = c->next) {
        if (is_ksn_element(c, name)) {
            if (!count)
                *first = c;
            count++;
        }
    }
    return count;
}

static mdr_ksn_status parse_servers(const xmlNode *servers, mdr_ksn_info *out, mdr_ksn_error *err)
{
    size_t count = 0;
    for (const xmlNode *c = servers->children; c; c = c->next)
        count += is_ksn_element(c, "server");
    if (count == 0)
        return mdr_ksn_fail(err, MDR_KSN_ERR_BAD_PAYLOAD, "no <server> is listed");
    out->servers = calloc(count, sizeof(*out->servers));
    if (!out->servers)
        return mdr_ksn_fail(err, MDR_KSN_ERR_INTERNAL, "out of memory");
    for (const xmlNode *c = servers->children; c; c = c->next) {
        if (!is_ksn_element(c, "server"))
            continue;
        mdr_ksn_server *s = &out->servers[out->server_count++];
        s->address = attr(c, "address");
        char *port = attr(c, "port");
        int64_t p = 0;
        int port_ok = port && mdr_ksn_version_parse(port, &p) == 0 && p <= 65535;
        free(port);
        if (!s->address)
            return mdr_ksn_fail(err, MDR_KSN_ERR_BAD_PAYLOAD, "a <server> has no address");
        if (!port_ok)
            return mdr_ksn_fail(err, MDR_KSN_ERR_BAD_PAYLOAD, "a <server> has no port in 1..65535");
        s->port = (int)p;
    }
    return MDR_KSN_OK;
}

/* The telemetry key: base64 (whitespace allowed) of a DER SubjectPublicKeyInfo. */
static int public_key_parses(const char *text)
{
    size_t n = strlen(text);
    char *b64 = malloc(n + 1);
    unsigned char *der = malloc(n + 1);
    int ok = 0;
    if (!b64 || !der)
        goto done;
    size_t m = 0, pad = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isspace((unsigned char)text[i]))
            b64[m++] = text[i];
    }
    b64[m] = '\0';
    if (m == 0 || m % 4 != 0)
        goto done;
    pad = (b64[m - 1] == '=') + (m > 1 && b64[m - 2] == '=');
    int len = EVP_DecodeBlock(der, (unsigned char *)b64, (int)m);
    if (len <= 0)
        goto done;
    len -= (int)pad;
    const unsigned char *p = der;
    EVP_PKEY *key = d2i_PUBKEY(NULL, &p, len);
    ok = key && p == der + len;
    EVP_PKEY_free(key);
done:
    free(b64);
    free(der);
    return ok;
}

static mdr_ksn_status check_root(const xmlNode *root, int64_t now_ms, mdr_ksn_info *out,
                                 mdr_ksn_error *err)
{
    if (!root || !is_ksn_element(root, "ksn-configuration"))
        return mdr_ksn_fail(err, MDR_KSN_ERR_BAD_PAYLOAD,
                            "the root element is not <ksn-configuration xmlns=\"%s\">",
                            KSN_NAMESPACE);
    char *version = attr(root, "version");
    char *issued = attr(root, "issued");
    char *expires = attr(root, "expires");
    mdr_ksn_status st = MDR_KSN_OK;
    if (mdr_ksn_version_parse(version, &out->version) != 0)
        st = mdr_ksn_fail(err, MDR_KSN_ERR_BAD_PAYLOAD, "version is not a positive integer");
    else if (mdr_ksn_parse_time(issued, &out->issued_ms) != 0)
        st = mdr_ksn_fail(err, MDR_KSN_ERR_BAD_PAYLOAD, "issued is not YYYY-MM-DDThh:mm:ssZ");
    else if (mdr_ksn_parse_time(expires, &out->expires_ms) != 0)
        st = mdr_ksn_fail(err, MDR_KSN_ERR_BAD_PAYLOAD, "expires is not YYYY-MM-DDThh:mm:ssZ");
    else if (out->expires_ms <= out->issued_ms)
        st = mdr_ksn_fail(err, MDR_KSN_ERR_BAD_PAYLOAD, "expires is not after issued");
    if (st == MDR_KSN_OK)
        snprintf(out->version_text, sizeof(out->version_text), "%lld", (long long)out->version);
    free(version);
    free(issued);
    free(expires);
    if (st != MDR_KSN_OK)
        return st;

    const xmlNode *org, *servers, *key;
    if (count_children(root, "organization", &org) != 1)
        return mdr_ksn_fail(err, MDR_KSN_ERR_BAD_PAYLOAD, "exactly one <organization> is needed");
    out->organization_id = attr(org, "id");
    out->region = attr(org, "region");
    if (!out->organization_id || !out->region)
        return mdr_ksn_fail(err, MDR_KSN_ERR_BAD_PAYLOAD,
                            "<organization> needs an id and a region");
    if (count_children(root, "servers", &servers) != 1)
        return mdr_ksn_fail(err, MDR_KSN_ERR_BAD_PAYLOAD, "exactly one <servers> is needed");
    if ((st = parse_servers(servers, out, err)) != MDR_KSN_OK)
        return st;
    if (count_children(root, "telemetry-key", &key) != 1)
        return mdr_ksn_fail(err, MDR_KSN_ERR_BAD_PAYLOAD, "exactly one <telemetry-key> is needed");
    out->telemetry_key_id = attr(key, "id");
    out->telemetry_key_algorithm = attr(key, "algorithm");
    if (!out->telemetry_key_algorithm)
        out->telemetry_key_algorithm = strdup("");
    if (!out->telemetry_key_id)
        return mdr_ksn_fail(err, MDR_KSN_ERR_BAD_PAYLOAD, "<telemetry-key> has no id");
    xmlChar *text = xmlNodeGetContent(key);
    int key_ok = text && public_key_parses((const char *)text);
    xmlFree(text);
    if (!key_ok)
        return mdr_ksn_fail(err, MDR_KSN_ERR_BAD_PAYLOAD,
                            "<telemetry-key> is not base64 of a public key (SubjectPublicKeyInfo)");
    if (!out->telemetry_key_algorithm)
        return mdr_ksn_fail(err, MDR_KSN_ERR_INTERNAL, "out of memory");

    /* Validity last: a well-formed file that is merely old says "expired". */
    if (out->expires_ms <= now_ms)
        return mdr_ksn_fail(err, MDR_KSN_ERR_EXPIRED, "the file expired");
    if (out->issued_ms > now_ms + MDR_KSN_CLOCK_SKEW_MS)
        return mdr_ksn_fail(err, MDR_KSN_ERR_NOT_YET_VALID, "the file is not valid yet");
    return MDR_KSN_OK;
}

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
    xmlInitParser();
}

mdr_ksn_status mdr_ksn_parse_payload(const char *xml, size_t len, int64_t now_ms, mdr_ksn_info *out,
                                     mdr_ksn_error *err)
{
    memset(out, 0, sizeof(*out));
    if (len == 0 || len > MDR_KSN_MAX_PAYLOAD)
        return mdr_ksn_fail(err, MDR_KSN_ERR_BAD_PAYLOAD, "the payload is empty or too large");
    pthread_once(&xml_once, xml_init);
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt)
        return mdr_ksn_fail(err, MDR_KSN_ERR_INTERNAL, "out of memory");
    /* No network, no entity substitution, no DTD loading, quiet: the payload is data. */
    int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, xml, (int)len, "ksn-configuration.xml", NULL, options);
    mdr_ksn_status st;
    if (!doc) {
        const xmlError *e = xmlCtxtGetLastError(ctxt);
        st =
            mdr_ksn_fail(err, MDR_KSN_ERR_BAD_PAYLOAD, "the payload is not well-formed XML%s%.160s",
                         e && e->message ? ": " : "", e && e->message ? e->message : "");
        size_t n = err ? strlen(err->detail) : 0;
        while (n > 0 && (err->detail[n - 1] == '\n' || err->detail[n - 1] == ' '))
            err->detail[--n] = '\0';
    } else if (doc->intSubset || doc->extSubset) {
        st = mdr_ksn_fail(err, MDR_KSN_ERR_BAD_PAYLOAD, "the payload may not carry a DTD");
    } else {
        st = check_root(xmlDocGetRootElement(doc), now_ms, out, err);
    }
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    if (st != MDR_KSN_OK)
        mdr_ksn_info_clear(out);
    return st;
}
