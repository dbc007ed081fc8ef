/* password.c — mdr.responses.check_isolation_password: an administrator who must lift
 * isolation on a host that cannot be reached checks the password against the isolate
 * response's PBKDF2 details (params.c); the password is never logged, stored or audited. */
#include "core/actions.h"
#include "core/cloud_codes.h"
#include "core/i18n.h"
#include "core/json_get.h"
#include "core/module.h"
#include "core/reply.h"
#include "core/request.h"
#include "core/tenant_access.h"
#include "params.h"
#include "seen.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- isolation password */

static const mdr_field PASSWORD_FIELDS[] = {
    {.name = "response_id", .type = MDR_FIELD_STRING, .required = 1, .min_len = 1, .max_len = 64},
    {.name = "password", .type = MDR_FIELD_STRING, .required = 1, .min_len = 1, .max_len = 1024},
    {0}};

ksc_status mdr_responses_check_isolation_password(ksc_module *m, const ksc_call *call,
                                                  char **response)
{
    json_object *req;
    ksc_status st = mdr_request_parse(m->services, call, PASSWORD_FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    sqlite3 *db;
    responses_seen s;
    if (responses_open_all(m, call, &db, &s, &st, response) != 0) {
        json_object_put(req);
        return st;
    }
    responses_find_ctx f = {mdr_req_string(req, "response_id", ""), NULL, NULL, NULL};
    if (!responses_visit(db, call->user, &s, responses_find_one, &f)) {
        st = responses_not_found(m, call, f.id, response);
    } else if (strcmp(mdr_json_str(f.r, "type", ""), "isolate")) {
        json_object *d = mdr_details_field("response_id");
        json_object_object_add(d, "type", responses_str(mdr_json_str(f.r, "type", "")));
        st = mdr_reply_error(m->services, call->lang, KSC_ERR_CONFLICT, "response_not_isolation", d,
                             response);
    } else {
        json_object *params = NULL;
        json_object_object_get_ex(f.r, "parameters", &params);
        unsigned char *salt = NULL, key[32];
        size_t salt_len = 0;
        const char *problem = NULL;
        if (mdr_isolation_details(params, &salt, &salt_len, key, &problem) != 0) {
            char pk[96];
            snprintf(pk, sizeof pk, "responses.problem.%s", problem);
            const char *vals[] = {"field", "password_details", NULL};
            char *why = mdr_trf(call->lang, pk, vals);
            json_object *d = mdr_details_field("password_details");
            json_object_object_add(d, "problem", responses_str(why));
            json_object_object_add(d, "problem_code", responses_str(problem));
            free(why);
            st = mdr_reply_error(m->services, call->lang, KSC_ERR_CONFLICT,
                                 "isolation_details_invalid", d, response);
        } else {
            int match = mdr_isolation_password_matches(mdr_req_string(req, "password", ""), salt,
                                                       salt_len, key);
            OPENSSL_cleanse(key, sizeof key);
            if (match < 0)
                st = mdr_reply_internal(m->services, call->lang, response);
            else {
                json_object *out = json_object_new_object();
                json_object_object_add(out, "response_id", responses_str(f.id));
                json_object_object_add(out, "task_id",
                                       responses_str(mdr_json_str(params, "task_id", "")));
                json_object_object_add(out, "match", json_object_new_boolean(match));
                json_object_object_add(
                    out, "message",
                    responses_str(mdr_tr(call->lang, match ? "responses.password.match"
                                                           : "responses.password.no_match")));
                st = mdr_reply_ok(m->services, out, response);
            }
        }
        free(salt);
    }
    /* the password lives in the request object only: wipe it before letting go */
    json_object *pw = NULL;
    if (json_object_object_get_ex(req, "password", &pw)) {
        char *p = (char *)json_object_get_string(pw);
        OPENSSL_cleanse(p, strlen(p));
    }
    responses_seen_free(&s);
    json_object_put(req);
    return st;
}
