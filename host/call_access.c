/* call_access.c — the host's rights check before an action runs (docs/host.md, "Rights"). */
#include "call_access.h"
#include "audit.h"
#include "rights.h"

#include <stdio.h>
#include <string.h>

static const char *denied_message(const char *lang)
{
    static const char *const msgs[][2] = {
        {"en", "Access denied. Missing right(s): "},
        {"ru", "Доступ запрещен. Не хватает прав: "},
        {"de", "Zugriff verweigert. Fehlende Rechte: "},
        {"es", "Acceso denegado. Faltan derechos: "},
        {"fr", "Accès refusé. Droits manquants : "},
        {"it", "Accesso negato. Diritti mancanti: "},
    };
    for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++)
        if (strcmp(lang, msgs[i][0]) == 0)
            return msgs[i][1];
    return msgs[0][1];
}

int call_access_allowed(host_ctx *ctx, const ksc_action *action, const char *user,
                        const char *server)
{
    for (size_t k = 0; action->required_areas && action->required_areas[k]; k++)
        if (!rights_has(ctx, user, server, action->required_areas[k]))
            return 0;
    return 1;
}

json_object *call_access_denial(host_ctx *ctx, const char *module, const ksc_action *action,
                                const char *user, const char *server, const char *lang)
{
    json_object *missing = json_object_new_array();
    char titles[1024] = "";
    for (size_t k = 0; action->required_areas && action->required_areas[k]; k++) {
        const char *area = action->required_areas[k];
        if (rights_has(ctx, user, server, area))
            continue;
        const char *title = rights_area_title(ctx, area, lang);
        json_object *o = json_object_new_object();
        json_object_object_add(o, "id", json_object_new_string(area));
        json_object_object_add(o, "title", json_object_new_string(title));
        json_object_array_add(missing, o);
        size_t used = strlen(titles);
        snprintf(titles + used, sizeof titles - used, "%s\"%s\"", used ? ", " : "", title);
    }
    if (json_object_array_length(missing) == 0) {
        json_object_put(missing);
        return NULL;
    }
    json_object *ids = json_object_new_array(); /* the audit record names areas, not titles */
    for (size_t k = 0; k < json_object_array_length(missing); k++) {
        json_object *id = NULL;
        json_object_object_get_ex(json_object_array_get_idx(missing, k), "id", &id);
        json_object_array_add(ids, json_object_get(id));
    }
    audit_denied(ctx, module, user, server, action->name, ids);
    json_object_put(ids);
    char message[1400];
    snprintf(message, sizeof message, "%s%s", denied_message(lang), titles);
    json_object *details = json_object_new_object();
    json_object_object_add(details, "user", json_object_new_string(user));
    json_object_object_add(details, "server", json_object_new_string(server));
    json_object_object_add(details, "action", json_object_new_string(action->name));
    json_object_object_add(details, "missing_rights", missing);
    json_object *error = json_object_new_object();
    json_object_object_add(error, "code", json_object_new_string("access_denied"));
    json_object_object_add(error, "message", json_object_new_string(message));
    json_object_object_add(error, "details", details);
    json_object *root = json_object_new_object();
    json_object_object_add(root, "error", error);
    return root;
}
