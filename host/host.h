/*
 * host.h — ksc-host's shared internals: the process context and the per-module handle.
 *
 * One host_ctx per process. Every loaded module gets its own `struct ksc_host` (the opaque
 * handle of plugin.h), so services that are per module (data_dir, secret_key, log prefix)
 * know who calls. The host's own commands use a handle with an empty module name.
 */
#ifndef KSC_HOST_H
#define KSC_HOST_H

#include <ksc/plugin.h>

#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>

#include "config.h"

/* The Security Center version this reference host plays, announced to modules (ABI 1.3). */
#define KSC_HOST_CONSOLE_VERSION "15.1.0"
#define HOST_NAME_MAX_LEN 64 /* users, roles, servers, modules */

typedef struct host_ctx host_ctx;

/* The opaque handle a module sees. */
struct ksc_host {
    host_ctx *ctx;
    char module[HOST_NAME_MAX_LEN + 1]; /* "" for the host itself */
    char data_dir[PATH_MAX];            /* data_dir/modules/NAME, created on demand */
};

typedef struct host_module {
    char name[HOST_NAME_MAX_LEN + 1];
    char file[PATH_MAX];
    char config_path[PATH_MAX];
    void *handle; /* dlopen handle */
    /* The module's descriptor, copied with its arrays into the host's 1.0 layout (a newer
     * minor's larger structs are read with their own stride). Strings stay the module's. */
    const ksc_module_descriptor *desc;
    ksc_module_descriptor desc_copy;
    ksc_area *areas;
    ksc_role_preset *presets;
    ksc_action *actions;
    ksc_module *instance; /* non-NULL once init succeeded */
    struct ksc_host handle_for_module;
    ksc_host_services services;
} host_module;

struct host_ctx {
    host_config cfg;
    sqlite3 *db;          /* one connection, guarded by lock (services are thread-safe) */
    pthread_mutex_t lock; /* recursive: a devices_foreach callback may call other services */
    FILE *log_file;
    host_module *modules;
    size_t module_count;
    struct ksc_host self; /* the handle for the host's own use */
    /* While a module's init runs, its warnings and errors are held here instead of going to
     * stderr (host.log still gets them at once), so that a start failure is reported in one
     * line; a successful init lets them through. Guarded by lock. */
    const char *holding_for; /* the module's name, or NULL */
    char *held;              /* the held lines, each ending in '\n' (malloc'd) */
    size_t held_len;
};

/* Exit codes of the CLI: the ksc_status values 0..4 (see docs/host.md for the mapping). */
enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_DENIED = 3, EXIT_INVALID = 4 };

/* Maps a module's or service's status to the CLI's exit code. */
int host_exit_code(ksc_status status);

/* Opens the context: config, store (migrations), log file. Modules are not loaded. Prints
 * a message on stderr and returns non-zero on failure. */
int host_open(host_ctx *ctx, const char *config_path);
void host_close(host_ctx *ctx);

void host_lock(host_ctx *ctx);
void host_unlock(host_ctx *ctx);

/* Logs a line to stderr (INFO and above) and to data_dir/host.log. */
void host_log(host_ctx *ctx, const char *who, ksc_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Valid names of users, roles, servers: 1..64 of [A-Za-z0-9._@-]. */
int host_valid_name(const char *name);

/* Language codes the console speaks. */
int host_valid_lang(const char *lang);

#endif
