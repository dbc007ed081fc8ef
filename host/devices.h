/* devices.h — the managed-device inventory: storage, iteration, import, generation. */
#ifndef KSC_HOST_DEVICES_H
#define KSC_HOST_DEVICES_H

#include "host.h"

#include <json-c/json.h>

#define DEVICE_MAX_APPS 16
#define DEVICE_MAX_COMPONENTS 16 /* per application */

/* services->devices_foreach / device_get. */
ksc_status devices_foreach(host_ctx *ctx, const char *server, ksc_device_cb cb, void *cb_ctx);
ksc_status devices_get(host_ctx *ctx, const char *device_id, ksc_device_cb cb, void *cb_ctx);
/* services->devices_revision: moved by every write to the devices table (triggers of the
 * store's schema); 0 when the store cannot be read. */
uint64_t devices_revision(host_ctx *ctx);

/* Imports a JSON document (see docs/host.md) in one transaction: all or nothing. Returns 0,
 * or -1 with a message in err. *count gets the number imported. */
int devices_import(host_ctx *ctx, json_object *doc, size_t *count, char *err, size_t err_size);

/* Generates `count` devices with common/seedgen (the last `never_sent` from the never-sent
 * space), managed by `server`, in one transaction. Ids are replaced when they exist. */
int devices_generate(host_ctx *ctx, uint64_t seed, uint32_t count, uint32_t never_sent, int tenants,
                     const char *server, char *err, size_t err_size);

/* A device as JSON (for `devices list`). */
json_object *devices_to_json(const ksc_device *d);

/* Whether s is a UUID (8-4-4-4-12 hex digits). */
int devices_valid_uuid(const char *s);

#endif
