/* mdrzip — see mdrzip.h. */
#include "console/mdrzip.h"

#include <openssl/evp.h>
#include <zip.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mdrzip_variant_parse(const char *name)
{
    static const char *const names[] = {"blob", "bat", "with_kea", "without_kea"};
    for (int i = 0; name && i < 4; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

static const char *variant_name(mdrzip_variant v)
{
    switch (v) {
    case MDRZIP_BLOB:
        return "blob";
    case MDRZIP_BAT:
        return "bat";
    case MDRZIP_WITH_KEA:
        return "with_kea";
    default:
        return "without_kea";
    }
}

void mdrzip_file_name(const mdrzip_input *in, char *out, size_t size)
{
    snprintf(out, size, "mdr_configuration_%s_%s.zip",
             in->tenant_id ? in->tenant_id : in->license_id, variant_name(in->variant));
}

/* The BLOB's signed content: who the assets report for. Identifiers are ours (no quoting
 * needed) but names are user text, so they are base64-encoded. */
static char *blob_payload(const mdrzip_input *in)
{
    const char *tname = in->tenant_name ? in->tenant_name : "";
    const char *oname = in->org_name ? in->org_name : "";
    size_t tl = strlen(tname), ol = strlen(oname);
    char *t64 = malloc(4 * ((tl + 2) / 3) + 1), *o64 = malloc(4 * ((ol + 2) / 3) + 1);
    size_t cap = 512 + 2 * (tl + ol) + strlen(in->org_id) + strlen(in->license_id) +
                 (in->tenant_id ? strlen(in->tenant_id) : 0) + strlen(in->region);
    char *out = malloc(cap);
    if (t64 && o64 && out) {
        EVP_EncodeBlock((unsigned char *)t64, (const unsigned char *)tname, (int)tl);
        EVP_EncodeBlock((unsigned char *)o64, (const unsigned char *)oname, (int)ol);
        snprintf(out, cap,
                 "mdr-blob-version=1\norganization=%s\norganization_name_b64=%s\nregion=%s\n"
                 "license=%s\ntenant=%s\ntenant_name_b64=%s\nagent=%s\nexpires_ms=%lld\n"
                 "issued_ms=%lld\n",
                 in->org_id, o64, in->region, in->license_id, in->tenant_id ? in->tenant_id : "",
                 t64, in->variant == MDRZIP_WITH_KEA ? "KEA" : "KES", (long long)in->expires_ms,
                 (long long)in->now_ms);
    } else {
        free(out);
        out = NULL;
    }
    free(t64);
    free(o64);
    return out;
}

static char *bat_text(const mdrzip_input *in)
{
    size_t cap = 1024 + strlen(in->org_id) + strlen(in->license_id) +
                 (in->tenant_id ? strlen(in->tenant_id) : 0);
    char *out = malloc(cap);
    if (out)
        snprintf(out, cap,
                 "@echo off\r\n"
                 "rem MDR legacy deployment (sandbox): registers this host for MDR.\r\n"
                 "set MDR_ORGANIZATION=%s\r\n"
                 "set MDR_LICENSE=%s\r\n"
                 "set MDR_TENANT=%s\r\n"
                 "echo Registering the host for MDR organization %%MDR_ORGANIZATION%%\r\n"
                 "exit /b 0\r\n",
                 in->org_id, in->license_id, in->tenant_id ? in->tenant_id : "");
    return out;
}

/* Adds a copy-free buffer; the buffer must live until zip_close. */
static int add_file(zip_t *za, const char *name, const void *data, size_t len, int64_t now_ms)
{
    zip_source_t *s = zip_source_buffer(za, data, len, 0);
    if (!s)
        return -1;
    zip_int64_t idx = zip_file_add(za, name, s, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
        zip_source_free(s);
        return -1;
    }
    zip_file_set_mtime(za, (zip_uint64_t)idx, (time_t)(now_ms / 1000), 0);
    return 0;
}

int mdrzip_build(const ksn_pki *pki, const mdrzip_input *in, unsigned char **zip, size_t *zip_len,
                 char *err, size_t errlen)
{
    int rc = -1;
    char *payload = NULL, *bat = NULL;
    unsigned char *blob = NULL;
    size_t blob_len = 0;
    zip_source_t *src = NULL;
    zip_t *za = NULL;
    zip_error_t ze;
    zip_error_init(&ze);
    int want_blob = in->variant != MDRZIP_BAT;
    int want_bat = in->variant == MDRZIP_BAT || in->variant == MDRZIP_WITH_KEA;

    if (!in->ksn_pem || !in->org_id || !in->license_id || !in->region) {
        snprintf(err, errlen, "incomplete MDR configuration input");
        return -1;
    }
    if (want_blob) {
        payload = blob_payload(in);
        if (!payload || ksn_sign_data(pki, (const unsigned char *)payload, strlen(payload), 0,
                                      &blob, &blob_len, err, errlen))
            goto done;
    }
    if (want_bat && !(bat = bat_text(in)))
        goto done;

    src = zip_source_buffer_create(NULL, 0, 0, &ze);
    if (!src)
        goto done;
    za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    if (!za)
        goto done;
    zip_source_keep(src); /* read the bytes back after zip_close */
    if (add_file(za, MDRZIP_KSN_NAME, in->ksn_pem, strlen(in->ksn_pem), in->now_ms) ||
        (want_blob && add_file(za, MDRZIP_BLOB_NAME, blob, blob_len, in->now_ms)) ||
        (want_bat && add_file(za, MDRZIP_BAT_NAME, bat, strlen(bat), in->now_ms))) {
        zip_discard(za);
        za = NULL;
        goto done;
    }
    if (zip_close(za) != 0) {
        zip_discard(za);
        za = NULL;
        goto done;
    }
    za = NULL;
    if (zip_source_open(src) != 0)
        goto done;
    zip_source_seek(src, 0, SEEK_END);
    zip_int64_t size = zip_source_tell(src);
    zip_source_seek(src, 0, SEEK_SET);
    if (size <= 0 || !(*zip = malloc((size_t)size))) {
        zip_source_close(src);
        goto done;
    }
    if (zip_source_read(src, *zip, (zip_uint64_t)size) != size) {
        free(*zip);
        *zip = NULL;
        zip_source_close(src);
        goto done;
    }
    zip_source_close(src);
    *zip_len = (size_t)size;
    rc = 0;
done:
    if (rc && err && errlen && !err[0])
        snprintf(err, errlen, "cannot build the MDR configuration archive");
    if (src)
        zip_source_free(src);
    zip_error_fini(&ze);
    free(payload);
    free(bat);
    free(blob);
    return rc;
}
