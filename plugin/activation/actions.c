/* activation/actions.c — signing in to the MDR service and activating MDR from the console
 * (help: "Activating Kaspersky Managed Detection and Response in Kaspersky Security
 * Center"), entering a new code, revoking consent, terminating. The service keeps the
 * activation state; each step is one service call that changes nothing when refused. */
#include "core/json_get.h"
#include "core/actions.h"
#include "activation.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/reply.h"
#include "core/request.h"
#include "core/store.h"
#include "core/tenant_access.h"
#include "core/test_point.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A clock this far from the service's is worth telling (the KSN file's own check allows 5). */
#define CLOCK_SKEW_WARN_MS (5LL * 60 * 1000)

static int background_on(ksc_module *m, const ksc_call *call)
{
    const ksc_host_services *s = m->services;
    return !s->background_connection || s->background_connection(s->host, call->server);
}

/* ---- mdr.account.sign_in ----------------------------------------------------------------- */

static const mdr_field SIGN_IN_FIELDS[] = {
    {.name = "login", .type = MDR_FIELD_STRING, .required = 1, .min_len = 1, .max_len = 254},
    {.name = "password", .type = MDR_FIELD_STRING, .required = 1, .min_len = 1, .max_len = 256},
    {0}};

ksc_status mdr_account_sign_in(ksc_module *m, const ksc_call *call, char **response)
{
    json_object *req;
    ksc_status st = mdr_request_parse(m->services, call, SIGN_IN_FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    json_object *answer = NULL;
    mdr_cloud_error err;
    if (mdr_cloud_anonymous(m, "account/sign-in", req, &answer, &err) != MDR_CLOUD_OK) {
        json_object_put(req);
        return mdr_activation_reply_cloud(m, call, &err, response);
    }
    const char *client_id = mdr_json_str(answer, "client_id", NULL);
    const char *refresh = mdr_json_str(answer, "refresh_token", NULL);
    if (!client_id || !refresh) {
        json_object_put(req);
        json_object_put(answer);
        mdr_cloud_fail(&err, MDR_CLOUD_ERR_BAD_RESPONSE,
                       "the sign-in answer gave the plug-in no API connection");
        return mdr_cloud_reply_error(m, call->lang, &err, response);
    }
    if (mdr_cloud_session_start(m, client_id, refresh, &err) != MDR_CLOUD_OK) {
        json_object_put(req);
        json_object_put(answer);
        return mdr_cloud_reply_error(m, call->lang, &err, response);
    }
    /* the session is committed; who signed in to which account is not yet */
    mdr_test_point("activation.after_session_start");
    json_object *org = NULL;
    json_object_object_get_ex(answer, "organization", &org);
    const char *login = mdr_req_string(req, "login", "");
    mdr_cloud_session_set_account(m, login, mdr_json_str(org, "id", NULL),
                                  mdr_json_str(org, "name", NULL), call->user);
    mdr_activation_log(m, call->user, call->server, "sign_in", login);

    json_object *out = json_object_new_object();
    json_object_object_add(out, "signed_in", json_object_new_boolean(1));
    json_object_object_add(out, "account", json_object_new_string(login));
    json_object_object_add(out, "organization", org ? json_object_get(org) : NULL);
    json_object_object_add(out, "notice", json_object_new_string(mdr_us_notice(call->lang)));
    json_object_put(req);
    json_object_put(answer);
    return mdr_reply_ok(m->services, out, response);
}

/* ---- the status -------------------------------------------------------------------------- */

static void add_next_step(json_object *out, const char *lang, const char *step)
{
    char key[96];
    snprintf(key, sizeof key, "activation.next_step.%s", step);
    json_object_object_add(out, "next_step", json_object_new_string(step));
    json_object_object_add(out, "next_step_text", json_object_new_string(mdr_tr(lang, key)));
}

/* The console's view of the activation: the service's status plus what only the console
 * knows (background connection, the KSN file on this server). *out new; NULL + reply on a
 * failed call. */
/* The console's clock against the service's, as measured at the last token exchange:
 * clock_skew_ms (console minus service) and, past CLOCK_SKEW_WARN_MS, clock_warning. */
static void add_clock(json_object *o, json_object *session, const char *lang)
{
    int64_t skew = mdr_json_int(session, "clock_skew_ms", 0);
    json_object_object_add(o, "clock_skew_ms", json_object_new_int64(skew));
    if (llabs(skew) < CLOCK_SKEW_WARN_MS)
        return;
    char minutes[24];
    snprintf(minutes, sizeof minutes, "%lld", (llabs(skew) + 30000) / 60000); /* nearest */
    const char *params[] = {"minutes", minutes, NULL};
    char *w =
        mdr_trf(lang, skew > 0 ? "activation.clock_ahead" : "activation.clock_behind", params);
    json_object_object_add(o, "clock_warning", json_object_new_string(w ? w : ""));
    free(w);
}

static ksc_status build_status(ksc_module *m, const ksc_call *call, json_object *cloud_status,
                               json_object **out, char **response)
{
    json_object *o = json_object_new_object();
    int bg = background_on(m, call);
    json_object_object_add(o, "background_connection", json_object_new_boolean(bg));
    json_object *session = NULL;
    mdr_cloud_session_describe(m, &session);
    json_object *cs = cloud_status;
    mdr_cloud_error err;
    if (!cs && mdr_cloud_session_usable(m) &&
        mdr_cloud_console(m, "activation/status", NULL, 1, &cs, &err) != MDR_CLOUD_OK) {
        if (err.status != MDR_CLOUD_ERR_SIGN_IN_REQUIRED) {
            json_object_put(o);
            json_object_put(session);
            return mdr_activation_reply_cloud(m, call, &err, response);
        }
        cs = NULL;
        json_object_put(session);
        mdr_cloud_session_describe(m, &session);
    } else if (cloud_status) {
        json_object_get(cs);
    }
    json_object *v;
    int signed_in = session && json_object_object_get_ex(session, "signed_in", &v) &&
                    json_object_get_boolean(v) && cs;
    json_object_object_add(o, "signed_in", json_object_new_boolean(signed_in));
    if (session && json_object_object_get_ex(session, "account", &v))
        json_object_object_add(o, "account", json_object_get(v));
    if (!cs) {
        json_object_object_add(o, "state", json_object_new_string("not_signed_in"));
        json_object_object_add(o, "activated", json_object_new_boolean(0));
        /* A session that existed but ended says so plainly. */
        int ended = session && json_object_object_get_ex(session, "client_id", &v);
        json_object_object_add(o, "sign_in_required", json_object_new_boolean(ended));
        add_next_step(o, call->lang, bg ? "sign_in" : "enable_background_connection");
    } else {
        static const char *const copied[] = {"state",
                                             "activated",
                                             "organization",
                                             "current_license",
                                             "tenant_count",
                                             "region",
                                             "storage",
                                             "service_language",
                                             "kata_available",
                                             "agreements",
                                             "agreements_accepted",
                                             "ksn_statement_accepted",
                                             "tenants",
                                             "selected_tenants",
                                             "message",
                                             NULL};
        for (const char *const *k = copied; *k; k++)
            if (json_object_object_get_ex(cs, *k, &v))
                json_object_object_add(o, *k, json_object_get(v));
        const char *step = mdr_json_str(cs, "next_step", NULL);
        json_object_object_add(o, "service_next_step", json_object_new_string(step ? step : ""));
        const char *region = mdr_json_str(cs, "region", NULL);
        json_object *ri = region ? mdr_region_json(call->lang, region) : NULL;
        if (ri)
            json_object_object_add(o, "region_info", ri);
        /* The console's own steps come first: the background connection, then the KSN file
         * of a freshly activated main server. */
        char installed[24] = "";
        if (step && strcmp(step, "none") == 0 && mdr_server_is_virtual(m, call->server) == 0) {
            json_object *ks = mdr_host_ksn_settings(m, call->server);
            mdr_host_ksn_version(ks, installed, sizeof installed);
            json_object_put(ks);
            const char *state = mdr_json_str(cs, "state", NULL);
            if (!installed[0] && state && strcmp(state, "active") == 0)
                step = "install_ksn_file";
        }
        add_next_step(o, call->lang, !bg ? "enable_background_connection" : step ? step : "none");
        json_object_put(cs);
    }
    add_clock(o, session, call->lang);
    const char *kind = mdr_console_kind(m);
    json_object_object_add(o, "console_kind", json_object_new_string(kind));
    if (strcmp(kind, "cloud_trial") == 0)
        json_object_object_add(
            o, "console_kind_text",
            json_object_new_string(mdr_tr(call->lang, "error.activation_trial_workspace")));
    json_object_object_add(o, "notice", json_object_new_string(mdr_us_notice(call->lang)));
    json_object_put(session);
    *out = o;
    return KSC_OK;
}

ksc_status mdr_activation_status(ksc_module *m, const ksc_call *call, char **response)
{
    ksc_status st = mdr_request_none(m->services, call, response);
    if (st != KSC_OK)
        return st;
    json_object *out = NULL;
    st = build_status(m, call, NULL, &out, response);
    return st == KSC_OK ? mdr_reply_ok(m->services, out, response) : st;
}

/* The tenants selected at activation are the tenants this server's users may access: an
 * activation step whose answer says "activated" records them as the server's scope
 * (core/tenant_access); no selection = every tenant. Best effort, logged: the cloud step is
 * done either way, and the next step or status call records it again. */
static void record_scope(ksc_module *m, json_object *answer)
{
    json_object *v = NULL, *selected = NULL;
    if (!answer || !json_object_object_get_ex(answer, "activated", &v) ||
        !json_object_get_boolean(v))
        return;
    json_object_object_get_ex(answer, "selected_tenants", &selected);
    if (selected && !json_object_is_type(selected, json_type_array))
        selected = NULL;
    sqlite3 *db = mdr_store_conn(m->store);
    if (!db || mdr_tenant_access_set_scope(db, selected) != 0)
        mdr_log(m->services, KSC_LOG_WARNING, "the server's tenant scope could not be recorded");
}

/* A step's answer is the service's status; the reply is the console's status built on it. */
static ksc_status reply_status(ksc_module *m, const ksc_call *call, json_object *answer,
                               json_object *extra, char **response)
{
    record_scope(m, answer);
    json_object *out = NULL;
    ksc_status st = build_status(m, call, answer, &out, response);
    json_object_put(answer);
    if (st != KSC_OK) {
        json_object_put(extra);
        return st;
    }
    if (extra) {
        json_object_object_foreach(extra, k, v) json_object_object_add(out, k, json_object_get(v));
        json_object_put(extra);
    }
    return mdr_reply_ok(m->services, out, response);
}

/* One service call of an activation step; on success the reply is the new status. */
static ksc_status step_call(ksc_module *m, const ksc_call *call, const char *path,
                            json_object *body, const char *log_step, char **response)
{
    json_object *answer = NULL;
    mdr_cloud_error err;
    mdr_cloud_status cs = mdr_cloud_console(m, path, body, 0, &answer, &err);
    json_object_put(body);
    if (cs != MDR_CLOUD_OK)
        return mdr_activation_reply_cloud(m, call, &err, response);
    mdr_activation_log(m, call->user, call->server, log_step, "");
    return reply_status(m, call, answer, NULL, response);
}

static ksc_status need_background(ksc_module *m, const ksc_call *call, char **response)
{
    if (background_on(m, call))
        return KSC_OK;
    json_object *d = json_object_new_object();
    json_object_object_add(d, "server", json_object_new_string(call->server));
    return mdr_reply_error(m->services, call->lang, KSC_ERR_CONFLICT,
                           "background_connection_disabled", d, response);
}

/* ---- mdr.activation.activate / new_code --------------------------------------------------- */

static const mdr_field CODE_FIELDS[] = {
    {.name = "code", .type = MDR_FIELD_STRING, .required = 1, .min_len = 1, .max_len = 64},
    {.name = "region", .type = MDR_FIELD_ENUM, .required = 1, .choices = mdr_region_ids},
    {0}};

/* Parses {code, region} into the cloud's request body; the code's form is checked here before
 * any call. NULL when refused, with *st and the localized reply in *response. */
static json_object *parse_code(ksc_module *m, const ksc_call *call, ksc_status *st, char **response)
{
    json_object *req;
    *st = mdr_request_parse(m->services, call, CODE_FIELDS, &req, response);
    if (*st != KSC_OK)
        return NULL;
    char code[32];
    if (mdr_activation_code_normalize(mdr_req_string(req, "code", ""), code, sizeof code) != 0) {
        json_object_put(req);
        *st = mdr_reply_error(m->services, call->lang, KSC_ERR_INVALID, "activation_invalid_code",
                              mdr_details_field("code"), response);
        return NULL;
    }
    json_object *body = json_object_new_object();
    json_object_object_add(body, "activation_code", json_object_new_string(code));
    json_object_object_add(body, "region",
                           json_object_new_string(mdr_req_string(req, "region", "")));
    json_object_put(req);
    return body;
}

ksc_status mdr_activation_activate(ksc_module *m, const ksc_call *call, char **response)
{
    ksc_status st;
    json_object *body = parse_code(m, call, &st, response);
    if (!body)
        return st;
    if ((st = mdr_activation_refuse_in_trial(m, call, response)) != KSC_OK ||
        (st = need_background(m, call, response)) != KSC_OK) {
        json_object_put(body);
        return st;
    }
    return step_call(m, call, "activation/activate", body, "activate", response);
}

ksc_status mdr_activation_new_code(ksc_module *m, const ksc_call *call, char **response)
{
    ksc_status st;
    json_object *body = parse_code(m, call, &st, response);
    if (!body)
        return st;
    if ((st = mdr_activation_refuse_in_trial(m, call, response)) != KSC_OK) {
        json_object_put(body);
        return st;
    }
    json_object *answer = NULL;
    mdr_cloud_error err;
    mdr_cloud_status cs = mdr_cloud_console(m, "activation/new-code", body, 0, &answer, &err);
    json_object_put(body);
    if (cs != MDR_CLOUD_OK)
        return mdr_activation_reply_cloud(m, call, &err, response);
    mdr_activation_log(m, call->user, call->server, "new_code", "");
    json_object *out = json_object_new_object();
    json_object_object_add(out, "license", answer);
    /* help ("Providing a new activation code"): when the account has tenants, the tenant
     * selection follows, as in the first activation */
    json_object *status = NULL;
    if (mdr_cloud_console(m, "activation/status", NULL, 1, &status, &err) == MDR_CLOUD_OK &&
        mdr_json_int(status, "tenant_count", 0) > 0) {
        /* the choice: every tenant of the organization, as the first activation offers */
        json_object *tenants = NULL, *body2 = json_object_new_object(),
                    *choice = json_object_new_array();
        if (mdr_cloud_console(m, "tenants/list", body2, 1, &tenants, &err) == MDR_CLOUD_OK &&
            json_object_is_type(tenants, json_type_array))
            for (size_t i = 0; i < json_object_array_length(tenants); i++) {
                json_object *t = json_object_array_get_idx(tenants, i),
                            *c = json_object_new_object();
                json_object_object_add(c, "tenant_id",
                                       json_object_new_string(mdr_json_str(t, "tenant_id", "")));
                json_object_object_add(c, "name",
                                       json_object_new_string(mdr_json_str(t, "name", "")));
                json_object_array_add(choice, c);
            }
        json_object_put(body2);
        json_object_put(tenants);
        add_next_step(out, call->lang, "select_tenants");
        json_object_object_add(out, "tenants", choice);
    } else {
        add_next_step(out, call->lang, "none");
    }
    json_object_put(status);
    return mdr_reply_ok(m->services, out, response);
}

/* ---- tenants, agreements ------------------------------------------------------------------ */

/* Checks that `field` is an array of 1..max non-empty strings of at most 64 characters and
 * returns the request as the cloud's body; NULL when refused, with *st and the reply set. */
static json_object *string_list(ksc_module *m, const ksc_call *call, const char *field, size_t max,
                                ksc_status *st, char **response)
{
    const mdr_field fields[] = {
        {.name = field, .type = MDR_FIELD_ARRAY, .required = 1, .max_len = max}, {0}};
    json_object *req;
    *st = mdr_request_parse(m->services, call, fields, &req, response);
    if (*st != KSC_OK)
        return NULL;
    json_object *list = NULL;
    json_object_object_get_ex(req, field, &list);
    size_t n = json_object_array_length(list);
    for (size_t i = 0; i <= n; i++) {
        json_object *e = i < n ? json_object_array_get_idx(list, i) : NULL;
        if (n == 0 ||
            (e && (!json_object_is_type(e, json_type_string) ||
                   json_object_get_string_len(e) == 0 || json_object_get_string_len(e) > 64))) {
            json_object_put(req);
            *st = mdr_reply_error(m->services, call->lang, KSC_ERR_INVALID, "invalid_value",
                                  mdr_details_field(field), response);
            return NULL;
        }
    }
    return req;
}

ksc_status mdr_activation_select_tenants(ksc_module *m, const ksc_call *call, char **response)
{
    ksc_status st;
    json_object *body = string_list(m, call, "tenants", 100, &st, response);
    if (body && (st = mdr_activation_refuse_in_trial(m, call, response)) != KSC_OK) {
        json_object_put(body);
        return st;
    }
    return body ? step_call(m, call, "activation/select-tenants", body, "select_tenants", response)
                : st;
}

ksc_status mdr_activation_accept_agreements(ksc_module *m, const ksc_call *call, char **response)
{
    ksc_status st;
    json_object *body = string_list(m, call, "agreements", 16, &st, response);
    if (body && (st = mdr_activation_refuse_in_trial(m, call, response)) != KSC_OK) {
        json_object_put(body);
        return st;
    }
    return body ? step_call(m, call, "activation/accept-agreements", body, "accept_agreements",
                            response)
                : st;
}

/* ---- mdr.activation.accept_ksn_statement -------------------------------------------------- */

static const mdr_field KSN_STATEMENT_FIELDS[] = {{.name = "accepted", .type = MDR_FIELD_BOOL}, {0}};

ksc_status mdr_activation_accept_ksn_statement(ksc_module *m, const ksc_call *call, char **response)
{
    json_object *req;
    ksc_status st = mdr_request_parse(m->services, call, KSN_STATEMENT_FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    int accepted = mdr_req_bool(req, "accepted", 1);
    json_object_put(req);
    if ((st = mdr_activation_refuse_in_trial(m, call, response)) != KSC_OK)
        return st;
    /* What would stop the KSN file from being installed is checked before accepting. */
    if (accepted) {
        if (mdr_server_is_virtual(m, call->server) == 1) {
            mdr_ksn_update_result r = {.outcome = MDR_KSN_VIRTUAL};
            return mdr_ksn_reply_failure(m, call, &r, response);
        }
        if (!*m->config->ksn_trust_anchor) {
            mdr_ksn_update_result r = {.outcome = MDR_KSN_REFUSED};
            r.ksn_err.status = MDR_KSN_ERR_TRUST_ANCHOR;
            return mdr_ksn_reply_failure(m, call, &r, response);
        }
        if ((st = need_background(m, call, response)) != KSC_OK)
            return st;
    }
    json_object *body = json_object_new_object();
    json_object_object_add(body, "accepted", json_object_new_boolean(accepted));
    json_object *answer = NULL;
    mdr_cloud_error err;
    mdr_cloud_status cs =
        mdr_cloud_console(m, "activation/accept-ksn-statement", body, 0, &answer, &err);
    json_object_put(body);
    if (cs != MDR_CLOUD_OK)
        return mdr_activation_reply_cloud(m, call, &err, response);
    mdr_activation_log(m, call->user, call->server, "accept_ksn_statement", "");
    /* activated in the cloud; the KSN file not yet installed (next_step says install_ksn_file) */
    mdr_test_point("activation.after_accept_ksn");

    /* Activated: now the KSN file for this server. */
    mdr_ksn_update_result r;
    mdr_ksn_update(m, call->server, call->user, "activation", &r);
    if (r.outcome != MDR_KSN_INSTALLED && r.outcome != MDR_KSN_UP_TO_DATE) {
        json_object_put(answer);
        return mdr_ksn_reply_failure(m, call, &r, response);
    }
    json_object *extra = json_object_new_object();
    json_object *ksn = json_object_new_object();
    json_object_object_add(ksn, "installed", json_object_new_boolean(1));
    json_object_object_add(ksn, "version", json_object_new_string(r.version));
    json_object_object_add(extra, "ksn", ksn);
    return reply_status(m, call, answer, extra, response);
}

/* ---- revoke consent, terminate ------------------------------------------------------------ */

/* KPSN off on the host first, then the service call; if the call fails, KPSN is put back as
 * it was, so nothing is half-done. */
static ksc_status stop_step(ksc_module *m, const ksc_call *call, const char *path,
                            const char *log_step, char **response)
{
    const ksc_host_services *s = m->services;
    if (mdr_server_is_virtual(m, call->server) == 1) {
        mdr_ksn_update_result r = {.outcome = MDR_KSN_VIRTUAL};
        return mdr_ksn_reply_failure(m, call, &r, response);
    }
    json_object *ks = mdr_host_ksn_settings(m, call->server), *v;
    int kpsn_was =
        ks && json_object_object_get_ex(ks, "kpsn_enabled", &v) && json_object_get_boolean(v);
    json_object_put(ks);
    ksc_status hs = KSC_OK;
    if (kpsn_was && s->kpsn_set &&
        (hs = s->kpsn_set(s->host, call->server, call->user, 0)) != KSC_OK)
        return mdr_reply_error(
            s, call->lang, hs == KSC_ERR_DENIED ? KSC_ERR_DENIED : KSC_ERR_FAILED,
            hs == KSC_ERR_DENIED ? "kpsn_denied" : "kpsn_failed", NULL, response);
    json_object *answer = NULL;
    mdr_cloud_error err;
    if (mdr_cloud_console(m, path, NULL, 0, &answer, &err) != MDR_CLOUD_OK) {
        if (kpsn_was && s->kpsn_set)
            s->kpsn_set(s->host, call->server, call->user, 1);
        return mdr_activation_reply_cloud(m, call, &err, response);
    }
    mdr_activation_log(m, call->user, call->server, log_step, "");
    sqlite3 *db = mdr_store_conn(m->store);
    if (strcmp(log_step, "terminate") == 0 && (!db || mdr_tenant_access_set_scope(db, NULL) != 0))
        mdr_log(m->services, KSC_LOG_WARNING, "the server's tenant scope could not be cleared");
    json_object *extra = json_object_new_object();
    json_object_object_add(extra, "kpsn_disabled", json_object_new_boolean(1));
    const char *msg = mdr_json_str(answer, "message", NULL);
    if (msg)
        json_object_object_add(extra, "service_message", json_object_new_string(msg));
    char key[96];
    snprintf(key, sizeof key, "activation.%s.done", log_step);
    json_object_object_add(extra, "message_text", json_object_new_string(mdr_tr(call->lang, key)));
    if (strcmp(log_step, "terminate") == 0) {
        /* help ("Terminating the use …"): the KSN configuration file should leave the
         * server's KSN proxy settings, and the policies must stop MDR. The host offers no way
         * to remove the file (ABI: install and KPSN on/off only), so the answer says it must
         * be removed and how. */
        json_object *now_ks = mdr_host_ksn_settings(m, call->server), *cfg = NULL;
        json_object_object_get_ex(now_ks, "config", &cfg);
        json_object *ksn = json_object_new_object();
        int installed = cfg && json_object_is_type(cfg, json_type_object);
        json_object_object_add(ksn, "installed", json_object_new_boolean(installed));
        json_object_object_add(ksn, "removed", json_object_new_boolean(0));
        if (installed)
            json_object_object_add(ksn, "version",
                                   json_object_new_string(mdr_json_str(cfg, "version", "")));
        json_object_object_add(ksn, "text",
                               json_object_new_string(mdr_tr(
                                   call->lang, installed ? "activation.terminate.ksn_remove"
                                                         : "activation.terminate.ksn_none")));
        json_object_put(now_ks);
        json_object_object_add(extra, "ksn_file", ksn);
        json_object_object_add(
            extra, "policies_text",
            json_object_new_string(mdr_tr(call->lang, "activation.terminate.policies")));
    }
    return reply_status(m, call, answer, extra, response);
}

ksc_status mdr_activation_revoke_consent(ksc_module *m, const ksc_call *call, char **response)
{
    ksc_status st = mdr_request_none(m->services, call, response);
    if (st != KSC_OK)
        return st;
    return stop_step(m, call, "activation/revoke-consent", "revoke_consent", response);
}

ksc_status mdr_activation_terminate(ksc_module *m, const ksc_call *call, char **response)
{
    ksc_status st = mdr_request_none(m->services, call, response);
    if (st != KSC_OK)
        return st;
    return stop_step(m, call, "activation/terminate", "terminate", response);
}
