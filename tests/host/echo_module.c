/*
 * echo_module.c — a tiny module for ksc-host's tests. Each action makes one host service
 * observable: notify (echo.say), env_get (echo.env), now_ms (echo.clock), file output
 * (echo.file; "hold_until": PATH keeps it writing until PATH exists, so a test can kill the
 * host mid-export), ksn_install (echo.ksn_install), devices_foreach (echo.devices), secret_key
 * (echo.secret). Its config file can make init fail (fail_init=object|bare). Built twice: as `echo`
 * (this ABI) and as `echo_old` with ECHO_ABI_MAJOR=2, which the host must refuse.
 */
#include <ksc/plugin.h>

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef ECHO_ABI_MAJOR
#define ECHO_ABI_MAJOR KSC_PLUGIN_ABI_MAJOR
#endif
#ifndef ECHO_NAME
#define ECHO_NAME "echo"
#endif

struct ksc_module {
    const ksc_host_services *svc;
};

static char *dup_host(const ksc_host_services *svc, const char *s)
{
    char *p = svc->alloc(strlen(s) + 1);
    memcpy(p, s, strlen(s) + 1);
    return p;
}

static char *take(const ksc_host_services *svc, json_object *o)
{
    char *s = dup_host(svc, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
    json_object_put(o);
    return s;
}

static ksc_status fail(ksc_module *m, ksc_status st, const char *code, const char *message,
                       char **out)
{
    json_object *e = json_object_new_object(), *root = json_object_new_object();
    json_object_object_add(e, "code", json_object_new_string(code));
    json_object_object_add(e, "message", json_object_new_string(message));
    json_object_object_add(e, "details", json_object_new_object());
    json_object_object_add(root, "error", e);
    *out = take(m->svc, root);
    return st;
}

static ksc_status say(ksc_module *m, const ksc_call *call, char **out)
{
    ksc_status st =
        m->svc->notify(m->svc->host, call->user, KSC_NOTIFY_INFO, "echo", call->request_json);
    if (st != KSC_OK)
        return fail(m, st, "notify_failed", "notify failed", out);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "echo", json_tokener_parse(call->request_json));
    json_object_object_add(o, "user", json_object_new_string(call->user));
    json_object_object_add(o, "server", json_object_new_string(call->server));
    json_object_object_add(o, "lang", json_object_new_string(call->lang));
    *out = take(m->svc, o);
    return KSC_OK;
}

static const char *req_string(const ksc_call *call, const char *key, json_object **holder)
{
    *holder = json_tokener_parse(call->request_json);
    json_object *v;
    if (*holder && json_object_object_get_ex(*holder, key, &v))
        return json_object_get_string(v);
    return NULL;
}

static ksc_status env(ksc_module *m, const ksc_call *call, char **out)
{
    json_object *req;
    const char *key = req_string(call, "key", &req);
    char *value = key ? m->svc->env_get(m->svc->host, key) : NULL;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "value", value ? json_object_new_string(value) : NULL);
    m->svc->free(value);
    json_object_put(req);
    *out = take(m->svc, o);
    return KSC_OK;
}

static ksc_status clock_now(ksc_module *m, const ksc_call *call, char **out)
{
    (void)call;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "now_ms", json_object_new_int64(m->svc->now_ms(m->svc->host)));
    *out = take(m->svc, o);
    return KSC_OK;
}

static ksc_status file(ksc_module *m, const ksc_call *call, char **out)
{
    json_object *req;
    const char *text = req_string(call, "text", &req);
    json_object *f;
    int should_fail =
        req && json_object_object_get_ex(req, "fail", &f) && json_object_get_boolean(f);
    if (!call->output || !text) {
        json_object_put(req);
        return fail(m, KSC_ERR_INVALID, "bad_request", "need text and an output", out);
    }
    call->output->begin(call->output->ctx, "text/plain", "echo.txt");
    call->output->write(call->output->ctx, text, strlen(text));
    json_object *h;
    const char *hold =
        req && json_object_object_get_ex(req, "hold_until", &h) ? json_object_get_string(h) : NULL;
    /* Waits for the test's go (a file), at most 10 minutes; the test usually kills us. */
    for (int i = 0; hold && i < 60000 && access(hold, F_OK) != 0; i++) {
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
    json_object_put(req);
    if (should_fail)
        return fail(m, KSC_ERR_FAILED, "export_failed", "the export failed half-way", out);
    *out = dup_host(m->svc, "{\"written\": true}");
    return KSC_OK;
}

static ksc_status ksn(ksc_module *m, const ksc_call *call, char **out)
{
    json_object *req;
    const char *version = req_string(call, "version", &req);
    if (!version) {
        json_object_put(req);
        return fail(m, KSC_ERR_INVALID, "bad_request", "need a version", out);
    }
    char body[64];
    snprintf(body, sizeof body, "KSN FILE %s", version);
    ksc_status st = m->svc->ksn_install(m->svc->host, call->server, call->user, body, strlen(body),
                                        version, 1900000000000LL);
    json_object_put(req);
    if (st != KSC_OK) {
        char msg[64];
        snprintf(msg, sizeof msg, "ksn_install returned %d", (int)st);
        return fail(m, st, "ksn_install", msg, out);
    }
    *out = dup_host(m->svc, "{\"installed\": true}");
    return KSC_OK;
}

typedef struct count_ctx {
    long count, apps, comps;
    char first[40];
} count_ctx;

static int count_device(void *c, const ksc_device *d)
{
    count_ctx *cc = c;
    if (cc->count++ == 0)
        snprintf(cc->first, sizeof cc->first, "%s", d->id);
    cc->apps += (long)d->app_count;
    for (size_t i = 0; i < d->app_count; i++)
        cc->comps += (long)d->apps[i].component_count;
    return 0;
}

static ksc_status devices(ksc_module *m, const ksc_call *call, char **out)
{
    (void)call;
    count_ctx cc = {0, 0, 0, ""};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ksc_status st = m->svc->devices_foreach(m->svc->host, NULL, count_device, &cc);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (st != KSC_OK)
        return fail(m, st, "devices", "devices_foreach failed", out);
    count_ctx one = {0, 0, 0, ""};
    if (cc.count > 0 && m->svc->device_get(m->svc->host, cc.first, count_device, &one) != KSC_OK)
        return fail(m, KSC_ERR_FAILED, "devices", "device_get failed", out);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "count", json_object_new_int64(cc.count));
    json_object_object_add(o, "apps", json_object_new_int64(cc.apps));
    json_object_object_add(o, "components", json_object_new_int64(cc.comps));
    json_object_object_add(o, "get_found", json_object_new_int64(one.count));
    json_object_object_add(o, "ms",
                           json_object_new_int64((t1.tv_sec - t0.tv_sec) * 1000 +
                                                 (t1.tv_nsec - t0.tv_nsec) / 1000000));
    *out = take(m->svc, o);
    return KSC_OK;
}

static ksc_status secret(ksc_module *m, const ksc_call *call, char **out)
{
    (void)call;
    unsigned char key[32];
    char hex[65];
    if (m->svc->secret_key(m->svc->host, key, sizeof key) != KSC_OK)
        return fail(m, KSC_ERR_FAILED, "secret", "secret_key failed", out);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", key[i]);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "key", json_object_new_string(hex));
    json_object_object_add(o, "data_dir", json_object_new_string(m->svc->data_dir(m->svc->host)));
    *out = take(m->svc, o);
    return KSC_OK;
}

static const char *const use_only[] = {"echo.use", NULL};
static const char *const use_and_admin[] = {"echo.use", "echo.admin", NULL};

static const ksc_area areas[] = {
    {sizeof(ksc_area), "echo.use", "area.use"},
    {sizeof(ksc_area), "echo.admin", "area.admin"},
};

static const ksc_role_preset presets[] = {
    {sizeof(ksc_role_preset), "echo.user", "role.user", use_only},
};

static const ksc_action actions[] = {
    {sizeof(ksc_action), ECHO_NAME ".say", use_only, say, 0},
    {sizeof(ksc_action), ECHO_NAME ".admin_say", use_and_admin, say, 0},
    {sizeof(ksc_action), ECHO_NAME ".env", use_only, env, 0},
    {sizeof(ksc_action), ECHO_NAME ".clock", use_only, clock_now, 0},
    {sizeof(ksc_action), ECHO_NAME ".file", use_only, file, 1},
    {sizeof(ksc_action), ECHO_NAME ".ksn_install", use_only, ksn, 0},
    {sizeof(ksc_action), ECHO_NAME ".devices", use_only, devices, 0},
    {sizeof(ksc_action), ECHO_NAME ".secret", use_only, secret, 0},
};

/* The module's config file may tell init to fail, as a real module does on a bad config:
 *   fail_init=object  logs an error, answers KSC_ERR_INVALID and an error object
 *   fail_init=bare    logs an error, answers KSC_ERR_CONFLICT and no error object */
static ksc_status init_failure(const ksc_host_services *svc, const char *config_path,
                               char **error_json)
{
    char text[256] = "";
    FILE *f = config_path ? fopen(config_path, "r") : NULL;
    if (f) {
        size_t n = fread(text, 1, sizeof text - 1, f);
        text[n] = '\0';
        fclose(f);
    }
    const char *reason = "echo.conf says fail_init";
    if (strstr(text, "fail_init=object")) {
        svc->log(svc->host, KSC_LOG_ERROR, "init failed: echo.conf says fail_init");
        ksc_module tmp = {svc};
        fail(&tmp, KSC_ERR_INVALID, "config_invalid", reason, error_json);
        return KSC_ERR_INVALID;
    }
    if (strstr(text, "fail_init=bare")) {
        svc->log(svc->host, KSC_LOG_ERROR, "init failed: echo.conf says fail_init");
        return KSC_ERR_CONFLICT;
    }
    return KSC_OK;
}

static ksc_status init(const ksc_host_services *svc, const char *config_path, ksc_module **out,
                       char **error_json)
{
    ksc_status st = init_failure(svc, config_path, error_json);
    if (st != KSC_OK)
        return st;
    ksc_module *m = svc->alloc(sizeof *m);
    m->svc = svc;
    *out = m;
    return KSC_OK;
}

static void shutdown_module(ksc_module *m)
{
    m->svc->free(m);
}

static ksc_status on_event(ksc_module *m, const ksc_event *ev)
{
    if (ev->kind == KSC_EVENT_LOGIN) {
        char text[128];
        snprintf(text, sizeof text, "welcome %s on %s", ev->user, ev->server);
        return m->svc->notify(m->svc->host, ev->user, KSC_NOTIFY_INFO,
                              strcmp(ev->lang, "ru") == 0 ? "Привет" : "Hello", text);
    }
    return KSC_OK;
}

static const char *translate(const char *lang, const char *key)
{
    int ru = lang && strcmp(lang, "ru") == 0;
    if (strcmp(key, "area.use") == 0)
        return ru ? "Использование эха" : "Echo use";
    if (strcmp(key, "area.admin") == 0)
        return ru ? "Администрирование эха" : "Echo administration";
    if (strcmp(key, "role.user") == 0)
        return ru ? "Пользователь эха" : "Echo user";
    return key;
}

static const ksc_module_descriptor descriptor = {
    sizeof(ksc_module_descriptor),
    ECHO_ABI_MAJOR,
    KSC_PLUGIN_ABI_MINOR,
    ECHO_NAME,
    "0.1.0",
    areas,
    sizeof areas / sizeof areas[0],
    presets,
    sizeof presets / sizeof presets[0],
    actions,
    sizeof actions / sizeof actions[0],
    init,
    shutdown_module,
    on_event,
    translate,
};

KSC_PLUGIN_EXPORT const ksc_module_descriptor *ksc_plugin_entry(void)
{
    return &descriptor;
}
