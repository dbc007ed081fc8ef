#include "secret.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#define SEAL_VERSION 1
#define NONCE_LEN 12
#define TAG_LEN 16
#define HEADER_LEN (1 + NONCE_LEN)

static const char hkdf_info[] = "ksc-mdr secrets at rest v1";

int mdr_secret_key_derive(const unsigned char *ikm, size_t ikm_len, mdr_secret_key *out)
{
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
    size_t out_len = sizeof out->bytes;
    int ok = pctx && ikm_len > 0 && EVP_PKEY_derive_init(pctx) > 0 &&
             EVP_PKEY_CTX_set_hkdf_md(pctx, EVP_sha256()) > 0 &&
             EVP_PKEY_CTX_set1_hkdf_key(pctx, ikm, (int)ikm_len) > 0 &&
             EVP_PKEY_CTX_add1_hkdf_info(pctx, (const unsigned char *)hkdf_info,
                                         (int)strlen(hkdf_info)) > 0 &&
             EVP_PKEY_derive(pctx, out->bytes, &out_len) > 0 && out_len == sizeof out->bytes;
    EVP_PKEY_CTX_free(pctx);
    if (!ok)
        OPENSSL_cleanse(out->bytes, sizeof out->bytes);
    return ok ? 0 : -1;
}

int mdr_secret_seal(const mdr_secret_key *key, const char *name, const void *plain,
                    size_t plain_len, unsigned char **sealed, size_t *sealed_len)
{
    *sealed = NULL;
    *sealed_len = 0;
    if (!name || plain_len > INT32_MAX - HEADER_LEN - TAG_LEN)
        return -1;
    size_t total = HEADER_LEN + plain_len + TAG_LEN;
    unsigned char *buf = malloc(total);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int len = 0, fin = 0;
    int ok =
        buf && ctx && RAND_bytes(buf + 1, NONCE_LEN) == 1 &&
        EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1 &&
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN, NULL) == 1 &&
        EVP_EncryptInit_ex(ctx, NULL, NULL, key->bytes, buf + 1) == 1 &&
        EVP_EncryptUpdate(ctx, NULL, &len, (const unsigned char *)name, (int)strlen(name)) == 1 &&
        EVP_EncryptUpdate(ctx, buf + HEADER_LEN, &len, plain, (int)plain_len) == 1 &&
        EVP_EncryptFinal_ex(ctx, buf + HEADER_LEN + len, &fin) == 1 &&
        (size_t)(len + fin) == plain_len &&
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN, buf + HEADER_LEN + plain_len) == 1;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok) {
        free(buf);
        return -1;
    }
    buf[0] = SEAL_VERSION;
    *sealed = buf;
    *sealed_len = total;
    return 0;
}

int mdr_secret_open(const mdr_secret_key *key, const char *name, const unsigned char *sealed,
                    size_t sealed_len, unsigned char **plain, size_t *plain_len)
{
    *plain = NULL;
    *plain_len = 0;
    if (!name || !sealed || sealed_len < HEADER_LEN + TAG_LEN || sealed[0] != SEAL_VERSION ||
        sealed_len > INT32_MAX)
        return -1;
    size_t clen = sealed_len - HEADER_LEN - TAG_LEN;
    unsigned char *out = malloc(clen + 1);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    unsigned char tag[TAG_LEN];
    memcpy(tag, sealed + HEADER_LEN + clen, TAG_LEN);
    int len = 0, fin = 0;
    int ok =
        out && ctx && EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1 &&
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN, NULL) == 1 &&
        EVP_DecryptInit_ex(ctx, NULL, NULL, key->bytes, sealed + 1) == 1 &&
        EVP_DecryptUpdate(ctx, NULL, &len, (const unsigned char *)name, (int)strlen(name)) == 1 &&
        EVP_DecryptUpdate(ctx, out, &len, sealed + HEADER_LEN, (int)clen) == 1 &&
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) == 1 &&
        EVP_DecryptFinal_ex(ctx, out + len, &fin) == 1 && (size_t)(len + fin) == clen;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok) {
        mdr_secret_free(out, clen);
        return -1;
    }
    out[clen] = '\0';
    *plain = out;
    *plain_len = clen;
    return 0;
}

void mdr_secret_free(void *plain, size_t len)
{
    if (!plain)
        return;
    OPENSSL_cleanse(plain, len);
    free(plain);
}

int mdr_secret_put(sqlite3 *db, const mdr_secret_key *key, const char *name, const void *value,
                   size_t len, int64_t now_ms)
{
    unsigned char *sealed;
    size_t sealed_len;
    if (mdr_secret_seal(key, name, value, len, &sealed, &sealed_len) != 0)
        return -1;
    sqlite3_stmt *st = NULL;
    int ok = sqlite3_prepare_v2(db,
                                "INSERT INTO secrets(name, sealed, updated_ms) VALUES (?1, ?2, ?3) "
                                "ON CONFLICT(name) DO UPDATE SET sealed = excluded.sealed, "
                                "updated_ms = excluded.updated_ms",
                                -1, &st, NULL) == SQLITE_OK &&
             sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) == SQLITE_OK &&
             sqlite3_bind_blob(st, 2, sealed, (int)sealed_len, SQLITE_STATIC) == SQLITE_OK &&
             sqlite3_bind_int64(st, 3, now_ms) == SQLITE_OK && sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    free(sealed);
    return ok ? 0 : -1;
}

int mdr_secret_get(sqlite3 *db, const mdr_secret_key *key, const char *name, unsigned char **value,
                   size_t *len)
{
    *value = NULL;
    *len = 0;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT sealed FROM secrets WHERE name = ?1", -1, &st, NULL) !=
            SQLITE_OK ||
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) != SQLITE_OK) {
        sqlite3_finalize(st);
        return -1;
    }
    int rc = -1;
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE)
        rc = 1;
    else if (step == SQLITE_ROW)
        rc = mdr_secret_open(key, name, sqlite3_column_blob(st, 0),
                             (size_t)sqlite3_column_bytes(st, 0), value, len);
    sqlite3_finalize(st);
    return rc;
}

int mdr_secret_delete(sqlite3 *db, const char *name)
{
    sqlite3_stmt *st = NULL;
    int ok =
        sqlite3_prepare_v2(db, "DELETE FROM secrets WHERE name = ?1", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    return ok ? 0 : -1;
}
