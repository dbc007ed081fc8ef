/* wizard/actions.c — mdr.wizard.get (the Getting Started tab: every step, done or not and why,
 * and the next action) and mdr.wizard.create_roles (the three MDR role presets as console
 * roles; those already present are reported, never duplicated). */
#include "wizard.h"
#include "core/actions.h"
#include "core/i18n.h"
#include "core/reply.h"
#include "core/request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_object *step_json(ksc_module *m, const ksc_call *call, const mdr_wizard_step *s,
                              int *done)
{
    mdr_wizard_state st = {0};
    mdr_wizard_condition(s->done_when)(m, call, &st);
    *done = st.done;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_string(s->id));
    json_object_object_add(o, "title", json_object_new_string(mdr_tr(call->lang, s->title_key)));
    json_object_object_add(o, "text", json_object_new_string(mdr_tr(call->lang, s->text_key)));
    json_object_object_add(o, "action", json_object_new_string(s->action));
    json_object_object_add(o, "done", json_object_new_boolean(st.done));
    json_object_object_add(o, "not_needed", json_object_new_boolean(st.not_needed));
    char *why = mdr_trf(call->lang, st.why_key, st.params);
    json_object_object_add(o, "why", json_object_new_string(why ? why : ""));
    free(why);
    json_object_object_add(o, "details", st.details);
    if (s->see_also_count) {
        json_object *see = json_object_new_array();
        for (size_t i = 0; i < s->see_also_count; i++)
            json_object_array_add(see, json_object_new_string(s->see_also[i]));
        json_object_object_add(o, "see_also", see);
    }
    return o;
}

ksc_status mdr_wizard_get(ksc_module *m, const ksc_call *call, char **response)
{
    ksc_status rc = mdr_request_none(m->services, call, response);
    if (rc != KSC_OK)
        return rc;
    char err[512];
    const mdr_wizard *w = mdr_wizard_getting_started(err, sizeof err);
    if (!w) /* cannot happen once loaded: the module refuses to load without it */
        return mdr_reply_error(m->services, call->lang, KSC_ERR_FAILED, "internal", NULL, response);
    json_object *steps = json_object_new_array(), *out = json_object_new_object();
    const char *next = NULL, *next_step = NULL;
    size_t done_count = 0;
    for (size_t i = 0; i < w->step_count; i++) {
        int done = 0;
        json_object_array_add(steps, step_json(m, call, &w->steps[i], &done));
        done_count += done;
        if (!done && !next) {
            next = w->steps[i].action;
            next_step = w->steps[i].id;
        }
    }
    json_object_object_add(out, "wizard", json_object_new_string(w->id));
    json_object_object_add(out, "done", json_object_new_int64((int64_t)done_count));
    json_object_object_add(out, "total", json_object_new_int64((int64_t)w->step_count));
    json_object_object_add(out, "complete", json_object_new_boolean(done_count == w->step_count));
    json_object_object_add(out, "next_step", next_step ? json_object_new_string(next_step) : NULL);
    json_object_object_add(out, "next_action", next ? json_object_new_string(next) : NULL);
    /* help: without Incident access a user sees this tab and nothing else of the section */
    const ksc_host_services *s = m->services;
    int incident =
        s->has_right && s->has_right(s->host, call->user, call->server, "mdr.incident_access");
    json_object_object_add(out, "other_tabs_visible", json_object_new_boolean(incident));
    if (!incident)
        json_object_object_add(
            out, "other_tabs_text",
            json_object_new_string(mdr_tr(call->lang, "wizard.only_getting_started")));
    json_object_object_add(out, "steps", steps);
    return mdr_reply_ok(m->services, out, response);
}

ksc_status mdr_wizard_create_roles(ksc_module *m, const ksc_call *call, char **response)
{
    ksc_status rc = mdr_request_none(m->services, call, response);
    if (rc != KSC_OK)
        return rc;
    const ksc_host_services *s = m->services;
    json_object *present, *missing;
    if (!KSC_HAS_MEMBER(s, ksc_host_services, role_add_preset) || !s->role_add_preset ||
        mdr_wizard_roles(m, &present, &missing) != 0)
        return mdr_reply_error(s, call->lang, KSC_ERR_FAILED, "wizard_roles_unsupported", NULL,
                               response);
    json_object *created = json_object_new_array();
    for (size_t i = 0; i < json_object_array_length(missing); i++) {
        const char *id = json_object_get_string(json_object_array_get_idx(missing, i));
        ksc_status st = s->role_add_preset(s->host, call->user, id);
        if (st != KSC_OK) {
            json_object *d = json_object_new_object();
            json_object_object_add(d, "role", json_object_new_string(id));
            json_object_object_add(d, "created", created); /* what is done stays done */
            json_object_put(present);
            json_object_put(missing);
            return mdr_reply_error(
                s, call->lang, st == KSC_ERR_DENIED ? KSC_ERR_DENIED : KSC_ERR_CONFLICT,
                st == KSC_ERR_DENIED ? "wizard_roles_denied" : "wizard_role_exists", d, response);
        }
        json_object_array_add(created, json_object_new_string(id));
    }
    json_object_put(missing);
    json_object *out = json_object_new_object();
    json_object_object_add(out, "created", created);
    json_object_object_add(out, "already_present", present);
    return mdr_reply_ok(s, out, response);
}
