/* cmd_devices.c — `devices import|generate|list`. */
#include "args.h"
#include "commands.h"
#include "devices.h"
#include "servers.h"

#include <string.h>
#include <time.h>

#define MAX_GENERATE 1000000ULL

typedef struct list_ctx {
    unsigned long long limit, printed;
} list_ctx;

static int print_device(void *c, const ksc_device *d)
{
    list_ctx *l = c;
    if (l->limit && l->printed >= l->limit)
        return 1;
    json_object *o = devices_to_json(d);
    fputs(l->printed ? ",\n  " : "\n  ", stdout);
    fputs(
        json_object_to_json_string_ext(o, JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE),
        stdout);
    json_object_put(o);
    l->printed++;
    return 0;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static int generate(host_ctx *ctx, int argc, char **argv)
{
    static const args_opt opts[] = {{"--count", 1},   {"--seed", 1},   {"--never-sent", 1},
                                    {"--tenants", 1}, {"--server", 1}, {NULL, 0}};
    args_parsed a;
    if (args_parse(argc, argv, opts, 0, 0, &a) != 0 || !args_get(&a, "--count") ||
        !args_get(&a, "--seed"))
        return args_usage("devices generate --count N --seed S [--never-sent M] [--tenants T] "
                          "[--server NAME]");
    unsigned long long count, seed, never_sent = 0, tenants = 0;
    if (args_parse_u64(args_get(&a, "--count"), 1, MAX_GENERATE, &count) != 0 ||
        args_parse_u64(args_get(&a, "--seed"), 0, UINT64_MAX, &seed) != 0 ||
        (args_get(&a, "--never-sent") &&
         args_parse_u64(args_get(&a, "--never-sent"), 0, count, &never_sent) != 0) ||
        (args_get(&a, "--tenants") &&
         args_parse_u64(args_get(&a, "--tenants"), 0, 100, &tenants))) {
        fprintf(stderr,
                "ksc-host: --count 1..%llu, --seed a non-negative integer, --never-sent "
                "0..count, --tenants 0..100\n",
                MAX_GENERATE);
        return EXIT_INVALID;
    }
    const char *server = args_get(&a, "--server") ? args_get(&a, "--server") : "main";
    char err[512];
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (devices_generate(ctx, seed, (uint32_t)count, (uint32_t)never_sent, (int)tenants, server,
                         err, sizeof err) != 0) {
        fprintf(stderr, "ksc-host: %s\n", err);
        return strstr(err, "unknown server") ? EXIT_INVALID : EXIT_FAILED;
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "generated", json_object_new_int64((int64_t)count));
    json_object_object_add(o, "never_sent", json_object_new_int64((int64_t)never_sent));
    json_object_object_add(o, "tenants", json_object_new_int64((int64_t)tenants));
    json_object_object_add(o, "server", json_object_new_string(server));
    json_object_object_add(o, "seconds", json_object_new_double(seconds_since(&t0)));
    args_print_json(o);
    return EXIT_OK;
}

int cmd_devices(host_ctx *ctx, int argc, char **argv)
{
    if (argc < 1)
        return args_usage("devices import|generate|list");
    args_parsed a;
    if (strcmp(argv[0], "generate") == 0)
        return generate(ctx, argc - 1, argv + 1);
    if (strcmp(argv[0], "import") == 0) {
        static const args_opt none[] = {{NULL, 0}};
        if (args_parse(argc - 1, argv + 1, none, 1, 1, &a) != 0)
            return args_usage("devices import FILE.json");
        json_object *doc = json_object_from_file(a.pos[0]);
        if (!doc) {
            fprintf(stderr, "ksc-host: cannot read %s as JSON: %s\n", a.pos[0],
                    json_util_get_last_err());
            return EXIT_INVALID;
        }
        char err[512];
        size_t count = 0;
        int rc = devices_import(ctx, doc, &count, err, sizeof err);
        json_object_put(doc);
        if (rc != 0) {
            fprintf(stderr, "ksc-host: %s (nothing imported)\n", err);
            return EXIT_INVALID;
        }
        json_object *o = json_object_new_object();
        json_object_object_add(o, "imported", json_object_new_int64((int64_t)count));
        args_print_json(o);
        return EXIT_OK;
    }
    if (strcmp(argv[0], "list") == 0) {
        static const args_opt opts[] = {{"--server", 1}, {"--limit", 1}, {NULL, 0}};
        if (args_parse(argc - 1, argv + 1, opts, 0, 0, &a) != 0)
            return args_usage("devices list [--server NAME] [--limit N]");
        list_ctx l = {0, 0};
        if (args_get(&a, "--limit") &&
            args_parse_u64(args_get(&a, "--limit"), 1, UINT32_MAX, &l.limit) != 0) {
            fprintf(stderr, "ksc-host: --limit must be a positive integer\n");
            return EXIT_INVALID;
        }
        const char *server = args_get(&a, "--server");
        if (server && !servers_exists(ctx, server)) {
            fprintf(stderr, "ksc-host: unknown server '%s'\n", server);
            return EXIT_INVALID;
        }
        fputs("[", stdout);
        ksc_status st = devices_foreach(ctx, server, print_device, &l);
        fputs(l.printed ? "\n]\n" : "]\n", stdout);
        if (st != KSC_OK) {
            fprintf(stderr, "ksc-host: cannot read the devices (status %d)\n", (int)st);
            return host_exit_code(st);
        }
        return EXIT_OK;
    }
    return args_usage("devices import|generate|list");
}
