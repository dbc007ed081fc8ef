/* health/tenants.c — which tenants a console user sees in MDR Health. The rule is the
 * licenses/tenants area's (tenant_access.h: per-user grants by an MDR Administrator; no grant
 * = every tenant); here it becomes one SQL filter per query: the JSON array of the visible
 * tenant names among those the store holds, so a page is never checked row by row. */
#include "health.h"
#include "core/tenant_access.h"

#include <stdlib.h>
#include <string.h>

int health_visible_tenants(ksc_module *m, sqlite3 *db, const char *user, char **json)
{
    (void)m;
    *json = NULL;
    int restricted = mdr_tenant_access_restricted(db, user);
    if (restricted < 0)
        return -1;
    if (restricted == 0)
        return 0;
    /* Every tenant name in either list (the summary holds them all: a handful to a few
     * hundred rows, unlike the 100,000 assets). */
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT DISTINCT tenant FROM health_summary", -1, &st, NULL) !=
        SQLITE_OK)
        return -1;
    json_object *visible = json_object_new_array();
    int rc, failed = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        int v = mdr_tenant_access_visible_name(db, user, t ? t : "");
        if (v < 0)
            failed = 1;
        else if (v)
            json_object_array_add(visible, json_object_new_string(t ? t : ""));
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE && !failed)
        *json = strdup(json_object_to_json_string_ext(visible, JSON_C_TO_STRING_PLAIN));
    json_object_put(visible);
    return *json ? 0 : -1;
}
