/* connections/actions.c — the API tab (Incident access + REST API access): API connections
 * with their rights, tenants and statuses (mdr.connections.list, .create, .edit, .generate,
 * .revoke, .delete). The connections live in the cloud (console connections/…); the module
 * keeps nothing of them: a refresh token passes through to the caller once and is neither
 * stored nor logged. Reference: docs/actions/connections.md. */
#include "core/actions.h"
#include "core/cloud_codes.h"
#include "core/i18n.h"
#include "core/json_get.h"
#include "core/module.h"
#include "core/reply.h"
#include "core/request.h"
#include "core/tenant_access.h"
#include "licenses/sync.h"
#include "licenses/view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_CHARS 100

/* The console's three access-right levels and the MDR roles the help maps them to. */
static const struct {
    const char *role, *cloud;
} LEVELS[] = {{"mdr.administrator", "full"},
              {"mdr.senior_security_officer", "senior"},
              {"mdr.security_officer", "officer"},
              {NULL, NULL}};
static const char *const ROLES[] = {"mdr.administrator", "mdr.senior_security_officer",
                                    "mdr.security_officer", NULL};

/* Tiers with the REST API ("Comparison of commercial license tiers": API for exporting MDR
 * data in MDR Expert, Advanced and Prime; Optimum and Basic have none). */
static const char *const API_TIERS[] = {"expert", "advanced", "prime", NULL};

static const mdr_cloud_code_map CODES[] = {
    {"invalid_name", KSC_ERR_INVALID, "connection_name_invalid"},
    {"tenant_not_found", KSC_ERR_NOT_FOUND, "tenant_not_found"},
    {"connection_not_found", KSC_ERR_NOT_FOUND, "connection_not_found"},
    {"not_active", KSC_ERR_CONFLICT, "connection_not_active"},
    {NULL, 0, NULL}};

static const char *role_of(const char *cloud)
{
    for (int i = 0; LEVELS[i].role; i++)
        if (cloud && !strcmp(LEVELS[i].cloud, cloud))
            return LEVELS[i].role;
    return "";
}

static const char *cloud_of(const char *role)
{
    for (int i = 0; LEVELS[i].role; i++)
        if (role && !strcmp(LEVELS[i].role, role))
            return LEVELS[i].cloud;
    return NULL;
}

static json_object *str(const char *s)
{
    return json_object_new_string(s ? s : "");
}

/* The catalog key of a status: "prefix.Words_of_it" (spaces are not kept in keys). */
static void status_key(char *key, size_t size, const char *prefix, const char *status)
{
    snprintf(key, size, "%s.%s", prefix, status);
    for (char *c = key; *c; c++)
        if (*c == ' ')
            *c = '_';
}

static ksc_status cloud_failed(ksc_module *m, const ksc_call *call, const mdr_cloud_error *err,
                               char **response)
{
    return mdr_cloud_fail_reply(m, call->lang, err, CODES, NULL, response);
}

/* The organization's tier and whether it has the REST API. An unknown tier (no license
 * listed yet) is left to the cloud to refuse. */
static mdr_cloud_status tier_of(ksc_module *m, char *tier, size_t size, int *api,
                                mdr_cloud_error *err)
{
    json_object *list = NULL;
    int64_t at = 0;
    mdr_cloud_status st = mdr_licenses_get(m, mdr_now(m), 0, &list, &at, err);
    if (st != MDR_CLOUD_OK)
        return st;
    const char *t = NULL, *region = NULL;
    mdr_licenses_org_terms(list, mdr_now(m), &t, &region);
    snprintf(tier, size, "%s", t ? t : "");
    *api = !t;
    for (int i = 0; t && API_TIERS[i]; i++)
        if (!strcmp(API_TIERS[i], t))
            *api = 1;
    json_object_put(list);
    return MDR_CLOUD_OK;
}

static ksc_status no_api_in_tier(ksc_module *m, const ksc_call *call, const char *tier,
                                 char **response)
{
    json_object *d = json_object_new_object();
    json_object_object_add(d, "tier", str(tier));
    json_object_object_add(d, "tier_title", str(mdr_license_tier_title(tier)));
    return mdr_reply_error(m->services, call->lang, KSC_ERR_CONFLICT, "rest_api_not_in_tier", d,
                           response);
}

/* The plug-in's own connection (made at sign-in): the module's session hangs on it. */
static int is_plugin_connection(ksc_module *m, const char *client_id)
{
    json_object *s = NULL;
    int same = mdr_cloud_session_describe(m, &s) == 0 &&
               !strcmp(mdr_json_str(s, "client_id", ""), client_id);
    json_object_put(s);
    return same;
}

/* 1 when the user may see the connection: every tenant it names is one they see; a
 * connection for all tenants only for a user who sees them all. -1 on a store error. */
static int connection_visible(sqlite3 *db, const char *user, json_object *conn)
{
    json_object *ts = NULL;
    json_object_object_get_ex(conn, "tenants", &ts);
    size_t n = ts ? json_object_array_length(ts) : 0;
    if (n == 0) {
        int r = mdr_tenant_access_restricted(db, user);
        return r < 0 ? -1 : !r;
    }
    for (size_t i = 0; i < n; i++) {
        const char *id = mdr_json_str(json_object_array_get_idx(ts, i), "tenant_id", NULL);
        if (!id)
            continue; /* a tenant deleted since: nothing of it left to see */
        int v = mdr_tenant_access_visible_id(db, user, id);
        if (v != 1)
            return v < 0 ? -1 : 0;
    }
    return 1;
}

static json_object *connection_view(ksc_module *m, json_object *c, const char *lang)
{
    json_object *o = json_object_new_object();
    const char *role = role_of(mdr_json_str(c, "rights", ""));
    const char *status = mdr_json_str(c, "status", "");
    char key[96];
    json_object_object_add(o, "client_id", str(mdr_json_str(c, "client_id", "")));
    json_object_object_add(o, "name", str(mdr_json_str(c, "name", "")));
    json_object_object_add(o, "rights", str(role));
    snprintf(key, sizeof key, "role.%s.title", *role ? role + 4 : "");
    json_object_object_add(o, "rights_title", str(mdr_tr(lang, key)));
    json_object *ts = NULL, *tenants = json_object_new_array();
    json_object_object_get_ex(c, "tenants", &ts);
    for (size_t i = 0; ts && i < json_object_array_length(ts); i++) {
        json_object *t = json_object_array_get_idx(ts, i), *x = json_object_new_object();
        const char *id = mdr_json_str(t, "tenant_id", NULL);
        json_object_object_add(x, "tenant_id", id ? str(id) : NULL);
        json_object_object_add(x, "name", str(mdr_json_str(t, "name", "")));
        json_object_array_add(tenants, x);
    }
    json_object_object_add(o, "all_tenants",
                           json_object_new_boolean(json_object_array_length(tenants) == 0));
    json_object_object_add(o, "tenants", tenants);
    json_object_object_add(o, "status", str(status));
    status_key(key, sizeof key, "connections.status", status);
    json_object_object_add(o, "status_title", str(mdr_tr(lang, key)));
    json_object_object_add(o, "created_time",
                           json_object_new_int64(mdr_json_int(c, "created_time", 0)));
    json_object *used = NULL;
    json_object_object_get_ex(c, "last_used_time", &used);
    json_object_object_add(o, "last_used_time", json_object_get(used));
    json_object_object_add(
        o, "plugin",
        json_object_new_boolean(is_plugin_connection(m, mdr_json_str(c, "client_id", ""))));
    return o;
}

/* The cloud's connections (new array). */
static mdr_cloud_status cloud_list(ksc_module *m, json_object **list, mdr_cloud_error *err)
{
    json_object *body = json_object_new_object();
    mdr_cloud_status st = mdr_cloud_console(m, "connections/list", body, 1, list, err);
    json_object_put(body);
    if (st == MDR_CLOUD_OK && !json_object_is_type(*list, json_type_array)) {
        json_object_put(*list);
        *list = NULL;
        return mdr_cloud_fail(err, MDR_CLOUD_ERR_BAD_RESPONSE, "connections/list: not an array");
    }
    return st;
}

/* ---------------------------------------------------------------- mdr.connections.list */

ksc_status mdr_connections_list(ksc_module *m, const ksc_call *call, char **response)
{
    ksc_status st = mdr_request_none(m->services, call, response);
    if (st != KSC_OK)
        return st;
    sqlite3 *db = mdr_store_conn(m->store);
    if (!db)
        return mdr_reply_store_error(m->services, call->lang, response);
    char tier[32];
    int api = 0;
    mdr_cloud_error err;
    if (tier_of(m, tier, sizeof tier, &api, &err) != MDR_CLOUD_OK)
        return cloud_failed(m, call, &err, response);
    json_object *out = json_object_new_object(), *rows = json_object_new_array();
    json_object_object_add(out, "tier", str(tier));
    json_object_object_add(out, "tier_title", str(*tier ? mdr_license_tier_title(tier) : ""));
    json_object_object_add(out, "rest_api", json_object_new_boolean(api));
    if (!api) {
        /* the help: such a tier can only generate a refresh token in MDR Web Console, for
         * setting up the plug-in; the console has no API tab to offer */
        const char *vals[] = {"tier", mdr_license_tier_title(tier), NULL};
        char *note = mdr_trf(call->lang, "connections.no_rest_api", vals);
        json_object_object_add(out, "note", str(note));
        free(note);
        json_object_object_add(out, "connections", rows);
        return mdr_reply_ok(m->services, out, response);
    }
    json_object *list = NULL;
    if (cloud_list(m, &list, &err) != MDR_CLOUD_OK) {
        json_object_put(out);
        json_object_put(rows);
        return cloud_failed(m, call, &err, response);
    }
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        json_object *c = json_object_array_get_idx(list, i);
        int v = connection_visible(db, call->user, c);
        if (v < 0) {
            json_object_put(list);
            json_object_put(rows);
            json_object_put(out);
            return mdr_reply_store_error(m->services, call->lang, response);
        }
        if (v)
            json_object_array_add(rows, connection_view(m, c, call->lang));
    }
    json_object_put(list);
    json_object_object_add(out, "connections", rows);
    return mdr_reply_ok(m->services, out, response);
}

/* ---------------------------------------------------------------- shared checks */

/* Latin letters, digits and special characters: printable ASCII, not blank. */
static int name_ok(const char *name)
{
    int blank = 1;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (*p < 0x20 || *p > 0x7e)
            return 0;
        if (*p != ' ')
            blank = 0;
    }
    return !blank;
}

/* The request's tenant ids (borrowed array; NULL = all tenants) checked against what the
 * user sees; a tenant they cannot see is "not found", like one that does not exist. */
static ksc_status check_tenants(ksc_module *m, const ksc_call *call, sqlite3 *db, json_object *ids,
                                char **response)
{
    size_t n = ids ? json_object_array_length(ids) : 0;
    if (n == 0) {
        int r = mdr_tenant_access_restricted(db, call->user);
        if (r < 0)
            return mdr_reply_store_error(m->services, call->lang, response);
        if (r)
            return mdr_reply_error(m->services, call->lang, KSC_ERR_INVALID,
                                   "connection_tenants_required", mdr_details_field("tenants"),
                                   response);
        return KSC_OK;
    }
    for (size_t i = 0; i < n; i++) {
        json_object *x = json_object_array_get_idx(ids, i);
        if (!json_object_is_type(x, json_type_string) || !json_object_get_string_len(x) ||
            json_object_get_string_len(x) > 64)
            return mdr_reply_error(m->services, call->lang, KSC_ERR_INVALID, "invalid_value",
                                   mdr_details_field("tenants"), response);
        int v = mdr_tenant_access_visible_id(db, call->user, json_object_get_string(x));
        if (v < 0)
            return mdr_reply_store_error(m->services, call->lang, response);
        if (!v) {
            json_object *d = mdr_details_field("tenants");
            json_object_object_add(d, "tenant_id", str(json_object_get_string(x)));
            return mdr_reply_error(m->services, call->lang, KSC_ERR_NOT_FOUND, "tenant_not_found",
                                   d, response);
        }
    }
    return KSC_OK;
}

static ksc_status check_name(ksc_module *m, const ksc_call *call, const char *name, char **response)
{
    if (!name || name_ok(name))
        return KSC_OK;
    return mdr_reply_error(m->services, call->lang, KSC_ERR_INVALID, "connection_name_invalid",
                           mdr_details_field("name"), response);
}

/* The connection `client_id` as the user sees it (*conn new), or the refusal made. Refuses
 * the plug-in's own connection when `not_plugin`. */
static ksc_status find_connection(ksc_module *m, const ksc_call *call, sqlite3 *db,
                                  const char *client_id, int not_plugin, json_object **conn,
                                  char **response)
{
    *conn = NULL;
    json_object *list = NULL;
    mdr_cloud_error err;
    if (cloud_list(m, &list, &err) != MDR_CLOUD_OK)
        return cloud_failed(m, call, &err, response);
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        json_object *c = json_object_array_get_idx(list, i);
        if (strcmp(mdr_json_str(c, "client_id", ""), client_id))
            continue;
        int v = connection_visible(db, call->user, c);
        if (v < 0) {
            json_object_put(list);
            return mdr_reply_store_error(m->services, call->lang, response);
        }
        if (v)
            *conn = json_object_get(c);
        break;
    }
    json_object_put(list);
    if (!*conn) {
        json_object *d = mdr_details_field("client_id");
        json_object_object_add(d, "client_id", str(client_id));
        return mdr_reply_error(m->services, call->lang, KSC_ERR_NOT_FOUND, "connection_not_found",
                               d, response);
    }
    if (not_plugin && is_plugin_connection(m, client_id)) {
        json_object_put(*conn);
        *conn = NULL;
        return mdr_reply_error(m->services, call->lang, KSC_ERR_CONFLICT, "connection_is_plugin",
                               mdr_details_field("client_id"), response);
    }
    return KSC_OK;
}

static ksc_status require_api(ksc_module *m, const ksc_call *call, char **response)
{
    char tier[32];
    int api = 0;
    mdr_cloud_error err;
    if (tier_of(m, tier, sizeof tier, &api, &err) != MDR_CLOUD_OK)
        return cloud_failed(m, call, &err, response);
    return api ? KSC_OK : no_api_in_tier(m, call, tier, response);
}

/* {connection, client_id, refresh_token, notice}: the one time a token is handed out. */
static json_object *with_token(ksc_module *m, json_object *answer, const char *lang)
{
    json_object *out = json_object_new_object();
    json_object_object_add(out, "connection", connection_view(m, answer, lang));
    json_object_object_add(out, "client_id", str(mdr_json_str(answer, "client_id", "")));
    json_object_object_add(out, "refresh_token", str(mdr_json_str(answer, "refresh_token", "")));
    json_object_object_add(out, "notice", str(mdr_tr(lang, "connections.token_shown_once")));
    return out;
}

/* ---------------------------------------------------------------- create / edit */

static const mdr_field CREATE_FIELDS[] = {
    {.name = "name",
     .type = MDR_FIELD_STRING,
     .required = 1,
     .min_len = 1,
     .max_len = NAME_MAX_CHARS},
    {.name = "rights", .type = MDR_FIELD_ENUM, .required = 1, .choices = ROLES},
    {.name = "tenants", .type = MDR_FIELD_ARRAY, .max_len = 100},
    {0}};

ksc_status mdr_connections_create(ksc_module *m, const ksc_call *call, char **response)
{
    json_object *req, *ids = NULL;
    ksc_status st = mdr_request_parse(m->services, call, CREATE_FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    sqlite3 *db = mdr_store_conn(m->store);
    json_object_object_get_ex(req, "tenants", &ids);
    if (!db)
        st = mdr_reply_store_error(m->services, call->lang, response);
    else if ((st = check_name(m, call, mdr_req_string(req, "name", ""), response)) == KSC_OK &&
             (st = check_tenants(m, call, db, ids, response)) == KSC_OK &&
             (st = require_api(m, call, response)) == KSC_OK) {
        json_object *body = json_object_new_object(), *answer = NULL;
        json_object_object_add(body, "name", str(mdr_req_string(req, "name", "")));
        json_object_object_add(body, "rights", str(cloud_of(mdr_req_string(req, "rights", ""))));
        json_object_object_add(body, "tenants",
                               ids ? json_object_get(ids) : json_object_new_array());
        mdr_cloud_error err;
        /* not retried: a second create would make a second connection */
        if (mdr_cloud_console(m, "connections/create", body, 0, &answer, &err) != MDR_CLOUD_OK)
            st = cloud_failed(m, call, &err, response);
        else
            st = mdr_reply_ok(m->services, with_token(m, answer, call->lang), response);
        json_object_put(answer);
        json_object_put(body);
    }
    json_object_put(req);
    return st;
}

static const mdr_field EDIT_FIELDS[] = {
    {.name = "client_id", .type = MDR_FIELD_STRING, .required = 1, .min_len = 1, .max_len = 64},
    {.name = "name", .type = MDR_FIELD_STRING, .min_len = 1, .max_len = NAME_MAX_CHARS},
    {.name = "rights", .type = MDR_FIELD_ENUM, .choices = ROLES},
    {.name = "tenants", .type = MDR_FIELD_ARRAY, .max_len = 100},
    {0}};

ksc_status mdr_connections_edit(ksc_module *m, const ksc_call *call, char **response)
{
    json_object *req, *ids = NULL, *conn = NULL;
    ksc_status st = mdr_request_parse(m->services, call, EDIT_FIELDS, &req, response);
    if (st != KSC_OK)
        return st;
    sqlite3 *db = mdr_store_conn(m->store);
    int has_tenants = json_object_object_get_ex(req, "tenants", &ids);
    const char *name = mdr_req_string(req, "name", NULL),
               *role = mdr_req_string(req, "rights", NULL);
    if (!db)
        st = mdr_reply_store_error(m->services, call->lang, response);
    else if (!name && !role && !has_tenants)
        st = mdr_reply_error(m->services, call->lang, KSC_ERR_INVALID, "connection_no_changes",
                             NULL, response);
    else if ((st = check_name(m, call, name, response)) == KSC_OK &&
             (!has_tenants || (st = check_tenants(m, call, db, ids, response)) == KSC_OK) &&
             (st = require_api(m, call, response)) == KSC_OK &&
             (st = find_connection(m, call, db, mdr_req_string(req, "client_id", ""), 1, &conn,
                                   response)) == KSC_OK) {
        json_object *body = json_object_new_object(), *answer = NULL;
        json_object_object_add(body, "client_id", str(mdr_req_string(req, "client_id", "")));
        if (name)
            json_object_object_add(body, "name", str(name));
        if (role)
            json_object_object_add(body, "rights", str(cloud_of(role)));
        if (has_tenants)
            json_object_object_add(body, "tenants", json_object_get(ids));
        mdr_cloud_error err;
        if (mdr_cloud_console(m, "connections/edit", body, 1, &answer, &err) != MDR_CLOUD_OK)
            st = cloud_failed(m, call, &err, response);
        else
            st = mdr_reply_ok(m->services, connection_view(m, answer, call->lang), response);
        json_object_put(answer);
        json_object_put(body);
    }
    json_object_put(conn);
    json_object_put(req);
    return st;
}

/* ---------------------------------------------------------------- generate / revoke / delete */

static const mdr_field ID_FIELDS[] = {
    {.name = "client_id", .type = MDR_FIELD_STRING, .required = 1, .min_len = 1, .max_len = 64},
    {0}};

static const mdr_field DELETE_FIELDS[] = {
    {.name = "client_id", .type = MDR_FIELD_STRING, .required = 1, .min_len = 1, .max_len = 64},
    {.name = "confirm", .type = MDR_FIELD_BOOL},
    {0}};

/* A refusal naming the connection's status now. */
static ksc_status wrong_status(ksc_module *m, const ksc_call *call, const char *code,
                               json_object *conn, char **response)
{
    char key[96];
    const char *status = mdr_json_str(conn, "status", "");
    status_key(key, sizeof key, "connections.status", status);
    json_object *d = mdr_details_field("client_id");
    json_object_object_add(d, "status", str(status));
    json_object_object_add(d, "status_title", str(mdr_tr(call->lang, key)));
    return mdr_reply_error(m->services, call->lang, KSC_ERR_CONFLICT, code, d, response);
}

/* The shared start of generate, revoke and delete: parse, the tier, the connection. */
static ksc_status one_connection(ksc_module *m, const ksc_call *call, const mdr_field *fields,
                                 int need_api, json_object **req, json_object **conn,
                                 char **response)
{
    *conn = NULL;
    ksc_status st = mdr_request_parse(m->services, call, fields, req, response);
    if (st != KSC_OK)
        return st;
    sqlite3 *db = mdr_store_conn(m->store);
    if (!db)
        st = mdr_reply_store_error(m->services, call->lang, response);
    else if (!need_api || (st = require_api(m, call, response)) == KSC_OK)
        st = find_connection(m, call, db, mdr_req_string(*req, "client_id", ""), 1, conn, response);
    if (st != KSC_OK) {
        json_object_put(*req);
        *req = NULL;
    }
    return st;
}

/* Sends {"client_id"} of the request to a connections/ endpoint of the console API: KSC_OK with
 * the cloud's answer (the caller puts it), or the cloud's refusal already in *response. */
static ksc_status ask_by_client_id(ksc_module *m, const ksc_call *call, json_object *req,
                                   const char *endpoint, json_object **answer, char **response)
{
    json_object *body = json_object_new_object();
    json_object_object_add(body, "client_id", str(mdr_req_string(req, "client_id", "")));
    mdr_cloud_error err;
    *answer = NULL;
    ksc_status st = KSC_OK;
    if (mdr_cloud_console(m, endpoint, body, 0, answer, &err) != MDR_CLOUD_OK)
        st = cloud_failed(m, call, &err, response);
    json_object_put(body);
    return st;
}

typedef json_object *(*answer_view_fn)(ksc_module *m, json_object *answer, const char *lang);

/* A step the service allows only in some of a connection's statuses (NULL-terminated):
 * refused with `refusal` in any other, otherwise sent to `endpoint` and answered through
 * `view`. */
static ksc_status in_status(ksc_module *m, const ksc_call *call, int need_api,
                            const char *const statuses[], const char *refusal, const char *endpoint,
                            answer_view_fn view, char **response)
{
    json_object *req, *conn;
    ksc_status st = one_connection(m, call, ID_FIELDS, need_api, &req, &conn, response);
    if (st != KSC_OK)
        return st;
    const char *status = mdr_json_str(conn, "status", "");
    int allowed = 0;
    for (size_t i = 0; statuses[i] && !allowed; i++)
        allowed = !strcmp(status, statuses[i]);
    if (!allowed)
        st = wrong_status(m, call, refusal, conn, response);
    else {
        json_object *answer;
        st = ask_by_client_id(m, call, req, endpoint, &answer, response);
        if (st == KSC_OK)
            st = mdr_reply_ok(m->services, view(m, answer, call->lang), response);
        json_object_put(answer);
    }
    json_object_put(conn);
    json_object_put(req);
    return st;
}

ksc_status mdr_connections_generate(ksc_module *m, const ksc_call *call, char **response)
{
    /* help: "Creating an access token": Refresh on a connection Pending activation */
    static const char *const pending[] = {"Pending activation", NULL};
    return in_status(m, call, 1, pending, "connection_not_pending", "connections/refresh",
                     with_token, response);
}

ksc_status mdr_connections_revoke(ksc_module *m, const ksc_call *call, char **response)
{
    static const char *const active[] = {"Active", "Idle", NULL};
    return in_status(m, call, 0, active, "connection_not_active", "connections/revoke",
                     connection_view, response);
}

ksc_status mdr_connections_delete(ksc_module *m, const ksc_call *call, char **response)
{
    json_object *req, *conn;
    ksc_status st = one_connection(m, call, DELETE_FIELDS, 0, &req, &conn, response);
    if (st != KSC_OK)
        return st;
    if (!mdr_req_bool(req, "confirm", 0)) {
        json_object *d = mdr_details_field("confirm");
        json_object_object_add(d, "name", str(mdr_json_str(conn, "name", "")));
        st = mdr_reply_error(m->services, call->lang, KSC_ERR_INVALID,
                             "connection_delete_unconfirmed", d, response);
    } else {
        json_object *answer;
        st = ask_by_client_id(m, call, req, "connections/delete", &answer, response);
        if (st == KSC_OK) {
            json_object *out = json_object_new_object();
            json_object_object_add(out, "deleted", json_object_new_boolean(1));
            json_object_object_add(out, "client_id", str(mdr_req_string(req, "client_id", "")));
            json_object_object_add(out, "name", str(mdr_json_str(conn, "name", "")));
            st = mdr_reply_ok(m->services, out, response);
        }
        json_object_put(answer);
    }
    json_object_put(conn);
    json_object_put(req);
    return st;
}
