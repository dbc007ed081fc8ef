/* mdr_base64_decode (plugin/cloud/encoding.c), the decoder of every content_base64. Asserts:
 * the result is within the limit and NUL-terminated; re-encoded (EVP_EncodeBlock) it decodes
 * to the same bytes; text made only of the alphabet with a length not a multiple of 4 is
 * refused. */
#include "cloud/encoding.h"
#include "fuzz.h"

#include <openssl/evp.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536)
        return 0;
    size_t max_len = data[0] < 128 ? data[0] : 65536; /* small limits too */
    char *text = fuzz_cstr(data + 1, size - 1);
    unsigned char *out = NULL;
    size_t len = 0;
    if (mdr_base64_decode(text, max_len, &out, &len) == 0) {
        FUZZ_ASSERT(out && len > 0 && len <= max_len && out[len] == '\0');
        unsigned char *enc = malloc(4 * ((len + 2) / 3) + 1);
        FUZZ_ASSERT(enc);
        EVP_EncodeBlock(enc, out, (int)len);
        unsigned char *back = NULL;
        size_t back_len = 0;
        FUZZ_ASSERT(mdr_base64_decode((char *)enc, max_len, &back, &back_len) == 0);
        FUZZ_ASSERT(back_len == len && memcmp(back, out, len) == 0);
        free(back);
        free(enc);
        free(out);
    } else {
        FUZZ_ASSERT(out == NULL);
    }
    free(text);
    return 0;
}
