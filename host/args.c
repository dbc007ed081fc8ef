/* args.c — option parsing, the usage text and JSON output that every command shares. */
#include "args.h"

#include "host.h" /* the exit codes */

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
    "  user passwd NAME                     the web console password, from standard input\n"
    "  role add NAME | role allow|deny NAME AREA | role list | role add-preset PRESET_ID\n"
    "  server add-virtual NAME | server list | server background NAME on|off\n"
    "  server console-kind [on_premises|cloud|cloud_trial]\n"
    "  devices import FILE.json\n"
    "  devices generate --count N --seed S [--never-sent M] [--tenants T] [--server NAME]\n"
    "  devices list [--server NAME] [--limit N]\n"
    "  license add CODE --product NAME [--expires YYYY-MM-DD] | license list\n"
    "  ksn show [--server NAME]\n"
    "  config set-env KEY VALUE | config set-module MODULE KEY VALUE\n"
    "  clock advance MS | clock show\n"
    "  audit [--as NAME] [--user U] [--server S] [--action A] [--since DATE|MS] [--limit N]\n"
    "                                       the audit trail, newest first (main administrators)\n"
    "  batch [--capture DIR]               many commands in one process: framed on stdin,\n"
    "                                       answered framed on stdout (docs/host.md)\n"
    "  serve [--listen ADDR] [--port N] [--cert FILE] [--key FILE] [--root DIR]\n"
    "                                       the web console over HTTPS (docs/web-console.md)\n"
    "  help | --help | -h                   this text\n"
    "\n"
    "Exit codes: 0 ok, 1 the action failed, 2 usage, 3 denied, 4 invalid input.\n"
    "Default config: ksc-host.conf next to the binary; make one with\n"
    "  ksc-host init --dir DIR --plugins-dir PLUGINS_DIR\n"
    "and pass --config DIR/ksc-host.conf. See docs/host.md.\n";

void args_print_usage(FILE *f)
{
    fputs(usage_text, f);
}

int args_usage(const char *problem)
{
    if (problem)
        fprintf(stderr, "ksc-host: %s\n", problem);
    fputs(usage_text, stderr);
    return EXIT_USAGE;
}

void args_print_json(json_object *obj)
{
    fputs(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                  JSON_C_TO_STRING_NOSLASHESCAPE),
          stdout);
    fputc('\n', stdout);
    json_object_put(obj);
}

int args_parse_u64(const char *s, unsigned long long min, unsigned long long max,
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

int args_parse(int argc, char **argv, const args_opt *opts, int min_pos, int max_pos,
               args_parsed *out)
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
        if (out->npos >= max_pos || out->npos >= ARGS_MAX_POS) {
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

const char *args_get(const args_parsed *a, const char *name)
{
    for (int k = 0; a->opts[k].name; k++)
        if (strcmp(a->opts[k].name, name) == 0)
            return a->values[k];
    return NULL;
}
