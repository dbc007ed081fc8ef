/* health/cloud.c — MDR Health's asset source: the public assets API through cloud_link
 * (one session, reused connections, thread-safe; every call is a read, so retried), and the
 * organization's tenant list (console tenants/list) that resolves asset tenants to ids. */
#include "core/cloud_link.h"
#include "health.h"

static mdr_cloud_status cloud_count(void *ctx, json_object *request, int64_t *count,
                                    mdr_cloud_error *err)
{
    json_object *resp = NULL, *n;
    mdr_cloud_status st = mdr_cloud_api(ctx, "assets/count", request, 1, &resp, err);
    if (st == MDR_CLOUD_OK) {
        if (json_object_is_type(resp, json_type_object) &&
            json_object_object_get_ex(resp, "count", &n) && json_object_is_type(n, json_type_int))
            *count = json_object_get_int64(n);
        else
            st = mdr_cloud_fail(err, MDR_CLOUD_ERR_BAD_RESPONSE, "assets/count: no count");
    }
    json_object_put(resp);
    return st;
}

static mdr_cloud_status cloud_list(void *ctx, json_object *request, json_object **assets,
                                   mdr_cloud_error *err)
{
    return mdr_cloud_api(ctx, "assets/list", request, 1, assets, err);
}

static mdr_cloud_status cloud_tenants(void *ctx, json_object **tenants, mdr_cloud_error *err)
{
    json_object *body = json_object_new_object();
    mdr_cloud_status st = mdr_cloud_console(ctx, "tenants/list", body, 1, tenants, err);
    json_object_put(body);
    return st;
}

void health_cloud_source(ksc_module *m, health_source *src)
{
    src->ctx = m;
    src->count = cloud_count;
    src->list = cloud_list;
    src->tenants = cloud_tenants;
}
