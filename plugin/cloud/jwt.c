#include "jwt.h"

#include <json-c/json.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

unsigned char *mdr_base64url_decode(const char *text, size_t text_len, size_t *out_len)
{
    while (text_len > 0 && text[text_len - 1] == '=')
        text_len--;
    if (text_len % 4 == 1 || text_len > 1024 * 1024)
        return NULL;
    size_t padded = (text_len + 3) / 4 * 4;
    char *b64 = malloc(padded + 1);
    unsigned char *out = malloc(padded / 4 * 3 + 1);
    if (!b64 || !out) {
        free(b64);
        free(out);
        return NULL;
    }
    for (size_t i = 0; i < text_len; i++) {
        char ch = text[i];
        b64[i] = ch == '-' ? '+' : ch == '_' ? '/' : ch;
        if (ch == '+' || ch == '/') /* not base64url */
            b64[i] = '!';
    }
    memset(b64 + text_len, '=', padded - text_len);
    b64[padded] = '\0';
    int n = padded ? EVP_DecodeBlock(out, (const unsigned char *)b64, (int)padded) : 0;
    free(b64);
    if (n < 0) {
        free(out);
        return NULL;
    }
    /* EVP_DecodeBlock counts the bytes the padding stands for; drop them. */
    n -= (int)(padded - text_len);
    out[n] = '\0';
    *out_len = (size_t)n;
    return out;
}

int mdr_jwt_expiry_ms(const char *jwt, int64_t *exp_ms)
{
    if (!jwt)
        return -1;
    const char *dot1 = strchr(jwt, '.');
    const char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    if (!dot1 || !dot2 || strchr(dot2 + 1, '.'))
        return -1;
    size_t len = 0;
    unsigned char *payload = mdr_base64url_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1), &len);
    if (!payload)
        return -1;
    int rc = -1;
    json_object *root = strlen((char *)payload) == len ? json_tokener_parse((char *)payload) : NULL;
    json_object *exp = NULL;
    if (root && json_object_is_type(root, json_type_object) &&
        json_object_object_get_ex(root, "exp", &exp) &&
        (json_object_is_type(exp, json_type_int) || json_object_is_type(exp, json_type_double))) {
        double seconds = json_object_get_double(exp);
        if (seconds > 0 && seconds < 1e12) {
            *exp_ms = (int64_t)(seconds * 1000.0);
            rc = 0;
        }
    }
    json_object_put(root);
    free(payload);
    return rc;
}
