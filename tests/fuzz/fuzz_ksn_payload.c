/* The KSN file's signed XML payload (mdr_ksn_parse_payload, plugin/ksn/ksn_payload.c,
 * libxml2 without network or entities). Asserts: an accepted payload has a version, at least
 * one server with an address and a port in 1..65535, and is not expired at the fuzz clock. */
#include "fuzz.h"
#include "ksn/ksn_payload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MDR_KSN_MAX_PAYLOAD)
        return 0;
    mdr_ksn_info info;
    mdr_ksn_error err;
    if (mdr_ksn_parse_payload((const char *)data, size, FUZZ_NOW_MS, &info, &err) == MDR_KSN_OK) {
        FUZZ_ASSERT(info.version > 0 && info.server_count > 0 && info.servers);
        for (size_t i = 0; i < info.server_count; i++)
            FUZZ_ASSERT(info.servers[i].address && info.servers[i].address[0] &&
                        info.servers[i].port >= 1 && info.servers[i].port <= 65535);
        FUZZ_ASSERT(info.expires_ms > FUZZ_NOW_MS);
        mdr_ksn_info_clear(&info);
    }
    return 0;
}
