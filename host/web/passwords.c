/* passwords.c — PBKDF2 password hashes and the sign-in failure counter (passwords.h). */
#include "web/passwords.h"
#include "clock.h"
#include "store.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>

#define SALT_LEN 16
#define HASH_LEN 32

static int derive(const char *password, const unsigned char *salt, size_t salt_len, int iterations,
                  unsigned char out[HASH_LEN])
{
    return PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, (int)salt_len, iterations,
                             EVP_sha256(), HASH_LEN, out) == 1
               ? 0
               : -1;
}

ksc_status web_password_set(host_ctx *ctx, const char *user, const char *password)
{
    size_t len = strlen(password);
    if (len < WEB_PASSWORD_MIN || len > WEB_PASSWORD_MAX)
        return KSC_ERR_INVALID;
    unsigned char salt[SALT_LEN], hash[HASH_LEN];
    if (RAND_bytes(salt, sizeof salt) != 1 ||
        derive(password, salt, sizeof salt, WEB_PBKDF2_ITERATIONS, hash) != 0)
        return KSC_ERR_FAILED;
    int64_t now = clock_now_ms(ctx);
    host_lock(ctx);
    ksc_status status = KSC_ERR_NOT_FOUND;
    sqlite3_stmt *st = NULL;
    if (!store_exists(ctx->db, "SELECT 1 FROM users WHERE name = ?1", user, NULL))
        goto done;
    status = KSC_ERR_FAILED;
    if (store_begin(ctx->db) != SQLITE_OK)
        goto done;
    if (sqlite3_prepare_v2(ctx->db,
                           "INSERT OR REPLACE INTO web_passwords(user, algorithm, iterations, "
                           "salt, hash, changed_ms) VALUES(?1, 'pbkdf2-sha256', ?2, ?3, ?4, ?5)",
                           -1, &st, NULL) != SQLITE_OK)
        goto done;
    sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, WEB_PBKDF2_ITERATIONS);
    sqlite3_bind_blob(st, 3, salt, sizeof salt, SQLITE_STATIC);
    sqlite3_bind_blob(st, 4, hash, sizeof hash, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, now);
    if (sqlite3_step(st) != SQLITE_DONE)
        goto done;
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_prepare_v2(ctx->db, "DELETE FROM web_sign_in_failures WHERE user = ?1;", -1, &st,
                           NULL) != SQLITE_OK)
        goto done;
    sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        goto done;
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_prepare_v2(ctx->db, "DELETE FROM web_sessions WHERE user = ?1;", -1, &st, NULL) !=
        SQLITE_OK)
        goto done;
    sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        goto done;
    if (store_commit(ctx->db) == SQLITE_OK)
        status = KSC_OK;
done:
    sqlite3_finalize(st);
    store_rollback(ctx->db);
    host_unlock(ctx);
    OPENSSL_cleanse(hash, sizeof hash);
    return status;
}

/* The failure row of `user`: 0 failures when none. */
static void failures_of(host_ctx *ctx, const char *user, int64_t *failures, int64_t *last_ms,
                        int64_t *locked_until)
{
    *failures = *last_ms = *locked_until = 0;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db,
                           "SELECT failures, last_ms, locked_until_ms FROM web_sign_in_failures "
                           "WHERE user = ?1",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            *failures = sqlite3_column_int64(st, 0);
            *last_ms = sqlite3_column_int64(st, 1);
            *locked_until = sqlite3_column_int64(st, 2);
        }
    }
    sqlite3_finalize(st);
}

static void record_failure(host_ctx *ctx, const char *user, int64_t failures, int64_t now)
{
    int64_t locked_until = failures >= WEB_LOCK_AFTER ? now + WEB_LOCK_MS : 0;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db,
                           "INSERT OR REPLACE INTO web_sign_in_failures(user, failures, last_ms, "
                           "locked_until_ms) VALUES(?1, ?2, ?3, ?4)",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, failures >= WEB_LOCK_AFTER ? 0 : failures);
        sqlite3_bind_int64(st, 3, now);
        sqlite3_bind_int64(st, 4, locked_until);
        sqlite3_step(st);
    }
    sqlite3_finalize(st);
}

/* The password's stored hash; 0 when the user has one. */
static int stored_hash(host_ctx *ctx, const char *user, unsigned char salt[SALT_LEN],
                       unsigned char hash[HASH_LEN], int *iterations)
{
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(ctx->db,
                           "SELECT iterations, salt, hash FROM web_passwords WHERE user = ?1 AND "
                           "algorithm = 'pbkdf2-sha256'",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 1) == SALT_LEN &&
            sqlite3_column_bytes(st, 2) == HASH_LEN) {
            *iterations = sqlite3_column_int(st, 0);
            memcpy(salt, sqlite3_column_blob(st, 1), SALT_LEN);
            memcpy(hash, sqlite3_column_blob(st, 2), HASH_LEN);
            rc = 0;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

web_sign_in_result web_password_check(host_ctx *ctx, const char *user, const char *password,
                                      int64_t *wait_ms)
{
    *wait_ms = 0;
    int64_t now = clock_now_ms(ctx);
    int64_t failures, last_ms, locked_until;
    host_lock(ctx);
    failures_of(ctx, user, &failures, &last_ms, &locked_until);
    unsigned char salt[SALT_LEN], want[HASH_LEN], got[HASH_LEN];
    int iterations = WEB_PBKDF2_ITERATIONS;
    int has_hash = stored_hash(ctx, user, salt, want, &iterations) == 0;
    host_unlock(ctx);
    if (locked_until > now) {
        *wait_ms = locked_until - now;
        return WEB_SIGN_IN_LOCKED;
    }
    if (failures >= WEB_THROTTLE_AFTER) {
        int64_t wait = (int64_t)WEB_THROTTLE_BASE_MS << (failures - WEB_THROTTLE_AFTER);
        if (now < last_ms + wait) {
            *wait_ms = last_ms + wait - now;
            return WEB_SIGN_IN_THROTTLED;
        }
    }
    /* Unknown users cost the same PBKDF2 as known ones: timing tells nothing. */
    if (!has_hash) {
        memset(salt, 0, sizeof salt);
        memset(want, 0xff, sizeof want);
    }
    if (derive(password, salt, sizeof salt, iterations > 0 ? iterations : WEB_PBKDF2_ITERATIONS,
               got) != 0)
        return WEB_SIGN_IN_ERROR;
    int match = has_hash && CRYPTO_memcmp(got, want, HASH_LEN) == 0;
    OPENSSL_cleanse(got, sizeof got);
    OPENSSL_cleanse(want, sizeof want);
    host_lock(ctx);
    if (match) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(ctx->db, "DELETE FROM web_sign_in_failures WHERE user = ?1", -1, &st,
                               NULL) == SQLITE_OK) {
            sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
            sqlite3_step(st);
        }
        sqlite3_finalize(st);
    } else {
        /* re-read: a concurrent attempt may have counted meanwhile */
        failures_of(ctx, user, &failures, &last_ms, &locked_until);
        record_failure(ctx, user, failures + 1, now);
        if (failures + 1 >= WEB_LOCK_AFTER)
            *wait_ms = WEB_LOCK_MS;
    }
    host_unlock(ctx);
    if (match)
        return WEB_SIGN_IN_OK;
    return failures + 1 >= WEB_LOCK_AFTER ? WEB_SIGN_IN_LOCKED : WEB_SIGN_IN_WRONG;
}
