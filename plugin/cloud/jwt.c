/* jwt.c — a token's expiry, read through libjwt without verifying the signature: the
 * service verifies its tokens; the client only needs to know when to refresh. */
#include "jwt.h"

#include <errno.h>
#include <jwt.h>
#include <stdint.h>

static int claim_ms(const char *token, const char *claim, int64_t *out_ms)
{
    jwt_t *jwt = NULL;
    if (!token || jwt_decode(&jwt, token, NULL, 0) != 0)
        return -1;
    errno = 0;
    long exp = jwt_get_grant_int(jwt, claim); /* ENOENT when absent or not a number */
    int missing = errno != 0;
    jwt_free(jwt);
    /* ms fit in int64 until year 292 million; refuse anything that would not. */
    if (missing || exp <= 0 || exp > INT64_MAX / 1000)
        return -1;
    *out_ms = (int64_t)exp * 1000;
    return 0;
}

int mdr_jwt_expiry_ms(const char *token, int64_t *exp_ms)
{
    return claim_ms(token, "exp", exp_ms);
}

int mdr_jwt_issued_ms(const char *token, int64_t *iat_ms)
{
    return claim_ms(token, "iat", iat_ms);
}
