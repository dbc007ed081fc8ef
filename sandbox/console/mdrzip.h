/*
 * mdrzip — the MDR configuration file: a ZIP (libzip, in memory) holding the KSN
 * configuration file, a BLOB (PKCS#7 .p7, DER, signed by the KSN signer) naming the
 * organization / license / tenant, and a BAT for legacy deployment.
 *
 * Variants (docs/cloud-api.md): per license "blob" (KSN + BLOB) or "bat" (KSN + BAT);
 * per tenant "with_kea" (KSN + BLOB for Kaspersky Endpoint Agent + BAT) or "without_kea"
 * (KSN + BLOB for Kaspersky Endpoint Security without the agent).
 */
#ifndef SBX_MDRZIP_H
#define SBX_MDRZIP_H

#include "console/ksnsign.h"

#include <stddef.h>
#include <stdint.h>

typedef enum mdrzip_variant {
    MDRZIP_BLOB,
    MDRZIP_BAT,
    MDRZIP_WITH_KEA,
    MDRZIP_WITHOUT_KEA
} mdrzip_variant;

/* "blob", "bat", "with_kea", "without_kea" → variant; -1 if unknown. */
int mdrzip_variant_parse(const char *name);

typedef struct mdrzip_input {
    const char *ksn_pem; /* the signed KSN configuration file */
    const char *org_id;
    const char *org_name;
    const char *region;
    const char *license_id;
    const char *tenant_id;   /* NULL: the root tenant */
    const char *tenant_name; /* NULL: the root tenant */
    int64_t expires_ms;      /* validity of the BLOB (license or tenant expiry) */
    int64_t now_ms;
    mdrzip_variant variant;
} mdrzip_input;

/* File names inside the archive. */
#define MDRZIP_KSN_NAME "ksn_configuration.pem"
#define MDRZIP_BLOB_NAME "mdr_configuration.p7"
#define MDRZIP_BAT_NAME "mdr_deploy.bat"

/* Builds the archive (malloc'd bytes). 0 = ok. */
int mdrzip_build(const ksn_pki *pki, const mdrzip_input *in, unsigned char **zip, size_t *zip_len,
                 char *err, size_t errlen);

/* The archive's file name for downloads, e.g. "mdr_configuration_<license>_blob.zip". */
void mdrzip_file_name(const mdrzip_input *in, char *out, size_t size);

#endif
