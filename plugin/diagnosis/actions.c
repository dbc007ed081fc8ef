/* diagnosis/actions.c — mdr.diag.run: every check of the path, in order, and a summary. */
#include "diagnosis.h"
#include "core/actions.h"
#include "core/i18n.h"
#include "core/reply.h"
#include "core/request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const STATUS[] = {"ok", "warning", "failed", "skipped"};

void diag_add(json_object *checks, const char *lang, const char *id, diag_status status,
              const char *value, const char *remedy_key, const char *const *params)
{
    char key[96];
    snprintf(key, sizeof key, "diag.%s.title", id);
    json_object *c = json_object_new_object();
    json_object_object_add(c, "id", json_object_new_string(id));
    json_object_object_add(c, "title", json_object_new_string(mdr_tr(lang, key)));
    json_object_object_add(c, "status", json_object_new_string(STATUS[status]));
    json_object_object_add(c, "value", json_object_new_string(value ? value : ""));
    if ((status == DIAG_WARNING || status == DIAG_FAILED) && remedy_key) {
        char *r = mdr_trf(lang, remedy_key, params);
        json_object_object_add(c, "remedy", json_object_new_string(r ? r : ""));
        free(r);
    }
    json_object_array_add(checks, c);
}

ksc_status mdr_diag_run(ksc_module *m, const ksc_call *call, char **response)
{
    ksc_status rc = mdr_request_none(m->services, call, response);
    if (rc != KSC_OK)
        return rc;
    int64_t started = mdr_now(m);
    json_object *checks = json_object_new_array();
    diag_path(m, call, checks);
    diag_state(m, call, checks);
    int counts[4] = {0};
    for (size_t i = 0; i < json_object_array_length(checks); i++) {
        json_object *st = NULL;
        json_object_object_get_ex(json_object_array_get_idx(checks, i), "status", &st);
        for (int k = 0; k < 4; k++)
            counts[k] += strcmp(json_object_get_string(st), STATUS[k]) == 0;
    }
    json_object *out = json_object_new_object();
    json_object_object_add(out, "result",
                           json_object_new_string(counts[2]   ? "failed"
                                                  : counts[1] ? "warning"
                                                              : "ok"));
    json_object_object_add(out, "failed", json_object_new_int(counts[2]));
    json_object_object_add(out, "warnings", json_object_new_int(counts[1]));
    json_object_object_add(out, "host_clock_ms", json_object_new_int64(started));
    json_object_object_add(out, "checks", checks);
    return mdr_reply_ok(m->services, out, response);
}
