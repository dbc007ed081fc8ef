/* jwt.c — HS256 JSON Web Tokens signed with the sandbox's key (base64url via OpenSSL). */
#include "core.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>

static char *b64url_encode(const unsigned char *data, size_t len)
{
    char *out = malloc(4 * ((len + 2) / 3) + 1);
    if (!out)
        return NULL;
    int n = EVP_EncodeBlock((unsigned char *)out, data, (int)len);
    while (n > 0 && out[n - 1] == '=')
        n--;
    out[n] = '\0';
    for (int i = 0; i < n; i++)
        out[i] = out[i] == '+' ? '-' : out[i] == '/' ? '_' : out[i];
    return out;
}

/* Decodes base64url (no padding); NULL when malformed. */
static unsigned char *b64url_decode(const char *s, size_t n, size_t *out_len)
{
    if (n % 4 == 1)
        return NULL;
    size_t padded = n + (4 - n % 4) % 4;
    char *tmp = malloc(padded + 1);
    unsigned char *out = malloc(padded / 4 * 3 + 1);
    if (!tmp || !out) {
        free(tmp);
        free(out);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '-')
            c = '+';
        else if (c == '_')
            c = '/';
        else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            c = '!'; /* rejected below */
        tmp[i] = c;
    }
    for (size_t i = n; i < padded; i++)
        tmp[i] = '=';
    tmp[padded] = '\0';
    int len = strchr(tmp, '!') ? -1 : EVP_DecodeBlock(out, (unsigned char *)tmp, (int)padded);
    free(tmp);
    if (len < 0) {
        free(out);
        return NULL;
    }
    *out_len = (size_t)len - (padded - n); /* EVP_DecodeBlock counts padding bytes */
    out[*out_len] = '\0';
    return out;
}

static void sign(sbx_ctx *ctx, const char *msg, size_t len, unsigned char mac[32])
{
    unsigned int mac_len = 32;
    HMAC(EVP_sha256(), core_of(ctx)->jwt_key, sizeof core_of(ctx)->jwt_key,
         (const unsigned char *)msg, len, mac, &mac_len);
}

char *sbx_jwt_make(sbx_ctx *ctx, json_object *claims)
{
    static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    const char *payload = json_object_to_json_string_ext(claims, JSON_C_TO_STRING_PLAIN);
    char *h = b64url_encode((const unsigned char *)header, strlen(header));
    char *p = b64url_encode((const unsigned char *)payload, strlen(payload));
    char *token = NULL;
    if (h && p) {
        size_t n = strlen(h) + 1 + strlen(p);
        token = malloc(n + 1 + 44);
        if (token) {
            snprintf(token, n + 1, "%s.%s", h, p);
            unsigned char mac[32];
            sign(ctx, token, n, mac);
            char *s = b64url_encode(mac, sizeof mac);
            if (s) {
                token[n] = '.';
                strcpy(token + n + 1, s);
                free(s);
            } else {
                free(token);
                token = NULL;
            }
        }
    }
    free(h);
    free(p);
    return token;
}

sbx_jwt_result sbx_jwt_verify(sbx_ctx *ctx, const char *token, json_object **claims_out)
{
    *claims_out = NULL;
    if (!token)
        return SBX_JWT_INVALID;
    const char *dot1 = strchr(token, '.');
    const char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    if (!dot1 || !dot2 || strchr(dot2 + 1, '.'))
        return SBX_JWT_INVALID;
    size_t sig_len = 0;
    unsigned char *sig = b64url_decode(dot2 + 1, strlen(dot2 + 1), &sig_len);
    unsigned char mac[32];
    sign(ctx, token, (size_t)(dot2 - token), mac);
    int good = sig && sig_len == 32 && CRYPTO_memcmp(sig, mac, 32) == 0;
    free(sig);
    if (!good)
        return SBX_JWT_INVALID;
    size_t hl = 0, pl = 0;
    unsigned char *hdr = b64url_decode(token, (size_t)(dot1 - token), &hl);
    unsigned char *pay = b64url_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1), &pl);
    json_object *h = hdr ? json_tokener_parse((char *)hdr) : NULL;
    json_object *c = pay ? json_tokener_parse((char *)pay) : NULL;
    free(hdr);
    free(pay);
    json_object *alg = NULL, *exp = NULL;
    int ok = h && c && json_object_is_type(c, json_type_object) &&
             json_object_object_get_ex(h, "alg", &alg) &&
             strcmp(json_object_get_string(alg), "HS256") == 0 &&
             json_object_object_get_ex(c, "exp", &exp) && json_object_is_type(exp, json_type_int);
    json_object_put(h);
    if (!ok) {
        json_object_put(c);
        return SBX_JWT_INVALID;
    }
    *claims_out = c;
    if (json_object_get_int64(exp) * 1000 <= sbx_now_ms(ctx))
        return SBX_JWT_EXPIRED;
    return SBX_JWT_OK;
}
