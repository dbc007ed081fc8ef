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

#endif
