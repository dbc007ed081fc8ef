/* reply.c — what handlers answer with (sbx_reply_*) and how they read a request
 * (sbx_req_param, sbx_body_*). */
#include "core/sbx.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- replies */

static void reply_reset(sbx_reply *rep)
{
    free(rep->body);
    free(rep->filename);
    rep->body = NULL;
    rep->filename = NULL;
    rep->len = 0;
}

void sbx_reply_json_text(sbx_reply *rep, int status, char *text, size_t len)
{
    reply_reset(rep);
    rep->status = status;
    rep->body = text;
    rep->len = len;
    snprintf(rep->content_type, sizeof rep->content_type, "application/json");
}

void sbx_reply_json(sbx_reply *rep, int status, json_object *obj)
{
    size_t len = 0;
    const char *text = json_object_to_json_string_length(
        obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
    char *copy = malloc(len + 1);
    if (copy)
        memcpy(copy, text, len + 1);
    json_object_put(obj);
    sbx_reply_json_text(rep, copy ? status : 500, copy, copy ? len : 0);
}

void sbx_reply_error(sbx_reply *rep, int status, const char *code, const char *fmt, ...)
{
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    json_object *err = json_object_new_object();
    json_object_object_add(err, "code", json_object_new_string(code));
    json_object_object_add(err, "message", json_object_new_string(message));
    json_object *top = json_object_new_object();
    json_object_object_add(top, "error", err);
    sbx_reply_json(rep, status, top);
}

void sbx_reply_bytes(sbx_reply *rep, int status, const char *content_type, const void *data,
                     size_t len, const char *filename)
{
    reply_reset(rep);
    rep->status = status;
    rep->body = malloc(len ? len : 1);
    if (len)
        memcpy(rep->body, data, len);
    rep->len = len;
    snprintf(rep->content_type, sizeof rep->content_type, "%s", content_type);
    rep->filename = filename ? strdup(filename) : NULL;
}

void sbx_reply_ok(sbx_reply *rep)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "status", json_object_new_string("ok"));
    sbx_reply_json(rep, 200, o);
}

const char *sbx_req_param(const sbx_request *req, const char *name)
{
    for (int i = 0; i < req->param_count; i++)
        if (strcmp(req->param_name[i], name) == 0)
            return req->param_value[i];
    return NULL;
}

/* ---- body helpers */

static json_object *body_get(const sbx_request *req, const char *key)
{
    json_object *v = NULL;
    if (!req->json || !json_object_object_get_ex(req->json, key, &v))
        return NULL;
    return v; /* a JSON null counts as absent */
}

int sbx_body_string(const sbx_request *req, sbx_reply *rep, const char *key, const char **out)
{
    json_object *v = body_get(req, key);
    if (!v)
        return 0;
    if (!json_object_is_type(v, json_type_string)) {
        sbx_reply_error(rep, 400, "invalid_parameter", "%s must be a string", key);
        return -1;
    }
    *out = json_object_get_string(v);
    return 1;
}

int sbx_body_int64(const sbx_request *req, sbx_reply *rep, const char *key, int64_t *out)
{
    json_object *v = body_get(req, key);
    if (!v)
        return 0;
    if (!json_object_is_type(v, json_type_int)) {
        sbx_reply_error(rep, 400, "invalid_parameter", "%s must be an integer", key);
        return -1;
    }
    *out = json_object_get_int64(v);
    return 1;
}

int sbx_body_bool(const sbx_request *req, sbx_reply *rep, const char *key, int *out)
{
    json_object *v = body_get(req, key);
    if (!v)
        return 0;
    if (!json_object_is_type(v, json_type_boolean)) {
        sbx_reply_error(rep, 400, "invalid_parameter", "%s must be true or false", key);
        return -1;
    }
    *out = json_object_get_boolean(v);
    return 1;
}

int sbx_body_strings(const sbx_request *req, sbx_reply *rep, const char *key, json_object **out)
{
    json_object *v = body_get(req, key);
    if (!v)
        return 0;
    if (!json_object_is_type(v, json_type_array)) {
        sbx_reply_error(rep, 400, "invalid_parameter", "%s must be an array of strings", key);
        return -1;
    }
    size_t n = json_object_array_length(v);
    for (size_t i = 0; i < n; i++)
        if (!json_object_is_type(json_object_array_get_idx(v, i), json_type_string)) {
            sbx_reply_error(rep, 400, "invalid_parameter", "%s must be an array of strings", key);
            return -1;
        }
    *out = v;
    return 1;
}
