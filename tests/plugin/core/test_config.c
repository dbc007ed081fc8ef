/* config: the shipped default loads; each invalid case is refused naming key, file and line. */
#include "core/config.h"
#include "unit.h"

#include <json-c/json.h>
#include <sys/stat.h>

static char dir[64];

/* A real (self-signed, throwaway) certificate: CA and trust anchor files must hold one. */
static const char CERT_PEM[] = "-----BEGIN CERTIFICATE-----\n"
                               "MIIBbTCCAROgAwIBAgIUXKEYffjx7WDYmr7Mt0KYQ0LqCW0wCgYIKoZIzj0EAwIw\n"
                               "DDEKMAgGA1UEAwwBdDAeFw0yNjExMjIyMDE5MjhaFw0zNjExMTkyMDE5MjhaMAwx\n"
                               "CjAIBgNVBAMMAXQwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATDEY5DcjSHTxg+\n"
                               "9h/HaxNv2PLbOyWoVj6DEovzqLHJ2M+hgo+9sU39ejMKBnOvoM79Jof6gH3y6u5/\n"
                               "rHC7uC5Eo1MwUTAdBgNVHQ4EFgQUDarencM0uPNSKwz6gGuTxordb1YwHwYDVR0j\n"
                               "BBgwFoAUDarencM0uPNSKwz6gGuTxordb1YwDwYDVR0TAQH/BAUwAwEB/zAKBggq\n"
                               "hkjOPQQDAgNIADBFAiEA1ImqptSiryjx5i3yqGRJkNyAmGD+bxnrD0EPQl6+BiYC\n"
                               "IFyyLMvkZKhFcu1/5OskNmMN8/mgCPpuE1bJQdN5/JDO\n"
                               "-----END CERTIFICATE-----\n";
static char path[128];

static int load(const char *text, mdr_config **c, char *err, size_t size)
{
    write_text(path, text);
    chmod(path, 0600); /* as ksc-host writes it */
    return mdr_config_load(path, c, err, size);
}

/* `text` must be refused with a message containing `fragment`. */
static void refused(const char *text, const char *fragment)
{
    mdr_config *c = NULL;
    char err[512] = "";
    CU_ASSERT_EQUAL(load(text, &c, err, sizeof err), -1);
    CU_ASSERT_PTR_NULL(c);
    if (!strstr(err, fragment)) {
        fprintf(stderr, "\n  message \"%s\" lacks \"%s\"", err, fragment);
        CU_FAIL("unexpected message");
    }
}

static void setup(void)
{
    temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/mdr.conf", dir);
}

static void config__shipped_default_is_valid(void)
{
    mdr_config *c = NULL;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(mdr_config_load(MDR_DEFAULT_CONF, &c, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(c->cloud_base_url, "https://mdr.kaspersky.com/api/v1");
    CU_ASSERT_EQUAL(c->cloud_connect_timeout_ms, 10000);
    CU_ASSERT_EQUAL(c->cloud_timeout_ms, 30000);
    CU_ASSERT_EQUAL(c->cloud_max_retries, 3);
    CU_ASSERT_EQUAL(c->health_sync_interval_s, 900);
    CU_ASSERT_STRING_EQUAL(c->store_path, "");
    mdr_config_free(c);
}

static void config__valid_file_with_relative_paths(void)
{
    setup();
    char ca[128];
    snprintf(ca, sizeof ca, "%s/extra-ca.pem", dir);
    write_text(ca, CERT_PEM);
    mdr_config *c = NULL;
    char err[512];
    int rc =
        load("cloud = { base_url = \"https://127.0.0.1:8443/api/v1/\";\n"
             "  extra_ca_file = \"extra-ca.pem\"; timeout_ms = 5000;\n"
             "  connect_timeout_ms = 2000; max_retries = 0;\n"
             "  proxy = \"http://u:p@proxy.local:3128\"; no_proxy = \"localhost,127.0.0.1\"; };\n"
             "ksn = { trust_anchor = \"extra-ca.pem\"; };\n"
             "store = { path = \"db/mdr.db\"; };\nhealth = { sync_interval_s = 60; };\n",
             &c, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "\n  %s", err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_STRING_EQUAL(c->cloud_base_url, "https://127.0.0.1:8443/api/v1");
    CU_ASSERT_STRING_EQUAL(c->cloud_extra_ca_file, ca);
    CU_ASSERT_STRING_EQUAL(c->ksn_trust_anchor, ca);
    char db[128];
    snprintf(db, sizeof db, "%s/db/mdr.db", dir);
    CU_ASSERT_STRING_EQUAL(c->store_path, db);
    CU_ASSERT_EQUAL(c->cloud_timeout_ms, 5000);
    CU_ASSERT_EQUAL(c->cloud_max_retries, 0);
    CU_ASSERT_EQUAL(c->health_sync_interval_s, 60);

    json_object *j = mdr_config_to_json(c);
    const char *text = json_object_to_json_string(j);
    CU_ASSERT_PTR_NULL(strstr(text, "u:p@"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "u:***@proxy.local"));
    json_object_put(j);
    mdr_config_free(c);
    remove_tree(dir);
}

static void config__each_invalid_value_refused(void)
{
    setup();
    refused("cloud = { base_url = \"http://mdr.example\"; };", "mdr.conf:1: cloud.base_url");
    refused("cloud = {\n base_url = \"ftp://mdr.example\"; };", "mdr.conf:2: cloud.base_url");
    refused("cloud = { base_url = \"https://\"; };", "https:// URL with a host");
    refused("cloud = { base_url = \"https://u:p@mdr.example\"; };", "must not contain credentials");
    refused("cloud = { base_url = 5; };", "cloud.base_url must be a string");
    refused("cloud = { timeout_ms = \"30000\"; };", "cloud.timeout_ms must be an integer");
    refused("cloud = { timeout_ms = 10; };", "cloud.timeout_ms must be between 1000 and 600000");
    refused("cloud = { max_retries = 11; };", "cloud.max_retries must be between 0 and 10");
    refused("cloud = { max_retries = -1; };", "between 0 and 10 (got -1)");
    refused("cloud = { connect_timeout_ms = 20000; timeout_ms = 10000; };",
            "must not exceed cloud.timeout_ms");
    refused("cloud = { proxy = \"gopher://p:1\"; };", "cloud.proxy must be");
    refused("cloud = { no_proxy = \"a b;c\"; };", "cloud.no_proxy");
    refused("cloud = { extra_ca_file = \"missing.pem\"; };", "missing.pem\", which is not a file");
    refused("ksn = { trust_anchor = \"/\"; };",
            "ksn.trust_anchor names \"/\", which is not a file");
    char junk[128];
    snprintf(junk, sizeof junk, "%s/junk.pem", dir);
    write_text(junk, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
    refused("ksn = { trust_anchor = \"junk.pem\"; };", "ksn.trust_anchor names \"");
    refused("ksn = { trust_anchor = \"junk.pem\"; };", "which holds no PEM certificate");
    write_text(junk, "");
    refused("cloud = { extra_ca_file = \"junk.pem\"; };", "which holds no PEM certificate");
    refused("health = { sync_interval_s = 5; };", "health.sync_interval_s must be between 60");
    refused("cloud = { base_ur1 = \"https://x\"; };", "unknown setting \"cloud.base_ur1\"");
    refused("clod = { };", "unknown setting \"clod\"");
    refused("cloud = 5;", "cloud must be a group");
    refused("cloud = { base_url = \"https://x\" ", "mdr.conf:1: syntax error");
    mdr_config *c = NULL;
    char err[256];
    CU_ASSERT_EQUAL(mdr_config_load("/nonexistent/mdr.conf", &c, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/mdr.conf"));
    remove_tree(dir);
}

/* A proxy password in a file the group or others can read: refused with the fix (chmod 600);
 * the same file private, or readable without a password in it, loads. */
static void config__readable_file_with_password_refused(void)
{
    setup();
    static const char with_pw[] = "cloud = { proxy = \"bob:hunter2@proxy.local:3128\"; };\n";
    static const char no_pw[] = "cloud = { proxy = \"http://bob:@proxy.local:3128\"; };\n";
    static const mode_t modes[] = {0644, 0640, 0604, 0444};
    mdr_config *c = NULL;
    char err[1024];
    for (size_t i = 0; i < sizeof modes / sizeof *modes; i++) {
        write_text(path, with_pw);
        CU_ASSERT_EQUAL_FATAL(chmod(path, modes[i]), 0);
        CU_ASSERT_EQUAL(mdr_config_load(path, &c, err, sizeof err), MDR_CONFIG_INSECURE);
        CU_ASSERT_PTR_NULL(c);
        CU_ASSERT_PTR_NOT_NULL(strstr(err, "chmod 600 "));
        CU_ASSERT_PTR_NOT_NULL(strstr(err, path));
        CU_ASSERT_PTR_NULL(strstr(err, "hunter2"));
    }
    CU_ASSERT_EQUAL_FATAL(chmod(path, 0600), 0);
    CU_ASSERT_EQUAL(mdr_config_load(path, &c, err, sizeof err), 0);
    mdr_config_free(c);
    c = NULL;
    write_text(path, no_pw);
    CU_ASSERT_EQUAL_FATAL(chmod(path, 0644), 0);
    CU_ASSERT_EQUAL(mdr_config_load(path, &c, err, sizeof err), 0);
    mdr_config_free(c);
    remove_tree(dir);
}

static void config__password_masking(void)
{
    char *m = mdr_url_mask_password("http://alice:s3cret@proxy:3128");
    CU_ASSERT_PTR_NULL(strstr(m, "s3cret"));
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "alice:***@proxy:3128"));
    free(m);
    m = mdr_url_mask_password("http://proxy:3128");
    CU_ASSERT_STRING_EQUAL(m, "http://proxy:3128");
    free(m);
    m = mdr_url_mask_password("");
    CU_ASSERT_STRING_EQUAL(m, "");
    free(m);
    m = mdr_url_mask_password("not a url but:secret@x");
    CU_ASSERT_PTR_NULL(strstr(m, "secret"));
    free(m);
    /* the proxy parser's grammar: no scheme, raw ; , & ' } @ in the password */
    m = mdr_url_mask_password("bob:s3cret@proxy:3128");
    CU_ASSERT_STRING_EQUAL(m, "bob:***@proxy:3128");
    free(m);
    m = mdr_url_mask_password("http://u:p;,&'}@w@h:1");
    CU_ASSERT_STRING_EQUAL(m, "http://u:***@h:1");
    free(m);
}

int main(void)
{
    static const unit_test tests[] = {
        {"config__shipped_default_is_valid", config__shipped_default_is_valid},
        {"config__valid_file_with_relative_paths", config__valid_file_with_relative_paths},
        {"config__each_invalid_value_refused", config__each_invalid_value_refused},
        {"config__readable_file_with_password_refused",
         config__readable_file_with_password_refused},
        {"config__password_masking", config__password_masking},
        {NULL, NULL}};
    return run_tests("config", tests);
}
