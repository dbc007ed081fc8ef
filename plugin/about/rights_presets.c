/* about/rights_presets.c — the role presets the Getting Started wizard creates: mdr.rights.presets.
 */
#include "core/actions.h"
#include "core/i18n.h"
#include "core/reply.h"
#include "core/request.h"
#include "core/rights.h"

#include <string.h>

static const mdr_field PRESETS_FIELDS[] = {
    {.name = "role", .type = MDR_FIELD_STRING, .min_len = 1, .max_len = 128}, {0}};

static json_object *area_ref(const mdr_rights *r, const char *id, int host_area, const char *lang)
{
    const ksc_area *a = mdr_rights_area_find(r, id);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_string(id));
    json_object_object_add(o, "title", json_object_new_string(mdr_tr(lang, a->title_key)));
    json_object_object_add(o, "host_area", json_object_new_boolean(host_area));
    return o;
}

static int listed(const char *const *list, const char *id)
{
    for (; list && *list; list++)
        if (strcmp(*list, id) == 0)
            return 1;
    return 0;
}

/* Adds "allowed" and "denied" over every area (host areas first, like the help) to `o`. */
static json_object *split(json_object *o, const mdr_rights *r, const char *const *allowed,
                          const char *lang)
{
    json_object *allow = json_object_new_array(), *deny = json_object_new_array();
    for (size_t i = 0; i < r->host_area_count + r->area_count; i++) {
        const char *id =
            i < r->host_area_count ? r->host_areas[i].id : r->areas[i - r->host_area_count].id;
        json_object_array_add(listed(allowed, id) ? allow : deny,
                              area_ref(r, id, i < r->host_area_count, lang));
    }
    json_object_object_add(o, "allowed", allow);
    json_object_object_add(o, "denied", deny);
    return o;
}

ksc_status mdr_rights_presets(ksc_module *m, const ksc_call *call, char **response)
{
    json_object *request;
    ksc_status status = mdr_request_parse(m->services, call, PRESETS_FIELDS, &request, response);
    if (status != KSC_OK)
        return status;
    const char *only = mdr_req_string(request, "role", NULL);
    char err[256];
    const mdr_rights *r = mdr_rights_get(err, sizeof err);
    if (!r) {
        json_object_put(request);
        return mdr_reply_internal(m->services, call->lang, response);
    }
    json_object *presets = json_object_new_array();
    for (size_t i = 0; i < r->role_count; i++) {
        const ksc_role_preset *p = &r->roles[i];
        if (only && strcmp(only, p->id) != 0)
            continue;
        json_object *o = json_object_new_object();
        json_object_object_add(o, "id", json_object_new_string(p->id));
        json_object_object_add(o, "title",
                               json_object_new_string(mdr_tr(call->lang, p->title_key)));
        json_object_array_add(presets, split(o, r, p->allowed_areas, call->lang));
    }
    if (only && json_object_array_length(presets) == 0) {
        json_object *details = mdr_details_field("role");
        json_object_object_add(details, "role", json_object_new_string(only));
        json_object_put(presets);
        json_object_put(request);
        return mdr_reply_error(m->services, call->lang, KSC_ERR_NOT_FOUND, "unknown_role", details,
                               response);
    }
    json_object_put(request);
    json_object *out = json_object_new_object();
    json_object_object_add(out, "presets", presets);
    json_object_object_add(out, "minimum_set",
                           split(json_object_new_object(), r, r->minimum_allowed, call->lang));
    return mdr_reply_ok(m->services, out, response);
}
