/* commands.h — ksc-host's commands, one cmd_*.c file per group; main (cli.c) dispatches to
 * them. Each returns the process exit code. */
#ifndef KSC_HOST_COMMANDS_H
#define KSC_HOST_COMMANDS_H

#include "host.h"

/* `ctx` is open (config + store). */
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
int cmd_audit(host_ctx *ctx, int argc, char **argv);
int cmd_batch(host_ctx *ctx, int argc, char **argv);

/* `call` with the modules already loaded (by cmd_call, or once for a whole batch). */
int cmd_call_loaded(host_ctx *ctx, int argc, char **argv);

/* Runs the command NAME of main's table (not init, help, batch or serve); -1 when there is
 * none. */
int commands_run(host_ctx *ctx, const char *name, int argc, char **argv);
int cmd_serve(host_ctx *ctx, int argc, char **argv);
int cmd_user_passwd(host_ctx *ctx, int argc, char **argv); /* `user passwd NAME` */

/* `init` runs before any config exists. */
int cmd_init(int argc, char **argv);

#endif
