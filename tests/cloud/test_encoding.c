/* Unit tests of plugin/cloud/encoding: base64 bodies and SHA-256 digests. */
#include "cloud/encoding.h"

#include <CUnit/Basic.h>
#include <stdlib.h>
#include <string.h>

static void base64__decodes_with_and_without_padding(void)
{
    unsigned char *out = NULL;
    size_t len = 0;
    CU_ASSERT_EQUAL_FATAL(mdr_base64_decode("aGVsbG8=", 100, &out, &len), 0);
    CU_ASSERT_EQUAL(len, 5);
    CU_ASSERT_STRING_EQUAL((char *)out, "hello");
    free(out);
    CU_ASSERT_EQUAL_FATAL(mdr_base64_decode("aGk=", 100, &out, &len), 0);
    CU_ASSERT_EQUAL(len, 2);
    CU_ASSERT_EQUAL(memcmp(out, "hi", 2), 0);
    free(out);
    CU_ASSERT_EQUAL_FATAL(mdr_base64_decode("AAEC", 100, &out, &len), 0);
    CU_ASSERT_EQUAL(len, 3);
    CU_ASSERT(out[0] == 0 && out[1] == 1 && out[2] == 2);
    free(out);
}

static void base64__refuses_bad_input_and_over_limit(void)
{
    unsigned char *out = NULL;
    size_t len = 0;
    CU_ASSERT_EQUAL(mdr_base64_decode(NULL, 100, &out, &len), -1);
    CU_ASSERT_EQUAL(mdr_base64_decode("", 100, &out, &len), -1);
    CU_ASSERT_EQUAL(mdr_base64_decode("abc", 100, &out, &len), -1);    /* not a multiple of 4 */
    CU_ASSERT_EQUAL(mdr_base64_decode("ab!d", 100, &out, &len), -1);   /* not base64 */
    CU_ASSERT_EQUAL(mdr_base64_decode("aGVsbG8=", 4, &out, &len), -1); /* 5 bytes > 4 */
    CU_ASSERT_PTR_NULL(out);
    CU_ASSERT_EQUAL(mdr_base64_decode("aGVsbG8=", 5, &out, &len), 0); /* exactly the limit */
    free(out);
    /* the padding is nothing, with or without whitespace after it (was 41 00 00) */
    CU_ASSERT_EQUAL_FATAL(mdr_base64_decode("QQ==    ", 100, &out, &len), 0);
    CU_ASSERT_EQUAL(len, 1);
    CU_ASSERT_EQUAL(out[0], 0x41);
    free(out);
    CU_ASSERT_EQUAL_FATAL(mdr_base64_decode("QUJD\nREVG\n", 100, &out, &len), 0);
    CU_ASSERT_EQUAL(len, 6);
    CU_ASSERT_STRING_EQUAL((char *)out, "ABCDEF");
    free(out);
    out = NULL;
    static const char *const bad[] = {"Q=QQ",   "Q===", "====", "QQ==QUJD",
                                      "QQ==-x", "    ", "QQ=",  NULL};
    for (const char *const *b = bad; *b; b++)
        CU_ASSERT_EQUAL(mdr_base64_decode(*b, 100, &out, &len), -1);
    CU_ASSERT_PTR_NULL(out);
}

static void sha256__hex_of_known_input(void)
{
    char hex[65];
    mdr_sha256_hex("abc", 3, hex);
    CU_ASSERT_STRING_EQUAL(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("encoding", NULL, NULL);
    CU_add_test(s, "base64__decodes_with_and_without_padding",
                base64__decodes_with_and_without_padding);
    CU_add_test(s, "base64__refuses_bad_input_and_over_limit",
                base64__refuses_bad_input_and_over_limit);
    CU_add_test(s, "sha256__hex_of_known_input", sha256__hex_of_known_input);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
