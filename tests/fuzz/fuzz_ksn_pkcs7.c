/* The KSN configuration file as delivered (mdr_ksn_verify, plugin/ksn/ksn_verify.c): PEM or
 * DER PKCS#7 SignedData, the signer chain to the seed corpus's trust anchor, the payload.
 * Asserts: an accepted file has a version and a SHA-256 of the bytes given. */
#include "cloud/encoding.h"
#include "fuzz.h"
#include "ksn/ksn_verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MDR_KSN_MAX_FILE)
        return 0;
    mdr_ksn_info info;
    mdr_ksn_error err;
    if (mdr_ksn_verify(data, size, FUZZ_ANCHOR, FUZZ_NOW_MS, &info, &err) == MDR_KSN_OK) {
        char hex[65];
        mdr_sha256_hex(data, size, hex);
        FUZZ_ASSERT(info.version > 0 && strcmp(hex, info.sha256_hex) == 0);
        mdr_ksn_info_clear(&info);
    } else {
        FUZZ_ASSERT(err.status != MDR_KSN_OK);
    }
    return 0;
}
