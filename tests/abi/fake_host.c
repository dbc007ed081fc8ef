#include "fake_host.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_LINES 256

struct ksc_host {
    ksc_host_services services;
    char dir[256];
    int64_t now_ms;
    pthread_mutex_t lock;
    char *lines[MAX_LINES];
    int line_count;
    char *audits[MAX_LINES];
    int audit_count;
    char path[512];
};

static void *fake_alloc(size_t n)
{
    return malloc(n);
}

static void fake_free(void *p)
{
    free(p);
}

static char *host_strdup(const char *s)
{
    char *c = malloc(strlen(s) + 1);
    if (c)
        strcpy(c, s);
    return c;
}

static void fake_log(ksc_host *h, ksc_log_level level, const char *message)
{
    pthread_mutex_lock(&h->lock);
    if (h->line_count < MAX_LINES)
        h->lines[h->line_count++] = host_strdup(message);
    pthread_mutex_unlock(&h->lock);
    if (getenv("FAKE_HOST_VERBOSE"))
        fprintf(stderr, "[log %d] %s\n", (int)level, message);
}

static ksc_status fake_notify(ksc_host *h, const char *user, ksc_notification_severity severity,
                              const char *title, const char *text)
{
    (void)h, (void)user, (void)severity, (void)title, (void)text;
    return KSC_OK;
}

static int fake_has_right(ksc_host *h, const char *user, const char *server, const char *area)
{
    (void)h, (void)user, (void)server, (void)area;
    return 1;
}

static ksc_status fake_user_language(ksc_host *h, const char *user, char *out, size_t size)
{
    (void)h, (void)user;
    snprintf(out, size, "en");
    return KSC_OK;
}

static int64_t fake_now(ksc_host *h)
{
    pthread_mutex_lock(&h->lock);
    int64_t now = h->now_ms;
    pthread_mutex_unlock(&h->lock);
    return now;
}

static const char *fake_data_dir(ksc_host *h)
{
    return h->dir;
}

static ksc_status fake_secret_key(ksc_host *h, unsigned char *out, size_t len)
{
    (void)h;
    if (len > 64)
        return KSC_ERR_INVALID;
    for (size_t i = 0; i < len; i++)
        out[i] = (unsigned char)(0xA5 ^ i);
    return KSC_OK;
}

static char *fake_servers_json(ksc_host *h)
{
    (void)h;
    return host_strdup("[{\"name\": \"main\", \"kind\": \"main\"}]");
}

static ksc_status fake_devices_foreach(ksc_host *h, const char *server, ksc_device_cb cb, void *ctx)
{
    (void)h, (void)cb, (void)ctx;
    return !server || strcmp(server, "main") == 0 ? KSC_OK : KSC_ERR_NOT_FOUND;
}

static ksc_status fake_device_get(ksc_host *h, const char *id, ksc_device_cb cb, void *ctx)
{
    (void)h, (void)id, (void)cb, (void)ctx;
    return KSC_ERR_NOT_FOUND;
}

static char *fake_ksn_settings_json(ksc_host *h, const char *server)
{
    (void)h, (void)server;
    return host_strdup("{\"server\": \"main\", \"ksn_enabled\": false, \"kpsn_enabled\": false, "
                       "\"config\": null, \"inherited_from\": null}");
}

static ksc_status fake_ksn_install(ksc_host *h, const char *server, const char *user,
                                   const void *file, size_t len, const char *version,
                                   int64_t expires_ms)
{
    (void)h, (void)server, (void)user, (void)file, (void)len, (void)version, (void)expires_ms;
    return KSC_OK;
}

static ksc_status fake_kpsn_set(ksc_host *h, const char *server, const char *user, int enabled)
{
    (void)h, (void)server, (void)user, (void)enabled;
    return KSC_OK;
}

static char *fake_license_keys_json(ksc_host *h)
{
    (void)h;
    return host_strdup("[]");
}

static char *fake_env_get(ksc_host *h, const char *key)
{
    (void)h, (void)key;
    return NULL;
}

static int fake_background_connection(ksc_host *h, const char *server)
{
    (void)h, (void)server;
    return 1;
}

static ksc_status fake_audit(ksc_host *h, const char *record_json)
{
    if (!record_json)
        return KSC_ERR_INVALID;
    pthread_mutex_lock(&h->lock);
    if (h->audit_count < MAX_LINES)
        h->audits[h->audit_count++] = host_strdup(record_json);
    pthread_mutex_unlock(&h->lock);
    if (getenv("FAKE_HOST_VERBOSE"))
        fprintf(stderr, "[audit] %s\n", record_json);
    return KSC_OK;
}

fake_host *fake_host_new(void)
{
    ksc_host *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    snprintf(h->dir, sizeof h->dir, "/tmp/mdr-fake-host-XXXXXX");
    if (!mkdtemp(h->dir)) {
        free(h);
        return NULL;
    }
    pthread_mutex_init(&h->lock, NULL);
    h->now_ms = 1795392000000LL; /* 2026-11-22 */
    h->services = (ksc_host_services){
        .size = sizeof(ksc_host_services),
        .abi_major = KSC_PLUGIN_ABI_MAJOR,
        .abi_minor = KSC_PLUGIN_ABI_MINOR,
        .host = h,
        .alloc = fake_alloc,
        .free = fake_free,
        .log = fake_log,
        .notify = fake_notify,
        .has_right = fake_has_right,
        .user_language = fake_user_language,
        .now_ms = fake_now,
        .data_dir = fake_data_dir,
        .secret_key = fake_secret_key,
        .servers_json = fake_servers_json,
        .devices_foreach = fake_devices_foreach,
        .device_get = fake_device_get,
        .ksn_settings_json = fake_ksn_settings_json,
        .ksn_install = fake_ksn_install,
        .kpsn_set = fake_kpsn_set,
        .license_keys_json = fake_license_keys_json,
        .env_get = fake_env_get,
        .background_connection = fake_background_connection,
        .audit = fake_audit,
        .host_version = "15.1.0",
    };
    return h;
}

void fake_host_free(fake_host *h)
{
    if (!h)
        return;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", h->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "fake_host: could not remove %s\n", h->dir);
    for (int i = 0; i < h->line_count; i++)
        free(h->lines[i]);
    for (int i = 0; i < h->audit_count; i++)
        free(h->audits[i]);
    pthread_mutex_destroy(&h->lock);
    free(h);
}

const ksc_host_services *fake_host_services(fake_host *h)
{
    return &h->services;
}

const char *fake_host_data_dir(fake_host *h)
{
    return h->dir;
}

void fake_host_set_now(fake_host *h, int64_t now_ms)
{
    pthread_mutex_lock(&h->lock);
    h->now_ms = now_ms;
    pthread_mutex_unlock(&h->lock);
}

int fake_host_log_contains(fake_host *h, const char *needle)
{
    int found = 0;
    pthread_mutex_lock(&h->lock);
    for (int i = 0; i < h->line_count && !found; i++)
        found = h->lines[i] && strstr(h->lines[i], needle) != NULL;
    pthread_mutex_unlock(&h->lock);
    return found;
}

int fake_host_log_count(fake_host *h)
{
    pthread_mutex_lock(&h->lock);
    int n = h->line_count;
    pthread_mutex_unlock(&h->lock);
    return n;
}

int fake_host_audit_count(fake_host *h)
{
    pthread_mutex_lock(&h->lock);
    int n = h->audit_count;
    pthread_mutex_unlock(&h->lock);
    return n;
}

const char *fake_host_audit_record(fake_host *h, int i)
{
    pthread_mutex_lock(&h->lock);
    const char *r = i >= 0 && i < h->audit_count ? h->audits[i] : NULL;
    pthread_mutex_unlock(&h->lock);
    return r;
}

int fake_host_audit_contains(fake_host *h, const char *needle)
{
    int found = 0;
    pthread_mutex_lock(&h->lock);
    for (int i = 0; i < h->audit_count && !found; i++)
        found = strstr(h->audits[i], needle) != NULL;
    pthread_mutex_unlock(&h->lock);
    return found;
}

const char *fake_host_write_file(fake_host *h, const char *name, const char *text)
{
    snprintf(h->path, sizeof h->path, "%s/%s", h->dir, name);
    /* As ksc-host writes a module's configuration: the owner's only (it may hold a secret). */
    int fd = open(h->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    fputs(text, f);
    fclose(f);
    return h->path;
}
