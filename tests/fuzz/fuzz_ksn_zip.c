/* The KSN file inside an MDR configuration ZIP (mdr_ksn_find_in_zip, mdr_ksn_verify_zip,
 * plugin/ksn/ksn_zip.c, libzip from memory). Asserts: a file found is at most
 * MDR_KSN_MAX_FILE and its entry name ends in .pkcs7 or .pem. */
#include "fuzz.h"
#include "ksn/ksn_zip.h"

#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1 << 20))
        return 0;
    void *file = NULL;
    size_t len = 0;
    char *name = NULL;
    mdr_ksn_error err;
    if (mdr_ksn_find_in_zip(data, size, &file, &len, &name, &err) == MDR_KSN_OK) {
        FUZZ_ASSERT(file && len <= MDR_KSN_MAX_FILE && name);
        size_t n = strlen(name);
        FUZZ_ASSERT((n >= 6 && strcasecmp(name + n - 6, ".pkcs7") == 0) ||
                    (n >= 4 && strcasecmp(name + n - 4, ".pem") == 0));
        free(file);
        free(name);
        mdr_ksn_info info;
        void *bytes = NULL;
        if (mdr_ksn_verify_zip(data, size, FUZZ_ANCHOR, FUZZ_NOW_MS, &info, &bytes, &len, &err) ==
            MDR_KSN_OK) {
            FUZZ_ASSERT(bytes);
            free(bytes);
            mdr_ksn_info_clear(&info);
        }
    }
    return 0;
}
