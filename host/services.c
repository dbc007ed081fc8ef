/*
 * services.c — the host services a module calls. Each is thread-safe: every store access
 * goes through the context's (recursive) lock; the .env is re-read on every call.
 */
#include "services.h"

#include "accounts.h"
#include "audit.h"
#include "clock.h"
#include "devices.h"
#include "env.h"
#include "ksn.h"
#include "licenses.h"
#include "notifications.h"
#include "rights.h"
#include "secret.h"
#include "servers.h"
#include "store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void *svc_alloc(size_t size)
{
    return malloc(size ? size : 1);
}

static void svc_free(void *ptr)
{
    free(ptr);
}

static void svc_log(ksc_host *h, ksc_log_level level, const char *message)
{
    host_log(h->ctx, h->module, level, "%s", message ? message : "(null)");
}

static ksc_status svc_notify(ksc_host *h, const char *user, ksc_notification_severity severity,
                             const char *title, const char *text)
{
    return notifications_add(h->ctx, user, severity, title, text);
}

static int svc_has_right(ksc_host *h, const char *user, const char *server, const char *area_id)
{
    return rights_has(h->ctx, user, server, area_id);
}

static ksc_status svc_user_language(ksc_host *h, const char *user, char *out, size_t out_size)
{
    return accounts_user_language(h->ctx, user, out, out_size);
}

static int64_t svc_now_ms(ksc_host *h)
{
    return clock_now_ms(h->ctx);
}

static const char *svc_data_dir(ksc_host *h)
{
    return h->data_dir;
}

static ksc_status svc_secret_key(ksc_host *h, unsigned char *out, size_t len)
{
    return secret_module_key(h->ctx, h->module, out, len);
}

/* A json-c object as text allocated with svc_alloc; consumes obj. */
static char *json_take(json_object *obj)
{
    if (!obj)
        return NULL;
    const char *s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN);
    char *copy = svc_alloc(strlen(s) + 1);
    if (copy)
        memcpy(copy, s, strlen(s) + 1);
    json_object_put(obj);
    return copy;
}

static char *svc_servers_json(ksc_host *h)
{
    return json_take(servers_list(h->ctx, 0));
}

static ksc_status svc_devices_foreach(ksc_host *h, const char *server, ksc_device_cb cb, void *ctx)
{
    return devices_foreach(h->ctx, server, cb, ctx);
}

static ksc_status svc_device_get(ksc_host *h, const char *device_id, ksc_device_cb cb, void *ctx)
{
    return devices_get(h->ctx, device_id, cb, ctx);
}

static uint64_t svc_devices_revision(ksc_host *h)
{
    return devices_revision(h->ctx);
}

static ksc_status svc_audit(ksc_host *h, const char *record_json)
{
    return audit_append(h->ctx, h->module, record_json);
}

static char *svc_ksn_settings_json(ksc_host *h, const char *server)
{
    return json_take(ksn_settings(h->ctx, server));
}

static ksc_status svc_ksn_install(ksc_host *h, const char *server, const char *user,
                                  const void *file, size_t file_len, const char *version,
                                  int64_t expires_ms)
{
    return ksn_install(h->ctx, server, user, file, file_len, version, expires_ms);
}

static ksc_status svc_kpsn_set(ksc_host *h, const char *server, const char *user, int enabled)
{
    return ksn_kpsn_set(h->ctx, server, user, enabled);
}

static char *svc_license_keys_json(ksc_host *h)
{
    return json_take(licenses_list(h->ctx));
}

static char *svc_env_get(ksc_host *h, const char *key)
{
    if (!key)
        return NULL;
    char *v = env_get_value(h->ctx, h->ctx->cfg.env_file, key);
    if (!v)
        return NULL;
    /* hand it over in memory the module frees with services->free */
    char *copy = svc_alloc(strlen(v) + 1);
    if (copy)
        memcpy(copy, v, strlen(v) + 1);
    free(v);
    return copy;
}

static int svc_background_connection(ksc_host *h, const char *server)
{
    return servers_background(h->ctx, server);
}

static char *svc_roles_json(ksc_host *h)
{
    return json_take(accounts_role_list(h->ctx));
}

/* Only a main administrator manages roles. */
static ksc_status svc_role_add_preset(ksc_host *h, const char *user, const char *preset_id)
{
    int64_t admin = 0;
    host_lock(h->ctx);
    int found = user && preset_id &&
                store_query_int(h->ctx->db, "SELECT main_admin FROM users WHERE name = ?1", user,
                                NULL, &admin) == 1;
    int taken = preset_id &&
                store_exists(h->ctx->db, "SELECT 1 FROM roles WHERE name = ?1", preset_id, NULL);
    host_unlock(h->ctx);
    if (!found || !admin)
        return KSC_ERR_DENIED;
    if (taken)
        return KSC_ERR_CONFLICT;
    char err[256];
    ksc_status st = accounts_role_from_preset(h->ctx, preset_id, err, sizeof err);
    if (st != KSC_OK)
        host_log(h->ctx, h->module, KSC_LOG_WARNING, "role preset %s: %s", preset_id, err);
    return st;
}

static const char *svc_console_kind(ksc_host *h)
{
    return servers_console_kind(h->ctx);
}

int services_fill(struct ksc_host *handle, ksc_host_services *s)
{
    char dir[PATH_MAX];
    if (host_path_resolve(handle->ctx->cfg.data_dir, "modules", dir, sizeof dir) != 0 ||
        (mkdir(dir, 0700) != 0 && errno != EEXIST) ||
        host_path_resolve(dir, handle->module, handle->data_dir, sizeof handle->data_dir) != 0 ||
        (mkdir(handle->data_dir, 0700) != 0 && errno != EEXIST)) {
        fprintf(stderr, "ksc-host: cannot create the module directory %s: %s\n", handle->data_dir,
                strerror(errno));
        return -1;
    }
    memset(s, 0, sizeof *s);
    s->size = sizeof *s;
    s->abi_major = KSC_PLUGIN_ABI_MAJOR;
    s->abi_minor = KSC_PLUGIN_ABI_MINOR;
    s->host = handle;
    s->alloc = svc_alloc;
    s->free = svc_free;
    s->log = svc_log;
    s->notify = svc_notify;
    s->has_right = svc_has_right;
    s->user_language = svc_user_language;
    s->now_ms = svc_now_ms;
    s->data_dir = svc_data_dir;
    s->secret_key = svc_secret_key;
    s->servers_json = svc_servers_json;
    s->devices_foreach = svc_devices_foreach;
    s->device_get = svc_device_get;
    s->ksn_settings_json = svc_ksn_settings_json;
    s->ksn_install = svc_ksn_install;
    s->kpsn_set = svc_kpsn_set;
    s->license_keys_json = svc_license_keys_json;
    s->env_get = svc_env_get;
    s->background_connection = svc_background_connection;
    s->devices_revision = svc_devices_revision;
    s->audit = svc_audit;
    s->roles_json = svc_roles_json;
    s->role_add_preset = svc_role_add_preset;
    s->console_kind = svc_console_kind;
    s->host_version = KSC_HOST_CONSOLE_VERSION;
    return 0;
}
