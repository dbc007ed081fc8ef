/* licenses.h — the license key repository. */
#ifndef KSC_HOST_LICENSES_H
#define KSC_HOST_LICENSES_H

#include "host.h"

#include <json-c/json.h>

/* [{"id", "product", "code", "expires" (ms or null), "added_at" (ms)}] */
json_object *licenses_list(host_ctx *ctx);
/* Adds a key; expires_ms < 0 = no expiry. *id_out gets the new id ("key-N"). */
ksc_status licenses_add(host_ctx *ctx, const char *code, const char *product, int64_t expires_ms,
                        char *id_out, size_t id_size, char *err, size_t err_size);

#endif
