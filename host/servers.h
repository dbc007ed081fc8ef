/* servers.h — the main Administration Server and its virtual servers. */
#ifndef KSC_HOST_SERVERS_H
#define KSC_HOST_SERVERS_H

#include "host.h"

#include <json-c/json.h>

int servers_exists(host_ctx *ctx, const char *name);
/* [{"name", "kind", "parent"?, "background_connection"}] */
json_object *servers_list(host_ctx *ctx, int with_details);
ksc_status servers_add_virtual(host_ctx *ctx, const char *name, char *err, size_t err_size);
ksc_status servers_set_background(host_ctx *ctx, const char *name, int on);
int servers_background(host_ctx *ctx, const char *name);
/* What kind of console this host plays (ABI 1.3 console_kind): "on_premises", "cloud",
 * "cloud_trial" (static). Set with `server console-kind KIND`. */
const char *servers_console_kind(host_ctx *ctx);
ksc_status servers_set_console_kind(host_ctx *ctx, const char *kind);

#endif
