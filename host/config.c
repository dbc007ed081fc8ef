/* config.c — loads ksc-host.conf with libconfig and resolves its relative paths. */
#include "config.h"

#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int host_path_resolve(const char *base_dir, const char *rel, char *out, size_t size)
{
    int n;
    if (rel[0] == '/')
        n = snprintf(out, size, "%s", rel);
    else
        n = snprintf(out, size, "%s/%s", base_dir, rel);
    return (n < 0 || (size_t)n >= size) ? -1 : 0;
}

int host_binary_dir(char *out, size_t size)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return -1;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return -1;
    *slash = '\0';
    return snprintf(out, size, "%s", exe) >= (int)size ? -1 : 0;
}

int host_config_default_path(char *out, size_t size)
{
    char dir[PATH_MAX];
    if (host_binary_dir(dir, sizeof dir) != 0)
        return -1;
    return host_path_resolve(dir, "ksc-host.conf", out, size);
}

static int read_path(config_t *cf, const char *key, const char *base, char *out, size_t size,
                     char *err, size_t err_size)
{
    const char *v = NULL;
    if (!config_lookup_string(cf, key, &v) || v[0] == '\0') {
        snprintf(err, err_size, "the setting '%s' (a non-empty string) is missing", key);
        return -1;
    }
    if (host_path_resolve(base, v, out, size) != 0) {
        snprintf(err, err_size, "the setting '%s' is too long", key);
        return -1;
    }
    return 0;
}

int host_config_load(const char *path, host_config *out, char *err, size_t err_size)
{
    memset(out, 0, sizeof *out);
    if (snprintf(out->path, sizeof out->path, "%s", path) >= (int)sizeof out->path) {
        snprintf(err, err_size, "configuration path too long");
        return -1;
    }
    char base[PATH_MAX];
    snprintf(base, sizeof base, "%s", path);
    char *slash = strrchr(base, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(base, sizeof base, ".");

    config_t cf;
    config_init(&cf);
    int rc = -1;
    if (!config_read_file(&cf, path)) {
        if (config_error_type(&cf) == CONFIG_ERR_FILE_IO)
            snprintf(err, err_size, "cannot read the configuration file %s", path);
        else
            snprintf(err, err_size, "%s:%d: %s", path, config_error_line(&cf),
                     config_error_text(&cf));
        goto done;
    }
    if (read_path(&cf, "data_dir", base, out->data_dir, sizeof out->data_dir, err, err_size) ||
        read_path(&cf, "plugins_dir", base, out->plugins_dir, sizeof out->plugins_dir, err,
                  err_size) ||
        read_path(&cf, "env_file", base, out->env_file, sizeof out->env_file, err, err_size))
        goto done;

    config_setting_t *mods = config_lookup(&cf, "modules");
    if (mods) {
        if (!config_setting_is_group(mods)) {
            snprintf(err, err_size, "'modules' must be a group: modules = { NAME = { ... }; }");
            goto done;
        }
        int n = config_setting_length(mods);
        out->modules = calloc(n > 0 ? (size_t)n : 1, sizeof *out->modules);
        if (!out->modules) {
            snprintf(err, err_size, "out of memory");
            goto done;
        }
        for (int i = 0; i < n; i++) {
            config_setting_t *m = config_setting_get_elem(mods, (unsigned)i);
            const char *name = config_setting_name(m);
            host_module_conf *mc = &out->modules[out->module_count];
            if (!config_setting_is_group(m) || !name || strlen(name) >= sizeof mc->name) {
                snprintf(err, err_size, "modules.%s must be a group { config = \"...\"; }",
                         name ? name : "?");
                goto done;
            }
            snprintf(mc->name, sizeof mc->name, "%s", name);
            const char *conf = NULL, *file = NULL;
            if (!config_setting_lookup_string(m, "config", &conf) || conf[0] == '\0') {
                snprintf(err, err_size, "modules.%s.config (the module's config file) is missing",
                         name);
                goto done;
            }
            if (host_path_resolve(base, conf, mc->config_path, sizeof mc->config_path) != 0) {
                snprintf(err, err_size, "modules.%s.config is too long", name);
                goto done;
            }
            char lib[PATH_MAX];
            if (config_setting_lookup_string(m, "file", &file) && file[0] != '\0')
                rc = host_path_resolve(base, file, mc->file, sizeof mc->file);
            else if (snprintf(lib, sizeof lib, "lib%s.so", name) < (int)sizeof lib) {
                rc = host_path_resolve(out->plugins_dir, lib, mc->file, sizeof mc->file);
                /* a module built without the lib prefix: NAME.so */
                char bare[PATH_MAX];
                if (rc == 0 && access(mc->file, F_OK) != 0 &&
                    snprintf(lib, sizeof lib, "%s.so", name) < (int)sizeof lib &&
                    host_path_resolve(out->plugins_dir, lib, bare, sizeof bare) == 0 &&
                    access(bare, F_OK) == 0)
                    snprintf(mc->file, sizeof mc->file, "%s", bare);
            }
            if (rc != 0) {
                snprintf(err, err_size, "modules.%s: library path too long", name);
                goto done;
            }
            rc = -1;
            out->module_count++;
        }
    }
    rc = 0;
done:
    config_destroy(&cf);
    if (rc != 0)
        host_config_free(out);
    return rc;
}

void host_config_free(host_config *cfg)
{
    free(cfg->modules);
    cfg->modules = NULL;
    cfg->module_count = 0;
}
