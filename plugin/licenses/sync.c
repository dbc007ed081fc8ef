#include "sync.h"
#include "cache.h"
#include "view.h"
#include "core/log.h"
#include "core/module.h"

typedef struct save_ctx {
    json_object *list;
    int64_t now_ms;
    json_object *changes;
} save_ctx;

static int save_tx(sqlite3 *db, void *p)
{
    save_ctx *c = p;
    return mdr_license_cache_save(db, c->list, c->now_ms, &c->changes);
}

mdr_cloud_status mdr_licenses_sync(ksc_module *m, int64_t now_ms, json_object **list,
                                   json_object **changes, mdr_cloud_error *err)
{
    if (list)
        *list = NULL;
    if (changes)
        *changes = NULL;
    json_object *req = json_object_new_object(), *answer = NULL;
    json_object_object_add(req, "all", json_object_new_boolean(1));
    mdr_cloud_status st = mdr_cloud_console(m, "licenses/list", req, 1, &answer, err);
    json_object_put(req);
    if (st != MDR_CLOUD_OK)
        return st;
    if (!json_object_is_type(answer, json_type_array)) {
        json_object_put(answer);
        return mdr_cloud_fail(err, MDR_CLOUD_ERR_BAD_RESPONSE, "licenses/list: not an array");
    }
    save_ctx c = {answer, now_ms, NULL};
    if (mdr_store_tx(m->store, save_tx, &c) != 0) {
        json_object_put(answer);
        return mdr_cloud_fail(err, MDR_CLOUD_ERR_STORE, "the license cache cannot be saved");
    }
    if (changes)
        *changes = c.changes;
    else
        json_object_put(c.changes);
    if (list)
        *list = answer;
    else
        json_object_put(answer);
    return MDR_CLOUD_OK;
}

mdr_cloud_status mdr_licenses_get(ksc_module *m, int64_t now_ms, int force, json_object **list,
                                  int64_t *refreshed_ms, mdr_cloud_error *err)
{
    mdr_cloud_error_clear(err);
    *list = NULL;
    *refreshed_ms = 0;
    sqlite3 *db = mdr_store_conn(m->store);
    json_object *cached = db ? mdr_license_cache_load(db, refreshed_ms) : NULL;
    if (!cached)
        return mdr_cloud_fail(err, MDR_CLOUD_ERR_STORE, "the license cache cannot be read");
    if (!force && *refreshed_ms > 0) {
        *list = cached;
        return MDR_CLOUD_OK;
    }
    json_object_put(cached);
    mdr_cloud_status st = mdr_licenses_sync(m, now_ms, list, NULL, err);
    if (st == MDR_CLOUD_OK)
        *refreshed_ms = now_ms;
    return st;
}

void mdr_licenses_on_timer(ksc_module *m, int64_t now_ms)
{
    if (!mdr_cloud_session_usable(m))
        return; /* not signed in or not activated yet: nothing to follow */
    int64_t refreshed = 0;
    sqlite3 *db = mdr_store_conn(m->store);
    json_object *cached = db ? mdr_license_cache_load(db, &refreshed) : NULL;
    json_object_put(cached);
    if (!cached || (refreshed > 0 && now_ms - refreshed < MDR_LICENSES_REFRESH_INTERVAL_MS))
        return;
    json_object *changes = NULL;
    mdr_cloud_error err;
    mdr_cloud_error_clear(&err);
    if (mdr_licenses_sync(m, now_ms, NULL, &changes, &err) != MDR_CLOUD_OK) {
        mdr_log(m->services, KSC_LOG_WARNING, "licenses: periodic refresh failed: %s (%s)",
                mdr_cloud_status_key(err.status), err.service_code);
        return;
    }
    size_t n = json_object_array_length(changes);
    for (size_t i = 0; i < n; i++) {
        json_object *c = json_object_array_get_idx(changes, i);
        mdr_log(m->services, KSC_LOG_INFO, "licenses: %s is now %s (was %s)",
                mdr_json_str(c, "license_id", "?"), mdr_json_str(c, "to", "gone"),
                mdr_json_str(c, "from", "new"));
    }
    json_object_put(changes);
}
