#include "ksn_verify.h"
#include "ksn_payload.h"
#include "cloud/encoding.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *key;
    const char *text;
} status_table[] = {
    [MDR_KSN_OK] = {"ksn.ok", "The KSN configuration file is valid."},
    [MDR_KSN_ERR_MALFORMED] = {"ksn.error.malformed",
                               "The KSN configuration file is not a PKCS#7 signed file."},
    [MDR_KSN_ERR_BAD_SIGNATURE] = {"ksn.error.bad_signature",
                                   "The KSN configuration file was altered after signing; it "
                                   "was not installed."},
    [MDR_KSN_ERR_UNTRUSTED_SIGNER] = {"ksn.error.untrusted_signer",
                                      "The KSN configuration file is not signed by the MDR "
                                      "service; it was not installed."},
    [MDR_KSN_ERR_EXPIRED] = {"ksn.error.expired",
                             "The KSN configuration file has expired; it was not installed."},
    [MDR_KSN_ERR_NOT_YET_VALID] = {"ksn.error.not_yet_valid",
                                   "The KSN configuration file is not valid yet. Check the "
                                   "Administration Server's clock."},
    [MDR_KSN_ERR_BAD_PAYLOAD] = {"ksn.error.bad_payload",
                                 "The KSN configuration file's content is malformed; it was "
                                 "not installed."},
    [MDR_KSN_ERR_TRUST_ANCHOR] = {"ksn.error.trust_anchor",
                                  "The trust anchor for KSN configuration files (ksn.trust_anchor) "
                                  "is missing or holds no certificate."},
    [MDR_KSN_ERR_ARCHIVE] = {"ksn.error.archive",
                             "The MDR configuration file is not a readable ZIP archive."},
    [MDR_KSN_ERR_ARCHIVE_NO_FILE] = {"ksn.error.archive_no_file",
                                     "The MDR configuration file holds no KSN configuration "
                                     "file (.pkcs7 or .pem)."},
    [MDR_KSN_ERR_ARCHIVE_SEVERAL] = {"ksn.error.archive_several",
                                     "The MDR configuration file holds more than one KSN "
                                     "configuration file."},
    [MDR_KSN_ERR_INTERNAL] = {"ksn.error.internal", "An unexpected error occurred."},
};

const char *mdr_ksn_status_key(mdr_ksn_status status)
{
    if ((unsigned)status >= sizeof(status_table) / sizeof(status_table[0]))
        status = MDR_KSN_ERR_INTERNAL;
    return status_table[status].key;
}

const char *mdr_ksn_status_text(mdr_ksn_status status)
{
    if ((unsigned)status >= sizeof(status_table) / sizeof(status_table[0]))
        status = MDR_KSN_ERR_INTERNAL;
    return status_table[status].text;
}

static int looks_like_pem(const unsigned char *data, size_t len)
{
    size_t i = 0;
    while (i < len && isspace(data[i]))
        i++;
    return len - i >= 10 && memcmp(data + i, "-----BEGIN", 10) == 0;
}

/* The PKCS#7 structure of a PEM ("PKCS7", "PKCS #7 SIGNED DATA" or "CMS") or DER file. */
static PKCS7 *read_pkcs7(const unsigned char *data, size_t len)
{
    unsigned char *der = NULL;
    long der_len = 0;
    char *name = NULL, *header = NULL;
    if (looks_like_pem(data, len)) {
        BIO *bio = BIO_new_mem_buf(data, (int)len);
        int ok = bio && PEM_read_bio(bio, &name, &header, &der, &der_len) == 1;
        BIO_free(bio);
        if (!ok || (strcmp(name, "PKCS7") != 0 && strcmp(name, "PKCS #7 SIGNED DATA") != 0 &&
                    strcmp(name, "CMS") != 0)) {
            OPENSSL_free(name);
            OPENSSL_free(header);
            OPENSSL_free(der);
            return NULL;
        }
        data = der;
        len = (size_t)der_len;
    }
    const unsigned char *p = data;
    PKCS7 *p7 = d2i_PKCS7(NULL, &p, (long)len);
    if (p7 && p != data + len) { /* trailing bytes: not one clean structure */
        PKCS7_free(p7);
        p7 = NULL;
    }
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(der);
    return p7;
}

static X509_STORE *load_anchor(const char *path, int64_t now_ms, mdr_ksn_error *err)
{
    BIO *bio = path ? BIO_new_file(path, "r") : NULL;
    if (!bio) {
        mdr_ksn_fail(err, MDR_KSN_ERR_TRUST_ANCHOR, "cannot read %.160s", path ? path : "(none)");
        return NULL;
    }
    STACK_OF(X509_INFO) *infos = PEM_X509_INFO_read_bio(bio, NULL, NULL, NULL);
    BIO_free(bio);
    X509_STORE *store = X509_STORE_new();
    int count = 0;
    for (int i = 0; store && infos && i < sk_X509_INFO_num(infos); i++) {
        X509 *cert = sk_X509_INFO_value(infos, i)->x509;
        if (cert && X509_STORE_add_cert(store, cert) == 1)
            count++;
    }
    sk_X509_INFO_pop_free(infos, X509_INFO_free);
    if (!store || count == 0) {
        X509_STORE_free(store);
        mdr_ksn_fail(err, MDR_KSN_ERR_TRUST_ANCHOR, "%.160s holds no PEM certificate", path);
        return NULL;
    }
    /* Only the anchor counts; the signer's key usage is the signer's business (purpose any);
     * validity is judged on the host clock, which tests move. The anchor may be an
     * intermediate, so a partial chain ending at it is complete. */
    X509_STORE_set_purpose(store, X509_PURPOSE_ANY);
    X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
    X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store), (time_t)(now_ms / 1000));
    return store;
}

/* The last OpenSSL error's text (and its data, e.g. the chain error), then clears the queue. */
static void openssl_reason(char *out, size_t size)
{
    unsigned long code, last = 0;
    const char *data = NULL, *last_data = NULL;
    int flags = 0;
    while ((code = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0) {
        last = code;
        last_data = (flags & ERR_TXT_STRING) ? data : last_data;
    }
    const char *reason = last ? ERR_reason_error_string(last) : NULL;
    snprintf(out, size, "%s%s%s", reason ? reason : "unknown", last_data ? ": " : "",
             last_data ? last_data : "");
}

mdr_ksn_status mdr_ksn_verify(const void *file, size_t len, const char *trust_anchor_pem_path,
                              int64_t now_ms, mdr_ksn_info *out, mdr_ksn_error *err)
{
    memset(out, 0, sizeof(*out));
    if (err) {
        err->status = MDR_KSN_OK;
        err->detail[0] = '\0';
    }
    if (!file || len == 0 || len > MDR_KSN_MAX_FILE)
        return mdr_ksn_fail(err, MDR_KSN_ERR_MALFORMED, "the file is empty or larger than %d bytes",
                            MDR_KSN_MAX_FILE);
    ERR_clear_error();
    X509_STORE *store = load_anchor(trust_anchor_pem_path, now_ms, err);
    if (!store)
        return MDR_KSN_ERR_TRUST_ANCHOR;
    mdr_ksn_status st = MDR_KSN_OK;
    char reason[200];
    BIO *content = NULL;
    PKCS7 *p7 = read_pkcs7(file, len);
    if (!p7 || !PKCS7_type_is_signed(p7) || PKCS7_get_detached(p7) ||
        !PKCS7_type_is_data(p7->d.sign->contents) || !p7->d.sign->contents->d.data) {
        st = mdr_ksn_fail(err, MDR_KSN_ERR_MALFORMED,
                          "not a PKCS#7 SignedData with the content attached");
        goto done;
    }
    if (p7->d.sign->contents->d.data->length > MDR_KSN_MAX_PAYLOAD) {
        st = mdr_ksn_fail(err, MDR_KSN_ERR_BAD_PAYLOAD, "the payload is larger than %d bytes",
                          MDR_KSN_MAX_PAYLOAD);
        goto done;
    }
    /* The signature first, the chain second: a forged file reads "altered", a file signed
     * by someone else reads "not signed by the MDR service". */
    content = BIO_new(BIO_s_mem());
    if (!content) {
        st = mdr_ksn_fail(err, MDR_KSN_ERR_INTERNAL, "out of memory");
        goto done;
    }
    if (PKCS7_verify(p7, NULL, NULL, NULL, content, PKCS7_NOVERIFY) != 1) {
        openssl_reason(reason, sizeof(reason));
        st = mdr_ksn_fail(err, MDR_KSN_ERR_BAD_SIGNATURE, "%s", reason);
        goto done;
    }
    if (PKCS7_verify(p7, NULL, store, NULL, NULL, 0) != 1) {
        openssl_reason(reason, sizeof(reason));
        st = mdr_ksn_fail(err, MDR_KSN_ERR_UNTRUSTED_SIGNER, "%s", reason);
        goto done;
    }
    char *xml = NULL;
    long xml_len = BIO_get_mem_data(content, &xml);
    st = mdr_ksn_parse_payload(xml, xml_len > 0 ? (size_t)xml_len : 0, now_ms, out, err);
    if (st == MDR_KSN_OK)
        mdr_sha256_hex(file, len, out->sha256_hex);
done:
    ERR_clear_error();
    BIO_free(content);
    PKCS7_free(p7);
    X509_STORE_free(store);
    return st;
}
