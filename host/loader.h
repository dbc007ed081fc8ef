/* loader.h — loading modules: dlopen, the entry symbol, ABI and size checks, init/shutdown. */
#ifndef KSC_HOST_LOADER_H
#define KSC_HOST_LOADER_H

#include "host.h"

/* Loads every module the config names. A module that cannot be loaded (missing file, wrong
 * ABI major, malformed descriptor) is refused with a message on stderr naming why, and the
 * others load. Modules are not initialised. Returns the number refused. */
size_t loader_load_all(host_ctx *ctx);

/* Calls the module's init with its services table and config path (once). Returns KSC_OK or
 * the module's status. A failure is reported in one line on stderr: "module NAME failed to
 * start: REASON" (the error object's message, else the last line the module logged); the
 * module's own warnings during a failed init go only to host.log. */
ksc_status loader_init(host_ctx *ctx, host_module *m);
/* The same; on failure *error_json (when given) also receives the module's error text
 * (caller frees), else NULL, for the caller to print on stdout (not on stderr again). */
ksc_status loader_init_verbose(host_ctx *ctx, host_module *m, char **error_json);

/* Initialises every loaded module; those that fail stay loaded but uninitialised. */
void loader_init_all(host_ctx *ctx);

/* Sends an event to every initialised module. */
void loader_fire(host_ctx *ctx, ksc_event_kind kind, const char *user, const char *server,
                 const char *lang);

/* Fires SHUTDOWN and calls shutdown on every initialised module (background work ends). */
void loader_shutdown_all(host_ctx *ctx);

/* Unloads everything (after loader_shutdown_all). */
void loader_unload_all(host_ctx *ctx);

/* The action named `name` and its module, or NULL. */
const ksc_action *loader_find_action(host_ctx *ctx, const char *name, host_module **owner);

#endif
