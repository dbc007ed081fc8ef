/* args.h — what every command shares: option parsing, the usage text, JSON on stdout.
 * It depends on nothing of the CLI; cli.c (main) and the cmd_*.c files depend on it. */
#ifndef KSC_HOST_ARGS_H
#define KSC_HOST_ARGS_H

#include <json-c/json.h>
#include <stdio.h>

#define ARGS_MAX_OPTS 12
#define ARGS_MAX_POS 8

/* An option: "--name" with a value, or a flag when takes_value is 0. */
typedef struct args_opt {
    const char *name;
    int takes_value;
} args_opt;

typedef struct args_parsed {
    const args_opt *opts;
    const char *values[ARGS_MAX_OPTS]; /* NULL when absent; "" for a present flag */
    const char *pos[ARGS_MAX_POS];
    int npos;
} args_parsed;

/* Parses argv (after the command words) against opts (terminated by {NULL}). Options may be
 * mixed with positionals; "--" ends options. Returns -1 (message on stderr) on an unknown
 * option, a missing value, a repeated option or more than max_pos positionals. */
int args_parse(int argc, char **argv, const args_opt *opts, int min_pos, int max_pos,
               args_parsed *out);
const char *args_get(const args_parsed *a, const char *name);

/* Parses a non-negative decimal integer within [min, max]. */
int args_parse_u64(const char *s, unsigned long long min, unsigned long long max,
                   unsigned long long *out);

/* Writes the usage text to f. */
void args_print_usage(FILE *f);

/* Prints "ksc-host: problem" (when given) and the usage text on stderr; returns EXIT_USAGE. */
int args_usage(const char *problem);

/* Prints JSON on stdout (pretty) and releases it. */
void args_print_json(json_object *obj);

#endif
