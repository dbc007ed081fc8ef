/* jwt.c — HS256 JSON Web Tokens signed with the sandbox's key, through libjwt. */
#include "core/state.h"

#include <jwt.h>
#include <stdlib.h>
#include <string.h>

char *sbx_jwt_make(sbx_ctx *ctx, json_object *claims)
{
    const unsigned char *key = core_of(ctx)->jwt_key;
    jwt_t *jwt = NULL;
    char *token = NULL;
    if (jwt_new(&jwt) == 0 &&
        jwt_add_grants_json(jwt, json_object_to_json_string_ext(claims, JSON_C_TO_STRING_PLAIN)) ==
            0 &&
        jwt_set_alg(jwt, JWT_ALG_HS256, key, (int)sizeof core_of(ctx)->jwt_key) == 0)
        token = jwt_encode_str(jwt); /* malloc'd */
    jwt_free(jwt);
    return token;
}

sbx_jwt_result sbx_jwt_verify(sbx_ctx *ctx, const char *token, json_object **claims_out)
{
    *claims_out = NULL;
    if (!token)
        return SBX_JWT_INVALID;
    jwt_t *jwt = NULL;
    if (jwt_decode(&jwt, token, core_of(ctx)->jwt_key, (int)sizeof core_of(ctx)->jwt_key) != 0)
        return SBX_JWT_INVALID;
    /* Only our own algorithm: an unsigned ("none") token must never pass. */
    char *grants = jwt_get_alg(jwt) == JWT_ALG_HS256 ? jwt_get_grants_json(jwt, NULL) : NULL;
    jwt_free(jwt);
    json_object *claims = grants ? json_tokener_parse(grants) : NULL;
    free(grants);
    json_object *exp = NULL;
    if (!claims || !json_object_is_type(claims, json_type_object) ||
        !json_object_object_get_ex(claims, "exp", &exp) ||
        !json_object_is_type(exp, json_type_int)) {
        json_object_put(claims);
        return SBX_JWT_INVALID;
    }
    *claims_out = claims;
    if (json_object_get_int64(exp) * 1000 <= sbx_now_ms(ctx))
        return SBX_JWT_EXPIRED;
    return SBX_JWT_OK;
}
