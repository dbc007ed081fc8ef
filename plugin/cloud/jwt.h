/* Reading a JWT's expiry without verifying its signature (the service verifies it; the
 * client only needs to know when to refresh). */
#ifndef MDR_JWT_H
#define MDR_JWT_H

#include <stddef.h>
#include <stdint.h>

/* The `exp` claim of `jwt` in ms since the epoch. 0 on success, -1 when the token is not
 * three base64url parts, the payload is not a JSON object, or exp is not a positive number. */
int mdr_jwt_expiry_ms(const char *jwt, int64_t *exp_ms);

/* Decodes base64url (padding optional) into a new NUL-terminated buffer (caller frees);
 * NULL on invalid input. */
unsigned char *mdr_base64url_decode(const char *text, size_t text_len, size_t *out_len);

#endif
