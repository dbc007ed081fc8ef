#include "test_pki.h"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509v3.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void die(const char *what)
{
    fprintf(stderr, "test PKI: %s failed\n", what);
    abort();
}

static void add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (!ext || !X509_add_ext(cert, ext, -1))
        die("X509_add_ext");
    X509_EXTENSION_free(ext);
}

test_cert test_pki_make(test_cert_kind kind, const char *common_name, const test_cert *issuer,
                        long not_before_s, long not_after_s)
{
    static long serial = 1000;
    test_cert c = {EVP_EC_gen("P-256"), X509_new()};
    if (!c.key || !c.cert)
        die("key generation");
    X509_set_version(c.cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(c.cert),
                     __atomic_add_fetch(&serial, 1, __ATOMIC_SEQ_CST));
    X509_gmtime_adj(X509_getm_notBefore(c.cert), not_before_s);
    X509_gmtime_adj(X509_getm_notAfter(c.cert), not_after_s);
    X509_NAME *name = X509_get_subject_name(c.cert);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"MDR tests", -1, -1,
                               0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)common_name, -1, -1,
                               0);
    X509 *issuer_cert = issuer ? issuer->cert : c.cert;
    X509_set_issuer_name(c.cert, X509_get_subject_name(issuer_cert));
    X509_set_pubkey(c.cert, c.key);
    add_ext(c.cert, issuer_cert, NID_subject_key_identifier, "hash");
    if (issuer)
        add_ext(c.cert, issuer_cert, NID_authority_key_identifier, "keyid:always");
    switch (kind) {
    case TEST_CERT_CA:
        add_ext(c.cert, issuer_cert, NID_basic_constraints, "critical,CA:TRUE");
        add_ext(c.cert, issuer_cert, NID_key_usage, "critical,keyCertSign,cRLSign");
        break;
    case TEST_CERT_SERVER:
        add_ext(c.cert, issuer_cert, NID_basic_constraints, "critical,CA:FALSE");
        add_ext(c.cert, issuer_cert, NID_key_usage, "critical,digitalSignature");
        add_ext(c.cert, issuer_cert, NID_ext_key_usage, "serverAuth");
        add_ext(c.cert, issuer_cert, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
        break;
    case TEST_CERT_SIGNER:
        add_ext(c.cert, issuer_cert, NID_basic_constraints, "critical,CA:FALSE");
        add_ext(c.cert, issuer_cert, NID_key_usage, "critical,digitalSignature");
        break;
    }
    if (!X509_sign(c.cert, issuer ? issuer->key : c.key, EVP_sha256()))
        die("X509_sign");
    return c;
}

void test_pki_free(test_cert *c)
{
    EVP_PKEY_free(c->key);
    X509_free(c->cert);
    c->key = NULL;
    c->cert = NULL;
}

static char *bio_text(BIO *bio)
{
    char *data = NULL;
    long n = BIO_get_mem_data(bio, &data);
    char *out = malloc((size_t)n + 1);
    memcpy(out, data, (size_t)n);
    out[n] = '\0';
    BIO_free(bio);
    return out;
}

char *test_pki_cert_pem(const X509 *cert)
{
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, cert);
    return bio_text(bio);
}

char *test_pki_key_pem(EVP_PKEY *key)
{
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL);
    return bio_text(bio);
}

char *test_pki_spki_base64(void)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    unsigned char *der = NULL;
    int n = i2d_PUBKEY(key, &der);
    char *b64 = malloc((size_t)(4 * ((n + 2) / 3) + 1));
    EVP_EncodeBlock((unsigned char *)b64, der, n);
    OPENSSL_free(der);
    EVP_PKEY_free(key);
    return b64;
}

unsigned char *test_pki_sign(const char *content, const test_cert *signer, const test_cert *extra,
                             int pem, size_t *len)
{
    BIO *in = BIO_new_mem_buf(content, (int)strlen(content));
    STACK_OF(X509) *certs = sk_X509_new_null();
    if (extra)
        sk_X509_push(certs, extra->cert);
    PKCS7 *p7 = PKCS7_sign(signer->cert, signer->key, certs, in, PKCS7_BINARY);
    if (!p7)
        die("PKCS7_sign");
    BIO *out = BIO_new(BIO_s_mem());
    if (pem)
        PEM_write_bio_PKCS7(out, p7);
    else
        i2d_PKCS7_bio(out, p7);
    char *data = NULL;
    long n = BIO_get_mem_data(out, &data);
    unsigned char *copy = malloc((size_t)n + 1);
    memcpy(copy, data, (size_t)n);
    copy[n] = '\0';
    *len = (size_t)n;
    BIO_free(out);
    BIO_free(in);
    PKCS7_free(p7);
    sk_X509_free(certs);
    return copy;
}

static char tmp_dir[256];

const char *test_tmp_dir(void)
{
    if (!tmp_dir[0]) {
        snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/mdr-cloud-test-XXXXXX");
        if (!mkdtemp(tmp_dir))
            die("mkdtemp");
    }
    return tmp_dir;
}

char *test_tmp_path(const char *name)
{
    size_t n = strlen(test_tmp_dir()) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", tmp_dir, name);
    return p;
}

char *test_write_tmp(const char *name, const void *data, size_t len)
{
    char *path = test_tmp_path(name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len)
        die("writing a temporary file");
    fclose(f);
    return path;
}

void test_tmp_cleanup(void)
{
    if (!tmp_dir[0])
        return;
    DIR *d = opendir(tmp_dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *p = test_tmp_path(e->d_name);
        unlink(p);
        free(p);
    }
    if (d)
        closedir(d);
    rmdir(tmp_dir);
    tmp_dir[0] = '\0';
}
