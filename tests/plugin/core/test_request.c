/* request validation, error replies and the log scrubber. */
#include "fake_host.h"
#include "core/log.h"
#include "core/reply.h"
#include "core/request.h"
#include "unit.h"

#include <ksc_utf8.h>

static const char *const REGIONS[] = {"europe", "russia", "saudi_arabia", NULL};
static const mdr_field FIELDS[] = {
    {.name = "code", .type = MDR_FIELD_STRING, .required = 1, .min_len = 3, .max_len = 5},
    {.name = "region", .type = MDR_FIELD_ENUM, .choices = REGIONS},
    {.name = "limit", .type = MDR_FIELD_INT, .min = 1, .max = 100},
    {.name = "enabled", .type = MDR_FIELD_BOOL},
    {.name = "filter", .type = MDR_FIELD_OBJECT},
    {.name = "ids", .type = MDR_FIELD_ARRAY, .max_len = 2},
    {0}};

/* Validates `json`; expects error `code` with details.field == `field` (NULL:
 * no field). */
static void refused(const char *json, const char *code, const char *field)
{
    json_object *req = NULL;
    mdr_request_error e;
    CU_ASSERT_EQUAL(mdr_request_validate(json, FIELDS, &req, &e), -1);
    CU_ASSERT_PTR_NULL(req);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e.code);
    if (strcmp(e.code, code) != 0)
        fprintf(stderr, "\n  %s: got %s, want %s", json, e.code, code);
    CU_ASSERT_STRING_EQUAL(e.code, code);
    json_object *f = NULL;
    json_object_object_get_ex(e.details, "field", &f);
    if (field) {
        CU_ASSERT_STRING_EQUAL(f ? json_object_get_string(f) : "", field);
    } else {
        CU_ASSERT_PTR_NULL(f);
    }
    json_object_put(e.details);
}

static void request__valid_request_accepted(void)
{
    json_object *req = NULL;
    mdr_request_error e;
    CU_ASSERT_EQUAL_FATAL(mdr_request_validate("{\"code\": \"абв\", \"region\": \"europe\", "
                                               "\"limit\": 100, \"enabled\": true, "
                                               "\"filter\": {}, \"ids\": [1, 2]}\n",
                                               FIELDS, &req, &e),
                          0);
    CU_ASSERT_STRING_EQUAL(mdr_req_string(req, "code", NULL), "абв"); /* 3 characters */
    CU_ASSERT_EQUAL(mdr_req_int(req, "limit", 0), 100);
    CU_ASSERT_EQUAL(mdr_req_bool(req, "enabled", 0), 1);
    CU_ASSERT_EQUAL(mdr_req_int(req, "absent", 42), 42);
    json_object_put(req);
}

static void request__each_invalid_case_refused(void)
{
    refused("{\"code\": ", "invalid_json", NULL);
    refused("{\"code\": \"abc\"} trailing", "invalid_json", NULL);
    refused("{'code': 'abc'}", "invalid_json", NULL);
    refused("{\"code\": \"\xff\xfe\"}", "invalid_json", NULL);
    refused("", "invalid_json", NULL);
    refused("[1, 2]", "not_object", NULL);
    refused("{}", "missing_field", "code");
    refused("{\"code\": \"abc\", \"cod\": 1}", "unknown_field", "cod");
    refused("{\"code\": 123}", "wrong_type", "code");
    refused("{\"code\": \"abc\", \"limit\": \"5\"}", "wrong_type", "limit");
    refused("{\"code\": \"abc\", \"limit\": 1.5}", "wrong_type", "limit");
    refused("{\"code\": \"abc\", \"enabled\": 1}", "wrong_type", "enabled");
    refused("{\"code\": \"abc\", \"filter\": []}", "wrong_type", "filter");
    refused("{\"code\": \"abcdef\"}", "too_long", "code");
    refused("{\"code\": \"ab\"}", "too_short", "code");
    refused("{\"code\": \"a\\u0000b\"}", "invalid_value", "code");
    refused("{\"code\": \"abc\", \"limit\": 0}", "out_of_range", "limit");
    refused("{\"code\": \"abc\", \"limit\": 101}", "out_of_range", "limit");
    refused("{\"code\": \"abc\", \"limit\": 99999999999999999999999}", "out_of_range", "limit");
    refused("{\"code\": \"abc\", \"region\": \"mars\"}", "not_allowed", "region");
    refused("{\"code\": \"abc\", \"ids\": [1, 2, 3]}", "too_many", "ids");
    /* Strict UTF-8: json-c alone lets overlong forms and encoded surrogates
     * through. */
    refused("{\"code\": \"\xc0\xaa\xc0\xaa\"}", "invalid_json", NULL);
    refused("{\"code\": \"\xed\xa0\x80"
            "bc\"}",
            "invalid_json", NULL);
    refused("{\"code\": \"\xf4\x90\x80\x80\"}", "invalid_json", NULL);
    /* Well-formed JSON that is not an object is "not an object", not "invalid
     * JSON". */
    refused("null", "not_object", NULL);
    refused("42", "not_object", NULL);
    refused(" true ", "not_object", NULL);
    /* json-c cuts keys at a NUL: "code\u0000x" must not pass for "code". */
    refused("{\"code\\u0000x\": \"abc\"}", "unknown_field", "code\\u0000x");
    refused("{\"code\": \"abc\", \"filter\": {\"a\\u0000\" : 1}}", "unknown_field", "a\\u0000");
    size_t big = MDR_REQUEST_MAX_BYTES + 10;
    char *huge = malloc(big + 1);
    memset(huge, ' ', big);
    huge[big] = '\0';
    huge[0] = '{';
    huge[big - 1] = '}';
    refused(huge, "too_large", NULL);
    free(huge);
}

/* An unknown field's name goes back in the reply: cut at a character boundary,
 * it stays valid UTF-8 however long it is. */
static void request__long_unknown_name_stays_utf8(void)
{
    char json[4096] = "{\"";
    for (int i = 0; i < 300; i++)
        strcat(json, "\xd0\xb6"); /* ж */
    strcat(json, "\": 1}");
    json_object *req = NULL;
    mdr_request_error e;
    CU_ASSERT_EQUAL_FATAL(mdr_request_validate(json, FIELDS, &req, &e), -1);
    CU_ASSERT_STRING_EQUAL(e.code, "unknown_field");
    json_object *f = NULL;
    CU_ASSERT_TRUE_FATAL(json_object_object_get_ex(e.details, "field", &f));
    const char *name = json_object_get_string(f);
    CU_ASSERT_TRUE(ksc_utf8_valid(name, strlen(name)));
    CU_ASSERT_TRUE(strlen(name) < 300);
    json_object_put(e.details);
}

static void request__error_reply_localized_with_details(void)
{
    fake_host *h = fake_host_new();
    const ksc_host_services *sv = fake_host_services(h);
    ksc_call call = {sizeof call, "mdr.x", "u", "main", "fr", "{\"code\": \"abc\", \"region\": 1}",
                     NULL};
    json_object *req = NULL;
    char *response = NULL;
    CU_ASSERT_EQUAL(mdr_request_parse(sv, &call, FIELDS, &req, &response), KSC_ERR_INVALID);
    CU_ASSERT_PTR_NOT_NULL_FATAL(response);
    json_object *r = json_tokener_parse(response), *err, *msg, *det;
    CU_ASSERT_TRUE_FATAL(json_object_object_get_ex(r, "error", &err));
    CU_ASSERT_TRUE(json_object_object_get_ex(err, "message", &msg));
    CU_ASSERT_STRING_EQUAL(json_object_get_string(msg),
                           "Le champ region doit être de type string.");
    CU_ASSERT_TRUE(json_object_object_get_ex(err, "details", &det));
    json_object_put(r);
    sv->free(response);

    CU_ASSERT_EQUAL(mdr_reply_error(sv, "it", KSC_ERR_CONFLICT, "not_activated", NULL, &response),
                    KSC_ERR_CONFLICT);
    CU_ASSERT_PTR_NOT_NULL(strstr(response, "MDR non è attivato"));
    sv->free(response);
    fake_host_free(h);
}

static char logged[4096];
static void keep_line(ksc_host *host, ksc_log_level level, const char *message)
{
    (void)host;
    (void)level;
    snprintf(logged, sizeof logged, "%s", message);
}

/* A proxy URL whose password straddles the line's length limit: the password's start must not
 * survive the cut (it did when the line was cut before it was scrubbed). */
static void log__long_line_scrubbed_before_cut(void)
{
    ksc_host_services sv = {0};
    sv.log = keep_line;
    char pad[2100];
    static const char after_user[] = "***@proxy:3128 failed";
    for (size_t width = 2000; width < 2060; width++) {
        memset(pad, 'x', width);
        pad[width] = '\0';
        mdr_log(&sv, KSC_LOG_WARNING, "%s http://bob:hunter2secret@proxy:3128 failed", pad);
        /* Whatever the cut keeps after "bob:" is the start of the masked rest, never "h…". */
        const char *user = strstr(logged, "bob:");
        if (user)
            CU_ASSERT_EQUAL(strncmp(user + 4, after_user, strlen(user + 4)), 0);
    }
}

static void log__secrets_scrubbed(void)
{
    char out[256];
    mdr_log_scrub("proxy http://bob:hunter2@proxy:3128 failed", out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "proxy http://bob:***@proxy:3128 failed");
    mdr_log_scrub("Authorization: Bearer eyJabc.def", out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "Authorization: Bearer ***");
    mdr_log_scrub("{\"refresh_token\": \"r1\", \"expires_in\": 5}", out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "{\"refresh_token\": \"***\", \"expires_in\": 5}");
    mdr_log_scrub("password=pw&user=x", out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "password=***&user=x");
    CU_ASSERT_EQUAL(mdr_log_scrub("token_count=5 at https://host/path", out, sizeof out), 0);
    CU_ASSERT_STRING_EQUAL(out, "token_count=5 at https://host/path");

    /* Every form mdr_proxy_parse accepts: no scheme, extra slashes, raw ; , & ' } @ */
    mdr_log_scrub("proxy bob:hunter2@proxy:3128 failed", out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "proxy bob:***@proxy:3128 failed");
    mdr_log_scrub("proxy http:///u:hunter2@h failed", out, sizeof out);
    CU_ASSERT_PTR_NULL(strstr(out, "hunter2"));
    mdr_log_scrub("proxy http://u:p;,&'}w@h:1 failed", out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "proxy http://u:***@h:1 failed");
    mdr_log_scrub("proxy='socks5h://u:a@b:c@h:1'", out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "proxy='socks5h://u:***@h:1'");
    mdr_log_scrub("{\"proxy\":\"http://u:pw\"}@h\"}", out, sizeof out);
    CU_ASSERT_PTR_NULL(strstr(out, "pw"));
    CU_ASSERT_EQUAL(mdr_log_scrub("mail bob@example.com at 12:30", out, sizeof out), 0);

    fake_host *h = fake_host_new();
    mdr_log(fake_host_services(h), KSC_LOG_INFO, "token=%s sent", "t0p");
    CU_ASSERT_TRUE(fake_host_log_contains(h, "mdr: token=*** sent"));
    CU_ASSERT_FALSE(fake_host_log_contains(h, "t0p"));
    fake_host_free(h);
}

int main(void)
{
    static const unit_test tests[] = {
        {"request__valid_request_accepted", request__valid_request_accepted},
        {"request__each_invalid_case_refused", request__each_invalid_case_refused},
        {"request__long_unknown_name_stays_utf8", request__long_unknown_name_stays_utf8},
        {"request__error_reply_localized_with_details",
         request__error_reply_localized_with_details},
        {"log__secrets_scrubbed", log__secrets_scrubbed},
        {"log__long_line_scrubbed_before_cut", log__long_line_scrubbed_before_cut},
        {NULL, NULL}};
    return run_tests("request", tests);
}
