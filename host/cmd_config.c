/* cmd_config.c — `init` (a fresh console host) and `config set-env|set-module`. */
#include "args.h"
#include "commands.h"
#include "env.h"
#include "servers.h"

#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef KSC_RESOURCES_DIR
#define KSC_RESOURCES_DIR "resources"
#endif

static char *read_file(const char *path, size_t max)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(max + 1);
    size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
    fclose(f);
    if (!buf || n > max) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

static int write_file(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        return -1;
    size_t len = strlen(text), done = 0;
    while (done < len) {
        ssize_t n = write(fd, text + done, len - done);
        if (n <= 0) {
            close(fd);
            return -1;
        }
        done += (size_t)n;
    }
    return close(fd);
}

/* Replaces every @PLUGINS_DIR@ with dir (which may not contain a quote or backslash). */
static char *fill_template(const char *tpl, const char *dir)
{
    const char *token = "@PLUGINS_DIR@";
    size_t count = 0;
    for (const char *p = tpl; (p = strstr(p, token)); p += strlen(token))
        count++;
    char *out = malloc(strlen(tpl) + count * strlen(dir) + 1);
    if (!out)
        return NULL;
    char *w = out;
    for (const char *p = tpl;;) {
        const char *hit = strstr(p, token);
        size_t n = hit ? (size_t)(hit - p) : strlen(p);
        memcpy(w, p, n);
        w += n;
        if (!hit)
            break;
        memcpy(w, dir, strlen(dir));
        w += strlen(dir);
        p = hit + strlen(token);
    }
    *w = '\0';
    return out;
}

static int mkdir_p(const char *path)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(buf, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

int cmd_init(int argc, char **argv)
{
    static const args_opt opts[] = {
        {"--dir", 1}, {"--plugins-dir", 1}, {"--resources", 1}, {NULL, 0}};
    args_parsed a;
    if (args_parse(argc, argv, opts, 0, 0, &a) != 0 || !args_get(&a, "--dir"))
        return args_usage("init --dir DIR [--plugins-dir DIR] [--resources DIR]");
    const char *dir_arg = args_get(&a, "--dir");
    const char *resources =
        args_get(&a, "--resources") ? args_get(&a, "--resources") : KSC_RESOURCES_DIR;
    char plugins[PATH_MAX], bin[PATH_MAX], dir[PATH_MAX], path[PATH_MAX];
    if (args_get(&a, "--plugins-dir")) {
        snprintf(plugins, sizeof plugins, "%s", args_get(&a, "--plugins-dir"));
    } else if (host_binary_dir(bin, sizeof bin) != 0 ||
               host_path_resolve(bin, "../plugins", plugins, sizeof plugins) != 0) {
        fprintf(stderr, "ksc-host: cannot locate the plugins directory: give --plugins-dir\n");
        return EXIT_FAILED;
    }
    char resolved[PATH_MAX];
    if (realpath(plugins, resolved))
        snprintf(plugins, sizeof plugins, "%s", resolved);
    else
        fprintf(stderr, "ksc-host: warning: the plugins directory %s does not exist (yet)\n",
                plugins);
    if (strpbrk(plugins, "\"\\")) {
        fprintf(stderr, "ksc-host: the plugins directory may not contain quotes or backslashes\n");
        return EXIT_INVALID;
    }
    if (mkdir_p(dir_arg) != 0 || !realpath(dir_arg, dir)) {
        fprintf(stderr, "ksc-host: cannot create %s: %s\n", dir_arg, strerror(errno));
        return EXIT_FAILED;
    }
    if (host_path_resolve(dir, "ksc-host.conf", path, sizeof path) != 0)
        return EXIT_INVALID;
    if (access(path, F_OK) == 0) {
        fprintf(stderr, "ksc-host: %s already exists: this directory is already a console host\n",
                path);
        return EXIT_INVALID;
    }

    /* Read both templates before writing anything: nothing half-done. */
    char tpl_path[PATH_MAX], mdr_path[PATH_MAX];
    if (host_path_resolve(resources, "host/ksc-host.conf", tpl_path, sizeof tpl_path) != 0 ||
        host_path_resolve(resources, "mdr.conf", mdr_path, sizeof mdr_path) != 0)
        return EXIT_INVALID;
    char *tpl = read_file(tpl_path, 1 << 20);
    char *mdr = read_file(mdr_path, 1 << 20);
    if (!tpl || !mdr) {
        fprintf(stderr,
                "ksc-host: cannot read %s: the %s is missing (give --resources DIR, the "
                "project's resources/ folder)\n",
                !tpl ? tpl_path : mdr_path,
                !tpl ? "host's default configuration" : "MDR module's default configuration");
        free(tpl);
        free(mdr);
        return EXIT_FAILED;
    }
    char *conf = fill_template(tpl, plugins);
    char mdr_dst[PATH_MAX], env_dst[PATH_MAX];
    int rc = EXIT_FAILED;
    if (!conf || host_path_resolve(dir, "mdr.conf", mdr_dst, sizeof mdr_dst) != 0 ||
        host_path_resolve(dir, ".env", env_dst, sizeof env_dst) != 0)
        goto done;
    if ((access(mdr_dst, F_OK) != 0 && write_file(mdr_dst, mdr, 0600) != 0) ||
        (access(env_dst, F_OK) != 0 && write_file(env_dst, "", 0600) != 0) ||
        write_file(path, conf, 0644) != 0) {
        fprintf(stderr, "ksc-host: cannot write into %s: %s\n", dir, strerror(errno));
        goto done;
    }
    /* Opening the host creates the store with the main server and the main administrator. */
    host_ctx ctx;
    if (host_open(&ctx, path) != 0) {
        host_close(&ctx);
        goto done;
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "config", json_object_new_string(path));
    json_object_object_add(o, "data_dir", json_object_new_string(ctx.cfg.data_dir));
    json_object_object_add(o, "plugins_dir", json_object_new_string(plugins));
    json_object_object_add(o, "env_file", json_object_new_string(env_dst));
    json_object *mods = json_object_new_object();
    json_object_object_add(mods, "mdr", json_object_new_string(mdr_dst));
    json_object_object_add(o, "module_configs", mods);
    json_object_object_add(o, "main_server", json_object_new_string("main"));
    json_object_object_add(o, "main_admin", json_object_new_string("admin"));
    args_print_json(o);
    fprintf(stderr,
            "ksc-host: console host ready in %s; set the module's trust anchor with\n"
            "  ksc-host --config %s/ksc-host.conf config set-module mdr ksn.trust_anchor PATH\n",
            dir, dir);
    rc = EXIT_OK;
    host_close(&ctx);
done:
    free(conf);
    free(tpl);
    free(mdr);
    return rc;
}

/* Writes `cf` to `path` readable by the owner only: a module's configuration may hold a
 * secret (mdr.conf: the proxy password), and the module refuses one others can read. */
static int write_config_private(config_t *cf, const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return 0;
    FILE *f = fchmod(fd, 0600) == 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        close(fd);
        return 0;
    }
    config_write(cf, f);
    return fclose(f) == 0;
}

/* Sets a dotted path in a libconfig file, creating groups on the way. An existing number or
 * boolean setting keeps its type (the value must parse as one); anything else is a string. */
static int set_module_value(const char *file, const char *key, const char *value, char *err,
                            size_t err_size)
{
    config_t cf;
    config_init(&cf);
    int rc = -1;
    if (!config_read_file(&cf, file)) {
        snprintf(err, err_size, "cannot read %.300s: %.150s (line %d)", file,
                 config_error_text(&cf), config_error_line(&cf));
        goto done;
    }
    char path[512];
    if (snprintf(path, sizeof path, "%s", key) >= (int)sizeof path || !key[0]) {
        snprintf(err, err_size, "invalid key");
        goto done;
    }
    config_setting_t *node = config_root_setting(&cf);
    char *save = NULL;
    char *part = strtok_r(path, ".", &save);
    while (part) {
        char *next = strtok_r(NULL, ".", &save);
        config_setting_t *child = config_setting_get_member(node, part);
        if (!child) {
            child = config_setting_add(node, part, next ? CONFIG_TYPE_GROUP : CONFIG_TYPE_STRING);
            if (!child) {
                snprintf(err, err_size, "'%s' is not a valid setting name here", part);
                goto done;
            }
        } else if (next && !config_setting_is_group(child)) {
            snprintf(err, err_size, "'%s' is not a group", part);
            goto done;
        }
        node = child;
        part = next;
    }
    int ok;
    char *end;
    switch (config_setting_type(node)) {
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64: {
        long long v = strtoll(value, &end, 10);
        ok = *value && !*end && config_setting_set_int64(node, v);
        break;
    }
    case CONFIG_TYPE_FLOAT: {
        double v = strtod(value, &end);
        ok = *value && !*end && config_setting_set_float(node, v);
        break;
    }
    case CONFIG_TYPE_BOOL:
        ok = (strcmp(value, "true") == 0 || strcmp(value, "false") == 0) &&
             config_setting_set_bool(node, strcmp(value, "true") == 0);
        break;
    case CONFIG_TYPE_STRING:
        ok = config_setting_set_string(node, value);
        break;
    default:
        ok = 0;
    }
    if (!ok) {
        snprintf(err, err_size, "'%s' cannot take the value '%s' (type mismatch)", key, value);
        goto done;
    }
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", file) >= (int)sizeof tmp ||
        !write_config_private(&cf, tmp) || rename(tmp, file) != 0) {
        snprintf(err, err_size, "cannot write %.300s", file);
        unlink(tmp);
        goto done;
    }
    rc = 0;
done:
    config_destroy(&cf);
    return rc;
}

int cmd_config(host_ctx *ctx, int argc, char **argv)
{
    static const args_opt none[] = {{NULL, 0}};
    args_parsed a;
    char err[512];
    if (argc >= 1 && strcmp(argv[0], "set-env") == 0) {
        if (args_parse(argc - 1, argv + 1, none, 2, 2, &a) != 0)
            return args_usage("config set-env KEY VALUE");
        if (env_set_value(ctx->cfg.env_file, a.pos[0], a.pos[1], err, sizeof err) != 0) {
            fprintf(stderr, "ksc-host: %s\n", err);
            return EXIT_INVALID;
        }
        json_object *o = json_object_new_object();
        json_object_object_add(o, "env_file", json_object_new_string(ctx->cfg.env_file));
        json_object_object_add(o, "set", json_object_new_string(a.pos[0]));
        args_print_json(o);
        return EXIT_OK;
    }
    if (argc >= 1 && strcmp(argv[0], "set-module") == 0) {
        if (args_parse(argc - 1, argv + 1, none, 3, 3, &a) != 0)
            return args_usage("config set-module MODULE KEY VALUE");
        const host_module_conf *mc = NULL;
        for (size_t i = 0; i < ctx->cfg.module_count; i++)
            if (strcmp(ctx->cfg.modules[i].name, a.pos[0]) == 0)
                mc = &ctx->cfg.modules[i];
        if (!mc) {
            fprintf(stderr, "ksc-host: no module '%s' in %s\n", a.pos[0], ctx->cfg.path);
            return EXIT_INVALID;
        }
        if (set_module_value(mc->config_path, a.pos[1], a.pos[2], err, sizeof err) != 0) {
            fprintf(stderr, "ksc-host: %s\n", err);
            return EXIT_INVALID;
        }
        json_object *o = json_object_new_object();
        json_object_object_add(o, "module_config", json_object_new_string(mc->config_path));
        json_object_object_add(o, "set", json_object_new_string(a.pos[1]));
        args_print_json(o);
        return EXIT_OK;
    }
    return args_usage("config set-env KEY VALUE | config set-module MODULE KEY VALUE");
}
