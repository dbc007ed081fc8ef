/* rights.h — functional areas (the host's and the modules') and the rights rule. */
#ifndef KSC_HOST_RIGHTS_H
#define KSC_HOST_RIGHTS_H

#include "host.h"

#define HOST_AREA_APP_INTEGRATION "ksc.application_integration"

/* 1 if `user` holds `area` on `server` (NULL = main): the main administrator holds every
 * area; anyone else needs a role granted globally or on that server that allows it, and no
 * granted role that denies it. 0 for an unknown user or server. Thread-safe. */
int rights_has(host_ctx *ctx, const char *user, const char *server, const char *area);

/* Whether `area` is a host area or an area of a loaded module. */
int rights_area_known(const host_ctx *ctx, const char *area);

/* The title of an area in `lang` (host areas: built in; module areas: the module's
 * translate). Static or module-owned; never NULL. */
const char *rights_area_title(const host_ctx *ctx, const char *area, const char *lang);

/* The host's own areas: ids and count. */
size_t rights_host_area_count(void);
const char *rights_host_area_id(size_t i);

#endif
