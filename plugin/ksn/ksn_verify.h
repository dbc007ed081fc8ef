/* Verifying a KSN configuration file (docs/ksn-file.md): the PKCS#7 signature, the signer's
 * chain to the configured trust anchor alone, and the XML payload. Self-contained: OpenSSL
 * and libxml2 only; no network, no global state. Thread-safe. */
#ifndef MDR_KSN_VERIFY_H
#define MDR_KSN_VERIFY_H

#include <stddef.h>
#include <stdint.h>

typedef enum mdr_ksn_status {
    MDR_KSN_OK = 0,
    MDR_KSN_ERR_MALFORMED,        /* not a PEM/DER PKCS#7 SignedData with attached content */
    MDR_KSN_ERR_BAD_SIGNATURE,    /* the content does not match its signature (forged) */
    MDR_KSN_ERR_UNTRUSTED_SIGNER, /* the signer does not chain to the trust anchor */
    MDR_KSN_ERR_EXPIRED,          /* expires <= now */
    MDR_KSN_ERR_NOT_YET_VALID,    /* issued > now + 5 minutes */
    MDR_KSN_ERR_BAD_PAYLOAD,      /* the signed XML is malformed or incomplete */
    MDR_KSN_ERR_TRUST_ANCHOR,     /* the trust anchor file is missing or holds no certificate */
    MDR_KSN_ERR_ARCHIVE,          /* MDR configuration ZIP unreadable */
    MDR_KSN_ERR_ARCHIVE_NO_FILE,  /* … holds no .pkcs7/.pem file */
    MDR_KSN_ERR_ARCHIVE_SEVERAL,  /* … holds more than one */
    MDR_KSN_ERR_INTERNAL          /* out of memory */
} mdr_ksn_status;

typedef struct mdr_ksn_error {
    mdr_ksn_status status;
    char detail[256]; /* English technical detail, e.g. "certificate has expired" */
} mdr_ksn_error;

typedef struct mdr_ksn_server {
    char *address;
    int port;
} mdr_ksn_server;

typedef struct mdr_ksn_info {
    int64_t version;
    char version_text[24]; /* the decimal text of version */
    int64_t issued_ms;
    int64_t expires_ms;
    char *organization_id;
    char *region;
    mdr_ksn_server *servers;
    size_t server_count;
    char *telemetry_key_id;
    char *telemetry_key_algorithm; /* "" when absent */
    char sha256_hex[65];           /* of the file as given (PEM or DER bytes) */
} mdr_ksn_info;

#define MDR_KSN_MAX_FILE (4 * 1024 * 1024)
#define MDR_KSN_MAX_PAYLOAD (1024 * 1024)
#define MDR_KSN_CLOCK_SKEW_MS (5 * 60 * 1000)

/* Verifies `file` (PEM or DER) against the PEM trust anchor(s) at trust_anchor_pem_path at
 * host time now_ms. On MDR_KSN_OK fills *out (release with mdr_ksn_info_clear); otherwise
 * *out is left empty and err (may be NULL) says why. */
mdr_ksn_status mdr_ksn_verify(const void *file, size_t len, const char *trust_anchor_pem_path,
                              int64_t now_ms, mdr_ksn_info *out, mdr_ksn_error *err);

void mdr_ksn_info_clear(mdr_ksn_info *info);

/* Compares two version texts (positive decimal integers): *cmp < 0, 0, > 0 as a is older,
 * equal, newer than b. Returns 0, or -1 when either is not a valid version. */
int mdr_ksn_version_compare(const char *a, const char *b, int *cmp);

/* Parses a version text: digits only, 1..999999999999999999. 0 on success. */
int mdr_ksn_version_parse(const char *text, int64_t *version);

/* Parses YYYY-MM-DDThh:mm:ssZ to ms since the epoch. 0 on success. */
int mdr_ksn_parse_time(const char *text, int64_t *ms);

/* Stable catalog key ("ksn.error.expired") and English text of a status. */
const char *mdr_ksn_status_key(mdr_ksn_status status);
const char *mdr_ksn_status_text(mdr_ksn_status status);

#endif
