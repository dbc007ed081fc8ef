/* cmd_admin.c — console administration: users, roles, servers, licenses, KSN, the clock. */
#include "accounts.h"
#include "args.h"
#include "commands.h"
#include "clock.h"
#include "ksn.h"
#include "licenses.h"
#include "loader.h"
#include "servers.h"

#include <string.h>
#include <time.h>

/* Prints err for a failed status and maps it to an exit code. */
static int report(ksc_status status, const char *err)
{
    if (status != KSC_OK)
        fprintf(stderr, "ksc-host: %s\n", err[0] ? err : "failed");
    return host_exit_code(status);
}

static int ok_json(const char *key, const char *value)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, key, json_object_new_string(value));
    args_print_json(o);
    return EXIT_OK;
}

int cmd_user(host_ctx *ctx, int argc, char **argv)
{
    if (argc < 1)
        return args_usage("user add|list|grant|passwd");
    char err[512] = "";
    args_parsed a;
    if (strcmp(argv[0], "add") == 0) {
        static const args_opt opts[] = {{"--main-admin", 0}, {"--lang", 1}, {NULL, 0}};
        if (args_parse(argc - 1, argv + 1, opts, 1, 1, &a) != 0)
            return args_usage(NULL);
        const char *lang = args_get(&a, "--lang") ? args_get(&a, "--lang") : "en";
        if (!host_valid_lang(lang)) {
            fprintf(stderr, "ksc-host: unsupported language '%s' (use en, ru, de, es, fr or it)\n",
                    lang);
            return EXIT_INVALID;
        }
        ksc_status st = accounts_user_add(ctx, a.pos[0], args_get(&a, "--main-admin") != NULL, lang,
                                          err, sizeof err);
        return st == KSC_OK ? ok_json("user_added", a.pos[0]) : report(st, err);
    }
    if (strcmp(argv[0], "passwd") == 0)
        return cmd_user_passwd(ctx, argc - 1, argv + 1);
    if (strcmp(argv[0], "list") == 0) {
        static const args_opt opts[] = {{NULL, 0}};
        if (args_parse(argc - 1, argv + 1, opts, 0, 0, &a) != 0)
            return args_usage(NULL);
        args_print_json(accounts_user_list(ctx));
        return EXIT_OK;
    }
    if (strcmp(argv[0], "grant") == 0) {
        static const args_opt opts[] = {{"--server", 1}, {NULL, 0}};
        if (args_parse(argc - 1, argv + 1, opts, 2, 2, &a) != 0)
            return args_usage(NULL);
        ksc_status st =
            accounts_grant(ctx, a.pos[0], a.pos[1], args_get(&a, "--server"), err, sizeof err);
        if (st != KSC_OK)
            return report(st, err);
        json_object *o = json_object_new_object();
        json_object_object_add(o, "user", json_object_new_string(a.pos[0]));
        json_object_object_add(o, "role", json_object_new_string(a.pos[1]));
        const char *server = args_get(&a, "--server");
        json_object_object_add(o, "server", server ? json_object_new_string(server) : NULL);
        args_print_json(o);
        return EXIT_OK;
    }
    return args_usage("user add|list|grant|passwd");
}

int cmd_role(host_ctx *ctx, int argc, char **argv)
{
    if (argc < 1)
        return args_usage("role add|allow|deny|list|add-preset");
    static const args_opt none[] = {{NULL, 0}};
    char err[512] = "";
    args_parsed a;
    const char *sub = argv[0];
    if (strcmp(sub, "add") == 0) {
        if (args_parse(argc - 1, argv + 1, none, 1, 1, &a) != 0)
            return args_usage(NULL);
        ksc_status st = accounts_role_add(ctx, a.pos[0], NULL, NULL, err, sizeof err);
        return st == KSC_OK ? ok_json("role_added", a.pos[0]) : report(st, err);
    }
    if (strcmp(sub, "allow") == 0 || strcmp(sub, "deny") == 0) {
        if (args_parse(argc - 1, argv + 1, none, 2, 2, &a) != 0)
            return args_usage(NULL);
        loader_load_all(ctx); /* module areas are known from the descriptors */
        ksc_status st = accounts_role_set(ctx, a.pos[0], a.pos[1], sub[0] == 'a', err, sizeof err);
        loader_unload_all(ctx);
        if (st != KSC_OK)
            return report(st, err);
        json_object *o = json_object_new_object();
        json_object_object_add(o, "role", json_object_new_string(a.pos[0]));
        json_object_object_add(o, sub, json_object_new_string(a.pos[1]));
        args_print_json(o);
        return EXIT_OK;
    }
    if (strcmp(sub, "list") == 0) {
        if (args_parse(argc - 1, argv + 1, none, 0, 0, &a) != 0)
            return args_usage(NULL);
        args_print_json(accounts_role_list(ctx));
        return EXIT_OK;
    }
    if (strcmp(sub, "add-preset") == 0) {
        if (args_parse(argc - 1, argv + 1, none, 1, 1, &a) != 0)
            return args_usage(NULL);
        loader_load_all(ctx);
        ksc_status st = accounts_role_from_preset(ctx, a.pos[0], err, sizeof err);
        loader_unload_all(ctx);
        return st == KSC_OK ? ok_json("role_added", a.pos[0]) : report(st, err);
    }
    return args_usage("role add|allow|deny|list|add-preset");
}

int cmd_server(host_ctx *ctx, int argc, char **argv)
{
    if (argc < 1)
        return args_usage("server add-virtual|list|background|console-kind");
    static const args_opt none[] = {{NULL, 0}};
    char err[512] = "";
    args_parsed a;
    if (strcmp(argv[0], "add-virtual") == 0) {
        if (args_parse(argc - 1, argv + 1, none, 1, 1, &a) != 0)
            return args_usage(NULL);
        ksc_status st = servers_add_virtual(ctx, a.pos[0], err, sizeof err);
        return st == KSC_OK ? ok_json("server_added", a.pos[0]) : report(st, err);
    }
    if (strcmp(argv[0], "list") == 0) {
        if (args_parse(argc - 1, argv + 1, none, 0, 0, &a) != 0)
            return args_usage(NULL);
        args_print_json(servers_list(ctx, 1));
        return EXIT_OK;
    }
    if (strcmp(argv[0], "console-kind") == 0) {
        if (args_parse(argc - 1, argv + 1, none, 0, 1, &a) != 0)
            return args_usage("server console-kind [on_premises|cloud|cloud_trial]");
        if (a.npos == 1 && servers_set_console_kind(ctx, a.pos[0]) != KSC_OK) {
            snprintf(err, sizeof err, "unknown console kind '%s'", a.pos[0]);
            return report(KSC_ERR_INVALID, err);
        }
        json_object *o = json_object_new_object();
        json_object_object_add(o, "console_kind",
                               json_object_new_string(servers_console_kind(ctx)));
        args_print_json(o);
        return EXIT_OK;
    }
    if (strcmp(argv[0], "background") == 0) {
        if (args_parse(argc - 1, argv + 1, none, 2, 2, &a) != 0 ||
            (strcmp(a.pos[1], "on") != 0 && strcmp(a.pos[1], "off") != 0))
            return args_usage("server background NAME on|off");
        ksc_status st = servers_set_background(ctx, a.pos[0], strcmp(a.pos[1], "on") == 0);
        if (st == KSC_ERR_NOT_FOUND)
            snprintf(err, sizeof err, "unknown server '%s'", a.pos[0]);
        if (st != KSC_OK)
            return report(st, err);
        json_object *o = json_object_new_object();
        json_object_object_add(o, "server", json_object_new_string(a.pos[0]));
        json_object_object_add(o, "background_connection",
                               json_object_new_boolean(strcmp(a.pos[1], "on") == 0));
        args_print_json(o);
        return EXIT_OK;
    }
    return args_usage("server add-virtual|list|background|console-kind");
}

/* YYYY-MM-DD (UTC midnight) to ms since the epoch. */
static int parse_date(const char *s, int64_t *out)
{
    int y, m, d;
    char tail;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || y < 1970 ||
        m < 1 || m > 12 || d < 1 || d > 31)
        return -1;
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    time_t t = timegm(&tm);
    struct tm back;
    if (t == (time_t)-1 || !gmtime_r(&t, &back) || back.tm_mday != d)
        return -1; /* e.g. 2026-02-30 */
    *out = (int64_t)t * 1000;
    return 0;
}

int cmd_license(host_ctx *ctx, int argc, char **argv)
{
    if (argc < 1)
        return args_usage("license add|list");
    args_parsed a;
    if (strcmp(argv[0], "add") == 0) {
        static const args_opt opts[] = {{"--product", 1}, {"--expires", 1}, {NULL, 0}};
        if (args_parse(argc - 1, argv + 1, opts, 1, 1, &a) != 0 || !args_get(&a, "--product"))
            return args_usage("license add CODE --product NAME [--expires YYYY-MM-DD]");
        int64_t expires = -1;
        if (args_get(&a, "--expires") && parse_date(args_get(&a, "--expires"), &expires) != 0) {
            fprintf(stderr, "ksc-host: --expires must be a date YYYY-MM-DD\n");
            return EXIT_INVALID;
        }
        char id[32], err[512] = "";
        ksc_status st = licenses_add(ctx, a.pos[0], args_get(&a, "--product"), expires, id,
                                     sizeof id, err, sizeof err);
        return st == KSC_OK ? ok_json("license_added", id) : report(st, err);
    }
    if (strcmp(argv[0], "list") == 0) {
        static const args_opt none[] = {{NULL, 0}};
        if (args_parse(argc - 1, argv + 1, none, 0, 0, &a) != 0)
            return args_usage(NULL);
        args_print_json(licenses_list(ctx));
        return EXIT_OK;
    }
    return args_usage("license add|list");
}

int cmd_ksn(host_ctx *ctx, int argc, char **argv)
{
    static const args_opt opts[] = {{"--server", 1}, {NULL, 0}};
    args_parsed a;
    if (argc < 1 || strcmp(argv[0], "show") != 0 ||
        args_parse(argc - 1, argv + 1, opts, 0, 0, &a) != 0)
        return args_usage("ksn show [--server NAME]");
    const char *server = args_get(&a, "--server") ? args_get(&a, "--server") : "main";
    json_object *o = ksn_settings(ctx, server);
    if (!o) {
        fprintf(stderr, "ksc-host: unknown server '%s'\n", server);
        return EXIT_INVALID;
    }
    json_object_object_add(o, "history", ksn_history(ctx, server));
    args_print_json(o);
    return EXIT_OK;
}

int cmd_clock(host_ctx *ctx, int argc, char **argv)
{
    static const args_opt none[] = {{NULL, 0}};
    args_parsed a;
    if (argc >= 1 && strcmp(argv[0], "advance") == 0) {
        unsigned long long ms;
        if (args_parse(argc - 1, argv + 1, none, 1, 1, &a) != 0)
            return args_usage("clock advance MS");
        if (args_parse_u64(a.pos[0], 0, 100ULL * 365 * 24 * 3600 * 1000, &ms) != 0) {
            fprintf(stderr, "ksc-host: MS must be a non-negative integer (at most 100 years)\n");
            return EXIT_INVALID;
        }
        if (clock_advance(ctx, (int64_t)ms) != 0) {
            fprintf(stderr, "ksc-host: cannot store the clock: %s\n", sqlite3_errmsg(ctx->db));
            return EXIT_FAILED;
        }
    } else if (!(argc >= 1 && strcmp(argv[0], "show") == 0 &&
                 args_parse(argc - 1, argv + 1, none, 0, 0, &a) == 0)) {
        return args_usage("clock advance MS | clock show");
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "offset_ms", json_object_new_int64(clock_offset_ms(ctx)));
    json_object_object_add(o, "now_ms", json_object_new_int64(clock_now_ms(ctx)));
    args_print_json(o);
    return EXIT_OK;
}
