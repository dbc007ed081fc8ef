/* cli.c — ksc-host's main: global options and the command table. */
#include "args.h"
#include "commands.h"

#include <stdlib.h>
#include <string.h>

typedef struct command {
    const char *name;
    int (*run)(host_ctx *ctx, int argc, char **argv);
} command;

static const command commands[] = {
    {"plugins", cmd_plugins}, {"rights", cmd_rights},   {"call", cmd_call},
    {"login", cmd_login},     {"timer", cmd_timer},     {"notifications", cmd_notifications},
    {"user", cmd_user},       {"role", cmd_role},       {"server", cmd_server},
    {"devices", cmd_devices}, {"license", cmd_license}, {"ksn", cmd_ksn},
    {"config", cmd_config},   {"clock", cmd_clock},
};

int main(int argc, char **argv)
{
    const char *config = NULL;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            config = argv[++i];
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            args_print_usage(stdout);
            return EXIT_OK;
        } else {
            return args_usage("unknown global option or missing value");
        }
    }
    if (i >= argc)
        return args_usage("no command given");
    const char *name = argv[i];
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
    if (!config) {
        if (host_config_default_path(default_config, sizeof default_config) != 0) {
            fprintf(stderr, "ksc-host: cannot locate the default configuration\n");
            return EXIT_FAILED;
        }
        config = default_config;
    }
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
