/* cmd_modules.c — the commands that talk to modules: plugins, rights, call, login, timer. */
#include "accounts.h"
#include "call_access.h"
#include "call_errors.h"
#include "args.h"
#include "commands.h"
#include "loader.h"
#include "notifications.h"
#include "output.h"
#include "rights.h"
#include "servers.h"

#include <stdlib.h>
#include <string.h>

#define MAX_REQUEST_BYTES (16u * 1024 * 1024)

static json_object *area_json(host_ctx *ctx, const char *id, const char *lang, const char *owner)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_string(id));
    json_object_object_add(o, "title", json_object_new_string(rights_area_title(ctx, id, lang)));
    json_object_object_add(o, "module", json_object_new_string(owner));
    return o;
}

static const char *lang_option(const args_parsed *a, int *bad)
{
    const char *lang = args_get(a, "--lang");
    *bad = 0;
    if (lang && !host_valid_lang(lang)) {
        fprintf(stderr, "ksc-host: unsupported language '%s' (use en, ru, de, es, fr or it)\n",
                lang);
        *bad = 1;
    }
    return lang ? lang : "en";
}

int cmd_plugins(host_ctx *ctx, int argc, char **argv)
{
    static const args_opt opts[] = {{"--lang", 1}, {NULL, 0}};
    args_parsed a;
    if (args_parse(argc, argv, opts, 0, 0, &a) != 0)
        return args_usage(NULL);
    int bad;
    const char *lang = lang_option(&a, &bad);
    if (bad)
        return EXIT_INVALID;
    size_t refused = loader_load_all(ctx);
    json_object *root = json_object_new_object();
    char abi[32];
    snprintf(abi, sizeof abi, "%d.%d", KSC_PLUGIN_ABI_MAJOR, KSC_PLUGIN_ABI_MINOR);
    json_object *host = json_object_new_object();
    json_object_object_add(host, "abi", json_object_new_string(abi));
    json_object *host_areas = json_object_new_array();
    for (size_t i = 0; i < rights_host_area_count(); i++)
        json_object_array_add(host_areas, area_json(ctx, rights_host_area_id(i), lang, "host"));
    json_object_object_add(host, "areas", host_areas);
    json_object_object_add(root, "host", host);
    json_object *mods = json_object_new_array();
    for (size_t m = 0; m < ctx->module_count; m++) {
        const host_module *hm = &ctx->modules[m];
        const ksc_module_descriptor *d = hm->desc;
        json_object *o = json_object_new_object();
        json_object_object_add(o, "name", json_object_new_string(d->name));
        json_object_object_add(o, "version", json_object_new_string(d->version));
        snprintf(abi, sizeof abi, "%u.%u", d->abi_major, d->abi_minor);
        json_object_object_add(o, "abi", json_object_new_string(abi));
        json_object_object_add(o, "file", json_object_new_string(hm->file));
        json_object *areas = json_object_new_array();
        for (size_t i = 0; i < d->area_count; i++)
            json_object_array_add(areas, area_json(ctx, d->areas[i].id, lang, d->name));
        json_object_object_add(o, "areas", areas);
        json_object *presets = json_object_new_array();
        for (size_t i = 0; i < d->role_preset_count; i++) {
            const ksc_role_preset *p = &d->role_presets[i];
            json_object *po = json_object_new_object();
            const char *t = d->translate ? d->translate(lang, p->title_key) : NULL;
            json_object_object_add(po, "id", json_object_new_string(p->id));
            json_object_object_add(po, "title", json_object_new_string(t ? t : p->title_key));
            json_object *allowed = json_object_new_array();
            for (size_t k = 0; p->allowed_areas && p->allowed_areas[k]; k++)
                json_object_array_add(allowed, json_object_new_string(p->allowed_areas[k]));
            json_object_object_add(po, "allowed_areas", allowed);
            json_object_array_add(presets, po);
        }
        json_object_object_add(o, "role_presets", presets);
        json_object *actions = json_object_new_array();
        for (size_t i = 0; i < d->action_count; i++) {
            const ksc_action *ac = &d->actions[i];
            json_object *ao = json_object_new_object();
            json_object_object_add(ao, "name", json_object_new_string(ac->name));
            json_object *req = json_object_new_array();
            for (size_t k = 0; ac->required_areas && ac->required_areas[k]; k++)
                json_object_array_add(req, json_object_new_string(ac->required_areas[k]));
            json_object_object_add(ao, "required_areas", req);
            json_object_object_add(ao, "produces_file", json_object_new_boolean(ac->produces_file));
            json_object_array_add(actions, ao);
        }
        json_object_object_add(o, "actions", actions);
        json_object_array_add(mods, o);
    }
    json_object_object_add(root, "modules", mods);
    json_object_object_add(root, "refused", json_object_new_int((int)refused));
    args_print_json(root);
    loader_unload_all(ctx);
    return EXIT_OK;
}

int cmd_rights(host_ctx *ctx, int argc, char **argv)
{
    static const args_opt opts[] = {{"--lang", 1}, {NULL, 0}};
    args_parsed a;
    if (args_parse(argc, argv, opts, 0, 0, &a) != 0)
        return args_usage(NULL);
    int bad;
    const char *lang = lang_option(&a, &bad);
    if (bad)
        return EXIT_INVALID;
    loader_load_all(ctx);
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < rights_host_area_count(); i++)
        json_object_array_add(arr, area_json(ctx, rights_host_area_id(i), lang, "host"));
    for (size_t m = 0; m < ctx->module_count; m++)
        for (size_t i = 0; i < ctx->modules[m].desc->area_count; i++)
            json_object_array_add(
                arr, area_json(ctx, ctx->modules[m].desc->areas[i].id, lang, ctx->modules[m].name));
    args_print_json(arr);
    loader_unload_all(ctx);
    return EXIT_OK;
}

/* The request text: inline JSON or @FILE; "{}" when absent. Caller frees. NULL after
 * printing the localized error (exit EXIT_INVALID). */
static char *read_request(const char *arg, const char *lang)
{
    if (!arg)
        return strdup("{}");
    if (arg[0] != '@')
        return strdup(arg); /* the kernel bounds one argument far below the limit */
    FILE *f = fopen(arg + 1, "rb");
    char *buf = f ? malloc(MAX_REQUEST_BYTES + 1) : NULL;
    size_t n = buf ? fread(buf, 1, MAX_REQUEST_BYTES + 1, f) : 0;
    int read_failed = !f || !buf || ferror(f);
    if (f)
        fclose(f);
    if (read_failed) {
        free(buf);
        call_error(lang, EXIT_INVALID, "request_unreadable", call_error_detail("file", arg + 1));
        return NULL;
    }
    if (n > MAX_REQUEST_BYTES) {
        free(buf);
        json_object *d = json_object_new_object();
        json_object_object_add(d, "max", json_object_new_int64(MAX_REQUEST_BYTES));
        call_error(lang, EXIT_INVALID, "request_too_large", d);
        return NULL;
    }
    buf[n] = '\0';
    if (strlen(buf) != n) {
        free(buf);
        call_error(lang, EXIT_INVALID, "request_nul", NULL);
        return NULL;
    }
    return buf;
}

/* Whether text is one well-formed JSON value (nothing after it but blanks); on failure the
 * byte offset and json-c's reason. The terminating NUL is given to the tokener so that a
 * bare number or literal ("42", "null") ends there instead of waiting for more input. */
static int json_well_formed(const char *text, size_t *offset, const char **reason)
{
    json_tokener *tok = json_tokener_new();
    size_t len = strlen(text);
    json_object *obj = json_tokener_parse_ex(tok, text, (int)len + 1);
    enum json_tokener_error e = json_tokener_get_error(tok);
    size_t used = json_tokener_get_parse_end(tok);
    int ok = e == json_tokener_success;
    *offset = used;
    *reason = json_tokener_error_desc(e);
    for (size_t i = used; ok && i < len; i++)
        if (!strchr(" \t\r\n", text[i])) {
            *offset = i;
            *reason = "unexpected text after the JSON value";
            ok = 0;
        }
    json_object_put(obj);
    json_tokener_free(tok);
    return ok;
}

/* Checks every area of the action; on a denial prints the error object and returns 1. */
static int deny_if_missing(host_ctx *ctx, const char *module, const ksc_action *action,
                           const char *user, const char *server, const char *lang)
{
    json_object *denial = call_access_denial(ctx, module, action, user, server, lang);
    if (!denial)
        return 0;
    json_object *error = NULL, *message = NULL;
    json_object_object_get_ex(denial, "error", &error);
    json_object_object_get_ex(error, "message", &message);
    fprintf(stderr, "ksc-host: %s\n", json_object_get_string(message));
    args_print_json(denial);
    return 1;
}

/* Prints the module's answer; for an error, its message also goes to stderr. */
static void print_response(const char *response, ksc_status status)
{
    if (!response) {
        puts(status == KSC_OK ? "{}"
                              : "{\"error\": {\"code\": \"failed\", \"message\": \"the "
                                "module returned no error object\", \"details\": {}}}");
        if (status != KSC_OK)
            fprintf(stderr, "ksc-host: the action failed (status %d) without an error object\n",
                    (int)status);
        return;
    }
    json_object *obj = json_tokener_parse(response);
    if (!obj) {
        fputs(response, stdout);
        fputc('\n', stdout);
        fprintf(stderr, "ksc-host: warning: the module's answer is not valid JSON\n");
        return;
    }
    if (status != KSC_OK) {
        json_object *error, *msg;
        if (json_object_object_get_ex(obj, "error", &error) &&
            json_object_object_get_ex(error, "message", &msg))
            fprintf(stderr, "ksc-host: %s\n", json_object_get_string(msg));
        else
            fprintf(stderr, "ksc-host: the action failed (status %d)\n", (int)status);
    }
    args_print_json(obj);
}

/* The call's language: --lang when valid, else the user's, else English. */
static void call_language(host_ctx *ctx, const char *option, const char *user, char *lang,
                          size_t size)
{
    if (option && host_valid_lang(option))
        snprintf(lang, size, "%s", option);
    else if (accounts_user_language(ctx, user, lang, size) != KSC_OK || !host_valid_lang(lang))
        snprintf(lang, size, "en");
}

/* A module that failed to start: the loader has said why on stderr (once); stdout gets the
 * module's error object when it answered one, else the host's module_failed. The exit code
 * is the one the module's status maps to. */
static int init_failed(const char *module, const char *lang, ksc_status status, char *error_json)
{
    json_object *obj = error_json ? json_tokener_parse(error_json) : NULL;
    json_object *error = NULL, *message = NULL;
    free(error_json);
    if (obj && json_object_object_get_ex(obj, "error", &error) &&
        json_object_object_get_ex(error, "message", &message) &&
        json_object_is_type(message, json_type_string)) {
        args_print_json(obj);
        return host_exit_code(status);
    }
    json_object_put(obj);
    return call_error_stdout_only(lang, host_exit_code(status), "module_failed",
                                  call_error_detail("module", module));
}

static int run_call(host_ctx *ctx, const args_parsed *a)
{
    const char *user = args_get(a, "--user") ? args_get(a, "--user") : "admin";
    const char *server = args_get(a, "--server") ? args_get(a, "--server") : "main";
    const char *output = args_get(a, "--output");
    const char *action_name = a->pos[0];
    char lang[8];
    call_language(ctx, args_get(a, "--lang"), user, lang, sizeof lang);

    if (args_get(a, "--lang") && !host_valid_lang(args_get(a, "--lang")))
        return call_error(lang, EXIT_INVALID, "unsupported_language",
                          call_error_detail("lang", args_get(a, "--lang")));
    if (!accounts_user_exists(ctx, user))
        return call_error(lang, EXIT_INVALID, "unknown_user", call_error_detail("user", user));
    if (!servers_exists(ctx, server))
        return call_error(lang, EXIT_INVALID, "unknown_server",
                          call_error_detail("server", server));
    host_module *owner = NULL;
    const ksc_action *action = loader_find_action(ctx, action_name, &owner);
    if (!action)
        return call_error(lang, EXIT_INVALID, "unknown_action",
                          call_error_detail("action", action_name));
    if (action->produces_file != (output != NULL))
        return call_error(lang, EXIT_INVALID,
                          action->produces_file ? "output_required" : "output_not_allowed",
                          call_error_detail("action", action_name));
    char *request = read_request(a->npos > 1 ? a->pos[1] : NULL, lang);
    if (!request)
        return EXIT_INVALID;
    size_t offset;
    const char *reason;
    if (!json_well_formed(request, &offset, &reason)) {
        free(request);
        json_object *d = json_object_new_object();
        json_object_object_add(d, "offset", json_object_new_int64((int64_t)offset));
        json_object_object_add(d, "reason", json_object_new_string(reason));
        return call_error(lang, EXIT_INVALID, "invalid_json", d);
    }
    if (deny_if_missing(ctx, owner->name, action, user, server, lang)) {
        free(request);
        return EXIT_DENIED;
    }
    char *init_error = NULL;
    ksc_status started = loader_init_verbose(ctx, owner, &init_error);
    if (started != KSC_OK) {
        free(request);
        return init_failed(owner->name, lang, started, init_error);
    }
    file_output out;
    if (output && file_output_open(&out, output) != 0) {
        free(request);
        json_object *d = call_error_detail("file", output);
        json_object_object_add(d, "reason", json_object_new_string(out.error));
        return call_error(lang, EXIT_FAILED, "output_failed", d);
    }
    ksc_call call = {
        sizeof call, action_name, user, server, lang, request, output ? &out.sink : NULL};
    char *response = NULL;
    ksc_status status = action->run(owner->instance, &call, &response);
    int rc = host_exit_code(status);
    if (output && file_output_finish(&out, status == KSC_OK) != 0 && status == KSC_OK) {
        free(response);
        free(request);
        json_object *d = call_error_detail("file", output);
        json_object_object_add(d, "reason", json_object_new_string(out.error));
        return call_error(lang, EXIT_FAILED, "output_failed", d);
    }
    print_response(response, status);
    free(response);
    free(request);
    return rc;
}

int cmd_call_loaded(host_ctx *ctx, int argc, char **argv)
{
    static const args_opt opts[] = {
        {"--server", 1}, {"--user", 1}, {"--lang", 1}, {"--output", 1}, {NULL, 0}};
    args_parsed a;
    if (args_parse(argc, argv, opts, 1, 2, &a) != 0)
        return args_usage(NULL);
    return run_call(ctx, &a);
}

int cmd_call(host_ctx *ctx, int argc, char **argv)
{
    size_t refused = loader_load_all(ctx);
    (void)refused; /* refused modules were reported; the call goes on with the others */
    int rc = cmd_call_loaded(ctx, argc, argv);
    loader_shutdown_all(ctx);
    loader_unload_all(ctx);
    return rc;
}

int cmd_login(host_ctx *ctx, int argc, char **argv)
{
    static const args_opt opts[] = {{"--user", 1}, {"--server", 1}, {NULL, 0}};
    args_parsed a;
    if (args_parse(argc, argv, opts, 0, 0, &a) != 0 || !args_get(&a, "--user"))
        return args_usage("login needs --user NAME");
    const char *user = args_get(&a, "--user");
    const char *server = args_get(&a, "--server") ? args_get(&a, "--server") : "main";
    char lang[8];
    if (accounts_user_language(ctx, user, lang, sizeof lang) != KSC_OK) {
        fprintf(stderr, "ksc-host: unknown user '%s'\n", user);
        return EXIT_INVALID;
    }
    if (!servers_exists(ctx, server)) {
        fprintf(stderr, "ksc-host: unknown server '%s'\n", server);
        return EXIT_INVALID;
    }
    loader_load_all(ctx);
    loader_init_all(ctx);
    loader_fire(ctx, KSC_EVENT_LOGIN, user, server, lang);
    /* Modules finish their login work in shutdown; only then are its notifications in. */
    loader_shutdown_all(ctx);
    loader_unload_all(ctx);
    json_object *list = notifications_list(ctx, user, 1, 1);
    if (!list) {
        fprintf(stderr, "ksc-host: cannot read the notifications: %s\n", sqlite3_errmsg(ctx->db));
        return EXIT_FAILED;
    }
    args_print_json(list);
    return EXIT_OK;
}

int cmd_timer(host_ctx *ctx, int argc, char **argv)
{
    static const args_opt opts[] = {{NULL, 0}};
    args_parsed a;
    if (args_parse(argc, argv, opts, 0, 0, &a) != 0)
        return args_usage(NULL);
    loader_load_all(ctx);
    loader_init_all(ctx);
    loader_fire(ctx, KSC_EVENT_TIMER, NULL, NULL, NULL);
    json_object *fired = json_object_new_array();
    for (size_t i = 0; i < ctx->module_count; i++)
        if (ctx->modules[i].instance)
            json_object_array_add(fired, json_object_new_string(ctx->modules[i].name));
    loader_shutdown_all(ctx);
    loader_unload_all(ctx);
    json_object *root = json_object_new_object();
    json_object_object_add(root, "event", json_object_new_string("timer"));
    json_object_object_add(root, "modules", fired);
    args_print_json(root);
    return EXIT_OK;
}

int cmd_notifications(host_ctx *ctx, int argc, char **argv)
{
    static const args_opt opts[] = {{"--user", 1}, {NULL, 0}};
    args_parsed a;
    if (args_parse(argc, argv, opts, 0, 0, &a) != 0 || !args_get(&a, "--user"))
        return args_usage("notifications needs --user NAME");
    const char *user = args_get(&a, "--user");
    if (!accounts_user_exists(ctx, user)) {
        fprintf(stderr, "ksc-host: unknown user '%s'\n", user);
        return EXIT_INVALID;
    }
    json_object *list = notifications_list(ctx, user, 0, 0);
    if (!list)
        return EXIT_FAILED;
    args_print_json(list);
    return EXIT_OK;
}
