/* encoding — the byte encodings the cloud's answers use: base64 bodies and SHA-256 digests,
 * both through OpenSSL. */
#ifndef MDR_ENCODING_H
#define MDR_ENCODING_H

#include <stddef.h>

/* Decodes padded base64 `text` into a new buffer (*out, NUL-terminated, caller frees) of
 * *len bytes, with OpenSSL's streaming decoder: whitespace and line breaks are skipped, the
 * padding counts as nothing. -1 when the text is empty, not base64 (a byte outside the
 * alphabet, a length that is not a multiple of 4, '=' before the end), or would decode to
 * more than max_len. */
int mdr_base64_decode(const char *text, size_t max_len, unsigned char **out, size_t *len);

/* The SHA-256 of `data` as 64 lower-case hex digits and a NUL. */
void mdr_sha256_hex(const void *data, size_t len, char out[65]);

#endif
