/* api.c — the web console's /api/: sign-in and sign-out, the session (user, language, server,
 * what the user may do there), notifications, and the module's actions. Every state-changing
 * request is a POST with a JSON body, the session cookie and the X-CSRF-Token header; the
 * Origin, when sent, must be this server. */
#include "web/server.h"
#include "accounts.h"
#include "call_access.h"
#include "call_errors.h"
#include "loader.h"
#include "notifications.h"
#include "servers.h"
#include "web/actions.h"
#include "web/passwords.h"
#include "web/sessions.h"
#include "web/texts.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ACTIONS_PREFIX "/api/actions/"

static void reply_json(web_reply *rep, int status, json_object *obj)
{
    rep->status = status;
    rep->body = strdup(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
                                                               JSON_C_TO_STRING_NOSLASHESCAPE));
    rep->len = rep->body ? strlen(rep->body) : 0;
    rep->content_type = "application/json";
    json_object_put(obj);
}

static void reply_error(web_reply *rep, int status, const char *lang, const char *code,
                        json_object *details)
{
    reply_json(rep, status, web_error(lang, code, details));
}

/* A language from the browser's Accept-Language for answers before sign-in. */
static const char *request_lang(const web_request *req)
{
    static const char *const langs[] = {"en", "ru", "de", "es", "fr", "it"};
    const char *al = req->accept_language;
    for (size_t i = 0; al && i < sizeof langs / sizeof langs[0]; i++)
        if (strncasecmp(al, langs[i], 2) == 0)
            return langs[i];
    return "en";
}

static const char *session_cookie_clear =
    "ksc_session=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0";

static void set_session_cookie(web_reply *rep, const web_session *s)
{
    snprintf(rep->set_cookie, sizeof rep->set_cookie,
             "ksc_session=%s; Path=/; HttpOnly; Secure; SameSite=Strict", s->id);
}

/* A string member of 1..max bytes, or NULL. */
static const char *str_member(json_object *o, const char *key, size_t max)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    const char *s = json_object_get_string(v);
    return strlen(s) >= 1 && strlen(s) <= max ? s : NULL;
}

/* {user, lang, server, servers, csrf, actions: {name: {allowed, produces_file}}} */
static json_object *session_json(host_ctx *ctx, const web_session *s)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "user", json_object_new_string(s->user));
    json_object_object_add(o, "lang", json_object_new_string(s->lang));
    json_object_object_add(o, "server", json_object_new_string(s->server));
    json_object_object_add(o, "servers", servers_list(ctx, 0));
    json_object_object_add(o, "csrf", json_object_new_string(s->csrf));
    json_object *actions = json_object_new_object();
    for (size_t m = 0; m < ctx->module_count; m++) {
        const ksc_module_descriptor *d = ctx->modules[m].desc;
        for (size_t i = 0; d && i < d->action_count; i++) {
            const ksc_action *a = &ctx->modules[m].actions[i];
            json_object *ao = json_object_new_object();
            json_object_object_add(
                ao, "allowed",
                json_object_new_boolean(call_access_allowed(ctx, a, s->user, s->server)));
            json_object_object_add(ao, "produces_file", json_object_new_boolean(a->produces_file));
            json_object_object_add(actions, a->name, ao);
        }
    }
    json_object_object_add(o, "actions", actions);
    return o;
}

static void sign_in(host_ctx *ctx, const web_request *req, web_reply *rep)
{
    const char *lang = request_lang(req);
    json_object *body = json_tokener_parse(req->body);
    const char *user = body ? str_member(body, "user", HOST_NAME_MAX_LEN) : NULL;
    const char *password = body ? str_member(body, "password", WEB_PASSWORD_MAX) : NULL;
    if (!user || !host_valid_name(user)) {
        reply_error(rep, 400, lang, "invalid_field", call_error_detail("field", "user"));
        json_object_put(body);
        return;
    }
    if (!password) {
        reply_error(rep, 400, lang, "invalid_field", call_error_detail("field", "password"));
        json_object_put(body);
        return;
    }
    char user_copy[HOST_NAME_MAX_LEN + 1];
    snprintf(user_copy, sizeof user_copy, "%s", user);
    int64_t wait_ms = 0;
    web_sign_in_result r = web_password_check(ctx, user, password, &wait_ms);
    user = user_copy; /* the body goes before the session is made */
    if (r != WEB_SIGN_IN_OK) {
        json_object_put(body);
        if (r == WEB_SIGN_IN_THROTTLED || r == WEB_SIGN_IN_LOCKED) {
            int64_t wait_s = (wait_ms + 999) / 1000;
            json_object *d = json_object_new_object();
            json_object_object_add(d, "wait_s", json_object_new_int64(wait_s));
            snprintf(rep->retry_after, sizeof rep->retry_after, "%lld", (long long)wait_s);
            reply_error(rep, 429, lang,
                        r == WEB_SIGN_IN_LOCKED ? "account_locked" : "sign_in_throttled", d);
        } else if (r == WEB_SIGN_IN_WRONG) {
            reply_error(rep, 401, lang, "wrong_credentials", NULL);
        } else {
            reply_error(rep, 500, lang, "server_error", NULL);
        }
        return;
    }
    json_object_put(body);
    char user_lang[8];
    if (accounts_user_language(ctx, user, user_lang, sizeof user_lang) != KSC_OK ||
        !host_valid_lang(user_lang))
        snprintf(user_lang, sizeof user_lang, "en");
    web_session s;
    if (web_session_create(ctx, user, "main", user_lang, &s) != 0) {
        reply_error(rep, 500, lang, "server_error", NULL);
        return;
    }
    host_log(ctx, "", KSC_LOG_INFO, "web sign-in of %s", user);
    /* As the console does: modules hear of the login (the KSN file rotation, …). Their
     * notifications reach the page through POST /api/notifications. */
    loader_fire(ctx, KSC_EVENT_LOGIN, user, "main", user_lang);
    set_session_cookie(rep, &s);
    reply_json(rep, 200, session_json(ctx, &s));
}

/* The session of the request, or an error reply (401). */
static int need_session(host_ctx *ctx, const web_request *req, web_reply *rep, web_session *s,
                        int touch)
{
    if (web_session_get(ctx, req->cookie_session, s, touch) != 0) {
        snprintf(rep->set_cookie, sizeof rep->set_cookie, "%s", session_cookie_clear);
        reply_error(rep, 401, request_lang(req), "not_signed_in", NULL);
        return -1;
    }
    return 0;
}

/* POST rules: JSON body, same origin, and (with a session) the CSRF token. */
static int post_allowed(const web_request *req, const web_session *s, const char *lang,
                        web_reply *rep)
{
    const char *ct = req->content_type;
    if (!ct || strncasecmp(ct, "application/json", 16) != 0 || (ct[16] && ct[16] != ';')) {
        reply_error(rep, 415, lang, "bad_content_type", NULL);
        return 0;
    }
    if (req->origin) {
        char want[300];
        snprintf(want, sizeof want, "https://%s", req->host ? req->host : "");
        if (strcmp(req->origin, want) != 0) {
            reply_error(rep, 403, lang, "bad_origin", NULL);
            return 0;
        }
    }
    if (s && !web_csrf_ok(s, req->csrf_header)) {
        reply_error(rep, 403, lang, "csrf_failed", NULL);
        return 0;
    }
    return 1;
}

/* POST /api/session {"server"?, "lang"?}: the server switcher and the language switch. */
static void update_session(host_ctx *ctx, const web_request *req, web_reply *rep, web_session *s)
{
    json_object *body = json_tokener_parse(req->body);
    if (!body || !json_object_is_type(body, json_type_object)) {
        json_object_put(body);
        reply_error(rep, 400, s->lang, "invalid_field", call_error_detail("field", "(body)"));
        return;
    }
    json_object *v = NULL;
    if (json_object_object_get_ex(body, "lang", &v)) {
        const char *lang = str_member(body, "lang", 7);
        if (!lang || !host_valid_lang(lang)) {
            reply_error(rep, 400, s->lang, "unsupported_language",
                        call_error_detail("lang", json_object_get_string(v)));
            json_object_put(body);
            return;
        }
        snprintf(s->lang, sizeof s->lang, "%s", lang);
    }
    if (json_object_object_get_ex(body, "server", &v)) {
        const char *server = str_member(body, "server", HOST_NAME_MAX_LEN);
        if (!server || !servers_exists(ctx, server)) {
            reply_error(rep, 404, s->lang, "unknown_server",
                        call_error_detail("server", json_object_get_string(v)));
            json_object_put(body);
            return;
        }
        snprintf(s->server, sizeof s->server, "%s", server);
    }
    json_object_put(body);
    web_session_update(ctx, s);
    reply_json(rep, 200, session_json(ctx, s));
}

static void run_action(host_ctx *ctx, const web_request *req, web_reply *rep, const web_session *s)
{
    const char *name = req->url + strlen(ACTIONS_PREFIX);
    web_action_result r;
    web_action_run(ctx, name, req->body, s->user, s->server, s->lang, &r);
    if (r.file) {
        rep->status = 200;
        rep->body = r.file;
        rep->len = r.file_len;
        r.file = NULL;
        static _Thread_local char type[128]; /* read by send_reply on this thread */
        snprintf(type, sizeof type, "%s", r.content_type);
        rep->content_type = type;
        /* the module's suggested name, reduced to a safe set for the header */
        char safe[256];
        size_t k = 0;
        for (const char *p = r.file_name; *p && k + 1 < sizeof safe; p++)
            safe[k++] = (strchr("\"\\;\r\n", *p) || (unsigned char)*p < 0x20) ? '_' : *p;
        safe[k] = '\0';
        snprintf(rep->disposition, sizeof rep->disposition, "attachment; filename=\"%s\"", safe);
    } else {
        rep->status = r.http_status;
        rep->body = r.json;
        rep->len = r.json ? strlen(r.json) : 0;
        r.json = NULL;
        rep->content_type = "application/json";
    }
    web_action_result_free(&r);
}

void web_api_handle(host_ctx *ctx, const web_request *req, web_reply *rep)
{
    const char *lang = request_lang(req);
    int post = strcmp(req->method, "POST") == 0;
    int get = strcmp(req->method, "GET") == 0;
    web_session s;
    if (strcmp(req->url, "/api/sign-in") == 0) {
        if (!post) {
            reply_error(rep, 405, lang, "method_not_allowed", NULL);
            return;
        }
        if (post_allowed(req, NULL, lang, rep))
            sign_in(ctx, req, rep);
        return;
    }
    int known = strcmp(req->url, "/api/session") == 0 || strcmp(req->url, "/api/sign-out") == 0 ||
                strcmp(req->url, "/api/notifications") == 0 ||
                strncmp(req->url, ACTIONS_PREFIX, strlen(ACTIONS_PREFIX)) == 0;
    if (!known) {
        reply_error(rep, 404, lang, "not_found", NULL);
        return;
    }
    if (!post && !(get && strcmp(req->url, "/api/session") == 0)) {
        reply_error(rep, 405, lang, "method_not_allowed", NULL);
        return;
    }
    /* The page polls notifications on its own: that is no sign of a person at work, so it
     * does not move the idle timeout. */
    int touch = strcmp(req->url, "/api/notifications") != 0;
    if (need_session(ctx, req, rep, &s, touch) != 0)
        return;
    if (get) {
        reply_json(rep, 200, session_json(ctx, &s));
        return;
    }
    if (!post_allowed(req, &s, s.lang, rep))
        return;
    if (strcmp(req->url, "/api/sign-out") == 0) {
        web_session_delete(ctx, s.id);
        snprintf(rep->set_cookie, sizeof rep->set_cookie, "%s", session_cookie_clear);
        {
            reply_json(rep, 200, json_object_new_object());
            return;
        }
    }
    if (strcmp(req->url, "/api/session") == 0) {
        update_session(ctx, req, rep, &s);
        return;
    }
    if (strcmp(req->url, "/api/notifications") == 0) {
        json_object *list = notifications_list(ctx, s.user, 1, 1);
        if (list)
            reply_json(rep, 200, list);
        else
            reply_error(rep, 500, s.lang, "server_error", NULL);
        return;
    }
    run_action(ctx, req, rep, &s);
}
