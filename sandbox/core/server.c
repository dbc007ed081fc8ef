/*
 * server.c — libmicrohttpd over TLS: reads bodies, applies injected faults, authenticates,
 * dispatches to the routes, logs every call (never tokens) and writes the answers.
 */
#include "core/server.h"
#include "core/conns.h"
#include "core/multipart.h"
#include "core/sbuf.h"
#include "core/state.h"

#include <microhttpd.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_BODY (32u * 1024 * 1024) /* attachments are at most 10 MB */

typedef struct pending {
    sbuf body;
    int too_large;
} pending;

typedef struct cut_state {
    char *data;
    size_t len, send;
} cut_state;

static ssize_t cut_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    cut_state *c = cls;
    if (pos >= c->send)
        return MHD_CONTENT_READER_END_WITH_ERROR; /* close with the body unfinished */
    size_t n = c->send - (size_t)pos;
    if (n > max)
        n = max;
    memcpy(buf, c->data + pos, n);
    return (ssize_t)n;
}

static void cut_free(void *cls)
{
    cut_state *c = cls;
    free(c->data);
    free(c);
}

static void sleep_ms(int64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

static const char *bearer_token(struct MHD_Connection *con)
{
    const char *h = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Authorization");
    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return NULL;
    h += 7;
    while (*h == ' ')
        h++;
    return *h ? h : NULL;
}

static int authenticate(sbx_server *srv, const sbx_route_entry *route, struct MHD_Connection *con,
                        sbx_request *req, sbx_reply *rep)
{
    sbx_ctx *ctx = srv->ctx;
    const char *token = bearer_token(con);
    switch (route->auth) {
    case SBX_AUTH_NONE:
        return 0;
    case SBX_AUTH_ACCESS:
        return conn_check_access(ctx, token, req->client_id, &req->conn, rep);
    case SBX_AUTH_ADMIN: {
        const char *want = core_of(ctx)->admin_token;
        if (!token || strlen(token) != strlen(want) ||
            CRYPTO_memcmp(token, want, strlen(want)) != 0) {
            sbx_reply_error(rep, 401, "unauthorized", "the admin token is missing or wrong");
            return 401;
        }
        return 0;
    }
    case SBX_AUTH_ACCOUNT: {
        json_object *claims = NULL;
        sbx_jwt_result r = token ? sbx_jwt_verify(ctx, token, &claims) : SBX_JWT_INVALID;
        json_object *typ = NULL;
        if (r != SBX_JWT_INVALID && json_object_object_get_ex(claims, "typ", &typ) &&
            strcmp(json_object_get_string(typ), "access") == 0) {
            /* The access token of an API connection (the plug-in's own, made at sign-in):
             * the service side maps the connection to its account (svc_account). */
            json_object *sub = NULL;
            char id[40] = "";
            if (json_object_object_get_ex(claims, "sub", &sub))
                snprintf(id, sizeof id, "%s", json_object_get_string(sub));
            json_object_put(claims);
            return conn_check_access(ctx, token, id, &req->conn, rep);
        }
        if (r == SBX_JWT_INVALID || !json_object_object_get_ex(claims, "typ", &typ) ||
            strcmp(json_object_get_string(typ), "account") != 0) {
            json_object_put(claims);
            sbx_reply_error(rep, 401, "unauthorized", "the account session is missing or invalid");
            return 401;
        }
        if (r == SBX_JWT_EXPIRED) {
            json_object_put(claims);
            sbx_reply_error(rep, 403, "token_expired", "the account session has expired");
            return 403;
        }
        req->claims = claims;
        return 0;
    }
    }
    return 0;
}

/* The public API's rate limit, per API connection (core_rate_take): a call past it is 429
 * with a Retry-After header and changes nothing. The service side is not limited. */
static int rate_limited(const sbx_route_entry *route, sbx_request *req, sbx_reply *rep)
{
    int after = 0;
    if (route->auth != SBX_AUTH_ACCESS || core_rate_take(req->ctx, req->conn, &after))
        return 0;
    sbx_reply_error(rep, 429, "rate_limited",
                    "too many requests for this API connection; retry after %d s", after);
    rep->retry_after_s = after;
    return 1;
}

static int parse_body(const sbx_route_entry *route, struct MHD_Connection *con, pending *p,
                      sbx_request *req, sbx_reply *rep, sbx_part **parts)
{
    req->body = (const unsigned char *)(p->body.data ? p->body.data : "");
    req->body_len = p->body.len;
    req->content_type = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Content-Type");
    if (route->body == SBX_BODY_MULTIPART) {
        if (multipart_parse(con, req->body, req->body_len, parts, &req->part_count) != 0) {
            sbx_reply_error(rep, 400, "invalid_request",
                            "the body is not valid multipart/form-data");
            return -1;
        }
        req->parts = *parts;
        return 0;
    }
    if (req->body_len == 0) {
        req->json = route->body == SBX_BODY_JSON ? json_object_new_object() : NULL;
        return 0;
    }
    json_tokener *tok = json_tokener_new();
    json_object *obj = json_tokener_parse_ex(tok, (const char *)req->body, (int)req->body_len);
    int complete = json_tokener_get_error(tok) == json_tokener_success &&
                   json_tokener_get_parse_end(tok) == req->body_len;
    json_tokener_free(tok);
    if (!complete || !json_object_is_type(obj, json_type_object)) {
        json_object_put(obj);
        if (route->body == SBX_BODY_JSON) {
            sbx_reply_error(rep, 400, "invalid_request", "the body must be a JSON object");
            return -1;
        }
        return 0;
    }
    req->json = obj;
    return 0;
}

static enum MHD_Result send_reply(struct MHD_Connection *con, sbx_reply *rep, int cut)
{
    struct MHD_Response *res;
    if (cut && rep->len > 0) {
        cut_state *c = malloc(sizeof *c);
        if (!c)
            return MHD_NO;
        c->data = rep->body;
        c->len = rep->len;
        c->send = rep->len / 2;
        rep->body = NULL;
        res = MHD_create_response_from_callback(c->len, 4096, cut_reader, c, cut_free);
    } else if (cut) {
        return MHD_NO;
    } else {
        res = MHD_create_response_from_buffer(rep->len, rep->body, MHD_RESPMEM_MUST_FREE);
        rep->body = NULL;
    }
    if (!res)
        return MHD_NO;
    MHD_add_response_header(res, "Content-Type",
                            rep->content_type[0] ? rep->content_type : "application/json");
    if (rep->filename) {
        char disp[600];
        snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", rep->filename);
        MHD_add_response_header(res, "Content-Disposition", disp);
    }
    if (rep->retry_after_s > 0) {
        char after[24];
        snprintf(after, sizeof after, "%d", rep->retry_after_s);
        MHD_add_response_header(res, "Retry-After", after);
    }
    enum MHD_Result r = MHD_queue_response(con, (unsigned)rep->status, res);
    MHD_destroy_response(res);
    return r;
}

static enum MHD_Result handle(sbx_server *srv, struct MHD_Connection *con, const char *url,
                              const char *method, pending *p)
{
    sbx_ctx *ctx = srv->ctx;
    sbx_reply rep = {0};
    sbx_request req = {0};
    sbx_part *parts = NULL;
    int is_admin = strncmp(url, "/admin/", 7) == 0;
    int fault_status = 0, fault_retry_after = 0;
    int64_t delay = 0;
    fault_kind fk = FAULT_NONE;

    pthread_mutex_lock(&ctx->lock);
    if (!is_admin)
        fk = core_take_fault(ctx, url, &fault_status, &fault_retry_after, &delay);
    pthread_mutex_unlock(&ctx->lock);

    if (fk == FAULT_DROP) {
        pthread_mutex_lock(&ctx->lock);
        core_log_request(ctx, method, url, 0, NULL);
        pthread_mutex_unlock(&ctx->lock);
        return MHD_NO; /* closes the connection without an answer */
    }
    if (fk == FAULT_DELAY)
        sleep_ms(delay);
    if (fk == FAULT_HOLD) {
        pthread_mutex_lock(&ctx->lock);
        core_hold(ctx);
        pthread_mutex_unlock(&ctx->lock);
    }

    size_t scratch_len = strlen(url) * 2 + 256;
    char *scratch = malloc(scratch_len);
    if (!scratch)
        return MHD_NO;
    pthread_mutex_lock(&ctx->lock);
    req.ctx = ctx;
    req.method = method;
    req.path = url;
    req.now_ms = sbx_now_ms(ctx);
    int path_known = 0;
    const sbx_route_entry *route =
        p->too_large ? NULL : router_match(srv->router, method, url, scratch, &req, &path_known);
    if (fk == FAULT_STATUS) {
        sbx_reply_error(&rep, fault_status, "injected_fault", "fault injected by the sandbox");
        rep.retry_after_s = fault_retry_after;
    } else if (p->too_large) {
        sbx_reply_error(&rep, 413, "too_large", "the body is larger than %u bytes", MAX_BODY);
    } else if (!route) {
        if (path_known)
            sbx_reply_error(&rep, 405, "method_not_allowed", "%s is not allowed here", method);
        else
            sbx_reply_error(&rep, 404, "not_found", "no such endpoint");
    } else if (authenticate(srv, route, con, &req, &rep) == 0 && !rate_limited(route, &req, &rep) &&
               parse_body(route, con, p, &req, &rep, &parts) == 0) {
        rep.status = 200;
        route->handler(&req, &rep);
        if (!rep.body && rep.status == 200)
            sbx_reply_ok(&rep); /* every 200 answer has a JSON body */
    }
    core_log_request(ctx, method, url, rep.status, req.client_id);
    pthread_mutex_unlock(&ctx->lock);

    json_object_put(req.json);
    json_object_put(req.claims);
    multipart_free(parts, req.part_count);
    free(scratch);
    enum MHD_Result r = send_reply(con, &rep, fk == FAULT_CUT);
    free(rep.body);
    free(rep.filename);
    return r;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    sbx_server *srv = cls;
    pending *p = *con_cls;
    if (!p) {
        p = calloc(1, sizeof *p);
        if (!p)
            return MHD_NO;
        *con_cls = p;
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (p->body.len + *upload_data_size > MAX_BODY)
            p->too_large = 1;
        else
            sb_put(&p->body, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    return handle(srv, con, url, method, p);
}

static void on_completed(void *cls, struct MHD_Connection *con, void **con_cls,
                         enum MHD_RequestTerminationCode code)
{
    (void)cls;
    (void)con;
    (void)code;
    pending *p = *con_cls;
    if (p) {
        free(p->body.data);
        free(p);
        *con_cls = NULL;
    }
}

int server_start(sbx_server *srv, const struct sockaddr_in *addr, const char *cert_pem,
                 const char *key_pem)
{
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_TLS |
                     MHD_USE_POLL;
    srv->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR,
                                   addr, MHD_OPTION_HTTPS_MEM_CERT, cert_pem,
                                   MHD_OPTION_HTTPS_MEM_KEY, key_pem, MHD_OPTION_NOTIFY_COMPLETED,
                                   on_completed, NULL, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
                                   MHD_OPTION_CONNECTION_LIMIT, (unsigned)4000,
                                   MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024, MHD_OPTION_END);
    if (!srv->daemon)
        return -1;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info ? info->port : 0;
    return 0;
}

void server_stop(sbx_server *srv)
{
    /* A held request's thread would keep MHD_stop_daemon waiting: let them all go. */
    pthread_mutex_lock(&srv->ctx->lock);
    core_release_held(srv->ctx, 1);
    pthread_mutex_unlock(&srv->ctx->lock);
    if (srv->daemon)
        MHD_stop_daemon(srv->daemon);
    srv->daemon = NULL;
}
