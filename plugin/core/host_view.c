/* host_view.c — what the host says about a server (its kind, its KSN settings), read
 * through the services table; shared by the activation, usage and KSN areas. */
#include "host_view.h"

#include <stdio.h>
#include <string.h>

static json_object *host_json(ksc_module *m, char *text)
{
    if (!text)
        return NULL;
    json_object *j = json_tokener_parse(text);
    m->services->free(text);
    return j;
}

int mdr_server_is_virtual(ksc_module *m, const char *server)
{
    if (!m->services->servers_json)
        return -1;
    json_object *list = host_json(m, m->services->servers_json(m->services->host));
    if (!list || !json_object_is_type(list, json_type_array)) {
        json_object_put(list);
        return -1;
    }
    int result = -1;
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        json_object *s = json_object_array_get_idx(list, i), *name, *kind;
        if (!json_object_object_get_ex(s, "name", &name) ||
            !json_object_object_get_ex(s, "kind", &kind))
            continue;
        if ((server && strcmp(json_object_get_string(name), server) == 0) ||
            (!server && strcmp(json_object_get_string(kind), "main") == 0)) {
            result = strcmp(json_object_get_string(kind), "virtual") == 0;
            break;
        }
    }
    json_object_put(list);
    return result;
}

json_object *mdr_host_ksn_settings(ksc_module *m, const char *server)
{
    if (!m->services->ksn_settings_json)
        return NULL;
    json_object *j = host_json(m, m->services->ksn_settings_json(m->services->host, server));
    if (j && !json_object_is_type(j, json_type_object)) {
        json_object_put(j);
        return NULL;
    }
    return j;
}

void mdr_host_ksn_version(json_object *settings, char *out, size_t out_size)
{
    json_object *config, *version;
    out[0] = 0;
    if (settings && json_object_object_get_ex(settings, "config", &config) &&
        json_object_is_type(config, json_type_object) &&
        json_object_object_get_ex(config, "version", &version) &&
        !json_object_is_type(version, json_type_null))
        snprintf(out, out_size, "%s", json_object_get_string(version));
}
