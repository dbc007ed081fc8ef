/* secret.c — key material for the modules' encryption at rest. */
#include "secret.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MASTER_LEN 32

static int read_exact(const char *path, unsigned char *buf, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, buf + got, len - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    return got == len ? 0 : -1;
}

/* Creates the key atomically: written to a temporary file, then link()ed into place, so a
 * concurrent process either wins or reads the winner's complete key. */
static int master_key(host_ctx *ctx, unsigned char key[MASTER_LEN])
{
    char path[PATH_MAX], tmp[PATH_MAX];
    if (host_path_resolve(ctx->cfg.data_dir, "host.key", path, sizeof path) != 0 ||
        host_path_resolve(ctx->cfg.data_dir, "host.key.XXXXXX", tmp, sizeof tmp) != 0)
        return -1;
    if (read_exact(path, key, MASTER_LEN) == 0)
        return 0;
    int fd = mkstemp(tmp); /* mode 0600 */
    if (fd < 0)
        return -1;
    unsigned char fresh[MASTER_LEN];
    int ok = RAND_bytes(fresh, MASTER_LEN) == 1 && write(fd, fresh, MASTER_LEN) == MASTER_LEN &&
             fsync(fd) == 0;
    close(fd);
    if (ok && link(tmp, path) != 0 && errno != EEXIST)
        ok = 0;
    unlink(tmp);
    OPENSSL_cleanse(fresh, sizeof fresh);
    return ok ? read_exact(path, key, MASTER_LEN) : -1;
}

ksc_status secret_module_key(host_ctx *ctx, const char *module, unsigned char *out, size_t len)
{
    if (!out || len == 0 || len > 64)
        return KSC_ERR_INVALID;
    unsigned char key[MASTER_LEN];
    host_lock(ctx);
    int rc = master_key(ctx, key);
    host_unlock(ctx);
    if (rc != 0) {
        host_log(ctx, "", KSC_LOG_ERROR, "cannot read or create %s/host.key", ctx->cfg.data_dir);
        return KSC_ERR_FAILED;
    }
    char info[128];
    snprintf(info, sizeof info, "ksc-module:%s", module);
    ksc_status status = KSC_ERR_FAILED;
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *kctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    if (kctx) {
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0),
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, key, sizeof key),
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, strlen(info)),
            OSSL_PARAM_construct_end()};
        if (EVP_KDF_derive(kctx, out, len, params) == 1)
            status = KSC_OK;
    }
    EVP_KDF_CTX_free(kctx);
    EVP_KDF_free(kdf);
    OPENSSL_cleanse(key, sizeof key);
    return status;
}
