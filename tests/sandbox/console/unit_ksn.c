/* Unit tests of the KSN signer (sandbox/console/ksnsign.c) and the MDR configuration ZIP
 * (mdrzip.c). */
#include "console/ksnsign.h"
#include "console/mdrzip.h"

#include <CUnit/Basic.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

static ksn_pki *pki, *other;

/* Verifies a PEM PKCS#7 against the anchor PEM alone; returns the content or NULL. */
static char *verify(const char *p7pem, const char *anchor_pem)
{
    BIO *in = BIO_new_mem_buf(p7pem, -1), *ab = BIO_new_mem_buf(anchor_pem, -1);
    BIO *out = BIO_new(BIO_s_mem());
    PKCS7 *p7 = PEM_read_bio_PKCS7(in, NULL, NULL, NULL);
    X509 *anchor = PEM_read_bio_X509(ab, NULL, NULL, NULL);
    X509_STORE *store = X509_STORE_new();
    X509_STORE_add_cert(store, anchor);
    char *content = NULL;
    if (p7 && PKCS7_verify(p7, NULL, store, NULL, out, PKCS7_BINARY) == 1) {
        char *d;
        long n = BIO_get_mem_data(out, &d);
        content = calloc(1, (size_t)n + 1);
        memcpy(content, d, (size_t)n);
    }
    X509_STORE_free(store);
    X509_free(anchor);
    PKCS7_free(p7);
    BIO_free(in);
    BIO_free(ab);
    BIO_free(out);
    return content;
}

static char *signed_file(const ksn_pki *signer, unsigned version)
{
    unsigned char *spki;
    size_t len;
    CU_ASSERT_EQUAL_FATAL(ksn_telemetry_key_new(&spki, &len), 0);
    ksn_payload p = {.version = version,
                     .issued_ms = 1790000000000LL,
                     .expires_ms = 1800000000000LL,
                     .org_id = "org-1",
                     .region = "europe",
                     .server_count = 1,
                     .servers = {{"ksn-1.mdr.sandbox.invalid", 443}},
                     .telemetry_spki = spki,
                     .telemetry_spki_len = len};
    char err[128];
    char *pem = ksn_sign_file(signer, &p, err, sizeof err);
    free(spki);
    return pem;
}

static void ksn_file__verifies_against_its_anchor_only(void)
{
    char *pem = signed_file(pki, 3);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pem);
    CU_ASSERT_PTR_NOT_NULL(strstr(pem, "-----BEGIN PKCS7-----"));
    char *anchor = ksn_pki_anchor_pem(pki), *wrong = ksn_pki_anchor_pem(other);
    char *content = verify(pem, anchor);
    CU_ASSERT_PTR_NOT_NULL_FATAL(content);
    CU_ASSERT_PTR_NOT_NULL(strstr(content, "version=\"3\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(content, "issued=\"2026-09-21T"));
    CU_ASSERT_PTR_NOT_NULL(strstr(content, "<telemetry-key id=\"tk-3\" algorithm=\"EC-P256\">"));
    CU_ASSERT_PTR_NULL(verify(pem, wrong));
    free(content);
    free(anchor);
    free(wrong);
    free(pem);
}

static void ksn_pki__bundle_round_trip_keeps_the_anchor(void)
{
    char *bundle = ksn_pki_bundle_pem(pki);
    char err[128];
    ksn_pki *back = ksn_pki_from_bundle(bundle, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    char *a1 = ksn_pki_anchor_pem(pki), *a2 = ksn_pki_anchor_pem(back);
    CU_ASSERT_STRING_EQUAL(a1, a2);
    char *pem = signed_file(back, 4);
    char *content = verify(pem, a1);
    CU_ASSERT_PTR_NOT_NULL(content);
    CU_ASSERT_PTR_NULL(ksn_pki_from_bundle("garbage", err, sizeof err));
    free(content);
    free(pem);
    free(a1);
    free(a2);
    free(bundle);
    ksn_pki_free(back);
}

static void ksn_payload__rejects_bad_fields(void)
{
    unsigned char key[4] = {1, 2, 3, 4};
    ksn_payload p = {.version = 0,
                     .org_id = "o",
                     .region = "europe",
                     .server_count = 1,
                     .servers = {{"a", 443}},
                     .telemetry_spki = key,
                     .telemetry_spki_len = 4};
    char err[128];
    CU_ASSERT_PTR_NULL(ksn_payload_xml(&p, err, sizeof err));
    p.version = 1;
    p.servers[0].port = 70000;
    CU_ASSERT_PTR_NULL(ksn_payload_xml(&p, err, sizeof err));
    p.servers[0].port = 443;
    p.org_id = "a\"b";
    CU_ASSERT_PTR_NULL(ksn_payload_xml(&p, err, sizeof err));
}

static int zip_has(const unsigned char *data, size_t len, const char *name)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    zip_t *za = zip_open_from_source(src, ZIP_RDONLY, &ze);
    int found = za && zip_name_locate(za, name, 0) >= 0;
    if (za)
        zip_discard(za);
    else
        zip_source_free(src);
    zip_error_fini(&ze);
    return found;
}

static void mdrzip__variants_hold_their_files(void)
{
    char *ksn = signed_file(pki, 1);
    mdrzip_input in = {.ksn_pem = ksn,
                       .org_id = "org-1",
                       .org_name = "Org",
                       .region = "europe",
                       .license_id = "MDR-1",
                       .expires_ms = 1800000000000LL,
                       .now_ms = 1790000000000LL};
    struct {
        int variant, blob, bat;
    } cases[] = {{MDRZIP_BLOB, 1, 0},
                 {MDRZIP_BAT, 0, 1},
                 {MDRZIP_WITH_KEA, 1, 1},
                 {MDRZIP_WITHOUT_KEA, 1, 0}};
    for (int i = 0; i < 4; i++) {
        in.variant = (mdrzip_variant)cases[i].variant;
        in.tenant_id = cases[i].variant >= MDRZIP_WITH_KEA ? "t-1" : NULL;
        in.tenant_name = in.tenant_id ? "Tenant" : NULL;
        unsigned char *zip = NULL;
        size_t len = 0;
        char err[128] = "";
        CU_ASSERT_EQUAL_FATAL(mdrzip_build(pki, &in, &zip, &len, err, sizeof err), 0);
        CU_ASSERT_TRUE(zip_has(zip, len, MDRZIP_KSN_NAME));
        CU_ASSERT_EQUAL(zip_has(zip, len, MDRZIP_BLOB_NAME), cases[i].blob);
        CU_ASSERT_EQUAL(zip_has(zip, len, MDRZIP_BAT_NAME), cases[i].bat);
        free(zip);
    }
    CU_ASSERT_EQUAL(mdrzip_variant_parse("with_kea"), MDRZIP_WITH_KEA);
    CU_ASSERT_EQUAL(mdrzip_variant_parse("zip"), -1);
    free(ksn);
}

int main(void)
{
    char err[128];
    pki = ksn_pki_generate("Test KSN", err, sizeof err);
    other = ksn_pki_generate("Other", err, sizeof err);
    if (!pki || !other || CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite s = CU_add_suite("svc_ksn", NULL, NULL);
    CU_add_test(s, "ksn_file__verifies_against_its_anchor_only",
                ksn_file__verifies_against_its_anchor_only);
    CU_add_test(s, "ksn_pki__bundle_round_trip_keeps_the_anchor",
                ksn_pki__bundle_round_trip_keeps_the_anchor);
    CU_add_test(s, "ksn_payload__rejects_bad_fields", ksn_payload__rejects_bad_fields);
    CU_add_test(s, "mdrzip__variants_hold_their_files", mdrzip__variants_hold_their_files);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures();
    CU_cleanup_registry();
    ksn_pki_free(pki);
    ksn_pki_free(other);
    return failed ? 1 : 0;
}
