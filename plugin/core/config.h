/* config.h — the module's configuration file (mdr.conf, libconfig syntax; the commented
 * default is resources/mdr.conf). Every value is validated; unknown keys are refused so a
 * typo never silently falls back to a default. Relative paths are relative to the file. */
#ifndef MDR_CONFIG_H
#define MDR_CONFIG_H

#include <stddef.h>

struct json_object;

typedef struct mdr_config {
    char *file; /* absolute path of the file read; "" when built from defaults only */

    /* cloud = { … } */
    char *cloud_base_url;      /* https URL without trailing '/', e.g. ".../api/v1" */
    char *cloud_extra_ca_file; /* absolute path of a readable PEM file, or "" */
    char *cloud_proxy;         /* proxy URL (may hold user:password — a secret), or "" */
    char *cloud_no_proxy;      /* comma-separated hosts, or "" */
    long cloud_connect_timeout_ms;
    long cloud_timeout_ms;
    long cloud_max_retries;

    /* ksn = { … } */
    char *ksn_trust_anchor; /* absolute path of a readable PEM file, or "" (not configured) */

    /* store = { … } */
    char *store_path; /* absolute path, or "" for <data_dir>/mdr.db */

    /* health = { … } */
    long health_sync_interval_s;
} mdr_config;

/* Reads and validates `path`. Returns 0, or -1 with err like
 * "/etc/mdr.conf:7: cloud.base_url must be an https:// URL", or MDR_CONFIG_INSECURE when
 * the file holds a secret (a proxy password) and its group or others may read it (err says
 * so and how to fix it: chmod 600). */
#define MDR_CONFIG_INSECURE (-2)
int mdr_config_load(const char *path, mdr_config **out, char *err, size_t err_size);

/* The configuration with every key at its default (no file). NULL when out of memory. */
mdr_config *mdr_config_defaults(void);

void mdr_config_free(mdr_config *config);

/* A copy of `url` with its password replaced by "***" (malloc'd; NULL when out of memory).
 * A URL without a password, or text that is not a URL, is returned unchanged. */
char *mdr_url_mask_password(const char *url);

/* The configuration in effect as a JSON object, secrets masked (new reference). */
struct json_object *mdr_config_to_json(const mdr_config *config);

#endif
