/* host_view.h — what the host says about a server, through the services table: whether it
 * is virtual, its KSN settings and the installed KSN file version. Shared by the activation,
 * usage and KSN areas. */
#ifndef MDR_HOST_VIEW_H
#define MDR_HOST_VIEW_H

#include "module.h"

#include <json-c/json.h>
#include <stddef.h>

/* 1 when `server` (NULL = main) is a virtual Administration Server, 0 when not, -1 unknown. */
int mdr_server_is_virtual(ksc_module *m, const char *server);

/* The host's KSN settings of `server` as parsed JSON (new reference), NULL when unknown. */
json_object *mdr_host_ksn_settings(ksc_module *m, const char *server);

/* The installed KSN file version of `server` ("" when none) into out. */
void mdr_host_ksn_version(json_object *settings, char *out, size_t out_size);

#endif
