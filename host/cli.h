/* cli.h — the command line: option parsing shared by the commands, and the commands. */
#ifndef KSC_HOST_CLI_H
#define KSC_HOST_CLI_H

#include "host.h"

#include <json-c/json.h>

#define CLI_MAX_OPTS 12
#define CLI_MAX_POS 8

/* An option: "--name" with a value, or a flag when takes_value is 0. */
typedef struct cli_opt {
    const char *name;
    int takes_value;
} cli_opt;

typedef struct cli_args {
    const cli_opt *opts;
    const char *values[CLI_MAX_OPTS]; /* NULL when absent; "" for a present flag */
    const char *pos[CLI_MAX_POS];
    int npos;
} cli_args;

/* Parses argv (after the command words) against opts (terminated by {NULL}). Options may be
 * mixed with positionals; "--" ends options. Returns -1 (message on stderr) on an unknown
 * option, a missing value, a repeated option or more than max_pos positionals. */
int cli_parse(int argc, char **argv, const cli_opt *opts, int min_pos, int max_pos, cli_args *out);
const char *cli_get(const cli_args *a, const char *name);

/* Prints the usage text on stderr and returns EXIT_USAGE. */
int cli_usage(const char *problem);

/* Prints JSON on stdout (pretty) and releases it. */
void cli_print_json(json_object *obj);

/* Parses a non-negative decimal integer within [min, max]. */
int cli_parse_u64(const char *s, unsigned long long min, unsigned long long max,
                  unsigned long long *out);

/* Commands: each returns the process exit code. `ctx` is open (config + store). */
int cmd_plugins(host_ctx *ctx, int argc, char **argv);
int cmd_rights(host_ctx *ctx, int argc, char **argv);
int cmd_call(host_ctx *ctx, int argc, char **argv);
int cmd_login(host_ctx *ctx, int argc, char **argv);
int cmd_timer(host_ctx *ctx, int argc, char **argv);
int cmd_notifications(host_ctx *ctx, int argc, char **argv);
int cmd_user(host_ctx *ctx, int argc, char **argv);
int cmd_role(host_ctx *ctx, int argc, char **argv);
int cmd_server(host_ctx *ctx, int argc, char **argv);
int cmd_devices(host_ctx *ctx, int argc, char **argv);
int cmd_license(host_ctx *ctx, int argc, char **argv);
int cmd_ksn(host_ctx *ctx, int argc, char **argv);
int cmd_config(host_ctx *ctx, int argc, char **argv);
int cmd_clock(host_ctx *ctx, int argc, char **argv);

/* `init` runs before any config exists. */
int cmd_init(int argc, char **argv);

#endif
