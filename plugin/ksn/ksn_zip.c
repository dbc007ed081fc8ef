#include "ksn_zip.h"
#include "ksn_payload.h"

#include <strings.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

static int has_ksn_extension(const char *name)
{
    size_t n = strlen(name);
    if (n > 0 && name[n - 1] == '/') /* a directory */
        return 0;
    return (n > 6 && strcasecmp(name + n - 6, ".pkcs7") == 0) ||
           (n > 4 && strcasecmp(name + n - 4, ".pem") == 0);
}

mdr_ksn_status mdr_ksn_find_in_zip(const void *zip_data, size_t zip_len, void **file,
                                   size_t *file_len, char **entry_name, mdr_ksn_error *err)
{
    *file = NULL;
    *file_len = 0;
    if (entry_name)
        *entry_name = NULL;
    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t *src = zip_source_buffer_create(zip_data, zip_len, 0, &zerr);
    zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &zerr) : NULL;
    if (!za) {
        mdr_ksn_status st = mdr_ksn_fail(err, MDR_KSN_ERR_ARCHIVE, "%s", zip_error_strerror(&zerr));
        zip_source_free(src);
        zip_error_fini(&zerr);
        return st;
    }
    zip_error_fini(&zerr);
    mdr_ksn_status st = MDR_KSN_OK;
    zip_int64_t found = -1;
    zip_int64_t entries = zip_get_num_entries(za, 0);
    for (zip_int64_t i = 0; i < entries; i++) {
        const char *name = zip_get_name(za, (zip_uint64_t)i, 0);
        if (!name || !has_ksn_extension(name))
            continue;
        if (found >= 0) {
            st = mdr_ksn_fail(err, MDR_KSN_ERR_ARCHIVE_SEVERAL, "%.100s and %.100s",
                              zip_get_name(za, (zip_uint64_t)found, 0), name);
            goto done;
        }
        found = i;
    }
    if (found < 0) {
        st = mdr_ksn_fail(err, MDR_KSN_ERR_ARCHIVE_NO_FILE, "no entry named *.pkcs7 or *.pem");
        goto done;
    }
    zip_stat_t zs;
    if (zip_stat_index(za, (zip_uint64_t)found, 0, &zs) != 0 || !(zs.valid & ZIP_STAT_SIZE) ||
        zs.size == 0 || zs.size > MDR_KSN_MAX_FILE) {
        st = mdr_ksn_fail(err, MDR_KSN_ERR_ARCHIVE, "the KSN file entry is empty or too large");
        goto done;
    }
    zip_file_t *zf = zip_fopen_index(za, (zip_uint64_t)found, 0);
    unsigned char *buf = malloc(zs.size);
    zip_int64_t got = zf && buf ? zip_fread(zf, buf, zs.size) : -1;
    if (zf)
        zip_fclose(zf);
    if (got != (zip_int64_t)zs.size) {
        free(buf);
        st = mdr_ksn_fail(err, MDR_KSN_ERR_ARCHIVE, "the KSN file entry cannot be read");
        goto done;
    }
    if (entry_name) {
        *entry_name = strdup(zip_get_name(za, (zip_uint64_t)found, 0));
        if (!*entry_name) {
            free(buf);
            st = mdr_ksn_fail(err, MDR_KSN_ERR_INTERNAL, "out of memory");
            goto done;
        }
    }
    *file = buf;
    *file_len = (size_t)zs.size;
done:
    zip_discard(za); /* also frees the source */
    return st;
}

mdr_ksn_status mdr_ksn_verify_zip(const void *zip, size_t zip_len,
                                  const char *trust_anchor_pem_path, int64_t now_ms,
                                  mdr_ksn_info *out, void **file, size_t *file_len,
                                  mdr_ksn_error *err)
{
    memset(out, 0, sizeof(*out));
    void *bytes = NULL;
    size_t len = 0;
    mdr_ksn_status st = mdr_ksn_find_in_zip(zip, zip_len, &bytes, &len, NULL, err);
    if (st == MDR_KSN_OK)
        st = mdr_ksn_verify(bytes, len, trust_anchor_pem_path, now_ms, out, err);
    if (st == MDR_KSN_OK && file) {
        *file = bytes;
        *file_len = len;
    } else {
        free(bytes);
    }
    return st;
}
