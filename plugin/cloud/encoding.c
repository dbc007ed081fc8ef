#include "encoding.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mdr_base64_decode(const char *text, size_t max_len, unsigned char **out, size_t *len)
{
    size_t n = text ? strlen(text) : 0;
    if (n == 0 || n % 4 != 0 || n > (size_t)0x7FFFFFFF || n / 4 * 3 > max_len + 2)
        return -1;
    unsigned char *buf = malloc(n / 4 * 3 + 1);
    if (!buf)
        return -1;
    int got = EVP_DecodeBlock(buf, (const unsigned char *)text, (int)n);
    /* EVP_DecodeBlock counts the padding as zero bytes */
    size_t pad = (text[n - 1] == '=') + (text[n - 2] == '=');
    if (got < 0 || (size_t)got - pad > max_len) {
        free(buf);
        return -1;
    }
    *len = (size_t)got - pad;
    buf[*len] = '\0';
    *out = buf;
    return 0;
}

void mdr_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL);
    for (unsigned i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    out[64] = '\0';
}
