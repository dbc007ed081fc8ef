/* secret.h — secrets at rest (tokens, passwords): AES-256-GCM under a key derived with
 * HKDF-SHA256 from the host's services->secret_key, a fresh random nonce per seal, and the
 * secret's name as associated data — so a sealed value moved to another name, altered, or
 * opened with another key is refused.
 * Sealed layout: version byte (1) | nonce (12) | ciphertext | tag (16). */
#ifndef MDR_SECRET_H
#define MDR_SECRET_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#define MDR_SECRET_KEY_LEN 32

typedef struct mdr_secret_key {
    unsigned char bytes[MDR_SECRET_KEY_LEN];
} mdr_secret_key;

/* Derives the sealing key from the host's key material. 0 or -1. */
int mdr_secret_key_derive(const unsigned char *ikm, size_t ikm_len, mdr_secret_key *out);

/* Seals `plain` under `name`: *sealed is malloc'd. 0 or -1. */
int mdr_secret_seal(const mdr_secret_key *key, const char *name, const void *plain,
                    size_t plain_len, unsigned char **sealed, size_t *sealed_len);

/* Opens a sealed value: *plain is malloc'd with a NUL after plain_len bytes (so text secrets
 * are C strings); release it with mdr_secret_free. -1 when tampered, truncated, of another
 * name or key. */
int mdr_secret_open(const mdr_secret_key *key, const char *name, const unsigned char *sealed,
                    size_t sealed_len, unsigned char **plain, size_t *plain_len);

/* Wipes then frees a secret returned by mdr_secret_open/mdr_secret_get. NULL is a no-op. */
void mdr_secret_free(void *plain, size_t len);

/* The `secrets` table of the store. put: 0 or -1. get: 0 found, 1 absent, -1 store error or
 * refused (tampered). delete: 0 or -1. */
int mdr_secret_put(sqlite3 *db, const mdr_secret_key *key, const char *name, const void *value,
                   size_t len, int64_t now_ms);
int mdr_secret_get(sqlite3 *db, const mdr_secret_key *key, const char *name, unsigned char **value,
                   size_t *len);
int mdr_secret_delete(sqlite3 *db, const char *name);

#endif
