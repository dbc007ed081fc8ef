/* secrets at rest: roundtrip; tampering, another name or another key refused. */
#include "core/secret.h"
#include "core/store.h"
#include "unit.h"

static int contains(const unsigned char *hay, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(hay + i, needle, m) == 0)
            return 1;
    return 0;
}

static mdr_secret_key key(unsigned char seed)
{
    unsigned char ikm[32];
    memset(ikm, seed, sizeof ikm);
    mdr_secret_key k;
    CU_ASSERT_EQUAL(mdr_secret_key_derive(ikm, sizeof ikm, &k), 0);
    return k;
}

static void secret__roundtrip(void)
{
    mdr_secret_key k = key(1);
    const char *token = "eyJhbGciOi.refresh.token";
    unsigned char *sealed, *plain;
    size_t sealed_len, plain_len;
    CU_ASSERT_EQUAL_FATAL(
        mdr_secret_seal(&k, "cloud.refresh_token", token, strlen(token), &sealed, &sealed_len), 0);
    CU_ASSERT_FALSE(contains(sealed, sealed_len, token));
    CU_ASSERT_EQUAL_FATAL(
        mdr_secret_open(&k, "cloud.refresh_token", sealed, sealed_len, &plain, &plain_len), 0);
    CU_ASSERT_EQUAL(plain_len, strlen(token));
    CU_ASSERT_STRING_EQUAL((char *)plain, token);
    mdr_secret_free(plain, plain_len);
    /* A fresh nonce every time: the same secret never seals the same way twice. */
    unsigned char *again;
    size_t again_len;
    CU_ASSERT_EQUAL(
        mdr_secret_seal(&k, "cloud.refresh_token", token, strlen(token), &again, &again_len), 0);
    CU_ASSERT_NOT_EQUAL(memcmp(sealed, again, sealed_len), 0);
    free(again);
    free(sealed);
    /* The empty secret works too. */
    CU_ASSERT_EQUAL(mdr_secret_seal(&k, "e", "", 0, &sealed, &sealed_len), 0);
    CU_ASSERT_EQUAL(mdr_secret_open(&k, "e", sealed, sealed_len, &plain, &plain_len), 0);
    CU_ASSERT_EQUAL(plain_len, 0);
    mdr_secret_free(plain, plain_len);
    free(sealed);
}

static void secret__tampering_refused(void)
{
    mdr_secret_key k = key(2);
    unsigned char *sealed, *plain;
    size_t sealed_len, plain_len;
    CU_ASSERT_EQUAL_FATAL(mdr_secret_seal(&k, "n", "password", 8, &sealed, &sealed_len), 0);
    for (size_t i = 0; i < sealed_len; i++) {
        sealed[i] ^= 0x01;
        CU_ASSERT_EQUAL(mdr_secret_open(&k, "n", sealed, sealed_len, &plain, &plain_len), -1);
        CU_ASSERT_PTR_NULL(plain);
        sealed[i] ^= 0x01;
    }
    CU_ASSERT_EQUAL(mdr_secret_open(&k, "n", sealed, sealed_len - 1, &plain, &plain_len), -1);
    CU_ASSERT_EQUAL(mdr_secret_open(&k, "n", sealed, 5, &plain, &plain_len), -1);
    free(sealed);
}

static void secret__wrong_name_or_key_refused(void)
{
    mdr_secret_key k = key(3), other = key(4);
    unsigned char *sealed, *plain;
    size_t sealed_len, plain_len;
    CU_ASSERT_EQUAL_FATAL(mdr_secret_seal(&k, "proxy.password", "pw", 2, &sealed, &sealed_len), 0);
    CU_ASSERT_EQUAL(mdr_secret_open(&k, "api.token", sealed, sealed_len, &plain, &plain_len), -1);
    CU_ASSERT_EQUAL(
        mdr_secret_open(&other, "proxy.password", sealed, sealed_len, &plain, &plain_len), -1);
    CU_ASSERT_EQUAL(mdr_secret_open(&k, "proxy.password", sealed, sealed_len, &plain, &plain_len),
                    0);
    mdr_secret_free(plain, plain_len);
    free(sealed);
}

static void secret__store_table(void)
{
    char dir[64], path[128], err[256];
    temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/mdr.db", dir);
    const mdr_migration *m;
    size_t n;
    mdr_store *s = NULL;
    CU_ASSERT_EQUAL_FATAL(mdr_store_builtin_migrations(&m, &n, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(mdr_store_open(path, m, n, &s, err, sizeof err), 0);
    sqlite3 *db = mdr_store_conn(s);
    mdr_secret_key k = key(5);
    unsigned char *v;
    size_t len;
    CU_ASSERT_EQUAL(mdr_secret_get(db, &k, "token", &v, &len), 1);
    CU_ASSERT_EQUAL(mdr_secret_put(db, &k, "token", "abc", 3, 1000), 0);
    CU_ASSERT_EQUAL(mdr_secret_get(db, &k, "token", &v, &len), 0);
    CU_ASSERT_STRING_EQUAL((char *)v, "abc");
    mdr_secret_free(v, len);
    /* A sealed value copied under another name is refused. */
    CU_ASSERT_EQUAL(sqlite3_exec(db,
                                 "INSERT INTO secrets SELECT 'other', sealed, 0 FROM secrets "
                                 "WHERE name = 'token'",
                                 NULL, NULL, NULL),
                    SQLITE_OK);
    CU_ASSERT_EQUAL(mdr_secret_get(db, &k, "other", &v, &len), -1);
    CU_ASSERT_EQUAL(mdr_secret_delete(db, "token"), 0);
    CU_ASSERT_EQUAL(mdr_secret_get(db, &k, "token", &v, &len), 1);
    mdr_store_close(s);
    remove_tree(dir);
}

int main(void)
{
    static const unit_test tests[] = {
        {"secret__roundtrip", secret__roundtrip},
        {"secret__tampering_refused", secret__tampering_refused},
        {"secret__wrong_name_or_key_refused", secret__wrong_name_or_key_refused},
        {"secret__store_table", secret__store_table},
        {NULL, NULL}};
    return run_tests("secret", tests);
}
