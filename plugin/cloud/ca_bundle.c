#include "ca_bundle.h"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_CA_FILE (16L * 1024 * 1024)

typedef struct file_id {
    char *path;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
} file_id;

struct mdr_ca_bundle {
    pthread_mutex_t lock;
    char *curl_default;    /* libcurl's built-in CA bundle path, or NULL */
    file_id system, extra; /* what `blob` was built from */
    char *blob;
    size_t blob_len;
};

mdr_ca_bundle *mdr_ca_bundle_new(void)
{
    mdr_ca_bundle *b = calloc(1, sizeof(*b));
    if (!b)
        return NULL;
    pthread_mutex_init(&b->lock, NULL);
    CURL *h = curl_easy_init();
    if (h) {
        char *path = NULL;
        if (curl_easy_getinfo(h, CURLINFO_CAINFO, &path) == CURLE_OK && path)
            b->curl_default = strdup(path);
        curl_easy_cleanup(h);
    }
    return b;
}

void mdr_ca_bundle_free(mdr_ca_bundle *b)
{
    if (!b)
        return;
    pthread_mutex_destroy(&b->lock);
    free(b->curl_default);
    free(b->system.path);
    free(b->extra.path);
    free(b->blob);
    free(b);
}

const char *mdr_ca_bundle_system_path(const mdr_ca_bundle *b)
{
    const char *env = getenv(X509_get_default_cert_file_env());
    if (env && env[0])
        return env;
    if (b->curl_default)
        return b->curl_default;
    return X509_get_default_cert_file();
}

static int same_file(const file_id *id, const char *path, const struct stat *st)
{
    if (!id->path || !path)
        return !id->path && !path;
    return strcmp(id->path, path) == 0 && id->dev == st->st_dev && id->ino == st->st_ino &&
           id->size == st->st_size && id->mtime.tv_sec == st->st_mtim.tv_sec &&
           id->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

static int remember(file_id *id, const char *path, const struct stat *st)
{
    free(id->path);
    memset(id, 0, sizeof(*id));
    if (!path)
        return 0;
    id->path = strdup(path);
    id->dev = st->st_dev;
    id->ino = st->st_ino;
    id->size = st->st_size;
    id->mtime = st->st_mtim;
    return id->path ? 0 : -1;
}

/* Appends the whole file to buf; -1 with errno on failure. */
static int read_append(const char *path, char **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char chunk[16384];
    size_t n;
    int rc = 0;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (*len + n + 2 > (size_t)MAX_CA_FILE * 2) {
            errno = EFBIG;
            rc = -1;
            break;
        }
        char *p = realloc(*buf, *len + n + 2);
        if (!p) {
            rc = -1;
            break;
        }
        *buf = p;
        memcpy(*buf + *len, chunk, n);
        *len += n;
    }
    if (ferror(f))
        rc = -1;
    fclose(f);
    if (rc == 0 && *buf) {
        (*buf)[(*len)++] = '\n'; /* a bundle without a final newline still concatenates */
        (*buf)[*len] = '\0';
    }
    return rc;
}

static int count_certificates(const char *data, size_t len)
{
    BIO *bio = BIO_new_mem_buf(data, (int)len);
    if (!bio)
        return 0;
    STACK_OF(X509_INFO) *infos = PEM_X509_INFO_read_bio(bio, NULL, NULL, NULL);
    BIO_free(bio);
    int count = 0;
    for (int i = 0; infos && i < sk_X509_INFO_num(infos); i++)
        count += sk_X509_INFO_value(infos, i)->x509 != NULL;
    sk_X509_INFO_pop_free(infos, X509_INFO_free);
    return count;
}

static mdr_cloud_status config_error(mdr_cloud_error *err, const mdr_http_settings *s,
                                     const char *problem)
{
    mdr_cloud_fail(err, MDR_CLOUD_ERR_CONFIG, "the extra CA file %.120s %s", s->extra_ca_file,
                   problem);
    if (err)
        snprintf(err->setting, sizeof(err->setting), "%s", s->extra_ca_setting);
    return MDR_CLOUD_ERR_CONFIG;
}

static mdr_cloud_status unreadable(mdr_cloud_error *err, const mdr_http_settings *s, int errnum)
{
    char problem[128];
    snprintf(problem, sizeof(problem), "cannot be read (%s)", strerror(errnum));
    return config_error(err, s, problem);
}

/* Rebuilds the blob when the extra file or the system bundle changed. Caller holds lock. */
static mdr_cloud_status refresh_blob(mdr_ca_bundle *b, const mdr_http_settings *s,
                                     mdr_cloud_error *err)
{
    struct stat extra_st, system_st;
    if (stat(s->extra_ca_file, &extra_st) != 0)
        return unreadable(err, s, errno);
    if (!S_ISREG(extra_st.st_mode))
        return config_error(err, s, "is not a file");
    const char *system_path = mdr_ca_bundle_system_path(b);
    if (system_path && stat(system_path, &system_st) != 0)
        system_path = NULL; /* no readable system bundle: the extra file alone */
    if (b->blob && same_file(&b->extra, s->extra_ca_file, &extra_st) &&
        same_file(&b->system, system_path, &system_st))
        return MDR_CLOUD_OK;

    char *extra = NULL;
    size_t extra_len = 0;
    if (read_append(s->extra_ca_file, &extra, &extra_len) != 0) {
        free(extra);
        return unreadable(err, s, errno);
    }
    if (!extra || count_certificates(extra, extra_len) == 0) {
        free(extra);
        return config_error(err, s, "holds no PEM certificate");
    }
    char *blob = NULL;
    size_t blob_len = 0;
    if (system_path && read_append(system_path, &blob, &blob_len) != 0) {
        free(blob); /* unreadable system bundle: trust the extra file alone */
        blob = NULL;
        blob_len = 0;
        system_path = NULL;
    }
    char *all = realloc(blob, blob_len + extra_len + 1);
    if (!all) {
        free(blob);
        free(extra);
        return mdr_cloud_fail(err, MDR_CLOUD_ERR_INTERNAL, "out of memory");
    }
    memcpy(all + blob_len, extra, extra_len + 1);
    free(extra);
    free(b->blob);
    b->blob = all;
    b->blob_len = blob_len + extra_len;
    if (remember(&b->extra, s->extra_ca_file, &extra_st) != 0 ||
        remember(&b->system, system_path, &system_st) != 0) {
        free(b->blob);
        b->blob = NULL;
        return mdr_cloud_fail(err, MDR_CLOUD_ERR_INTERNAL, "out of memory");
    }
    return MDR_CLOUD_OK;
}

mdr_cloud_status mdr_ca_bundle_apply(mdr_ca_bundle *b, CURL *h, const mdr_http_settings *s,
                                     mdr_cloud_error *err)
{
    if (!s->extra_ca_file) {
        const char *system_path = mdr_ca_bundle_system_path(b);
        if (system_path)
            curl_easy_setopt(h, CURLOPT_CAINFO, system_path);
        return MDR_CLOUD_OK;
    }
    pthread_mutex_lock(&b->lock);
    mdr_cloud_status st = refresh_blob(b, s, err);
    if (st == MDR_CLOUD_OK) {
        /* libcurl copies the blob; it also compares it when reusing a connection, so a
         * changed trust set never rides on a connection verified under the old one. */
        struct curl_blob blob = {b->blob, b->blob_len, CURL_BLOB_COPY};
        curl_easy_setopt(h, CURLOPT_CAINFO, NULL);
        curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &blob);
    }
    pthread_mutex_unlock(&b->lock);
    return st;
}
