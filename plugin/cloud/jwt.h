/* Reading a JWT's expiry without verifying its signature (the service verifies it; the
 * client only needs to know when to refresh). */
#ifndef MDR_JWT_H
#define MDR_JWT_H

#include <stdint.h>

/* The `exp` claim of `jwt` in ms since the epoch. 0 on success, -1 when the token does not
 * decode, the payload is not a JSON object, or exp is not a positive number. */
int mdr_jwt_expiry_ms(const char *jwt, int64_t *exp_ms);

/* The `iat` claim (when the service issued the token, by the service's clock) in ms; the same
 * refusals as mdr_jwt_expiry_ms. */
int mdr_jwt_issued_ms(const char *jwt, int64_t *iat_ms);

#endif
