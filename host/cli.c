/* cli.c — ksc-host's main: global options and the command table. */
#include "args.h"
#include "commands.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct command {
    const char *name;
    int (*run)(host_ctx *ctx, int argc, char **argv);
} command;

static const command commands[] = {
    {"plugins", cmd_plugins}, {"rights", cmd_rights},   {"call", cmd_call},
    {"login", cmd_login},     {"timer", cmd_timer},     {"notifications", cmd_notifications},
    {"user", cmd_user},       {"role", cmd_role},       {"server", cmd_server},
    {"devices", cmd_devices}, {"license", cmd_license}, {"ksn", cmd_ksn},
    {"config", cmd_config},   {"clock", cmd_clock},     {"audit", cmd_audit},
    {"batch", cmd_batch},     {"serve", cmd_serve},
};

int commands_run(host_ctx *ctx, const char *name, int argc, char **argv)
{
    if (strcmp(name, "batch") == 0 || strcmp(name, "serve") == 0)
        return -1; /* a batch in a batch, or a server that never returns */
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        if (strcmp(commands[k].name, name) == 0)
            return commands[k].run(ctx, argc, argv);
    return -1;
}

/* No configuration to open: say how to make one. */
static int no_config(const char *path, int given)
{
    if (given)
        fprintf(stderr, "ksc-host: the configuration file %s does not exist.\n", path);
    else
        fprintf(stderr,
                "ksc-host: no configuration: --config FILE was not given and there is no %s\n"
                "(the default: ksc-host.conf next to the binary).\n",
                path);
    char bin[PATH_MAX], plugins[PATH_MAX], resolved[PATH_MAX];
    const char *plugins_hint = "PLUGINS_DIR";
    if (host_binary_dir(bin, sizeof bin) == 0 &&
        host_path_resolve(bin, "../plugins", plugins, sizeof plugins) == 0 &&
        realpath(plugins, resolved))
        plugins_hint = resolved;
    fprintf(stderr,
            "Make a console host with\n"
            "  ksc-host init --dir DIR --plugins-dir %s\n"
            "then run\n"
            "  ksc-host --config DIR/ksc-host.conf COMMAND ...\n"
            "(ksc-host help lists the commands; docs/host.md, \"Quick start\").\n",
            plugins_hint);
    return EXIT_FAILED;
}

static int is_help(const char *arg)
{
    return strcmp(arg, "help") == 0 || strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

int main(int argc, char **argv)
{
    const char *config = NULL;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            config = argv[++i];
        } else if (is_help(argv[i])) {
            args_print_usage(stdout);
            return EXIT_OK;
        } else {
            return args_usage("unknown global option or missing value");
        }
    }
    if (i >= argc)
        return args_usage("no command given");
    const char *name = argv[i];
    if (is_help(name)) {
        args_print_usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(name, "init") == 0) {
        if (config)
            return args_usage("init takes --dir, not --config");
        return cmd_init(argc - i - 1, argv + i + 1);
    }
    const command *cmd = NULL;
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        if (strcmp(commands[k].name, name) == 0)
            cmd = &commands[k];
    if (!cmd) {
        fprintf(stderr, "ksc-host: unknown command '%s'\n", name);
        return args_usage(NULL);
    }
    char default_config[PATH_MAX];
    int given = config != NULL;
    if (!config) {
        if (host_config_default_path(default_config, sizeof default_config) != 0) {
            fprintf(stderr, "ksc-host: cannot locate the default configuration\n");
            return no_config("ksc-host.conf", 0);
        }
        config = default_config;
    }
    if (access(config, F_OK) != 0 && errno == ENOENT)
        return no_config(config, given);
    host_ctx ctx;
    if (host_open(&ctx, config) != 0) {
        host_close(&ctx);
        return EXIT_FAILED;
    }
    int rc = cmd->run(&ctx, argc - i - 1, argv + i + 1);
    fflush(stdout);
    host_close(&ctx);
    return rc;
}
