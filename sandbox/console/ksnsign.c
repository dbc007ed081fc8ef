/* ksnsign — see ksnsign.h. */
#include "console/ksnsign.h"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct ksn_pki {
    X509 *root_cert, *mid_cert, *signer_cert;
    EVP_PKEY *root_key, *mid_key, *signer_key;
};

static void set_err(char *err, size_t errlen, const char *what)
{
    if (err && errlen) {
        unsigned long e = ERR_get_error();
        if (e)
            snprintf(err, errlen, "%s: %s", what, ERR_reason_error_string(e));
        else
            snprintf(err, errlen, "%s", what);
    }
    ERR_clear_error();
}

static EVP_PKEY *ec_key_new(void)
{
    return EVP_EC_gen("P-256");
}

static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (!ext)
        return -1;
    int ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    return ok ? 0 : -1;
}

/* A certificate for `key` named `cn`, signed by issuer_key (self-signed when issuer is NULL). */
static X509 *make_cert(const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key, int is_ca)
{
    X509 *cert = X509_new();
    if (!cert)
        return NULL;
    unsigned char serial[16];
    BIGNUM *bn = NULL;
    ASN1_INTEGER *sn = NULL;
    if (RAND_bytes(serial, sizeof serial) != 1)
        goto fail;
    serial[0] &= 0x7f; /* positive */
    bn = BN_bin2bn(serial, sizeof serial, NULL);
    sn = bn ? BN_to_ASN1_INTEGER(bn, NULL) : NULL;
    if (!sn || !X509_set_serialNumber(cert, sn) || !X509_set_version(cert, 2))
        goto fail;
    /* Valid from a day ago for twenty years: the sandbox clock may be moved forward. */
    if (!X509_gmtime_adj(X509_getm_notBefore(cert), -86400L) ||
        !X509_time_adj_ex(X509_getm_notAfter(cert), 365 * 20, 0, NULL))
        goto fail;
    X509_NAME *name = X509_get_subject_name(cert);
    if (!X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"MDR Sandbox",
                                    -1, -1, 0) ||
        !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0))
        goto fail;
    if (!X509_set_issuer_name(cert, issuer ? X509_get_subject_name(issuer) : name) ||
        !X509_set_pubkey(cert, key))
        goto fail;
    X509 *iss = issuer ? issuer : cert;
    if (is_ca) {
        if (add_ext(cert, iss, NID_basic_constraints, "critical,CA:TRUE") ||
            add_ext(cert, iss, NID_key_usage, "critical,keyCertSign,cRLSign"))
            goto fail;
    } else {
        if (add_ext(cert, iss, NID_basic_constraints, "critical,CA:FALSE") ||
            add_ext(cert, iss, NID_key_usage, "critical,digitalSignature"))
            goto fail;
    }
    if (add_ext(cert, iss, NID_subject_key_identifier, "hash") ||
        (issuer && add_ext(cert, iss, NID_authority_key_identifier, "keyid:always")))
        goto fail;
    if (!X509_sign(cert, issuer_key, EVP_sha256()))
        goto fail;
    ASN1_INTEGER_free(sn);
    BN_free(bn);
    return cert;
fail:
    ASN1_INTEGER_free(sn);
    BN_free(bn);
    X509_free(cert);
    return NULL;
}

ksn_pki *ksn_pki_generate(const char *label, char *err, size_t errlen)
{
    ksn_pki *pki = calloc(1, sizeof *pki);
    if (!pki) {
        set_err(err, errlen, "out of memory");
        return NULL;
    }
    char cn[128];
    pki->root_key = ec_key_new();
    pki->mid_key = ec_key_new();
    pki->signer_key = ec_key_new();
    if (!pki->root_key || !pki->mid_key || !pki->signer_key)
        goto fail;
    snprintf(cn, sizeof cn, "%s Root CA", label);
    pki->root_cert = make_cert(cn, pki->root_key, NULL, pki->root_key, 1);
    if (!pki->root_cert)
        goto fail;
    snprintf(cn, sizeof cn, "%s Intermediate CA", label);
    pki->mid_cert = make_cert(cn, pki->mid_key, pki->root_cert, pki->root_key, 1);
    if (!pki->mid_cert)
        goto fail;
    snprintf(cn, sizeof cn, "%s Configuration Signer", label);
    pki->signer_cert = make_cert(cn, pki->signer_key, pki->mid_cert, pki->mid_key, 0);
    if (!pki->signer_cert)
        goto fail;
    return pki;
fail:
    set_err(err, errlen, "cannot make the KSN signing certificates");
    ksn_pki_free(pki);
    return NULL;
}

void ksn_pki_free(ksn_pki *pki)
{
    if (!pki)
        return;
    X509_free(pki->root_cert);
    X509_free(pki->mid_cert);
    X509_free(pki->signer_cert);
    EVP_PKEY_free(pki->root_key);
    EVP_PKEY_free(pki->mid_key);
    EVP_PKEY_free(pki->signer_key);
    free(pki);
}

static char *bio_to_string(BIO *bio)
{
    char *data = NULL;
    long len = BIO_get_mem_data(bio, &data);
    char *out = malloc((size_t)len + 1);
    if (out) {
        memcpy(out, data, (size_t)len);
        out[len] = '\0';
    }
    return out;
}

char *ksn_pki_bundle_pem(const ksn_pki *pki)
{
    BIO *bio = BIO_new(BIO_s_mem());
    if (!bio)
        return NULL;
    char *out = NULL;
    /* Order matters: ksn_pki_from_bundle reads them back in the same order. */
    if (PEM_write_bio_X509(bio, pki->root_cert) &&
        PEM_write_bio_PrivateKey(bio, pki->root_key, NULL, NULL, 0, NULL, NULL) &&
        PEM_write_bio_X509(bio, pki->mid_cert) &&
        PEM_write_bio_PrivateKey(bio, pki->mid_key, NULL, NULL, 0, NULL, NULL) &&
        PEM_write_bio_X509(bio, pki->signer_cert) &&
        PEM_write_bio_PrivateKey(bio, pki->signer_key, NULL, NULL, 0, NULL, NULL))
        out = bio_to_string(bio);
    BIO_free(bio);
    return out;
}

ksn_pki *ksn_pki_from_bundle(const char *bundle_pem, char *err, size_t errlen)
{
    BIO *bio = BIO_new_mem_buf(bundle_pem, -1);
    ksn_pki *pki = calloc(1, sizeof *pki);
    if (!bio || !pki) {
        BIO_free(bio);
        free(pki);
        set_err(err, errlen, "out of memory");
        return NULL;
    }
    pki->root_cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    pki->root_key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    pki->mid_cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    pki->mid_key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    pki->signer_cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    pki->signer_key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    BIO_free(bio);
    if (!pki->root_cert || !pki->root_key || !pki->mid_cert || !pki->mid_key || !pki->signer_cert ||
        !pki->signer_key || X509_check_private_key(pki->signer_cert, pki->signer_key) != 1) {
        set_err(err, errlen, "the stored KSN signing certificates are unreadable");
        ksn_pki_free(pki);
        return NULL;
    }
    return pki;
}

char *ksn_pki_anchor_pem(const ksn_pki *pki)
{
    BIO *bio = BIO_new(BIO_s_mem());
    if (!bio)
        return NULL;
    char *out = PEM_write_bio_X509(bio, pki->root_cert) ? bio_to_string(bio) : NULL;
    BIO_free(bio);
    return out;
}

int ksn_pki_write_anchor(const ksn_pki *pki, const char *path, char *err, size_t errlen)
{
    char *pem = ksn_pki_anchor_pem(pki);
    if (!pem) {
        set_err(err, errlen, "cannot encode the KSN trust anchor");
        return -1;
    }
    FILE *f = fopen(path, "w");
    int rc = -1;
    if (f) {
        size_t n = strlen(pem);
        rc = fwrite(pem, 1, n, f) == n ? 0 : -1;
        if (fclose(f) != 0)
            rc = -1;
    }
    free(pem);
    if (rc)
        set_err(err, errlen, "cannot write the KSN trust anchor file");
    return rc;
}

int ksn_telemetry_key_new(unsigned char **der, size_t *der_len)
{
    EVP_PKEY *key = ec_key_new();
    if (!key)
        return -1;
    unsigned char *buf = NULL;
    int len = i2d_PUBKEY(key, &buf);
    EVP_PKEY_free(key);
    if (len <= 0)
        return -1;
    *der = malloc((size_t)len);
    if (!*der) {
        OPENSSL_free(buf);
        return -1;
    }
    memcpy(*der, buf, (size_t)len);
    *der_len = (size_t)len;
    OPENSSL_free(buf);
    return 0;
}

void ksn_iso8601(int64_t ms, char out[21])
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void ksn_sha256_hex(const unsigned char *data, size_t len, char out[65])
{
    unsigned char md[32];
    unsigned int mdlen = 0;
    EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
    for (unsigned i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* Only what an XML attribute may hold without escaping: our own identifiers. */
static int xml_safe(const char *s)
{
    if (!s || !*s)
        return 0;
    for (; *s; s++)
        if (*s == '<' || *s == '>' || *s == '&' || *s == '"' || (unsigned char)*s < 0x20 ||
            (unsigned char)*s > 0x7e)
            return 0;
    return 1;
}

char *ksn_payload_xml(const ksn_payload *p, char *err, size_t errlen)
{
    if (p->version < 1 || !xml_safe(p->org_id) || !xml_safe(p->region) || p->server_count < 1 ||
        p->server_count > KSN_MAX_SERVERS || !p->telemetry_spki || p->telemetry_spki_len == 0) {
        set_err(err, errlen, "invalid KSN payload");
        return NULL;
    }
    for (int i = 0; i < p->server_count; i++)
        if (!xml_safe(p->servers[i].address) || p->servers[i].port < 1 ||
            p->servers[i].port > 65535) {
            set_err(err, errlen, "invalid KSN server");
            return NULL;
        }
    size_t b64cap = 4 * ((p->telemetry_spki_len + 2) / 3) + 1;
    char *b64 = malloc(b64cap);
    if (!b64)
        return NULL;
    EVP_EncodeBlock((unsigned char *)b64, p->telemetry_spki, (int)p->telemetry_spki_len);
    char issued[21], expires[21];
    ksn_iso8601(p->issued_ms, issued);
    ksn_iso8601(p->expires_ms, expires);

    size_t cap = 1024 + b64cap + strlen(p->org_id) + strlen(p->region);
    for (int i = 0; i < p->server_count; i++)
        cap += 64 + strlen(p->servers[i].address);
    char *xml = malloc(cap);
    if (!xml) {
        free(b64);
        return NULL;
    }
    size_t n = (size_t)snprintf(xml, cap,
                                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                "<ksn-configuration xmlns=\"urn:mdr:ksn-configuration:1\"\n"
                                "                   version=\"%u\" issued=\"%s\" expires=\"%s\">\n"
                                "  <organization id=\"%s\" region=\"%s\"/>\n"
                                "  <servers>\n",
                                p->version, issued, expires, p->org_id, p->region);
    for (int i = 0; i < p->server_count; i++)
        n += (size_t)snprintf(xml + n, cap - n, "    <server address=\"%s\" port=\"%d\"/>\n",
                              p->servers[i].address, p->servers[i].port);
    snprintf(xml + n, cap - n,
             "  </servers>\n"
             "  <telemetry-key id=\"tk-%u\" algorithm=\"EC-P256\">%s</telemetry-key>\n"
             "</ksn-configuration>\n",
             p->version, b64);
    free(b64);
    return xml;
}

int ksn_sign_data(const ksn_pki *pki, const unsigned char *data, size_t len, int pem,
                  unsigned char **out, size_t *out_len, char *err, size_t errlen)
{
    int rc = -1;
    BIO *in = BIO_new_mem_buf(data, (int)len);
    BIO *mem = BIO_new(BIO_s_mem());
    STACK_OF(X509) *extra = sk_X509_new_null();
    PKCS7 *p7 = NULL;
    if (!in || !mem || !extra || !sk_X509_push(extra, pki->mid_cert))
        goto done;
    /* PARTIAL so the digest can be named: SHA-256 whatever the library's default. */
    p7 = PKCS7_sign(NULL, NULL, extra, in, PKCS7_BINARY | PKCS7_PARTIAL);
    if (!p7 ||
        !PKCS7_sign_add_signer(p7, pki->signer_cert, pki->signer_key, EVP_sha256(), PKCS7_BINARY) ||
        !PKCS7_final(p7, in, PKCS7_BINARY))
        goto done;
    if (pem ? !PEM_write_bio_PKCS7(mem, p7) : !i2d_PKCS7_bio(mem, p7))
        goto done;
    char *buf = NULL;
    long n = BIO_get_mem_data(mem, &buf);
    *out = malloc((size_t)n + 1);
    if (!*out)
        goto done;
    memcpy(*out, buf, (size_t)n);
    (*out)[n] = 0;
    *out_len = (size_t)n;
    rc = 0;
done:
    if (rc)
        set_err(err, errlen, "cannot sign");
    PKCS7_free(p7);
    sk_X509_free(extra);
    BIO_free(in);
    BIO_free(mem);
    return rc;
}

char *ksn_sign_file(const ksn_pki *pki, const ksn_payload *p, char *err, size_t errlen)
{
    char *xml = ksn_payload_xml(p, err, errlen);
    if (!xml)
        return NULL;
    unsigned char *out = NULL;
    size_t out_len = 0;
    int rc =
        ksn_sign_data(pki, (const unsigned char *)xml, strlen(xml), 1, &out, &out_len, err, errlen);
    free(xml);
    return rc ? NULL : (char *)out;
}
