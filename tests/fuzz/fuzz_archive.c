/* The MDR configuration archive the cloud sends (mdr_archive_check, plugin/licenses/
 * archive.c): the input is the ZIP, wrapped in the cloud's answer with its true size and
 * SHA-256 so every check runs; the first byte picks the variant. Asserts: an accepted archive
 * has a file name safe for a file system ending in .zip, its bytes, and the summary. */
#include "cloud/encoding.h"
#include "fuzz.h"
#include "licenses/archive.h"

#include <openssl/evp.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > (1 << 20))
        return 0;
    mdr_archive_variant variant = (mdr_archive_variant)(data[0] % 4);
    data++, size--;
    char *b64 = malloc(4 * ((size + 2) / 3) + 1);
    FUZZ_ASSERT(b64);
    EVP_EncodeBlock((unsigned char *)b64, data, (int)size);
    char sha[65];
    mdr_sha256_hex(data, size, sha);
    json_object *answer = json_object_new_object();
    json_object_object_add(answer, "file_name", json_object_new_string("MDR config.zip"));
    json_object_object_add(answer, "size", json_object_new_int64((int64_t)size));
    json_object_object_add(answer, "sha256", json_object_new_string(sha));
    json_object_object_add(answer, "content_base64", json_object_new_string(b64));
    free(b64);
    mdr_archive a;
    mdr_rule_error e;
    memset(&e, 0, sizeof e);
    if (mdr_archive_check(answer, variant, FUZZ_ANCHOR, FUZZ_NOW_MS, &a, &e) == 0) {
        size_t n = strlen(a.file_name);
        FUZZ_ASSERT(n > 4 && strcmp(a.file_name + n - 4, ".zip") == 0);
        FUZZ_ASSERT(strspn(a.file_name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                        "0123456789._-") == n);
        FUZZ_ASSERT(a.len == size && memcmp(a.zip, data, size) == 0);
        json_object *summary = mdr_archive_summary(&a);
        FUZZ_ASSERT(summary);
        json_object_put(summary);
        mdr_archive_free(&a);
    } else {
        mdr_rule_error_clear(&e);
    }
    json_object_put(answer);
    return 0;
}
