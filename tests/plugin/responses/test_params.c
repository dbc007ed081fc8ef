/* responses: every type's parameters valid and broken, the isolation term at 2,678,400 s,
 * registry hives, port ranges, addresses, and the PBKDF2 password check against vectors
 * computed independently (Python hashlib.pbkdf2_hmac). */
#include "core/i18n.h"
#include "responses/params.h"
#include "unit.h"

/* The problem codes of a view, comma-separated ("" when valid). */
static void codes(const char *type, const char *params_json, const char *lang, char *out,
                  size_t size)
{
    json_object *p = params_json ? json_tokener_parse(params_json) : NULL;
    json_object *v = mdr_response_params_view(type, p, lang), *probs = NULL;
    json_object_object_get_ex(v, "problems", &probs);
    out[0] = '\0';
    for (size_t i = 0; i < json_object_array_length(probs); i++) {
        json_object *c = NULL;
        json_object_object_get_ex(json_object_array_get_idx(probs, i), "code", &c);
        if (i)
            strncat(out, ",", size - strlen(out) - 1);
        strncat(out, json_object_get_string(c), size - strlen(out) - 1);
    }
    json_object_put(v);
    json_object_put(p);
}

#define EXPECT(type, json, want)                                                                   \
    do {                                                                                           \
        char got_[512];                                                                            \
        codes(type, json, "en", got_, sizeof got_);                                                \
        CU_ASSERT_STRING_EQUAL(got_, want);                                                        \
        if (strcmp(got_, want))                                                                    \
            fprintf(stderr, "\n  %s %s: got [%s], expected [%s]\n", type, json ? json : "-", got_, \
                    want);                                                                         \
    } while (0)

static void responses__get_file(void)
{
    EXPECT("get_file", "{\"path\":\"C:\\\\file.exe\",\"max_file_size\":10}", "");
    EXPECT("get_file", "{\"path\":\"%systemroot%\\\\system32\\\\a.dll\",\"max_file_size\":1}", "");
    EXPECT("get_file", "{\"path\":\"file.exe\",\"max_file_size\":10}", "path_not_absolute");
    EXPECT("get_file", "{\"path\":\"C:\\\\f\",\"max_file_size\":0}", "not_positive");
    EXPECT("get_file", "{}", "missing,missing");
}

static void responses__isolation_term_edge(void)
{
    EXPECT("isolate", "{\"isolation_term\":2678400}", "");
    EXPECT("isolate", "{\"isolation_term\":2678401}", "isolation_term_too_long");
    EXPECT("isolate", "{\"isolation_term\":0}", "not_positive");
    /* absent: seven days, shown as the default */
    json_object *v = mdr_response_params_view("isolate", NULL, "en"), *rows = NULL;
    json_object_object_get_ex(v, "parameters", &rows);
    int found = 0;
    for (size_t i = 0; i < json_object_array_length(rows); i++) {
        json_object *r = json_object_array_get_idx(rows, i), *n, *val, *d;
        json_object_object_get_ex(r, "name", &n);
        if (strcmp(json_object_get_string(n), "isolation_term"))
            continue;
        json_object_object_get_ex(r, "value", &val);
        CU_ASSERT_EQUAL(json_object_get_int(val), 604800);
        CU_ASSERT_TRUE(json_object_object_get_ex(r, "default", &d));
        found = 1;
    }
    CU_ASSERT_TRUE(found);
    json_object_put(v);
}

static void responses__exclusion_rules(void)
{
    EXPECT("isolate",
           "{\"exclusion_rules\":[{\"direction\":\"Both\",\"protocol\":6,"
           "\"remote_ports\":{\"from\":443,\"to\":443},\"remote_ipv4\":\"10.0.0.0/8\","
           "\"local_ipv6\":\"fe80::/64\",\"process\":{\"image\":{\"path\":\"C:\\\\a.exe\"}}}]}",
           "");
    EXPECT("isolate", "{\"exclusion_rules\":[{\"direction\":\"Sideways\"}]}", "direction_invalid");
    EXPECT("isolate", "{\"exclusion_rules\":[{\"direction\":\"Inbound\",\"protocol\":7}]}",
           "protocol_invalid");
    EXPECT("isolate",
           "{\"exclusion_rules\":[{\"direction\":\"Inbound\",\"protocol\":1,"
           "\"local_ports\":{\"from\":1,\"to\":2}}]}",
           "ports_without_tcp_udp");
    EXPECT("isolate",
           "{\"exclusion_rules\":[{\"direction\":\"Inbound\",\"remote_ports\":{\"from\":9,"
           "\"to\":8}}]}",
           "port_range_invalid");
    EXPECT("isolate",
           "{\"exclusion_rules\":[{\"direction\":\"Inbound\",\"remote_ipv4\":\"10.0.0.0/33\","
           "\"remote_ipv6\":\"10.0.0.1\"}]}",
           "ipv4_invalid,ipv6_invalid");
}

static void responses__registry_key(void)
{
    EXPECT("delete_registry_key", "{\"key\":\"HKEY_LOCAL_MACHINE\\\\SYSTEM\\\\WebClient\"}", "");
    EXPECT("delete_registry_key", "{\"key\":\"HKEY_USERS\\\\S-1\",\"value\":\"\"}", "");
    EXPECT("delete_registry_key", "{\"key\":\"HKEY_CURRENT_USER\\\\Run\"}",
           "registry_hive_invalid");
    EXPECT("delete_registry_key", "{\"value\":\"x\"}", "missing");
}

static void responses__memory_dump(void)
{
    EXPECT("memory_dump", "{\"dump_type\":\"full\"}", "");
    EXPECT("memory_dump",
           "{\"dump_type\":\"process\",\"process\":{\"image\":{\"md5\":"
           "\"d41d8cd98f00b204e9800998ecf8427e\"}},\"process_count_limit\":3}",
           "");
    EXPECT("memory_dump", "{\"dump_type\":\"process\"}", "process_required");
    EXPECT("memory_dump", "{\"dump_type\":\"full\",\"process\":{\"unique_id\":\"7\"}}",
           "process_in_full_dump");
    EXPECT("memory_dump", "{\"dump_type\":\"process\",\"process\":{\"image\":{\"sha256\":\"ab\"}}}",
           "sha256_invalid");
    EXPECT("memory_dump", "{\"dump_type\":\"partial\"}", "dump_type_invalid");
}

static void responses__other_types(void)
{
    EXPECT("terminate_process", "{\"pid\":4242}", "");
    EXPECT("terminate_process", "{\"name\":\"rundll32.exe\"}", "");
    EXPECT("terminate_process", "{}", "process_unidentified");
    EXPECT("terminate_process", "{\"pid\":0}", "not_positive");
    EXPECT("run_script", "{\"script\":\"Get-Process\"}", "");
    EXPECT("run_script", "{}", "missing");
    EXPECT("quarantine", "{\"path\":\"C:\\\\x.exe\",\"md5\":\"d41d8cd98f00b204e9800998ecf8427e\"}",
           "");
    EXPECT("quarantine", "{\"path\":\"C:\\\\x.exe\"}", "hash_required");
    EXPECT("restore_from_quarantine", "{\"path\":\"C:\\\\x.exe\"}", "");
    EXPECT("disable_isolation", "{}", "");
    EXPECT("reboot", "{}", "unknown_type");
}

static void responses__problems_localized(void)
{
    json_object *p = json_tokener_parse("{\"isolation_term\":3000000}");
    json_object *v = mdr_response_params_view("isolate", p, "ru"), *probs, *msg, *title;
    json_object_object_get_ex(v, "problems", &probs);
    json_object_object_get_ex(json_object_array_get_idx(probs, 0), "message", &msg);
    CU_ASSERT_PTR_NOT_NULL(strstr(json_object_get_string(msg), "2 678 400"));
    CU_ASSERT_PTR_NOT_NULL(strstr(json_object_get_string(msg), "isolation_term"));
    json_object_object_get_ex(v, "type_title", &title);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(title), "Изолировать");
    json_object_put(v);
    json_object_put(p);
}

/* Vectors: hashlib.pbkdf2_hmac("sha256", b"Isolation-Pass-1", bytes.fromhex(SALT), 10000, 32). */
#define SALT "00112233445566778899aabbccddeeff"
#define DERIVED_KEY_HEX "f4d699aafcd4c85e0241f541b094f5114bc3905f44926ba2b3d076494d59d444"
static void responses__isolation_password(void)
{
    char json[512];
    snprintf(json, sizeof json,
             "{\"password_details\":{\"version\":1,\"salt\":\"" SALT "\",\"derived_key\":\"%s\"}}",
             DERIVED_KEY_HEX);
    json_object *p = json_tokener_parse(json);
    unsigned char *salt = NULL, key[32];
    size_t salt_len = 0;
    const char *problem = NULL;
    CU_ASSERT_EQUAL(mdr_isolation_details(p, &salt, &salt_len, key, &problem), 0);
    CU_ASSERT_EQUAL(salt_len, 16);
    CU_ASSERT_EQUAL(mdr_isolation_password_matches("Isolation-Pass-1", salt, salt_len, key), 1);
    CU_ASSERT_EQUAL(mdr_isolation_password_matches("Isolation-Pass-2", salt, salt_len, key), 0);
    CU_ASSERT_EQUAL(mdr_isolation_password_matches("", salt, salt_len, key), 0);
    free(salt);
    json_object_put(p);
    p = json_tokener_parse("{\"password_details\":{\"version\":2,\"salt\":\"00\","
                           "\"derived_key\":\"00\"}}");
    CU_ASSERT_EQUAL(mdr_isolation_details(p, &salt, &salt_len, key, &problem), -1);
    CU_ASSERT_STRING_EQUAL(problem, "password_version_unsupported");
    json_object_put(p);
    p = json_tokener_parse("{\"password_details\":{\"version\":1,\"salt\":\"0g\","
                           "\"derived_key\":\"00\"}}");
    CU_ASSERT_EQUAL(mdr_isolation_details(p, &salt, &salt_len, key, &problem), -1);
    CU_ASSERT_STRING_EQUAL(problem, "salt_invalid");
    json_object_put(p);
    p = json_tokener_parse("{\"password_details\":{\"version\":1,\"salt\":\"00\","
                           "\"derived_key\":\"0011\"}}");
    CU_ASSERT_EQUAL(mdr_isolation_details(p, &salt, &salt_len, key, &problem), -1);
    CU_ASSERT_STRING_EQUAL(problem, "derived_key_invalid");
    json_object_put(p);
    CU_ASSERT_EQUAL(mdr_isolation_details(NULL, &salt, &salt_len, key, &problem), -1);
    CU_ASSERT_STRING_EQUAL(problem, "password_details_missing");
}

int main(void)
{
    char err[256];
    if (mdr_i18n_load(err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    static const unit_test tests[] = {
        {"responses__get_file", responses__get_file},
        {"responses__isolation_term_edge", responses__isolation_term_edge},
        {"responses__exclusion_rules", responses__exclusion_rules},
        {"responses__registry_key", responses__registry_key},
        {"responses__memory_dump", responses__memory_dump},
        {"responses__other_types", responses__other_types},
        {"responses__problems_localized", responses__problems_localized},
        {"responses__isolation_password", responses__isolation_password},
        {NULL, NULL}};
    return run_tests("responses_params", tests);
}
