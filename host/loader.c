/* loader.c — modules in, modules out. */
#include "loader.h"

#include "rights.h"
#include "services.h"

#include <dlfcn.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

/* Copies `count` structs of the module's layout (stride = the first one's size) into an
 * array of the host's layout. Refuses elements smaller than the host's 1.0 struct. */
static void *copy_array(const void *src, size_t count, size_t host_size, const char *what,
                        const char *module, int *bad)
{
    if (count == 0)
        return calloc(1, host_size);
    if (!src) {
        fprintf(stderr, "ksc-host: module %s refused: %s is NULL with a count of %zu\n", module,
                what, count);
        *bad = 1;
        return NULL;
    }
    size_t stride = *(const size_t *)src;
    if (stride < host_size) {
        fprintf(stderr,
                "ksc-host: module %s refused: its %s structs have size %zu, smaller than the "
                "%zu this host needs\n",
                module, what, stride, host_size);
        *bad = 1;
        return NULL;
    }
    unsigned char *dst = calloc(count, host_size);
    if (!dst) {
        *bad = 1;
        return NULL;
    }
    for (size_t i = 0; i < count; i++) {
        const unsigned char *el = (const unsigned char *)src + i * stride;
        if (*(const size_t *)el != stride) {
            fprintf(stderr, "ksc-host: module %s refused: %s[%zu] has size %zu, expected %zu\n",
                    module, what, i, *(const size_t *)el, stride);
            free(dst);
            *bad = 1;
            return NULL;
        }
        memcpy(dst + i * host_size, el, host_size);
    }
    return dst;
}

static void free_copies(host_module *m)
{
    free(m->areas);
    free(m->presets);
    free(m->actions);
    m->areas = NULL;
    m->presets = NULL;
    m->actions = NULL;
}

static int area_declared(const host_module *m, const char *area)
{
    for (size_t i = 0; i < rights_host_area_count(); i++)
        if (strcmp(rights_host_area_id(i), area) == 0)
            return 1;
    for (size_t i = 0; i < m->desc_copy.area_count; i++)
        if (strcmp(m->areas[i].id, area) == 0)
            return 1;
    return 0;
}

/* Validates a descriptor already copied into m. */
static int descriptor_valid(host_ctx *ctx, host_module *m)
{
    const ksc_module_descriptor *d = &m->desc_copy;
    const char *name = m->name;
    if (!d->name || strcmp(d->name, m->name) != 0) {
        fprintf(stderr, "ksc-host: module %s refused: the library names itself '%s'\n", name,
                d->name ? d->name : "(null)");
        return 0;
    }
    if (!d->version || !d->init || !d->shutdown) {
        fprintf(stderr, "ksc-host: module %s refused: version, init or shutdown missing\n", name);
        return 0;
    }
    for (size_t i = 0; i < d->area_count; i++)
        if (!m->areas[i].id || !m->areas[i].title_key) {
            fprintf(stderr, "ksc-host: module %s refused: area %zu has no id or title\n", name, i);
            return 0;
        }
    for (size_t i = 0; i < d->role_preset_count; i++)
        if (!m->presets[i].id || !m->presets[i].title_key) {
            fprintf(stderr, "ksc-host: module %s refused: role preset %zu has no id or title\n",
                    name, i);
            return 0;
        }
    for (size_t i = 0; i < d->action_count; i++) {
        const ksc_action *a = &m->actions[i];
        if (!a->name || !a->run) {
            fprintf(stderr, "ksc-host: module %s refused: action %zu has no name or handler\n",
                    name, i);
            return 0;
        }
        for (size_t r = 0; a->required_areas && a->required_areas[r]; r++)
            if (!area_declared(m, a->required_areas[r])) {
                fprintf(stderr,
                        "ksc-host: module %s refused: action %s requires an unknown area %s\n",
                        name, a->name, a->required_areas[r]);
                return 0;
            }
        host_module *other = NULL;
        if (loader_find_action(ctx, a->name, &other)) {
            fprintf(stderr, "ksc-host: module %s refused: action %s is already provided by %s\n",
                    name, a->name, other->name);
            return 0;
        }
    }
    return 1;
}

static int load_one(host_ctx *ctx, const host_module_conf *mc, host_module *m)
{
    memset(m, 0, sizeof *m);
    snprintf(m->name, sizeof m->name, "%s", mc->name);
    snprintf(m->file, sizeof m->file, "%s", mc->file);
    snprintf(m->config_path, sizeof m->config_path, "%s", mc->config_path);
    m->handle = dlopen(m->file, RTLD_NOW | RTLD_LOCAL);
    if (!m->handle) {
        fprintf(stderr, "ksc-host: module %s refused: cannot load %s: %s\n", m->name, m->file,
                dlerror());
        return -1;
    }
    ksc_plugin_entry_fn entry;
    *(void **)&entry = dlsym(m->handle, KSC_PLUGIN_ENTRY_SYMBOL);
    const ksc_module_descriptor *d = entry ? entry() : NULL;
    if (!d) {
        fprintf(stderr, "ksc-host: module %s refused: %s has no %s symbol or it returned NULL\n",
                m->name, m->file, KSC_PLUGIN_ENTRY_SYMBOL);
        goto fail;
    }
    if (d->size < offsetof(ksc_module_descriptor, abi_minor) + sizeof d->abi_minor) {
        fprintf(stderr, "ksc-host: module %s refused: descriptor too small (%zu bytes)\n", m->name,
                d->size);
        goto fail;
    }
    if (d->abi_major != KSC_PLUGIN_ABI_MAJOR) {
        fprintf(stderr,
                "ksc-host: module %s refused: built for plug-in ABI %u.%u, this host speaks ABI "
                "%u.%u (the major version must match exactly)\n",
                m->name, d->abi_major, d->abi_minor, KSC_PLUGIN_ABI_MAJOR, KSC_PLUGIN_ABI_MINOR);
        goto fail;
    }
    if (d->size < sizeof(ksc_module_descriptor)) {
        fprintf(stderr,
                "ksc-host: module %s refused: descriptor size %zu, smaller than ABI %u.0's %zu\n",
                m->name, d->size, KSC_PLUGIN_ABI_MAJOR, sizeof(ksc_module_descriptor));
        goto fail;
    }
    memcpy(&m->desc_copy, d, sizeof m->desc_copy);
    m->desc_copy.size = sizeof m->desc_copy;
    int bad = 0;
    m->areas = copy_array(d->areas, d->area_count, sizeof(ksc_area), "area", m->name, &bad);
    if (!bad)
        m->presets = copy_array(d->role_presets, d->role_preset_count, sizeof(ksc_role_preset),
                                "role preset", m->name, &bad);
    if (!bad)
        m->actions =
            copy_array(d->actions, d->action_count, sizeof(ksc_action), "action", m->name, &bad);
    if (bad)
        goto fail;
    m->desc_copy.areas = m->areas;
    m->desc_copy.role_presets = m->presets;
    m->desc_copy.actions = m->actions;
    if (!descriptor_valid(ctx, m))
        goto fail;
    m->desc = &m->desc_copy;
    return 0;
fail:
    free_copies(m);
    dlclose(m->handle);
    m->handle = NULL;
    return -1;
}

size_t loader_load_all(host_ctx *ctx)
{
    size_t refused = 0;
    ctx->modules = calloc(ctx->cfg.module_count ? ctx->cfg.module_count : 1, sizeof *ctx->modules);
    if (!ctx->modules)
        return ctx->cfg.module_count;
    for (size_t i = 0; i < ctx->cfg.module_count; i++) {
        host_module *m = &ctx->modules[ctx->module_count];
        if (load_one(ctx, &ctx->cfg.modules[i], m) == 0)
            ctx->module_count++;
        else
            refused++;
    }
    return refused;
}

/* The message of an {"error": {"message": "…"}} object, or NULL. Owned by *holder. */
static const char *error_message(const char *error_json, json_object **holder)
{
    json_object *error, *message;
    *holder = error_json ? json_tokener_parse(error_json) : NULL;
    if (*holder && json_object_object_get_ex(*holder, "error", &error) &&
        json_object_object_get_ex(error, "message", &message) &&
        json_object_is_type(message, json_type_string))
        return json_object_get_string(message);
    return NULL;
}

ksc_status loader_init_verbose(host_ctx *ctx, host_module *m, char **error_out)
{
    if (error_out)
        *error_out = NULL;
    if (m->instance)
        return KSC_OK;
    m->handle_for_module.ctx = ctx;
    snprintf(m->handle_for_module.module, sizeof m->handle_for_module.module, "%s", m->name);
    if (services_fill(&m->handle_for_module, &m->services) != 0)
        return KSC_ERR_FAILED;
    char *error_json = NULL;
    ksc_module *instance = NULL;
    /* The module's own warnings during init are held: on failure they would repeat the
     * reason its error object gives (they are in host.log either way). */
    host_lock(ctx);
    ctx->holding_for = m->name;
    host_unlock(ctx);
    ksc_status status = m->desc->init(&m->services, m->config_path, &instance, &error_json);
    host_lock(ctx);
    ctx->holding_for = NULL;
    char *held = ctx->held;
    ctx->held = NULL;
    ctx->held_len = 0;
    host_unlock(ctx);
    if (status == KSC_OK && instance) {
        m->instance = instance;
        if (held)
            fputs(held, stderr);
    } else {
        if (status == KSC_OK)
            status = KSC_ERR_FAILED; /* init "succeeded" without an instance */
        /* One line: the error object's message, else the last line the module logged. */
        json_object *holder;
        const char *reason = error_message(error_json, &holder);
        if (!reason && held) {
            held[strlen(held) - 1] = '\0';
            const char *last = strrchr(held, '\n');
            reason = last ? last + 1 : held;
            const char *tail = strstr(reason, "] "); /* "ksc-host: [NAME] LEVEL: text" */
            tail = tail ? strstr(tail, ": ") : NULL;
            if (tail)
                reason = tail + 2;
        }
        if (reason)
            fprintf(stderr, "ksc-host: module %s failed to start: %s\n", m->name, reason);
        else
            fprintf(stderr,
                    "ksc-host: module %s failed to start and said nothing (see %s/host.log)\n",
                    m->name, ctx->cfg.data_dir);
        json_object_put(holder);
        if (error_out) {
            *error_out = error_json;
            error_json = NULL;
        }
    }
    free(held);
    free(error_json);
    return status;
}

ksc_status loader_init(host_ctx *ctx, host_module *m)
{
    return loader_init_verbose(ctx, m, NULL);
}

void loader_init_all(host_ctx *ctx)
{
    for (size_t i = 0; i < ctx->module_count; i++)
        loader_init(ctx, &ctx->modules[i]);
}

void loader_fire(host_ctx *ctx, ksc_event_kind kind, const char *user, const char *server,
                 const char *lang)
{
    ksc_event ev = {sizeof ev, kind, user, server, lang, 0};
    for (size_t i = 0; i < ctx->module_count; i++) {
        host_module *m = &ctx->modules[i];
        if (!m->instance || !m->desc->on_event)
            continue;
        ev.now_ms = m->services.now_ms(m->services.host);
        ksc_status st = m->desc->on_event(m->instance, &ev);
        if (st != KSC_OK)
            host_log(ctx, m->name, KSC_LOG_WARNING, "event %d returned status %d", (int)kind,
                     (int)st);
    }
}

void loader_shutdown_all(host_ctx *ctx)
{
    loader_fire(ctx, KSC_EVENT_SHUTDOWN, NULL, NULL, NULL);
    for (size_t i = 0; i < ctx->module_count; i++) {
        host_module *m = &ctx->modules[i];
        if (m->instance)
            m->desc->shutdown(m->instance);
        m->instance = NULL;
    }
}

void loader_unload_all(host_ctx *ctx)
{
    for (size_t i = 0; i < ctx->module_count; i++) {
        host_module *m = &ctx->modules[i];
        free_copies(m);
        /* Under AddressSanitizer the module stays mapped: LeakSanitizer runs at exit and
         * crashes symbolizing frames of an unloaded library. */
#if !defined(__SANITIZE_ADDRESS__)
        dlclose(m->handle);
#endif
    }
    free(ctx->modules);
    ctx->modules = NULL;
    ctx->module_count = 0;
}

const ksc_action *loader_find_action(host_ctx *ctx, const char *name, host_module **owner)
{
    for (size_t i = 0; i < ctx->module_count; i++) {
        host_module *m = &ctx->modules[i];
        const ksc_module_descriptor *d = m->desc ? m->desc : &m->desc_copy;
        for (size_t a = 0; a < d->action_count; a++)
            if (d->actions && strcmp(d->actions[a].name, name) == 0) {
                if (owner)
                    *owner = m;
                return &d->actions[a];
            }
    }
    return NULL;
}
