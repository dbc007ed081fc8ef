/* licenses/tenants: an MDR configuration archive is checked (contents of its variant, its
 * KSN file verified like the installed one) before one byte is written out. */
#include "licenses/archive.h"
#include "test_pki.h"
#include "unit.h"

#include <openssl/evp.h>
#include <time.h>
#include <zip.h>

#define DAY_S (24L * 3600)

static test_cert root, signer, other_root, other_signer;
static char *anchor;
static int64_t now_ms;

static char *ksn_payload(int64_t expires_ms)
{
    char issued[32], expires[32];
    time_t a = (time_t)(now_ms / 1000 - DAY_S), b = (time_t)(expires_ms / 1000);
    struct tm tm;
    strftime(issued, sizeof issued, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&a, &tm));
    strftime(expires, sizeof expires, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&b, &tm));
    char *key = test_pki_spki_base64(), *xml = malloc(4096);
    snprintf(xml, 4096,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<ksn-configuration xmlns=\"urn:mdr:ksn-configuration:1\" version=\"7\" "
             "issued=\"%s\" expires=\"%s\">\n"
             "  <organization id=\"org-1\" region=\"europe\"/>\n"
             "  <servers><server address=\"ksn-1.mdr.sandbox.invalid\" port=\"443\"/></servers>\n"
             "  <telemetry-key id=\"tk-7\" algorithm=\"EC-P256\">%s</telemetry-key>\n"
             "</ksn-configuration>\n",
             issued, expires, key);
    free(key);
    return xml;
}

/* A ZIP holding the named entries; "ksn" entries get a signed KSN file. */
static unsigned char *make_zip(const char *const *names, const test_cert *by, int64_t expires,
                               size_t *len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_source_keep(src);
    zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    for (int i = 0; names[i]; i++) {
        void *data;
        size_t n;
        if (strstr(names[i], ".pem")) {
            char *xml = ksn_payload(expires);
            data = test_pki_sign(xml, by, NULL, 1, &n);
            free(xml);
        } else {
            data = strdup("placeholder content");
            n = strlen(data);
        }
        zip_source_t *s = zip_source_buffer(za, data, n, 1);
        zip_file_add(za, names[i], s, ZIP_FL_OVERWRITE);
    }
    zip_close(za);
    zip_source_open(src);
    zip_source_seek(src, 0, SEEK_END);
    *len = (size_t)zip_source_tell(src);
    zip_source_seek(src, 0, SEEK_SET);
    unsigned char *out = malloc(*len);
    zip_source_read(src, out, *len);
    zip_source_close(src);
    zip_source_free(src);
    zip_error_fini(&ze);
    return out;
}

static json_object *answer(const unsigned char *zip, size_t len, const char *name)
{
    char *b64 = malloc(4 * ((len + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *)b64, zip, (int)len);
    unsigned char md[32];
    char hex[65];
    EVP_Digest(zip, len, md, NULL, EVP_sha256(), NULL);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    json_object *a = json_object_new_object();
    json_object_object_add(a, "file_name", json_object_new_string(name));
    json_object_object_add(a, "size", json_object_new_int64((int64_t)len));
    json_object_object_add(a, "sha256", json_object_new_string(hex));
    json_object_object_add(a, "content_base64", json_object_new_string(b64));
    free(b64);
    return a;
}

static int check(const char *const *names, const test_cert *by, int64_t expires,
                 mdr_archive_variant v, mdr_archive *out, mdr_rule_error *e)
{
    size_t len;
    unsigned char *zip = make_zip(names, by, expires, &len);
    json_object *a = answer(zip, len, "../mdr configuration.zip");
    free(zip);
    int rc = mdr_archive_check(a, v, anchor, now_ms, out, e);
    json_object_put(a);
    return rc;
}

static const char *const BLOB[] = {"ksn_configuration.pem", "mdr_configuration.p7", NULL};
static const char *const BAT[] = {"ksn_configuration.pem", "mdr_deploy.bat", NULL};
static const char *const KEA[] = {"ksn_configuration.pem", "mdr_configuration.p7", "mdr_deploy.bat",
                                  NULL};

typedef struct sink {
    size_t bytes;
    char type[64], name[128];
} sink;
static ksc_status s_begin(void *ctx, const char *type, const char *name)
{
    sink *s = ctx;
    snprintf(s->type, sizeof s->type, "%s", type);
    snprintf(s->name, sizeof s->name, "%s", name);
    return KSC_OK;
}
static ksc_status s_write(void *ctx, const void *data, size_t len)
{
    (void)data;
    ((sink *)ctx)->bytes += len;
    return KSC_OK;
}

static void archive__variants_verified_and_written(void)
{
    int64_t exp = now_ms + 180 * DAY_S * 1000;
    struct {
        const char *const *names;
        mdr_archive_variant v;
    } ok[] = {{BLOB, MDR_ARCHIVE_BLOB},
              {BAT, MDR_ARCHIVE_BAT},
              {KEA, MDR_ARCHIVE_WITH_KEA},
              {BLOB, MDR_ARCHIVE_WITHOUT_KEA}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        mdr_archive a;
        mdr_rule_error e = {0};
        CU_ASSERT_EQUAL(check(ok[i].names, &signer, exp, ok[i].v, &a, &e), 0);
        if (e.code)
            fprintf(stderr, "\n  variant %zu: %s\n", i, e.code);
        mdr_rule_error_clear(&e);
        if (!a.zip)
            continue;
        CU_ASSERT_EQUAL(a.ksn.version, 7);
        CU_ASSERT_STRING_EQUAL(a.file_name, "_mdr_configuration.zip"); /* no path, no space */
        sink s = {0};
        ksc_output out = {sizeof out, &s, s_begin, s_write};
        CU_ASSERT_EQUAL(mdr_archive_write(&a, &out), KSC_OK);
        CU_ASSERT_EQUAL(s.bytes, a.len);
        CU_ASSERT_STRING_EQUAL(s.type, "application/zip");
        json_object *sum = mdr_archive_summary(&a), *k;
        CU_ASSERT_TRUE(json_object_object_get_ex(sum, "ksn", &k));
        CU_ASSERT_TRUE(json_object_get_boolean(json_object_object_get(k, "verified")));
        json_object_put(sum);
        mdr_archive_free(&a);
    }
}

static void expect_refused(const char *const *names, const test_cert *by, int64_t exp,
                           mdr_archive_variant v, const char *code)
{
    mdr_archive a;
    mdr_rule_error e = {0};
    CU_ASSERT_EQUAL(check(names, by, exp, v, &a, &e), -1);
    CU_ASSERT_PTR_NULL(a.zip);
    if (e.code) {
        CU_ASSERT_STRING_EQUAL(e.code, code);
    }
    mdr_rule_error_clear(&e);
}

static void archive__wrong_contents_refused(void)
{
    int64_t exp = now_ms + 180 * DAY_S * 1000;
    expect_refused(BAT, &signer, exp, MDR_ARCHIVE_BLOB, "archive_contents");
    expect_refused(BLOB, &signer, exp, MDR_ARCHIVE_BAT, "archive_contents");
    expect_refused(BLOB, &signer, exp, MDR_ARCHIVE_WITH_KEA, "archive_contents");
    expect_refused(KEA, &signer, exp, MDR_ARCHIVE_WITHOUT_KEA, "archive_contents");
    static const char *const NO_KSN[] = {"mdr_configuration.p7", NULL};
    expect_refused(NO_KSN, &signer, exp, MDR_ARCHIVE_BLOB, "archive_not_verified");
}

static void archive__ksn_file_must_verify(void)
{
    expect_refused(BLOB, &other_signer, now_ms + 180 * DAY_S * 1000, MDR_ARCHIVE_BLOB,
                   "archive_not_verified");
    expect_refused(BLOB, &signer, now_ms - 1000, MDR_ARCHIVE_BLOB, "archive_not_verified");
}

static void archive__damaged_answers_refused(void)
{
    size_t len;
    unsigned char *zip = make_zip(BLOB, &signer, now_ms + DAY_S * 1000, &len);
    mdr_archive a;
    mdr_rule_error e = {0};
    json_object *ans = answer(zip, len, "x.zip");
    json_object_object_add(ans, "sha256", json_object_new_string("00"));
    CU_ASSERT_EQUAL(mdr_archive_check(ans, MDR_ARCHIVE_BLOB, anchor, now_ms, &a, &e), -1);
    CU_ASSERT_STRING_EQUAL(e.code, "archive_malformed");
    mdr_rule_error_clear(&e);
    json_object_put(ans);
    ans = answer((const unsigned char *)"not a zip at all", 16, "x.zip");
    CU_ASSERT_EQUAL(mdr_archive_check(ans, MDR_ARCHIVE_BLOB, anchor, now_ms, &a, &e), -1);
    CU_ASSERT_STRING_EQUAL(e.code, "archive_malformed");
    mdr_rule_error_clear(&e);
    json_object_put(ans);
    ans = json_object_new_object();
    CU_ASSERT_EQUAL(mdr_archive_check(ans, MDR_ARCHIVE_BLOB, anchor, now_ms, &a, &e), -1);
    CU_ASSERT_STRING_EQUAL(e.code, "archive_malformed");
    mdr_rule_error_clear(&e);
    json_object_put(ans);
    free(zip);
}

int main(void)
{
    now_ms = (int64_t)time(NULL) * 1000;
    root = test_pki_make(TEST_CERT_CA, "KSN root", NULL, -DAY_S, 3650 * DAY_S);
    signer = test_pki_make(TEST_CERT_SIGNER, "KSN signer", &root, -DAY_S, 3650 * DAY_S);
    other_root = test_pki_make(TEST_CERT_CA, "Other root", NULL, -DAY_S, 3650 * DAY_S);
    other_signer =
        test_pki_make(TEST_CERT_SIGNER, "Other signer", &other_root, -DAY_S, 3650 * DAY_S);
    char *pem = test_pki_cert_pem(root.cert);
    anchor = test_write_tmp("anchor.pem", pem, strlen(pem));
    free(pem);
    static const unit_test tests[] = {
        {"archive__variants_verified_and_written", archive__variants_verified_and_written},
        {"archive__wrong_contents_refused", archive__wrong_contents_refused},
        {"archive__ksn_file_must_verify", archive__ksn_file_must_verify},
        {"archive__damaged_answers_refused", archive__damaged_answers_refused},
        {NULL, NULL}};
    int rc = run_tests("licenses_archive", tests);
    test_pki_free(&root);
    test_pki_free(&signer);
    test_pki_free(&other_root);
    test_pki_free(&other_signer);
    free(anchor);
    test_tmp_cleanup();
    return rc;
}
