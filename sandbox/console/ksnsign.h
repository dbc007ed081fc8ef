/*
 * ksnsign — the sandbox's KSN signing PKI and the signed files it hands out.
 *
 * A root CA (the trust anchor the plug-in is given), an intermediate CA and a
 * "KSN configuration signer" certificate, all EC P-256, made once with OpenSSL and kept
 * as a PEM bundle so a restart with --state keeps the same anchor. Files are signed as
 * docs/ksn-file.md says: PKCS#7 SignedData, content attached, SHA-256, PEM.
 */
#ifndef SBX_KSNSIGN_H
#define SBX_KSNSIGN_H

#include <stddef.h>
#include <stdint.h>

typedef struct ksn_pki ksn_pki;

/* A fresh root → intermediate → signer chain. `label` goes into the subject names
 * ("MDR Sandbox KSN", or "Untrusted" for the test signer). NULL on failure (err filled). */
ksn_pki *ksn_pki_generate(const char *label, char *err, size_t errlen);
/* The chain back from ksn_pki_bundle_pem()'s text. */
ksn_pki *ksn_pki_from_bundle(const char *bundle_pem, char *err, size_t errlen);
/* Every certificate and key as one PEM text (malloc'd; keys unencrypted: sandbox only). */
char *ksn_pki_bundle_pem(const ksn_pki *pki);
/* The root certificate alone, PEM (malloc'd): what the plug-in trusts. */
char *ksn_pki_anchor_pem(const ksn_pki *pki);
/* Writes the anchor PEM to `path` (0600 is not needed: a certificate is public). 0 = ok. */
int ksn_pki_write_anchor(const ksn_pki *pki, const char *path, char *err, size_t errlen);
void ksn_pki_free(ksn_pki *pki);

/* A fresh EC P-256 key's public half as DER SubjectPublicKeyInfo (malloc'd). 0 = ok. */
int ksn_telemetry_key_new(unsigned char **der, size_t *der_len);

#define KSN_MAX_SERVERS 4
typedef struct ksn_server {
    const char *address;
    int port;
} ksn_server;

typedef struct ksn_payload {
    unsigned version;  /* >= 1 */
    int64_t issued_ms; /* epoch ms; written at second precision */
    int64_t expires_ms;
    const char *org_id;
    const char *region; /* europe, canada, saudi_arabia, russia, other */
    int server_count;
    ksn_server servers[KSN_MAX_SERVERS];
    const unsigned char *telemetry_spki; /* DER */
    size_t telemetry_spki_len;
} ksn_payload;

/* The XML payload of docs/ksn-file.md (malloc'd, NUL-terminated). NULL if a field is invalid. */
char *ksn_payload_xml(const ksn_payload *p, char *err, size_t errlen);

/* Signs `data` as PKCS#7 SignedData (attached, SHA-256, signer + intermediate included).
 * pem != 0: PEM text ("-----BEGIN PKCS7-----"); else DER. Output malloc'd. 0 = ok. */
int ksn_sign_data(const ksn_pki *pki, const unsigned char *data, size_t len, int pem,
                  unsigned char **out, size_t *out_len, char *err, size_t errlen);

/* The whole KSN configuration file: payload XML signed, PEM (malloc'd). */
char *ksn_sign_file(const ksn_pki *pki, const ksn_payload *p, char *err, size_t errlen);

/* Lower-case hex SHA-256 of data into out[65]. */
void ksn_sha256_hex(const unsigned char *data, size_t len, char out[65]);
/* ISO 8601 UTC "YYYY-MM-DDThh:mm:ssZ" of epoch ms into out[21]. */
void ksn_iso8601(int64_t ms, char out[21]);

#endif
