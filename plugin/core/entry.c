/* entry.c — the module's only exported symbol and its lifecycle: the descriptor (built once
 * from the rights XML and the action table), init, shutdown, events, translate. */
#include "actions.h"
#include "audit.h"
#include "cloud_link.h"
#include "i18n.h"
#include "log.h"
#include "module.h"
#include "reply.h"
#include "rights.h"

#include <ctype.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t descriptor_once = PTHREAD_ONCE_INIT;
static ksc_module_descriptor descriptor;
static ksc_action *actions;
static char descriptor_error[600];

static const char *translate(const char *lang, const char *key)
{
    return mdr_tr(lang, key);
}

/* Every title key must exist in English; the C table and the XML must list the same
 * actions. Returns 0 or -1 with descriptor_error. */
static int check_consistency(const mdr_rights *r)
{
    char *e = descriptor_error;
    size_t n = sizeof descriptor_error;
    for (size_t i = 0; i < r->area_count + r->host_area_count; i++) {
        const ksc_area *a = i < r->area_count ? &r->areas[i] : &r->host_areas[i - r->area_count];
        if (!mdr_i18n_lookup(MDR_DEFAULT_LANG, a->title_key)) {
            snprintf(e, n, "area %s: title key \"%s\" missing in locales/mdr.en.xlf", a->id,
                     a->title_key);
            return -1;
        }
    }
    for (size_t i = 0; i < r->role_count; i++)
        if (!mdr_i18n_lookup(MDR_DEFAULT_LANG, r->roles[i].title_key)) {
            snprintf(e, n, "role %s: title key \"%s\" missing in locales/mdr.en.xlf",
                     r->roles[i].id, r->roles[i].title_key);
            return -1;
        }
    for (size_t i = 0; i < mdr_action_count; i++)
        if (!mdr_rights_action_areas(r, mdr_action_table[i].name)) {
            snprintf(e, n,
                     "action %s (plugin/core/actions.c) has no <action> in rights/mdr-rights.xml",
                     mdr_action_table[i].name);
            return -1;
        }
    for (size_t i = 0; i < r->action_count; i++) {
        size_t j = 0;
        while (j < mdr_action_count && strcmp(mdr_action_table[j].name, r->actions[i].name))
            j++;
        if (j == mdr_action_count) {
            snprintf(e, n,
                     "rights/mdr-rights.xml names action %s, which plugin/core/actions.c lacks",
                     r->actions[i].name);
            return -1;
        }
    }
    return 0;
}

static void build_descriptor(void)
{
    char err[512];
    const mdr_rights *r;
    if (mdr_i18n_load(err, sizeof err) != 0 || !(r = mdr_rights_get(err, sizeof err))) {
        snprintf(descriptor_error, sizeof descriptor_error, "%s", err);
        return;
    }
    if (check_consistency(r) != 0)
        return;
    /* the Getting Started wizard's XML, like the rights: broken = the module does not load */
    if (mdr_wizard_check_loaded(err, sizeof err) != 0) {
        snprintf(descriptor_error, sizeof descriptor_error, "%s", err);
        return;
    }
    actions = calloc(mdr_action_count, sizeof *actions);
    if (!actions) {
        snprintf(descriptor_error, sizeof descriptor_error, "out of memory");
        return;
    }
    for (size_t i = 0; i < mdr_action_count; i++)
        actions[i] =
            (ksc_action){sizeof(ksc_action), mdr_action_table[i].name,
                         mdr_rights_action_areas(r, mdr_action_table[i].name),
                         mdr_action_table[i].audit ? mdr_audit_run : mdr_action_table[i].run,
                         mdr_action_table[i].produces_file};
    descriptor = (ksc_module_descriptor){
        .size = sizeof(ksc_module_descriptor),
        .abi_major = KSC_PLUGIN_ABI_MAJOR,
        .abi_minor = KSC_PLUGIN_ABI_MINOR,
        .name = MDR_MODULE_NAME,
        .version = MDR_MODULE_VERSION,
        .areas = r->areas,
        .area_count = r->area_count,
        .role_presets = r->roles,
        .role_preset_count = r->role_count,
        .actions = actions,
        .action_count = mdr_action_count,
        .init = mdr_module_init,
        .shutdown = mdr_module_shutdown,
        .on_event = mdr_module_on_event,
        .translate = translate,
    };
}

__attribute__((destructor)) static void free_descriptor(void)
{
    free(actions);
    actions = NULL;
}

KSC_PLUGIN_EXPORT const ksc_module_descriptor *ksc_plugin_entry(void)
{
    pthread_once(&descriptor_once, build_descriptor);
    if (descriptor_error[0]) {
        /* A defect of the build (rights XML or catalogs): say so loudly, load nothing. */
        fprintf(stderr, "mdr: the module is broken: %s\n", descriptor_error);
        return NULL;
    }
    return &descriptor;
}

/* ---- lifecycle ---------------------------------------------------------------------- */

static ksc_status init_fail(const ksc_host_services *services, ksc_status status, const char *code,
                            const char *reason, char **error_json)
{
    mdr_log(services, KSC_LOG_ERROR, "init failed: %s", reason);
    if (error_json) {
        json_object *details = json_object_new_object();
        json_object_object_add(details, "reason", json_object_new_string(reason));
        if (mdr_reply_error(services, MDR_DEFAULT_LANG, status, code, details, error_json) ==
            KSC_ERR_NO_MEMORY)
            return KSC_ERR_NO_MEMORY;
    }
    return status;
}

/* A configuration others can read although it holds a secret: {file} in the message. */
static ksc_status init_fail_file(const ksc_host_services *services, const char *code,
                                 const char *reason, const char *file, char **error_json)
{
    mdr_log(services, KSC_LOG_ERROR, "init failed: %s", reason);
    if (error_json) {
        json_object *details = json_object_new_object();
        json_object_object_add(details, "file", json_object_new_string(file));
        if (mdr_reply_error(services, MDR_DEFAULT_LANG, KSC_ERR_INVALID, code, details,
                            error_json) == KSC_ERR_NO_MEMORY)
            return KSC_ERR_NO_MEMORY;
    }
    return KSC_ERR_INVALID;
}

/* The oldest console this module runs in (the help, "Hardware and software requirements":
 * MDR Plug-in 2.1.15 and later needs Security Center 15.1 or later). */
#define MDR_MIN_CONSOLE_VERSION "15.1"

/* Dotted version numbers compared part by part ("15.1" == "15.1.0"): <0, 0, >0; -2 when `a`
 * is not such a number. */
static int version_cmp(const char *a, const char *b)
{
    if (!isdigit((unsigned char)*a))
        return -2;
    while (*a || *b) {
        long x = 0, y = 0;
        char *end;
        if (*a) {
            if (!isdigit((unsigned char)*a))
                return -2;
            x = strtol(a, &end, 10);
            a = *end == '.' && end[1] ? end + 1 : end;
            if (*a && !isdigit((unsigned char)*a))
                return -2;
        }
        if (*b) {
            y = strtol(b, &end, 10);
            b = *end == '.' ? end + 1 : end;
        }
        if (x != y)
            return x < y ? -1 : 1;
    }
    return 0;
}

/* A console older than MDR_MIN_CONSOLE_VERSION (or announcing no readable version). */
static ksc_status init_refuse_console(const ksc_host_services *services, const char *version,
                                      char **error_json)
{
    mdr_log(services, KSC_LOG_ERROR,
            "init failed: this MDR plug-in needs Security Center %s or later; the console is "
            "version %s",
            MDR_MIN_CONSOLE_VERSION, version);
    if (error_json) {
        json_object *details = json_object_new_object();
        json_object_object_add(details, "required",
                               json_object_new_string(MDR_MIN_CONSOLE_VERSION));
        json_object_object_add(details, "version", json_object_new_string(version));
        if (mdr_reply_error(services, MDR_DEFAULT_LANG, KSC_ERR_INVALID, "console_too_old", details,
                            error_json) == KSC_ERR_NO_MEMORY)
            return KSC_ERR_NO_MEMORY;
    }
    return KSC_ERR_INVALID;
}

/* The 1.0 table must be whole and its functions present before anything is touched. */
static int services_usable(const ksc_host_services *s)
{
    return s && KSC_HAS_MEMBER(s, ksc_host_services, background_connection) &&
           s->abi_major == KSC_PLUGIN_ABI_MAJOR && s->alloc && s->free && s->log && s->now_ms &&
           s->data_dir && s->secret_key;
}

static char *default_store_path(const ksc_host_services *s)
{
    const char *dir = s->data_dir(s->host);
    if (!dir || !*dir)
        return NULL;
    size_t n = strlen(dir) + sizeof "/mdr.db";
    char *path = malloc(n);
    if (path)
        snprintf(path, n, "%s/mdr.db", dir);
    return path;
}

ksc_status mdr_module_init(const ksc_host_services *services, const char *config_path,
                           ksc_module **module, char **error_json)
{
    if (error_json)
        *error_json = NULL;
    if (!module)
        return KSC_ERR_INVALID;
    *module = NULL;
    if (!services_usable(services)) {
        /* Only write an error when the allocator is surely inside the table. */
        if (services && error_json && KSC_HAS_MEMBER(services, ksc_host_services, free) &&
            services->abi_major == KSC_PLUGIN_ABI_MAJOR && services->alloc)
            mdr_reply_error(services, MDR_DEFAULT_LANG, KSC_ERR_INVALID, "host_incompatible", NULL,
                            error_json);
        return KSC_ERR_INVALID;
    }
    /* A console that announces its version (ABI 1.4) must be one this module supports; an
     * older host announces nothing and is taken as before. */
    if (KSC_HAS_MEMBER(services, ksc_host_services, host_version) && services->host_version &&
        version_cmp(services->host_version, MDR_MIN_CONSOLE_VERSION) < 0)
        return init_refuse_console(services, services->host_version, error_json);
    char err[1024];
    if (!ksc_plugin_entry())
        return init_fail(services, KSC_ERR_FAILED, "internal", descriptor_error, error_json);

    ksc_module *m = calloc(1, sizeof *m);
    if (!m)
        return init_fail(services, KSC_ERR_NO_MEMORY, "no_memory", "out of memory", error_json);
    m->services = services;
    if (config_path) {
        int rc = mdr_config_load(config_path, &m->config, err, sizeof err);
        if (rc == MDR_CONFIG_INSECURE) {
            free(m);
            char file[PATH_MAX];
            return init_fail_file(services, "config_insecure", err,
                                  realpath(config_path, file) ? file : config_path, error_json);
        }
        if (rc != 0) {
            free(m);
            return init_fail(services, KSC_ERR_INVALID, "config_invalid", err, error_json);
        }
    } else if (!(m->config = mdr_config_defaults())) {
        free(m);
        return init_fail(services, KSC_ERR_NO_MEMORY, "no_memory", "out of memory", error_json);
    }

    unsigned char ikm[MDR_SECRET_KEY_LEN];
    ksc_status status = services->secret_key(services->host, ikm, sizeof ikm);
    int keyed = status == KSC_OK && mdr_secret_key_derive(ikm, sizeof ikm, &m->secret_key) == 0;
    OPENSSL_cleanse(ikm, sizeof ikm);
    if (!keyed) {
        mdr_module_shutdown(m);
        return init_fail(services, KSC_ERR_FAILED, "internal",
                         "the host gave no secret key for encryption at rest", error_json);
    }

    char *path =
        *m->config->store_path ? strdup(m->config->store_path) : default_store_path(services);
    const mdr_migration *migrations;
    size_t migration_count;
    if (!path) {
        snprintf(err, sizeof err, "no store path: the host gave no data directory");
    } else if (mdr_store_builtin_migrations(&migrations, &migration_count, err, sizeof err) == 0) {
        mdr_store_open(path, migrations, migration_count, &m->store, err, sizeof err);
    }
    free(path);
    if (!m->store) {
        mdr_module_shutdown(m);
        return init_fail(services, KSC_ERR_FAILED, "store_open", err, error_json);
    }
    if (mdr_cloud_link_open(m, err, sizeof err) != 0) {
        mdr_module_shutdown(m);
        return init_fail(services, KSC_ERR_NO_MEMORY, "no_memory", err, error_json);
    }
    if (!(m->worker = mdr_worker_start())) {
        mdr_module_shutdown(m);
        return init_fail(services, KSC_ERR_NO_MEMORY, "no_memory", "cannot start the worker",
                         error_json);
    }
    mdr_log(services, KSC_LOG_INFO, "module %s started (store %s, schema %d)", MDR_MODULE_VERSION,
            mdr_store_path(m->store), mdr_store_schema_version(m->store));
    *module = m;
    return KSC_OK;
}

void mdr_module_shutdown(ksc_module *m)
{
    if (!m)
        return;
    /* Order matters: queued event work finishes first, it may still use the store. */
    if (m->worker) {
        mdr_worker_stop(m->worker);
        mdr_events_shutdown(m, mdr_hook_table, mdr_hook_count);
    }
    mdr_cloud_link_close(m);
    mdr_store_close(m->store);
    mdr_config_free(m->config);
    OPENSSL_cleanse(&m->secret_key, sizeof m->secret_key);
    free(m);
}

ksc_status mdr_module_on_event(ksc_module *m, const ksc_event *event)
{
    return mdr_events_dispatch(m, mdr_hook_table, mdr_hook_count, event);
}
