/* schedules.c — report schedules: their JSON, parsing and limits, create, update, delete. */
#include "console/org/internal.h"

#include <ctype.h>

/* ================================================================= report schedules */

static const char *const days[] = {"monday", "tuesday",  "wednesday", "thursday",
                                   "friday", "saturday", "sunday",    "every_day"};

json_object *org_schedule_json(const org_org *o, const org_schedule *s)
{
    (void)o;
    json_object *j = json_object_new_object();
    add_str(j, "schedule_id", s->id);
    add_str(j, "name", s->name);
    add_bool(j, "enabled", s->enabled);
    if (s->tenant_id[0])
        add_str(j, "tenant_id", s->tenant_id);
    else
        json_object_object_add(j, "tenant_id", NULL);
    json_object *em = json_object_new_array();
    for (int i = 0; i < s->email_count; i++)
        json_object_array_add(em, json_object_new_string(s->emails[i]));
    json_object_object_add(j, "emails", em);
    add_str(j, "day", days[s->day]);
    char t[16];
    snprintf(t, sizeof t, "%02d:%02d", s->minute / 60, s->minute % 60);
    add_str(j, "time", t);
    add_bool(j, "acknowledged", 1);
    add_int(j, "created_time", s->created_ms);
    return j;
}

json_object *org_schedules_list(const org_org *o)
{
    json_object *arr = json_object_new_array();
    for (int i = 0; i < o->schedule_count; i++)
        json_object_array_add(arr, org_schedule_json(o, o->schedules[i]));
    return arr;
}

org_schedule *org_schedule_find(org_org *o, const char *id)
{
    for (int i = 0; id && i < o->schedule_count; i++)
        if (!strcmp(o->schedules[i]->id, id))
            return o->schedules[i];
    return NULL;
}

static int tenant_schedules(const org_org *o, const char *tenant_id, const org_schedule *skip)
{
    int n = 0;
    for (int i = 0; i < o->schedule_count; i++)
        n += o->schedules[i] != skip && !strcmp(o->schedules[i]->tenant_id, tenant_id);
    return n;
}

/* Parses a schedule request into `out` (fresh strings); `current` for updates. */
static int parse_schedule(org_org *o, json_object *in, const org_schedule *current,
                          org_schedule *out, org_err *e)
{
    json_object *v = NULL;
    if (current) {
        *out = *current;
        out->name = NULL;
        out->email_count = 0;
    }
    if (!jhas(in, "acknowledged", &v) || !json_object_is_type(v, json_type_boolean) ||
        !json_object_get_boolean(v))
        return fail(e, 422, "acknowledgement_required",
                    "Reports travel by email as unencrypted PDF: acknowledge this "
                    "(acknowledged: true).");
    const char *name = jstr(in, "name");
    if (name || !current) {
        if (!name || !org_text_valid(name, ORG_SCHEDULE_NAME_MAX, 0, 0))
            return fail(e, 400, "invalid_name",
                        "A schedule name is 1 to %d Latin letters, digits and special "
                        "characters.",
                        ORG_SCHEDULE_NAME_MAX);
    }
    if (jhas(in, "enabled", &v)) {
        if (!json_object_is_type(v, json_type_boolean))
            return fail(e, 400, "invalid_parameter", "enabled must be a boolean.");
        out->enabled = json_object_get_boolean(v);
    } else if (!current) {
        out->enabled = 1;
    }
    if (json_object_object_get_ex(in, "tenant_id", &v)) {
        const char *tid = jstr(in, "tenant_id");
        if (v && !tid)
            return fail(e, 400, "invalid_parameter", "tenant_id is a tenant ID or null.");
        if (tid && !org_tenant_find(o, tid))
            return fail(e, 404, "tenant_not_found", "Unknown tenant.");
        copy(out->tenant_id, sizeof out->tenant_id, tid);
    }
    const char *day = jstr(in, "day");
    if (day || !current) {
        int d = -1;
        for (int i = 0; day && i < 8; i++)
            if (!strcmp(day, days[i]))
                d = i;
        if (d < 0)
            return fail(e, 400, "invalid_day", "day is a weekday (monday…sunday) or every_day.");
        out->day = d;
    }
    const char *time = jstr(in, "time");
    if (time || !current) {
        int ok = time && strlen(time) == 5 && time[2] == ':' && isdigit((unsigned char)time[0]) &&
                 isdigit((unsigned char)time[1]) && isdigit((unsigned char)time[3]) &&
                 isdigit((unsigned char)time[4]);
        int hh = ok ? (time[0] - '0') * 10 + time[1] - '0' : 0;
        int mm = ok ? (time[3] - '0') * 10 + time[4] - '0' : 0;
        if (!ok || hh > 23 || mm > 59)
            return fail(e, 400, "invalid_time", "time is HH:MM, 24-hour, UTC.");
        out->minute = hh * 60 + mm;
    }
    /* emails: an array, or the console's comma-separated text */
    char *list[ORG_MAX_EMAILS];
    int n = 0;
    if (jhas(in, "emails", &v) || !current) {
        char *text = NULL;
        if (v && json_object_is_type(v, json_type_string)) {
            text = strdup(json_object_get_string(v));
        } else if (v && json_object_is_type(v, json_type_array)) {
            size_t cap = 1;
            for (size_t i = 0; i < json_object_array_length(v); i++) {
                json_object *x = json_object_array_get_idx(v, i);
                if (!json_object_is_type(x, json_type_string))
                    return fail(e, 400, "invalid_email", "emails must be strings.");
                cap += strlen(json_object_get_string(x)) + 1;
            }
            text = calloc(1, cap);
            for (size_t i = 0; text && i < json_object_array_length(v); i++) {
                strcat(text, json_object_get_string(json_object_array_get_idx(v, i)));
                strcat(text, ",");
            }
        } else {
            return fail(e, 400, "invalid_email", "emails (one or more addresses) is required.");
        }
        if (!text)
            return fail(e, 500, "internal", "Out of memory.");
        char *save = NULL;
        for (char *tok = strtok_r(text, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            while (*tok == ' ')
                tok++;
            char *end = tok + strlen(tok);
            while (end > tok && end[-1] == ' ')
                *--end = '\0';
            if (!*tok)
                continue;
            if (!org_email_valid(tok) || n == ORG_MAX_EMAILS) {
                char bad[64];
                copy(bad, sizeof bad, tok);
                for (int i = 0; i < n; i++)
                    free(list[i]);
                free(text);
                if (n == ORG_MAX_EMAILS)
                    return fail(e, 400, "invalid_email", "At most %d addresses.", ORG_MAX_EMAILS);
                return fail(e, 400, "invalid_email", "Not an email address: %s", bad);
            }
            list[n++] = strdup(tok);
        }
        free(text);
        if (n == 0)
            return fail(e, 400, "invalid_email", "emails (one or more addresses) is required.");
    } else {
        for (int i = 0; i < current->email_count; i++)
            list[n++] = strdup(current->emails[i]);
    }
    out->name = strdup(name ? name : current->name);
    out->email_count = n;
    for (int i = 0; i < n; i++)
        out->emails[i] = list[i];
    return 0;
}

static int schedule_limits(const org_org *o, const org_schedule *s, const org_schedule *skip,
                           org_err *e)
{
    if (!skip && o->schedule_count >= ORG_MAX_SCHEDULES)
        return fail(e, 409, "schedule_limit", "An organization has at most %d schedules.",
                    ORG_MAX_SCHEDULES);
    if (s->tenant_id[0] && tenant_schedules(o, s->tenant_id, skip) >= ORG_MAX_SCHEDULES_TENANT)
        return fail(e, 409, "tenant_schedule_limit", "A tenant has at most %d schedules.",
                    ORG_MAX_SCHEDULES_TENANT);
    return 0;
}

static void schedule_fields_free(org_schedule *s)
{
    free(s->name);
    for (int i = 0; i < s->email_count; i++)
        free(s->emails[i]);
}

org_schedule *org_schedule_create(org_org *o, json_object *in, int64_t now_ms, org_err *e)
{
    org_schedule tmp;
    memset(&tmp, 0, sizeof tmp);
    if (o->schedule_count >= ORG_MAX_SCHEDULES) {
        fail(e, 409, "schedule_limit", "An organization has at most %d schedules.",
             ORG_MAX_SCHEDULES);
        return NULL;
    }
    if (parse_schedule(o, in, NULL, &tmp, e))
        return NULL;
    if (schedule_limits(o, &tmp, NULL, e)) {
        schedule_fields_free(&tmp);
        return NULL;
    }
    org_schedule *s = malloc(sizeof *s);
    if (!s) {
        schedule_fields_free(&tmp);
        fail(e, 500, "internal", "Out of memory.");
        return NULL;
    }
    *s = tmp;
    random_uuid(s->id);
    s->created_ms = now_ms;
    o->schedules[o->schedule_count++] = s;
    return s;
}

int org_schedule_update(org_org *o, org_schedule *s, json_object *in, org_err *e)
{
    org_schedule tmp;
    memset(&tmp, 0, sizeof tmp);
    if (parse_schedule(o, in, s, &tmp, e))
        return -1;
    if (schedule_limits(o, &tmp, s, e)) {
        schedule_fields_free(&tmp);
        return -1;
    }
    schedule_fields_free(s);
    *s = tmp;
    return 0;
}

int org_schedule_delete(org_org *o, const char *id, org_err *e)
{
    for (int i = 0; id && i < o->schedule_count; i++) {
        if (strcmp(o->schedules[i]->id, id))
            continue;
        org_schedule_free(o->schedules[i]);
        memmove(&o->schedules[i], &o->schedules[i + 1],
                sizeof o->schedules[0] * (size_t)(o->schedule_count - i - 1));
        o->schedule_count--;
        return 0;
    }
    return fail(e, 404, "schedule_not_found", "Unknown schedule.");
}
