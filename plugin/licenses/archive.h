/* archive.h — the MDR configuration file (a ZIP) the cloud sends for a license or a
 * tenant, checked before one byte reaches the administrator: the base64 decodes, size and
 * SHA-256 match what the cloud announced, the archive opens (libzip) and holds exactly the
 * files of its variant (docs/cloud-api.md: blob = KSN + .p7; bat = KSN + .bat; with_kea =
 * KSN + .p7 + .bat; without_kea = KSN + .p7, no .bat), and its KSN configuration file
 * verifies like the installed one does (mdr_ksn_verify_zip: signature, signer chain to
 * ksn.trust_anchor, payload, not expired on the host clock). Then it streams out. */
#ifndef MDR_CONFIG_ARCHIVE_H
#define MDR_CONFIG_ARCHIVE_H

#include "ksn/ksn_verify.h"
#include "core/rule_error.h"

#include <json-c/json.h>
#include <ksc/plugin.h>
#include <stddef.h>
#include <stdint.h>

#define MDR_ARCHIVE_MAX_BYTES (32 * 1024 * 1024)

typedef enum mdr_archive_variant {
    MDR_ARCHIVE_BLOB,
    MDR_ARCHIVE_BAT,
    MDR_ARCHIVE_WITH_KEA,
    MDR_ARCHIVE_WITHOUT_KEA
} mdr_archive_variant;

/* The cloud's name of a variant: "blob", "bat", "with_kea", "without_kea". */
const char *mdr_archive_variant_name(mdr_archive_variant v);

typedef struct mdr_archive {
    unsigned char *zip;
    size_t len;
    char file_name[128]; /* safe for a file system: [A-Za-z0-9._-], ends in .zip */
    char sha256[65];
    json_object *entries; /* [names] */
    mdr_ksn_info ksn;     /* of the KSN file inside */
} mdr_archive;

/* Checks the cloud's answer {file_name, size, sha256, content_base64, …}. 0 with *out
 * filled (release with mdr_archive_free), or -1 with e: archive_malformed (the answer or the
 * ZIP cannot be read, or size/sha256 differ), archive_contents (a file of the variant is
 * missing or one is there that should not be; details.missing / .unexpected),
 * archive_not_verified (details.reason = the KSN status key, .detail in English). */
int mdr_archive_check(json_object *answer, mdr_archive_variant variant,
                      const char *trust_anchor_path, int64_t now_ms, mdr_archive *out,
                      mdr_rule_error *e);

/* Streams the archive through `output` (begin "application/zip", then the bytes). */
ksc_status mdr_archive_write(const mdr_archive *a, ksc_output *output);

/* {file_name, size, sha256, entries, ksn: {version, expires_time, expires_date}} (new). */
json_object *mdr_archive_summary(const mdr_archive *a);

void mdr_archive_free(mdr_archive *a);

#endif
