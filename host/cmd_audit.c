/* cmd_audit.c — `ksc-host audit`: the audit trail, newest first, for a main administrator. */
#include "accounts.h"
#include "args.h"
#include "audit.h"
#include "call_errors.h"
#include "commands.h"
#include "store.h"

#include <string.h>

#define AUDIT_DEFAULT_LIMIT 100
#define AUDIT_MAX_LIMIT 10000

int cmd_audit(host_ctx *ctx, int argc, char **argv)
{
    static const args_opt opts[] = {{"--as", 1},     {"--user", 1},  {"--server", 1},
                                    {"--action", 1}, {"--since", 1}, {"--limit", 1},
                                    {NULL, 0}};
    args_parsed a;
    if (args_parse(argc, argv, opts, 0, 0, &a) != 0)
        return args_usage(NULL);
    const char *as = args_get(&a, "--as") ? args_get(&a, "--as") : "admin";
    char lang[8] = "en";
    if (accounts_user_language(ctx, as, lang, sizeof lang) != KSC_OK)
        return call_error("en", EXIT_INVALID, "unknown_user", call_error_detail("user", as));
    int64_t admin = 0;
    host_lock(ctx);
    int found =
        store_query_int(ctx->db, "SELECT main_admin FROM users WHERE name = ?1", as, NULL, &admin);
    host_unlock(ctx);
    if (found != 1 || !admin)
        return call_error(lang, EXIT_DENIED, "audit_denied", call_error_detail("user", as));
    audit_filter f = {args_get(&a, "--user"), args_get(&a, "--server"), args_get(&a, "--action"), 0,
                      AUDIT_DEFAULT_LIMIT};
    if (args_get(&a, "--since") && audit_parse_since(args_get(&a, "--since"), &f.since_ms) != 0) {
        fprintf(stderr, "ksc-host: --since must be a date YYYY-MM-DD, a UTC time "
                        "YYYY-MM-DDTHH:MM:SSZ or milliseconds since the epoch\n");
        return EXIT_INVALID;
    }
    unsigned long long limit;
    if (args_get(&a, "--limit")) {
        if (args_parse_u64(args_get(&a, "--limit"), 1, AUDIT_MAX_LIMIT, &limit) != 0) {
            fprintf(stderr, "ksc-host: --limit must be an integer from 1 to %d\n", AUDIT_MAX_LIMIT);
            return EXIT_INVALID;
        }
        f.limit = (int64_t)limit;
    }
    json_object *list = audit_list(ctx, &f);
    if (!list) {
        fprintf(stderr, "ksc-host: cannot read the audit trail: %s\n", sqlite3_errmsg(ctx->db));
        return EXIT_FAILED;
    }
    args_print_json(list);
    return EXIT_OK;
}
