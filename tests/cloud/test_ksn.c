/* The KSN configuration file verifier against files signed here with throwaway keys. */
#include "ksn/ksn_verify.h"
#include "ksn/ksn_zip.h"
#include "test_pki.h"

#include <CUnit/Basic.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zip.h>

#define DAY_S (24L * 3600)

static test_cert root, intermediate, signer, other_root, other_signer;
static char *anchor_path;
static int64_t now_ms;

static void iso(int64_t ms, char out[32])
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A payload as docs/ksn-file.md describes; NULL key = no <telemetry-key>. */
static char *payload(const char *version, int64_t issued_ms, int64_t expires_ms, const char *key)
{
    char issued[32], expires[32];
    iso(issued_ms, issued);
    iso(expires_ms, expires);
    char key_element[512] = "";
    if (key)
        snprintf(key_element, sizeof(key_element),
                 "  <telemetry-key id=\"tk-%s\" algorithm=\"EC-P256\">%s</telemetry-key>\n",
                 version, key);
    char *xml = malloc(4096);
    snprintf(xml, 4096,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<ksn-configuration xmlns=\"urn:mdr:ksn-configuration:1\"\n"
             "                   version=\"%s\" issued=\"%s\" expires=\"%s\">\n"
             "  <organization id=\"org-1\" region=\"europe\"/>\n"
             "  <servers>\n"
             "    <server address=\"ksn-1.mdr.sandbox.invalid\" port=\"443\"/>\n"
             "    <server address=\"ksn-2.mdr.sandbox.invalid\" port=\"8443\"/>\n"
             "  </servers>\n%s"
             "</ksn-configuration>\n",
             version, issued, expires, key_element);
    return xml;
}

static char *good_payload(const char *version)
{
    char *key = test_pki_spki_base64();
    char *xml = payload(version, now_ms - DAY_S * 1000, now_ms + 180 * DAY_S * 1000, key);
    free(key);
    return xml;
}

static mdr_ksn_status verify_text(const char *xml, const test_cert *by, const test_cert *extra,
                                  int pem, int64_t at_ms, mdr_ksn_info *info, mdr_ksn_error *err)
{
    size_t len;
    unsigned char *file = test_pki_sign(xml, by, extra, pem, &len);
    mdr_ksn_status st = mdr_ksn_verify(file, len, anchor_path, at_ms, info, err);
    free(file);
    return st;
}

static int suite_init(void)
{
    now_ms = (int64_t)time(NULL) * 1000;
    root = test_pki_make(TEST_CERT_CA, "KSN root", NULL, -DAY_S, 3650 * DAY_S);
    intermediate = test_pki_make(TEST_CERT_CA, "KSN intermediate", &root, -DAY_S, 3650 * DAY_S);
    signer = test_pki_make(TEST_CERT_SIGNER, "KSN signer", &intermediate, -DAY_S, 3650 * DAY_S);
    other_root = test_pki_make(TEST_CERT_CA, "Unrelated root", NULL, -DAY_S, 3650 * DAY_S);
    other_signer =
        test_pki_make(TEST_CERT_SIGNER, "Unrelated signer", &other_root, -DAY_S, 3650 * DAY_S);
    char *pem = test_pki_cert_pem(root.cert);
    anchor_path = test_write_tmp("anchor.pem", pem, strlen(pem));
    free(pem);
    return 0;
}

static int suite_cleanup(void)
{
    test_pki_free(&root);
    test_pki_free(&intermediate);
    test_pki_free(&signer);
    test_pki_free(&other_root);
    test_pki_free(&other_signer);
    free(anchor_path);
    test_tmp_cleanup();
    return 0;
}

static void check_valid(int pem)
{
    char *xml = good_payload("3");
    size_t len;
    unsigned char *file = test_pki_sign(xml, &signer, &intermediate, pem, &len);
    mdr_ksn_info info;
    mdr_ksn_error err;
    mdr_ksn_status st = mdr_ksn_verify(file, len, anchor_path, now_ms, &info, &err);
    CU_ASSERT_EQUAL_FATAL(st, MDR_KSN_OK);
    CU_ASSERT_EQUAL(info.version, 3);
    CU_ASSERT_STRING_EQUAL(info.version_text, "3");
    CU_ASSERT_EQUAL(info.server_count, 2);
    CU_ASSERT_STRING_EQUAL(info.servers[0].address, "ksn-1.mdr.sandbox.invalid");
    CU_ASSERT_EQUAL(info.servers[1].port, 8443);
    CU_ASSERT_STRING_EQUAL(info.telemetry_key_id, "tk-3");
    CU_ASSERT_STRING_EQUAL(info.organization_id, "org-1");
    CU_ASSERT_STRING_EQUAL(info.region, "europe");
    CU_ASSERT(info.expires_ms > now_ms && info.issued_ms < now_ms);
    CU_ASSERT_EQUAL(info.expires_ms % 1000, 0);
    /* The digest is of the file exactly as handed over. */
    unsigned char md[32];
    char hex[65];
    EVP_Digest(file, len, md, NULL, EVP_sha256(), NULL);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    CU_ASSERT_STRING_EQUAL(info.sha256_hex, hex);
    mdr_ksn_info_clear(&info);
    free(file);
    free(xml);
}

static void ksn__valid_pem(void)
{
    check_valid(1);
}

static void ksn__valid_der(void)
{
    check_valid(0);
}

static void ksn__tampered_content_is_bad_signature(void)
{
    char *xml = good_payload("4");
    size_t len;
    unsigned char *file = test_pki_sign(xml, &signer, &intermediate, 0, &len);
    /* Redirect telemetry to another server, keeping the length: a forged file. */
    unsigned char *hit = NULL;
    for (size_t i = 0; i + 5 < len; i++)
        if (memcmp(file + i, "ksn-1", 5) == 0)
            hit = file + i;
    CU_ASSERT_PTR_NOT_NULL_FATAL(hit);
    hit[4] = '9';
    mdr_ksn_info info;
    mdr_ksn_error err;
    CU_ASSERT_EQUAL(mdr_ksn_verify(file, len, anchor_path, now_ms, &info, &err),
                    MDR_KSN_ERR_BAD_SIGNATURE);
    CU_ASSERT_EQUAL(err.status, MDR_KSN_ERR_BAD_SIGNATURE);
    CU_ASSERT_PTR_NULL(info.servers);
    free(file);
    free(xml);
}

static void ksn__signer_from_another_ca_is_untrusted(void)
{
    char *xml = good_payload("5");
    mdr_ksn_info info;
    mdr_ksn_error err;
    CU_ASSERT_EQUAL(verify_text(xml, &other_signer, &other_root, 1, now_ms, &info, &err),
                    MDR_KSN_ERR_UNTRUSTED_SIGNER);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.detail, "certificate"));
    /* The system trust store is not consulted either: the root alone is no anchor unless
     * configured, and a self-signed signer is refused. */
    test_cert self = test_pki_make(TEST_CERT_SIGNER, "Self-signed", NULL, -DAY_S, DAY_S);
    CU_ASSERT_EQUAL(verify_text(xml, &self, NULL, 1, now_ms, &info, &err),
                    MDR_KSN_ERR_UNTRUSTED_SIGNER);
    test_pki_free(&self);
    /* Without the intermediate in the file, the chain cannot reach the anchor. */
    CU_ASSERT_EQUAL(verify_text(xml, &signer, NULL, 1, now_ms, &info, &err),
                    MDR_KSN_ERR_UNTRUSTED_SIGNER);
    free(xml);
}

static void ksn__expired_file_is_refused(void)
{
    char *key = test_pki_spki_base64();
    char *xml = payload("6", now_ms - 20 * DAY_S * 1000, now_ms - DAY_S * 1000, key);
    mdr_ksn_info info;
    mdr_ksn_error err;
    CU_ASSERT_EQUAL(verify_text(xml, &signer, &intermediate, 1, now_ms, &info, &err),
                    MDR_KSN_ERR_EXPIRED);
    free(xml);
    /* A valid file on a host clock moved past its expiry is expired too. */
    xml = good_payload("7");
    CU_ASSERT_EQUAL(
        verify_text(xml, &signer, &intermediate, 1, now_ms + 181 * DAY_S * 1000, &info, &err),
        MDR_KSN_ERR_EXPIRED);
    free(xml);
    free(key);
}

static void ksn__not_yet_valid_file_is_refused(void)
{
    char *key = test_pki_spki_base64();
    char *xml = payload("8", now_ms + DAY_S * 1000, now_ms + 100 * DAY_S * 1000, key);
    mdr_ksn_info info;
    mdr_ksn_error err;
    CU_ASSERT_EQUAL(verify_text(xml, &signer, &intermediate, 1, now_ms, &info, &err),
                    MDR_KSN_ERR_NOT_YET_VALID);
    free(xml);
    /* Two minutes ahead is within the allowed clock skew. */
    xml = payload("8", now_ms + 120 * 1000, now_ms + 100 * DAY_S * 1000, key);
    CU_ASSERT_EQUAL(verify_text(xml, &signer, &intermediate, 1, now_ms, &info, &err), MDR_KSN_OK);
    mdr_ksn_info_clear(&info);
    free(xml);
    free(key);
}

static void ksn__malformed_xml_is_bad_payload(void)
{
    mdr_ksn_info info;
    mdr_ksn_error err;
    CU_ASSERT_EQUAL(verify_text("<ksn-configuration version=\"1\"", &signer, &intermediate, 1,
                                now_ms, &info, &err),
                    MDR_KSN_ERR_BAD_PAYLOAD);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.detail, "XML"));
    /* Well-formed but another document, or an entity trick: refused. */
    CU_ASSERT_EQUAL(verify_text("<other xmlns=\"urn:mdr:ksn-configuration:1\"/>", &signer,
                                &intermediate, 1, now_ms, &info, &err),
                    MDR_KSN_ERR_BAD_PAYLOAD);
    const char *dtd =
        "<?xml version=\"1.0\"?><!DOCTYPE k [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
        "<ksn-configuration xmlns=\"urn:mdr:ksn-configuration:1\">&e;</ksn-configuration>";
    CU_ASSERT_EQUAL(verify_text(dtd, &signer, &intermediate, 1, now_ms, &info, &err),
                    MDR_KSN_ERR_BAD_PAYLOAD);
}

static void ksn__missing_or_bad_fields_are_bad_payload(void)
{
    mdr_ksn_info info;
    mdr_ksn_error err;
    char *xml = payload("9", now_ms - 1000, now_ms + DAY_S * 1000, NULL);
    CU_ASSERT_EQUAL(verify_text(xml, &signer, &intermediate, 1, now_ms, &info, &err),
                    MDR_KSN_ERR_BAD_PAYLOAD);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.detail, "telemetry-key"));
    free(xml);
    xml = payload("9", now_ms - 1000, now_ms + DAY_S * 1000, "bm90IGEga2V5");
    CU_ASSERT_EQUAL(verify_text(xml, &signer, &intermediate, 1, now_ms, &info, &err),
                    MDR_KSN_ERR_BAD_PAYLOAD);
    free(xml);
    const char *bad_versions[] = {"0", "-3", "3.1", "x", ""};
    char *key = test_pki_spki_base64();
    for (size_t i = 0; i < sizeof(bad_versions) / sizeof(bad_versions[0]); i++) {
        xml = payload(bad_versions[i], now_ms - 1000, now_ms + DAY_S * 1000, key);
        CU_ASSERT_EQUAL(verify_text(xml, &signer, &intermediate, 1, now_ms, &info, &err),
                        MDR_KSN_ERR_BAD_PAYLOAD);
        free(xml);
    }
    free(key);
}

static void ksn__not_pkcs7_is_malformed(void)
{
    mdr_ksn_info info;
    mdr_ksn_error err;
    const char *junk = "just some text";
    CU_ASSERT_EQUAL(mdr_ksn_verify(junk, strlen(junk), anchor_path, now_ms, &info, &err),
                    MDR_KSN_ERR_MALFORMED);
    char *pem = test_pki_cert_pem(root.cert); /* PEM, but a certificate */
    CU_ASSERT_EQUAL(mdr_ksn_verify(pem, strlen(pem), anchor_path, now_ms, &info, &err),
                    MDR_KSN_ERR_MALFORMED);
    free(pem);
}

static void ksn__missing_trust_anchor_is_reported(void)
{
    char *xml = good_payload("10");
    size_t len;
    unsigned char *file = test_pki_sign(xml, &signer, &intermediate, 1, &len);
    mdr_ksn_info info;
    mdr_ksn_error err;
    CU_ASSERT_EQUAL(mdr_ksn_verify(file, len, "/nonexistent/anchor.pem", now_ms, &info, &err),
                    MDR_KSN_ERR_TRUST_ANCHOR);
    free(file);
    free(xml);
}

static void ksn__version_compare(void)
{
    int cmp = 99;
    CU_ASSERT_EQUAL(mdr_ksn_version_compare("3", "10", &cmp), 0);
    CU_ASSERT(cmp < 0); /* numeric, not text, order */
    CU_ASSERT_EQUAL(mdr_ksn_version_compare("12", "12", &cmp), 0);
    CU_ASSERT_EQUAL(cmp, 0);
    CU_ASSERT_EQUAL(mdr_ksn_version_compare("100", "99", &cmp), 0);
    CU_ASSERT(cmp > 0);
    CU_ASSERT_EQUAL(mdr_ksn_version_compare("0", "1", &cmp), -1);
    CU_ASSERT_EQUAL(mdr_ksn_version_compare("1", "1.5", &cmp), -1);
    CU_ASSERT_EQUAL(mdr_ksn_version_compare(NULL, "1", &cmp), -1);
}

/* A ZIP in memory holding the named entries. */
static unsigned char *make_zip(const char *const *names, const unsigned char *const *data,
                               const size_t *lens, int count, size_t *zip_len)
{
    char *path = test_tmp_path("config.zip");
    int zerr = 0;
    zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    for (int i = 0; i < count; i++) {
        zip_source_t *src = zip_source_buffer(za, data[i], lens[i], 0);
        zip_file_add(za, names[i], src, ZIP_FL_OVERWRITE);
    }
    zip_close(za);
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    unsigned char *buf = malloc((size_t)n);
    *zip_len = fread(buf, 1, (size_t)n, f);
    fclose(f);
    remove(path);
    free(path);
    return buf;
}

static void ksn__zip_finds_and_verifies_the_file(void)
{
    char *xml = good_payload("11");
    size_t len, zip_len;
    unsigned char *file = test_pki_sign(xml, &signer, &intermediate, 1, &len);
    const unsigned char blob[] = "not the KSN file", bat[] = "@echo off";
    const char *names[] = {"policy.p7", "ksn/ksn-config.PKCS7", "deploy.bat"};
    const unsigned char *data[] = {blob, file, bat};
    size_t lens[] = {sizeof(blob), len, sizeof(bat)};
    unsigned char *zip = make_zip(names, data, lens, 3, &zip_len);
    mdr_ksn_info info;
    mdr_ksn_error err;
    void *found = NULL;
    size_t found_len = 0;
    CU_ASSERT_EQUAL_FATAL(
        mdr_ksn_verify_zip(zip, zip_len, anchor_path, now_ms, &info, &found, &found_len, &err),
        MDR_KSN_OK);
    CU_ASSERT_EQUAL(info.version, 11);
    CU_ASSERT_EQUAL(found_len, len);
    CU_ASSERT(found && memcmp(found, file, len) == 0);
    mdr_ksn_info_clear(&info);
    free(found);
    free(zip);

    /* Two candidates: which one would be installed is unclear, so neither is. */
    const char *two[] = {"a.pem", "b.pkcs7"};
    const unsigned char *two_data[] = {file, file};
    size_t two_lens[] = {len, len};
    zip = make_zip(two, two_data, two_lens, 2, &zip_len);
    CU_ASSERT_EQUAL(mdr_ksn_verify_zip(zip, zip_len, anchor_path, now_ms, &info, NULL, NULL, &err),
                    MDR_KSN_ERR_ARCHIVE_SEVERAL);
    free(zip);
    zip = make_zip(names, data, lens, 1, &zip_len);
    CU_ASSERT_EQUAL(mdr_ksn_verify_zip(zip, zip_len, anchor_path, now_ms, &info, NULL, NULL, &err),
                    MDR_KSN_ERR_ARCHIVE_NO_FILE);
    free(zip);
    CU_ASSERT_EQUAL(mdr_ksn_verify_zip(file, len, anchor_path, now_ms, &info, NULL, NULL, &err),
                    MDR_KSN_ERR_ARCHIVE);
    free(file);
    free(xml);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("ksn", suite_init, suite_cleanup);
    CU_add_test(s, "ksn__valid_pem", ksn__valid_pem);
    CU_add_test(s, "ksn__valid_der", ksn__valid_der);
    CU_add_test(s, "ksn__tampered_content_is_bad_signature",
                ksn__tampered_content_is_bad_signature);
    CU_add_test(s, "ksn__signer_from_another_ca_is_untrusted",
                ksn__signer_from_another_ca_is_untrusted);
    CU_add_test(s, "ksn__expired_file_is_refused", ksn__expired_file_is_refused);
    CU_add_test(s, "ksn__not_yet_valid_file_is_refused", ksn__not_yet_valid_file_is_refused);
    CU_add_test(s, "ksn__malformed_xml_is_bad_payload", ksn__malformed_xml_is_bad_payload);
    CU_add_test(s, "ksn__missing_or_bad_fields_are_bad_payload",
                ksn__missing_or_bad_fields_are_bad_payload);
    CU_add_test(s, "ksn__not_pkcs7_is_malformed", ksn__not_pkcs7_is_malformed);
    CU_add_test(s, "ksn__missing_trust_anchor_is_reported", ksn__missing_trust_anchor_is_reported);
    CU_add_test(s, "ksn__version_compare", ksn__version_compare);
    CU_add_test(s, "ksn__zip_finds_and_verifies_the_file", ksn__zip_finds_and_verifies_the_file);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
