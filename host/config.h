/* config.h — ksc-host's configuration file (libconfig). */
#ifndef KSC_HOST_CONFIG_H
#define KSC_HOST_CONFIG_H

#include <limits.h>
#include <stddef.h>

typedef struct host_module_conf {
    char name[65];
    char file[PATH_MAX];        /* the module's shared library */
    char config_path[PATH_MAX]; /* its configuration file */
} host_module_conf;

typedef struct host_config {
    char path[PATH_MAX];
    char data_dir[PATH_MAX];
    char plugins_dir[PATH_MAX];
    char env_file[PATH_MAX];
    host_module_conf *modules;
    size_t module_count;
} host_config;

/* Reads and validates FILE. Relative paths inside are relative to the file's directory.
 * A module's library is `file` when given, else plugins_dir/lib<NAME>.so (or
 * plugins_dir/<NAME>.so when only that exists). On failure
 * writes a message to err and returns -1. */
int host_config_load(const char *path, host_config *out, char *err, size_t err_size);
void host_config_free(host_config *cfg);

/* The default configuration path: ksc-host.conf next to the running binary. */
int host_config_default_path(char *out, size_t size);

/* The directory of the running binary. */
int host_binary_dir(char *out, size_t size);

/* Joins base and rel unless rel is absolute. */
int host_path_resolve(const char *base_dir, const char *rel, char *out, size_t size);

#endif
