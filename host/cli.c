/* cli.c — ksc-host's main: global options, the command table, usage. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: ksc-host [--config FILE] COMMAND ...\n"
    "\n"
    "  init --dir DIR [--plugins-dir DIR] [--resources DIR]\n"
    "  plugins [--lang xx]                  modules, versions, functional areas (JSON)\n"
    "  rights [--lang xx]                   every functional area: host and modules\n"
    "  call [--server NAME] [--user NAME] [--lang xx] [--output FILE] ACTION [JSON|@FILE]\n"
    "  login --user NAME [--server NAME]    fires the login event, prints new notifications\n"
    "  timer                                fires one timer event\n"
    "  notifications --user NAME\n"
    "  user add NAME [--main-admin] [--lang xx] | user list\n"
    "  user grant NAME ROLE [--server NAME]\n"
    "  role add NAME | role allow|deny NAME AREA | role list | role add-preset PRESET_ID\n"
    "  server add-virtual NAME | server list | server background NAME on|off\n"
    "  devices import FILE.json\n"
    "  devices generate --count N --seed S [--never-sent M] [--tenants T] [--server NAME]\n"
    "  devices list [--server NAME] [--limit N]\n"
    "  license add CODE --product NAME [--expires YYYY-MM-DD] | license list\n"
    "  ksn show [--server NAME]\n"
    "  config set-env KEY VALUE | config set-module MODULE KEY VALUE\n"
    "  clock advance MS | clock show\n"
    "\n"
    "Exit codes: 0 ok, 1 the action failed, 2 usage, 3 denied, 4 invalid input.\n"
    "Default config: ksc-host.conf next to the binary. See docs/host.md.\n";

int cli_usage(const char *problem)
{
    if (problem)
        fprintf(stderr, "ksc-host: %s\n", problem);
    fputs(usage_text, stderr);
    return EXIT_USAGE;
}

void cli_print_json(json_object *obj)
{
    fputs(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                  JSON_C_TO_STRING_NOSLASHESCAPE),
          stdout);
    fputc('\n', stdout);
    json_object_put(obj);
}

int cli_parse_u64(const char *s, unsigned long long min, unsigned long long max,
                  unsigned long long *out)
{
    if (!s || !*s || s[0] == '-' || s[0] == '+')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int cli_parse(int argc, char **argv, const cli_opt *opts, int min_pos, int max_pos, cli_args *out)
{
    memset(out, 0, sizeof *out);
    out->opts = opts;
    int options_done = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!options_done && strcmp(a, "--") == 0) {
            options_done = 1;
            continue;
        }
        if (!options_done && a[0] == '-' && a[1] == '-') {
            int k = 0;
            while (opts[k].name && strcmp(opts[k].name, a) != 0)
                k++;
            if (!opts[k].name) {
                fprintf(stderr, "ksc-host: unknown option %s\n", a);
                return -1;
            }
            if (out->values[k]) {
                fprintf(stderr, "ksc-host: option %s given twice\n", a);
                return -1;
            }
            if (opts[k].takes_value) {
                if (i + 1 >= argc) {
                    fprintf(stderr, "ksc-host: option %s needs a value\n", a);
                    return -1;
                }
                out->values[k] = argv[++i];
            } else {
                out->values[k] = "";
            }
            continue;
        }
        if (out->npos >= max_pos || out->npos >= CLI_MAX_POS) {
            fprintf(stderr, "ksc-host: unexpected argument '%s'\n", a);
            return -1;
        }
        out->pos[out->npos++] = a;
    }
    if (out->npos < min_pos) {
        fprintf(stderr, "ksc-host: missing argument(s)\n");
        return -1;
    }
    return 0;
}

const char *cli_get(const cli_args *a, const char *name)
{
    for (int k = 0; a->opts[k].name; k++)
        if (strcmp(a->opts[k].name, name) == 0)
            return a->values[k];
    return NULL;
}

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
            fputs(usage_text, stdout);
            return EXIT_OK;
        } else {
            return cli_usage("unknown global option or missing value");
        }
    }
    if (i >= argc)
        return cli_usage("no command given");
    const char *name = argv[i];
    if (strcmp(name, "init") == 0) {
        if (config)
            return cli_usage("init takes --dir, not --config");
        return cmd_init(argc - i - 1, argv + i + 1);
    }
    const command *cmd = NULL;
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        if (strcmp(commands[k].name, name) == 0)
            cmd = &commands[k];
    if (!cmd) {
        fprintf(stderr, "ksc-host: unknown command '%s'\n", name);
        return cli_usage(NULL);
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
