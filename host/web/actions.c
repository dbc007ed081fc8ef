/* actions.c — POST /api/actions/{action}: rights, JSON, the module, the file (actions.h). */
#include "web/actions.h"
#include "call_access.h"
#include "call_errors.h"
#include "loader.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

int web_http_status(ksc_status status)
{
    switch (status) {
    case KSC_OK:
        return 200;
    case KSC_ERR_INVALID:
    case KSC_ERR_USAGE:
        return 400;
    case KSC_ERR_DENIED:
        return 403;
    case KSC_ERR_NOT_FOUND:
        return 404;
    case KSC_ERR_CONFLICT:
        return 409;
    default:
        return 500;
    }
}

/* The in-memory sink behind a file-producing action: the browser gets it as a download. */
typedef struct memory_output {
    ksc_output sink;
    char *data;
    size_t len, cap;
    int failed;
    char content_type[128];
    char file_name[256];
} memory_output;

static ksc_status mem_begin(void *ctx, const char *content_type, const char *file_name)
{
    memory_output *m = ctx;
    snprintf(m->content_type, sizeof m->content_type, "%s", content_type ? content_type : "");
    snprintf(m->file_name, sizeof m->file_name, "%s", file_name ? file_name : "");
    return KSC_OK;
}

static ksc_status mem_write(void *ctx, const void *data, size_t len)
{
    memory_output *m = ctx;
    if (m->failed || (len && !data) || len > WEB_FILE_MAX - m->len) {
        m->failed = 1;
        return KSC_ERR_FAILED;
    }
    if (m->len + len > m->cap) {
        size_t cap = m->cap ? m->cap : 65536;
        while (cap < m->len + len)
            cap *= 2;
        char *grown = realloc(m->data, cap);
        if (!grown) {
            m->failed = 1;
            return KSC_ERR_FAILED;
        }
        m->data = grown;
        m->cap = cap;
    }
    memcpy(m->data + m->len, data, len);
    m->len += len;
    return KSC_OK;
}

static void set_json(web_action_result *out, int http_status, json_object *obj)
{
    out->http_status = http_status;
    out->json = strdup(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
                                                               JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(obj);
}

static int well_formed(const char *text, json_object **details)
{
    json_tokener *tok = json_tokener_new();
    size_t len = strlen(text);
    json_object *obj = json_tokener_parse_ex(tok, text, (int)len + 1);
    enum json_tokener_error e = json_tokener_get_error(tok);
    size_t used = json_tokener_get_parse_end(tok);
    const char *reason = json_tokener_error_desc(e);
    int ok = e == json_tokener_success;
    for (size_t i = used; ok && i < len; i++)
        if (!strchr(" \t\r\n", text[i])) {
            used = i;
            reason = "unexpected text after the JSON value";
            ok = 0;
        }
    json_object_put(obj);
    json_tokener_free(tok);
    if (!ok) {
        *details = json_object_new_object();
        json_object_object_add(*details, "offset", json_object_new_int64((int64_t)used));
        json_object_object_add(*details, "reason", json_object_new_string(reason));
    }
    return ok;
}

void web_action_run(host_ctx *ctx, const char *action_name, const char *request, const char *user,
                    const char *server, const char *lang, web_action_result *out)
{
    memset(out, 0, sizeof *out);
    host_module *owner = NULL;
    const ksc_action *action = loader_find_action(ctx, action_name, &owner);
    if (!action) {
        set_json(
            out, 404,
            call_error_object(lang, "unknown_action", call_error_detail("action", action_name)));
        return;
    }
    json_object *details = NULL;
    if (strlen(request) == 0)
        request = "{}";
    if (!well_formed(request, &details)) {
        set_json(out, 400, call_error_object(lang, "invalid_json", details));
        return;
    }
    json_object *denial = call_access_denial(ctx, owner->name, action, user, server, lang);
    if (denial) {
        set_json(out, 403, denial);
        return;
    }
    if (!owner->instance) {
        set_json(
            out, 503,
            call_error_object(lang, "module_failed", call_error_detail("module", owner->name)));
        return;
    }
    memory_output mem = {{sizeof mem.sink, &mem, mem_begin, mem_write}, NULL, 0, 0, 0, "", ""};
    ksc_call call = {sizeof call,
                     action_name,
                     user,
                     server,
                     lang,
                     request,
                     action->produces_file ? &mem.sink : NULL};
    char *response = NULL;
    ksc_status status = action->run(owner->instance, &call, &response);
    if (status == KSC_OK && action->produces_file && !mem.failed) {
        free(response);
        out->http_status = 200;
        out->file = mem.data ? mem.data : strdup("");
        out->file_len = mem.len;
        snprintf(out->content_type, sizeof out->content_type, "%s",
                 mem.content_type[0] ? mem.content_type : "application/octet-stream");
        snprintf(out->file_name, sizeof out->file_name, "%s",
                 mem.file_name[0] ? mem.file_name : "export.bin");
        return;
    }
    free(mem.data);
    if (status == KSC_OK && action->produces_file) {
        free(response);
        json_object *d = call_error_detail("file", "(download)");
        json_object_object_add(d, "reason", json_object_new_string("too large or out of memory"));
        set_json(out, 500, call_error_object(lang, "output_failed", d));
        return;
    }
    json_object *obj = response ? json_tokener_parse(response) : NULL;
    free(response);
    if (!obj)
        obj = status == KSC_OK ? json_object_new_object()
                               : call_error_object(lang, "module_failed",
                                                   call_error_detail("module", owner->name));
    set_json(out, web_http_status(status), obj);
}

void web_action_result_free(web_action_result *r)
{
    free(r->json);
    free(r->file);
    r->json = r->file = NULL;
}
