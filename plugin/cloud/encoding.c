#include "encoding.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mdr_base64_decode(const char *text, size_t max_len, unsigned char **out, size_t *len)
{
    size_t n = text ? strlen(text) : 0, digits = 0;
    if (n == 0 || n > (size_t)0x7FFFFFFF)
        return -1;
    /* OpenSSL's decoder also takes '-' as an end marker (and ignores what follows) and
     * other bytes PEM needs: only the base64 alphabet, '=' and whitespace get to it. */
    for (size_t i = 0; i < n; i++) {
        char c = text[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '+' || c == '/' || c == '=')
            digits++;
        else if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            return -1;
    }
    if (digits == 0 || digits / 4 * 3 > max_len + 2)
        return -1;
    unsigned char *buf = malloc(digits / 4 * 3 + 4);
    EVP_ENCODE_CTX *ctx = EVP_ENCODE_CTX_new();
    int got = 0, tail = 0, ok = 0;
    if (buf && ctx) {
        /* The streaming decoder knows the padding ("QQ==" is one byte, "QQ==    " too) and
         * refuses '=' inside or data after it, which EVP_DecodeBlock does not. */
        EVP_DecodeInit(ctx);
        ok = EVP_DecodeUpdate(ctx, buf, &got, (const unsigned char *)text, (int)n) >= 0 &&
             EVP_DecodeFinal(ctx, buf + got, &tail) == 1;
    }
    EVP_ENCODE_CTX_free(ctx);
    size_t total = (size_t)got + (size_t)tail;
    if (!ok || total == 0 || total > max_len) {
        free(buf);
        return -1;
    }
    *len = total;
    buf[total] = '\0';
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
