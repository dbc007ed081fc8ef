#include "archive.h"
#include "cloud/encoding.h"
#include "ksn/ksn_zip.h"
#include "view.h"
#include "core/utc_date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

const char *mdr_archive_variant_name(mdr_archive_variant v)
{
    switch (v) {
    case MDR_ARCHIVE_BLOB:
        return "blob";
    case MDR_ARCHIVE_BAT:
        return "bat";
    case MDR_ARCHIVE_WITH_KEA:
        return "with_kea";
    case MDR_ARCHIVE_WITHOUT_KEA:
        return "without_kea";
    }
    return "?";
}

static int malformed(mdr_rule_error *e, const char *reason)
{
    json_object *d = json_object_new_object();
    json_object_object_add(d, "reason", json_object_new_string(reason));
    return mdr_rule_fail(e, KSC_ERR_FAILED, "archive_malformed", d);
}

static void safe_file_name(const char *given, char *out, size_t size)
{
    size_t n = 0;
    for (const char *p = given; *p && n + 5 < size; p++) {
        char c = *p;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '-' || c == '_';
        out[n++] = ok ? c : '_';
    }
    while (n > 0 && out[0] == '.') /* never a hidden or relative name */
        memmove(out, out + 1, n--);
    out[n] = '\0';
    if (n == 0)
        snprintf(out, size, "mdr_configuration");
    n = strlen(out);
    if (n < 4 || strcasecmp(out + n - 4, ".zip") != 0)
        snprintf(out + n, size - n, ".zip");
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/* Lists the entries and checks them against the variant. */
static int check_entries(const mdr_archive *a, mdr_archive_variant v, json_object *names,
                         mdr_rule_error *e)
{
    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t *src = zip_source_buffer_create(a->zip, a->len, 0, &zerr);
    zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &zerr) : NULL;
    zip_error_fini(&zerr);
    if (!za) {
        zip_source_free(src);
        return malformed(e, "not a ZIP archive");
    }
    int p7 = 0, bat = 0;
    zip_int64_t count = zip_get_num_entries(za, 0);
    for (zip_int64_t i = 0; i < count; i++) {
        const char *name = zip_get_name(za, (zip_uint64_t)i, 0);
        if (!name)
            continue;
        json_object_array_add(names, json_object_new_string(name));
        p7 += ends_with(name, ".p7");
        bat += ends_with(name, ".bat");
    }
    zip_close(za);
    int want_p7 = v != MDR_ARCHIVE_BAT,
        want_bat = v == MDR_ARCHIVE_BAT || v == MDR_ARCHIVE_WITH_KEA;
    const char *missing = p7 == 0 && want_p7     ? "BLOB (.p7)"
                          : bat == 0 && want_bat ? "BAT (.bat)"
                                                 : NULL;
    const char *unexpected = p7 && !want_p7 ? "BLOB (.p7)" : bat && !want_bat ? "BAT (.bat)" : NULL;
    if (p7 > 1 || bat > 1)
        unexpected = p7 > 1 ? "BLOB (.p7)" : "BAT (.bat)";
    if (missing || unexpected) {
        json_object *d = json_object_new_object();
        json_object_object_add(d, "variant", json_object_new_string(mdr_archive_variant_name(v)));
        json_object_object_add(d, "missing", missing ? json_object_new_string(missing) : NULL);
        json_object_object_add(d, "unexpected",
                               unexpected ? json_object_new_string(unexpected) : NULL);
        json_object_object_add(d, "file", json_object_new_string(missing ? missing : unexpected));
        return mdr_rule_fail(e, KSC_ERR_FAILED, "archive_contents", d);
    }
    return 0;
}

int mdr_archive_check(json_object *answer, mdr_archive_variant variant,
                      const char *trust_anchor_path, int64_t now_ms, mdr_archive *out,
                      mdr_rule_error *e)
{
    memset(out, 0, sizeof *out);
    const char *b64 = mdr_json_str(answer, "content_base64", NULL);
    const char *sha = mdr_json_str(answer, "sha256", NULL);
    int64_t size = mdr_json_int(answer, "size", -1);
    if (!b64 || !sha || size < 0)
        return malformed(e, "the answer lacks content_base64, size or sha256");
    if (mdr_base64_decode(b64, MDR_ARCHIVE_MAX_BYTES, &out->zip, &out->len) != 0)
        return malformed(e, "content_base64 is not base64 or too large");
    mdr_sha256_hex(out->zip, out->len, out->sha256);
    if ((int64_t)out->len != size || strcasecmp(out->sha256, sha) != 0) {
        mdr_archive_free(out);
        return malformed(e, "size or SHA-256 differ from what the service announced");
    }
    safe_file_name(mdr_json_str(answer, "file_name", "mdr_configuration.zip"), out->file_name,
                   sizeof out->file_name);
    out->entries = json_object_new_array();
    if (check_entries(out, variant, out->entries, e) != 0) {
        mdr_archive_free(out);
        return -1;
    }
    mdr_ksn_error kerr = {0};
    mdr_ksn_status st = mdr_ksn_verify_zip(out->zip, out->len, trust_anchor_path, now_ms, &out->ksn,
                                           NULL, NULL, &kerr);
    if (st != MDR_KSN_OK) {
        mdr_archive_free(out);
        json_object *d = json_object_new_object();
        json_object_object_add(d, "reason", json_object_new_string(mdr_ksn_status_key(st)));
        json_object_object_add(d, "detail", json_object_new_string(kerr.detail));
        return mdr_rule_fail(e, KSC_ERR_FAILED, "archive_not_verified", d);
    }
    return 0;
}

ksc_status mdr_archive_write(const mdr_archive *a, ksc_output *output)
{
    ksc_status st = output->begin(output->ctx, "application/zip", a->file_name);
    for (size_t off = 0; st == KSC_OK && off < a->len; off += 65536) {
        size_t n = a->len - off < 65536 ? a->len - off : 65536;
        st = output->write(output->ctx, a->zip + off, n);
    }
    return st;
}

json_object *mdr_archive_summary(const mdr_archive *a)
{
    json_object *s = json_object_new_object(), *k = json_object_new_object();
    char date[16];
    json_object_object_add(s, "file_name", json_object_new_string(a->file_name));
    json_object_object_add(s, "size", json_object_new_int64((int64_t)a->len));
    json_object_object_add(s, "sha256", json_object_new_string(a->sha256));
    json_object_object_add(s, "entries", json_object_get(a->entries));
    json_object_object_add(k, "verified", json_object_new_boolean(1));
    json_object_object_add(k, "version", json_object_new_int64(a->ksn.version));
    json_object_object_add(k, "expires_time", json_object_new_int64(a->ksn.expires_ms));
    mdr_utc_date(a->ksn.expires_ms, date, sizeof date);
    json_object_object_add(k, "expires_date", json_object_new_string(date));
    json_object_object_add(s, "ksn", k);
    return s;
}

void mdr_archive_free(mdr_archive *a)
{
    free(a->zip);
    a->zip = NULL;
    json_object_put(a->entries);
    a->entries = NULL;
    mdr_ksn_info_clear(&a->ksn);
}
