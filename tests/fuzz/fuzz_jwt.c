/* mdr_jwt_expiry_ms (plugin/cloud/jwt.c): the access token the cloud hands out. Asserts: an
 * accepted token has a positive expiry. */
#include "cloud/jwt.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    char *token = fuzz_cstr(data, size);
    int64_t exp = 0;
    if (mdr_jwt_expiry_ms(token, &exp) == 0)
        FUZZ_ASSERT(exp > 0);
    free(token);
    return 0;
}
