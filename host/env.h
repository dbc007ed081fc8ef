/* env.h — the console's .env file: read one value afresh, set one value keeping the rest. */
#ifndef KSC_HOST_ENV_H
#define KSC_HOST_ENV_H

#include "host.h"

/* The value of KEY (malloc'd) or NULL when absent or the file is missing. Lines:
 * `KEY=VALUE`, optional `export ` prefix, `#` comments, blank lines, values in single quotes
 * (literal) or double quotes (\" \\ \n escapes). A malformed line is skipped with a logged
 * warning naming its line number. */
char *env_get_value(host_ctx *ctx, const char *path, const char *key);

/* Whether KEY is a valid variable name: [A-Za-z_][A-Za-z0-9_]*. */
int env_valid_key(const char *key);

/* Sets KEY=VALUE: replaces the first line defining KEY, drops later ones, keeps every other
 * line; appends when absent. Written to a temporary file renamed into place. The value may
 * not contain a newline. Returns 0, or -1 with a message in err. */
int env_set_value(const char *path, const char *key, const char *value, char *err, size_t err_size);

#endif
