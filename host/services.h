/* services.h — the ksc_host_services table the host hands each module. */
#ifndef KSC_HOST_SERVICES_H
#define KSC_HOST_SERVICES_H

#include "host.h"

/* Fills `services` for a module whose handle is `handle` (handle->ctx and ->module set).
 * Creates data_dir/modules/NAME (0700). Returns 0, or -1 with a message on stderr. */
int services_fill(struct ksc_host *handle, ksc_host_services *services);

#endif
