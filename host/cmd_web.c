/* cmd_web.c — `ksc-host serve` (the web console) and `ksc-host user passwd NAME`. */
#include "accounts.h"
#include "args.h"
#include "commands.h"
#include "web/passwords.h"
#include "web/server.h"

#include <libconfig.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

int cmd_user_passwd(host_ctx *ctx, int argc, char **argv)
{
    static const args_opt opts[] = {{NULL, 0}};
    args_parsed a;
    if (args_parse(argc, argv, opts, 1, 1, &a) != 0)
        return args_usage("user passwd NAME (the password on standard input)");
    const char *user = a.pos[0];
    if (!accounts_user_exists(ctx, user)) {
        fprintf(stderr, "ksc-host: unknown user '%s'\n", user);
        return EXIT_INVALID;
    }
    /* The password is read from standard input (one line), never from the command line
     * where other users could see it; on a terminal without echo. */
    int tty = isatty(STDIN_FILENO);
    struct termios saved, quiet;
    if (tty && tcgetattr(STDIN_FILENO, &saved) == 0) {
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        fprintf(stderr, "Password for %s: ", user);
    }
    char line[WEB_PASSWORD_MAX + 3];
    char *got = fgets(line, sizeof line, stdin);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        fputc('\n', stderr);
    }
    if (!got) {
        fprintf(stderr, "ksc-host: no password on standard input\n");
        return EXIT_INVALID;
    }
    line[strcspn(line, "\r\n")] = '\0';
    ksc_status st = web_password_set(ctx, user, line);
    memset(line, 0, sizeof line);
    if (st == KSC_ERR_INVALID) {
        fprintf(stderr, "ksc-host: a password has %d to %d characters\n", WEB_PASSWORD_MIN,
                WEB_PASSWORD_MAX);
        return EXIT_INVALID;
    }
    if (st != KSC_OK) {
        fprintf(stderr, "ksc-host: the password could not be stored\n");
        return host_exit_code(st);
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "password_set", json_object_new_string(user));
    args_print_json(o);
    return EXIT_OK;
}

/* The `web` group of ksc-host.conf: listen, port, tls_cert, tls_key, root, threads. */
static int read_web_conf(host_ctx *ctx, web_server_conf *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->listen, sizeof c->listen, "127.0.0.1");
    c->port = 8443;
    c->threads = 8;
    snprintf(c->root, sizeof c->root, "%s/web", KSC_RESOURCES_DIR);
    char base[PATH_MAX];
    snprintf(base, sizeof base, "%s", ctx->cfg.path);
    char *slash = strrchr(base, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(base, sizeof base, ".");
    config_t cf;
    config_init(&cf);
    int rc = 0;
    if (config_read_file(&cf, ctx->cfg.path)) {
        const char *s;
        int n;
        if (config_lookup_string(&cf, "web.listen", &s))
            snprintf(c->listen, sizeof c->listen, "%s", s);
        if (config_lookup_int(&cf, "web.port", &n))
            c->port = n >= 0 && n <= 65535 ? (unsigned)n : 70000u;
        if (config_lookup_int(&cf, "web.threads", &n))
            c->threads = n >= 1 && n <= 64 ? (unsigned)n : 0;
        if (config_lookup_string(&cf, "web.tls_cert", &s))
            rc |= host_path_resolve(base, s, c->cert, sizeof c->cert);
        if (config_lookup_string(&cf, "web.tls_key", &s))
            rc |= host_path_resolve(base, s, c->key, sizeof c->key);
        if (config_lookup_string(&cf, "web.root", &s))
            rc |= host_path_resolve(base, s, c->root, sizeof c->root);
    }
    config_destroy(&cf);
    return rc;
}

int cmd_serve(host_ctx *ctx, int argc, char **argv)
{
    static const args_opt opts[] = {{"--listen", 1}, {"--port", 1}, {"--cert", 1},
                                    {"--key", 1},    {"--root", 1}, {NULL, 0}};
    args_parsed a;
    if (args_parse(argc, argv, opts, 0, 0, &a) != 0)
        return args_usage(NULL);
    web_server_conf c;
    if (read_web_conf(ctx, &c) != 0) {
        fprintf(stderr, "ksc-host: serve: a path in the web group is too long\n");
        return EXIT_INVALID;
    }
    if (args_get(&a, "--listen"))
        snprintf(c.listen, sizeof c.listen, "%s", args_get(&a, "--listen"));
    if (args_get(&a, "--port")) {
        char *end = NULL;
        long p = strtol(args_get(&a, "--port"), &end, 10);
        c.port = end && *end == '\0' && p >= 0 && p <= 65535 ? (unsigned)p : 70000u;
    }
    if (args_get(&a, "--cert"))
        snprintf(c.cert, sizeof c.cert, "%s", args_get(&a, "--cert"));
    if (args_get(&a, "--key"))
        snprintf(c.key, sizeof c.key, "%s", args_get(&a, "--key"));
    if (args_get(&a, "--root"))
        snprintf(c.root, sizeof c.root, "%s", args_get(&a, "--root"));
    if (c.port > 65535 || c.threads == 0) {
        fprintf(stderr, "ksc-host: serve: the port is 0..65535 and threads 1..64\n");
        return EXIT_INVALID;
    }
    if (!c.cert[0] || !c.key[0]) {
        fprintf(stderr, "ksc-host: serve: HTTPS only: give web.tls_cert and web.tls_key in the "
                        "configuration, or --cert FILE --key FILE\n");
        return EXIT_INVALID;
    }
    return web_server_run(ctx, &c);
}
