/* rights.c — the rights rule over roles of per-area Allow/Deny and per-server grants. */
#include "rights.h"

#include "store.h"

#include <string.h>

typedef struct host_area {
    const char *id;
    const char *titles[6]; /* en ru de es fr it */
} host_area;

static const char *const langs[6] = {"en", "ru", "de", "es", "fr", "it"};

static const host_area host_areas[] = {
    {HOST_AREA_APP_INTEGRATION,
     {"Application Integration", "Интеграция с приложениями", "Anwendungsintegration",
      "Integración de aplicaciones", "Intégration des applications",
      "Integrazione delle applicazioni"}},
};

size_t rights_host_area_count(void)
{
    return sizeof host_areas / sizeof host_areas[0];
}

const char *rights_host_area_id(size_t i)
{
    return host_areas[i].id;
}

int rights_area_known(const host_ctx *ctx, const char *area)
{
    for (size_t i = 0; i < rights_host_area_count(); i++)
        if (strcmp(host_areas[i].id, area) == 0)
            return 1;
    for (size_t m = 0; m < ctx->module_count; m++) {
        const ksc_module_descriptor *d = ctx->modules[m].desc;
        for (size_t a = 0; d && a < d->area_count; a++)
            if (strcmp(d->areas[a].id, area) == 0)
                return 1;
    }
    return 0;
}

const char *rights_area_title(const host_ctx *ctx, const char *area, const char *lang)
{
    for (size_t i = 0; i < rights_host_area_count(); i++) {
        if (strcmp(host_areas[i].id, area) != 0)
            continue;
        for (size_t l = 0; l < 6; l++)
            if (lang && strcmp(lang, langs[l]) == 0)
                return host_areas[i].titles[l];
        return host_areas[i].titles[0];
    }
    for (size_t m = 0; m < ctx->module_count; m++) {
        const ksc_module_descriptor *d = ctx->modules[m].desc;
        for (size_t a = 0; d && a < d->area_count; a++) {
            if (strcmp(d->areas[a].id, area) != 0)
                continue;
            const char *t =
                d->translate ? d->translate(lang ? lang : "en", d->areas[a].title_key) : NULL;
            return t ? t : d->areas[a].title_key;
        }
    }
    return area;
}

int rights_has(host_ctx *ctx, const char *user, const char *server, const char *area)
{
    if (!user || !area)
        return 0;
    if (!server)
        server = "main";
    host_lock(ctx);
    int result = 0;
    int64_t admin = 0;
    if (!store_exists(ctx->db, "SELECT 1 FROM servers WHERE name = ?1", server, NULL))
        goto done;
    if (store_query_int(ctx->db, "SELECT main_admin FROM users WHERE name = ?1", user, NULL,
                        &admin) != 1)
        goto done;
    if (admin) {
        result = 1;
        goto done;
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db,
                           "SELECT coalesce(min(r.allow), -1) FROM grants g JOIN role_rights r "
                           "ON r.role = g.role WHERE g.user = ?1 AND (g.server = '' OR "
                           "g.server = ?2) AND r.area = ?3",
                           -1, &st, NULL) != SQLITE_OK)
        goto done;
    sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, server, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, area, -1, SQLITE_STATIC);
    /* min(allow): 1 = only Allow, 0 = some Deny, -1 = no role mentions the area */
    if (sqlite3_step(st) == SQLITE_ROW)
        result = sqlite3_column_int(st, 0) == 1;
    sqlite3_finalize(st);
done:
    host_unlock(ctx);
    return result;
}
