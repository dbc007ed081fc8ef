/* secret.h — the host's master key (data_dir/host.key) and per-module derived keys. */
#ifndef KSC_HOST_SECRET_H
#define KSC_HOST_SECRET_H

#include "host.h"

/* Fills out (len <= 64) with HKDF-SHA256(master, info = "ksc-module:" NAME). The master
 * key is 32 random bytes created once, mode 0600. */
ksc_status secret_module_key(host_ctx *ctx, const char *module, unsigned char *out, size_t len);

#endif
