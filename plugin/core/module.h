/*
 * module.h — the MDR module's instance and the conventions every functional area follows.
 *
 * Layout (see docs/module.md):
 *   entry.c      the exported ksc_plugin_entry(), init/shutdown/on_event/translate
 *   actions.c    THE central table: every action and every event hook, one line each
 *   area_*.c     one file per functional area: its action handlers and event hooks
 *   rights.c     areas, role presets and action rights from rights/mdr-rights.xml
 *   i18n.c       XLIFF catalogs from locales/, mdr_tr(), mdr_format()
 *   config.c     the libconfig file (mdr.conf), validated
 *   store.c      SQLite: per-thread connections, migrations, transactions, settings
 *   secret.c     secrets at rest (AES-256-GCM)
 *   request.c    declarative validation of an action's JSON request
 *   reply.c      success and error replies (allocated with services->alloc)
 *   log.c        logging over services->log, with secrets scrubbed
 *   worker.c     the background thread for slow event work; shutdown drains it
 *
 * Adding an action: write `ksc_status mdr_<area>_<verb>(ksc_module *, const ksc_call *,
 * char **)` in plugin/area_<area>.c, declare it in actions.h, add one line to
 * mdr_action_table in actions.c, and one <action> element naming its required areas in
 * rights/mdr-rights.xml (the module refuses to load when the two disagree).
 */
#ifndef MDR_MODULE_H
#define MDR_MODULE_H

#include <ksc/plugin.h>

#include "config.h"
#include "secret.h"
#include "store.h"
#include "worker.h"

#define MDR_MODULE_NAME "mdr"
#define MDR_MODULE_VERSION "1.0.0"

/* The module instance the host gets back from init and passes to every action and event.
 * Everything here is set by init and read-only afterwards (safe from any thread); mutable
 * state lives in the store or behind the owner's own lock. */
struct ksc_module {
    const ksc_host_services *services; /* the host's table; outlives the module */
    mdr_config *config;                /* the validated mdr.conf */
    mdr_store *store;                  /* use mdr_store_conn(module->store) per thread */
    mdr_secret_key secret_key;         /* derived from services->secret_key */
    mdr_worker *worker;                /* background work of event hooks */
    struct cloud_link *cloud;          /* the cloud client and session (cloud_link.h) */
};

/* The host clock (ms since the epoch): the only clock the module uses, so tests can move it. */
static inline int64_t mdr_now(const ksc_module *m)
{
    return m->services->now_ms(m->services->host);
}

/* A copy of a login event, owned by the worker job (valid during the hook). */
typedef struct mdr_login {
    const char *user;
    const char *server;
    const char *lang;
    int64_t now_ms;
} mdr_login;

/* Per-area event hooks, listed in mdr_hook_table (actions.c). on_login and on_timer run on
 * the module's worker thread (slow work allowed, e.g. cloud calls); on_shutdown runs in
 * shutdown after the worker has drained, before the store closes. Any may be NULL. */
typedef struct mdr_area_hooks {
    const char *area; /* a name for logs, e.g. "ksn" */
    void (*on_login)(ksc_module *module, const mdr_login *login);
    void (*on_timer)(ksc_module *module, int64_t now_ms);
    void (*on_shutdown)(ksc_module *module);
} mdr_area_hooks;

/* An action as the module lists it; its required areas come from the rights XML. */
typedef struct mdr_action_def {
    const char *name;
    ksc_action_fn run;
    int produces_file;
    int audit; /* mdr_audit_kind (core/audit.h): 0 a read, else recorded in the audit trail */
} mdr_action_def;

/* actions.c */
extern const mdr_action_def mdr_action_table[];
extern const size_t mdr_action_count;
extern const mdr_area_hooks mdr_hook_table[];
extern const size_t mdr_hook_count;

/* entry.c: the same init/shutdown/on_event the descriptor points to, for unit tests. */
ksc_status mdr_module_init(const ksc_host_services *services, const char *config_path,
                           ksc_module **module, char **error_json);
void mdr_module_shutdown(ksc_module *module);
ksc_status mdr_module_on_event(ksc_module *module, const ksc_event *event);

/* events.c: dispatch an event to `hooks` (on_event uses mdr_hook_table). LOGIN and TIMER are
 * queued on the worker (a TIMER is dropped while one is still pending); SHUTDOWN does
 * nothing here (shutdown itself drains). Returns KSC_ERR_INVALID for a malformed event. */
ksc_status mdr_events_dispatch(ksc_module *module, const mdr_area_hooks *hooks, size_t count,
                               const ksc_event *event);
/* Run every on_shutdown hook of `hooks`. */
void mdr_events_shutdown(ksc_module *module, const mdr_area_hooks *hooks, size_t count);

#endif
