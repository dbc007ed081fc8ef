/* Throwaway keys and certificates for the tests, made with the OpenSSL API at run time. */
#ifndef TEST_PKI_H
#define TEST_PKI_H

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stddef.h>

typedef struct test_cert {
    EVP_PKEY *key;
    X509 *cert;
} test_cert;

typedef enum test_cert_kind {
    TEST_CERT_CA,     /* CA:TRUE, keyCertSign */
    TEST_CERT_SERVER, /* TLS server for 127.0.0.1 and localhost */
    TEST_CERT_SIGNER  /* digitalSignature */
} test_cert_kind;

/* A P-256 key and a certificate valid from now+not_before_s to now+not_after_s, issued by
 * `issuer` (NULL = self-signed). Aborts the test program on failure. */
test_cert test_pki_make(test_cert_kind kind, const char *common_name, const test_cert *issuer,
                        long not_before_s, long not_after_s);
void test_pki_free(test_cert *c);

/* PEM texts (malloc'd). */
char *test_pki_cert_pem(const X509 *cert);
char *test_pki_key_pem(EVP_PKEY *key);

/* Base64 of the DER SubjectPublicKeyInfo of a fresh P-256 key (malloc'd). */
char *test_pki_spki_base64(void);

/* A PKCS#7 SignedData with `content` attached, signed by `signer` with SHA-256, carrying
 * the signer's certificate and `extra` (may be NULL). PEM when pem != 0, else DER. */
unsigned char *test_pki_sign(const char *content, const test_cert *signer, const test_cert *extra,
                             int pem, size_t *len);

/* Files in a private temporary directory (removed by test_tmp_cleanup). */
const char *test_tmp_dir(void);
char *test_tmp_path(const char *name);                                /* malloc'd */
char *test_write_tmp(const char *name, const void *data, size_t len); /* its path, malloc'd */
void test_tmp_cleanup(void);

#endif
