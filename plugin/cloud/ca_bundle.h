/* The trust store of the cloud client: the system CA bundle plus the extra CA file
 * (NODE_EXTRA_CA_CERTS / cloud.extra_ca_file), never one instead of the other. */
#ifndef MDR_CA_BUNDLE_H
#define MDR_CA_BUNDLE_H

#include "cloud_error.h"
#include "http_settings.h"

#include <curl/curl.h>

typedef struct mdr_ca_bundle mdr_ca_bundle;

mdr_ca_bundle *mdr_ca_bundle_new(void);
void mdr_ca_bundle_free(mdr_ca_bundle *b);

/* The system bundle file: $SSL_CERT_FILE when set (OpenSSL's override), else libcurl's
 * built-in bundle, else OpenSSL's default file. */
const char *mdr_ca_bundle_system_path(const mdr_ca_bundle *b);

/* Sets the CA options of `h`. With an extra CA file, the trusted set is the system bundle
 * followed by that file (rebuilt when either file changes). A missing extra file, or one
 * without any PEM certificate → MDR_CLOUD_ERR_CONFIG naming the setting. Thread-safe. */
mdr_cloud_status mdr_ca_bundle_apply(mdr_ca_bundle *b, CURL *h, const mdr_http_settings *s,
                                     mdr_cloud_error *err);

#endif
