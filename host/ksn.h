/* ksn.h — each Administration Server's KSN proxy settings. */
#ifndef KSC_HOST_KSN_H
#define KSC_HOST_KSN_H

#include "host.h"

#include <json-c/json.h>

/* The settings of `server` (NULL = main) as JSON (see plugin.h), or NULL when unknown. */
json_object *ksn_settings(host_ctx *ctx, const char *server);
/* Every file installed on the server (a virtual server: its main server), oldest first. */
json_object *ksn_history(host_ctx *ctx, const char *server);

ksc_status ksn_install(host_ctx *ctx, const char *server, const char *user, const void *file,
                       size_t file_len, const char *version, int64_t expires_ms);
ksc_status ksn_kpsn_set(host_ctx *ctx, const char *server, const char *user, int enabled);

/* -1, 0, 1 comparing KSN file versions: as integers when both are decimal integers,
 * otherwise dotted numeric segments (1.10 > 1.9), otherwise byte order. */
int ksn_version_compare(const char *a, const char *b);

#endif
