/* decide.c — accepting and rejecting responses (mdr.responses.accept, .reject): one
 * response/update per response, so a refusal or a cloud fault touches only its own response
 * and each is reported; a decided response is refused with its current status. */
#include "core/actions.h"
#include "core/cloud_codes.h"
#include "core/i18n.h"
#include "core/json_get.h"
#include "core/module.h"
#include "core/reply.h"
#include "core/request.h"
#include "core/tenant_access.h"
#include "seen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DECISIONS 100
#define COMMENT_MAX 2000

/* ---------------------------------------------------------------- accept / reject */

static const mdr_field DECIDE_FIELDS[] = {
    {.name = "responses", .type = MDR_FIELD_ARRAY, .required = 1, .max_len = MAX_DECISIONS},
    {.name = "comment", .type = MDR_FIELD_STRING, .max_len = COMMENT_MAX},
    {0}};

static json_object *item_error(const char *lang, const char *id, const char *code,
                               json_object *details)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "response_id", responses_str(id));
    json_object_object_add(o, "ok", json_object_new_boolean(0));
    json_object *e = mdr_error_object(lang, code, details);
    json_object *inner = NULL;
    json_object_object_get_ex(e, "error", &inner);
    json_object_object_add(o, "error", json_object_get(inner));
    json_object_put(e);
    return o;
}

/* The ids: strings of 1..64 characters, no repeats. 0 or -1 with the reply made. */
static int decision_ids(ksc_module *m, const ksc_call *call, json_object *ids, char **response,
                        ksc_status *st)
{
    size_t n = json_object_array_length(ids);
    const char *code = n == 0 ? "too_short" : NULL;
    json_object *d = mdr_details_field("responses");
    for (size_t i = 0; !code && i < n; i++) {
        json_object *x = json_object_array_get_idx(ids, i);
        if (!json_object_is_type(x, json_type_string) || !json_object_get_string_len(x) ||
            json_object_get_string_len(x) > 64)
            code = "invalid_value";
        for (size_t k = 0; !code && k < i; k++)
            if (!strcmp(json_object_get_string(x),
                        json_object_get_string(json_object_array_get_idx(ids, k))))
                code = "response_repeated";
    }
    if (!code) {
        json_object_put(d);
        return 0;
    }
    if (!strcmp(code, "too_short"))
        json_object_object_add(d, "min", json_object_new_int(1));
    *st = mdr_reply_error(m->services, call->lang, KSC_ERR_INVALID, code, d, response);
    return -1;
}

static ksc_status decide(ksc_module *m, const ksc_call *call, const char *status, char **response)
{
    json_object *req;
    ksc_status st = mdr_request_parse(m->services, call, DECIDE_FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    json_object *ids = NULL;
    json_object_object_get_ex(req, "responses", &ids);
    if (decision_ids(m, call, ids, response, &st) != 0) {
        json_object_put(req);
        return st;
    }
    sqlite3 *db;
    responses_seen s;
    if (responses_open_all(m, call, &db, &s, &st, response) != 0) {
        json_object_put(req);
        return st;
    }
    const char *comment = mdr_req_string(req, "comment", "");
    size_t n = json_object_array_length(ids);
    json_object *results = json_object_new_array();
    int decided = 0;
    ksc_status why = KSC_ERR_FAILED; /* the status of the last refusal: a single one's answer */
    for (size_t i = 0; i < n; i++) {
        const char *id = json_object_get_string(json_object_array_get_idx(ids, i));
        responses_find_ctx f = {id, NULL, NULL, NULL};
        if (!responses_visit(db, call->user, &s, responses_find_one, &f)) {
            json_object *d = json_object_new_object();
            json_object_object_add(d, "response_id", responses_str(id));
            json_object_array_add(results, item_error(call->lang, id, "response_not_found", d));
            why = KSC_ERR_NOT_FOUND;
            continue;
        }
        const char *now = mdr_json_str(f.r, "status", "");
        if (strcmp(now, "Waiting for a decision") && strcmp(now, "New")) {
            char key[96];
            responses_status_key(key, sizeof key, "responses.status", now);
            json_object *d = json_object_new_object();
            json_object_object_add(d, "response_id", responses_str(id));
            json_object_object_add(d, "status", responses_str(now));
            json_object_object_add(d, "status_title", responses_str(mdr_tr(call->lang, key)));
            json_object_array_add(results,
                                  item_error(call->lang, id, "response_already_decided", d));
            why = KSC_ERR_CONFLICT;
            continue;
        }
        json_object *body = json_object_new_object(), *answer = NULL;
        json_object_object_add(body, "response_id", responses_str(id));
        json_object_object_add(body, "status", responses_str(status));
        json_object_object_add(body, "comment", responses_str(comment));
        /* not retried: a decision is not idempotent (a second one is 409) */
        mdr_cloud_error err;
        mdr_cloud_status cs = mdr_cloud_api(m, "response/update", body, 0, &answer, &err);
        json_object_put(body);
        json_object_put(answer);
        if (cs != MDR_CLOUD_OK) {
            char *fail = NULL;
            why = responses_cloud_failed(m, call, &err, &fail);
            json_object *parsed = fail ? json_tokener_parse(fail) : NULL, *inner = NULL;
            m->services->free(fail);
            json_object *o = json_object_new_object();
            json_object_object_add(o, "response_id", responses_str(id));
            json_object_object_add(o, "ok", json_object_new_boolean(0));
            json_object_object_get_ex(parsed, "error", &inner);
            json_object_object_add(o, "error", json_object_get(inner));
            json_object_put(parsed);
            json_object_array_add(results, o);
            continue;
        }
        json_object *o = json_object_new_object();
        json_object_object_add(o, "response_id", responses_str(id));
        json_object_object_add(o, "ok", json_object_new_boolean(1));
        json_object_object_add(o, "status", responses_str(status));
        json_object_array_add(results, o);
        decided++;
    }
    responses_seen_free(&s);
    json_object_put(req);
    /* one response asked and refused: that refusal is the answer */
    if (n == 1 && !decided) {
        json_object *e = NULL, *item = json_object_array_get_idx(results, 0);
        json_object_object_get_ex(item, "error", &e);
        char *text = NULL;
        json_object *whole = json_object_new_object();
        json_object_object_add(whole, "error", json_object_get(e));
        text = mdr_host_strdup(m->services,
                               json_object_to_json_string_ext(
                                   whole, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(whole);
        json_object_put(results);
        *response = text;
        return text ? why : KSC_ERR_NO_MEMORY;
    }
    json_object *out = json_object_new_object();
    json_object_object_add(out, "status", responses_str(status));
    json_object_object_add(out, "decided", json_object_new_int(decided));
    json_object_object_add(out, "failed", json_object_new_int((int)n - decided));
    json_object_object_add(out, "results", results);
    return mdr_reply_ok(m->services, out, response);
}

ksc_status mdr_responses_accept(ksc_module *m, const ksc_call *call, char **response)
{
    return decide(m, call, "Confirmed", response);
}

ksc_status mdr_responses_reject(ksc_module *m, const ksc_call *call, char **response)
{
    return decide(m, call, "Declined", response);
}
