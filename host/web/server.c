/* server.c — libmicrohttpd plumbing: TLS, bodies with a size limit, security headers on every
 * answer, /api/ to api.c and everything else to the static files. Actions run on a pool of
 * threads, concurrently, as the ABI allows (docs/web-console.md, "Concurrency"). */
#include "web/server.h"
#include "clock.h"
#include "loader.h"
#include "web/static_files.h"
#include "web/texts.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TIMER_PERIOD_S 60

static const char CSP[] = "default-src 'self'; script-src 'self'; style-src 'self'; "
                          "img-src 'self' data:; connect-src 'self'; object-src 'none'; "
                          "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

typedef struct pending {
    char *body;
    size_t len;
    int too_large;
} pending;

typedef struct server {
    host_ctx *ctx;
    const web_server_conf *conf;
} server;

static char *load_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(1024 * 1024 + 1);
    size_t n = buf ? fread(buf, 1, 1024 * 1024, f) : 0;
    fclose(f);
    if (buf)
        buf[n] = '\0';
    return buf;
}

static void add_security_headers(struct MHD_Response *r, int api)
{
    MHD_add_response_header(r, "Content-Security-Policy", CSP);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
    MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(r, "Cache-Control", api ? "no-store" : "no-cache");
}

static enum MHD_Result send_reply(struct MHD_Connection *con, web_reply *rep)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(rep->len, rep->body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(rep->body);
        return MHD_NO;
    }
    add_security_headers(r, rep->api);
    MHD_add_response_header(r, "Content-Type", rep->content_type);
    if (rep->disposition[0])
        MHD_add_response_header(r, "Content-Disposition", rep->disposition);
    if (rep->set_cookie[0])
        MHD_add_response_header(r, "Set-Cookie", rep->set_cookie);
    if (rep->retry_after[0])
        MHD_add_response_header(r, "Retry-After", rep->retry_after);
    enum MHD_Result ret = MHD_queue_response(con, (unsigned)rep->status, r);
    MHD_destroy_response(r);
    return ret;
}

static void reply_error(web_reply *rep, int status, const char *lang, const char *code)
{
    json_object *e = web_error(lang, code, NULL);
    rep->status = status;
    rep->body = strdup(json_object_to_json_string_ext(e, JSON_C_TO_STRING_PLAIN));
    rep->len = strlen(rep->body);
    rep->content_type = "application/json";
    rep->api = 1;
    json_object_put(e);
}

static const char *header(struct MHD_Connection *con, const char *name)
{
    return MHD_lookup_connection_value(con, MHD_HEADER_KIND, name);
}

static enum MHD_Result handle(server *srv, struct MHD_Connection *con, const char *url,
                              const char *method, pending *p)
{
    web_reply rep;
    memset(&rep, 0, sizeof rep);
    if (p->too_large) {
        reply_error(&rep, 413, "en", "request_too_large");
        return send_reply(con, &rep);
    }
    if (strncmp(url, "/api/", 5) == 0) {
        web_request req = {
            method,
            url,
            p->body ? p->body : "",
            MHD_lookup_connection_value(con, MHD_COOKIE_KIND, "ksc_session"),
            header(con, "X-CSRF-Token"),
            header(con, MHD_HTTP_HEADER_CONTENT_TYPE),
            header(con, "Origin"),
            header(con, MHD_HTTP_HEADER_HOST),
            header(con, MHD_HTTP_HEADER_ACCEPT_LANGUAGE),
        };
        web_api_handle(srv->ctx, &req, &rep);
        rep.api = 1;
        return send_reply(con, &rep);
    }
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        reply_error(&rep, 405, "en", "method_not_allowed");
        return send_reply(con, &rep);
    }
    const char *type = NULL;
    if (web_static_read(srv->conf->root, url, &rep.body, &rep.len, &type) != 0) {
        reply_error(&rep, 404, "en", "not_found");
        return send_reply(con, &rep);
    }
    rep.status = 200;
    rep.content_type = type;
    return send_reply(con, &rep);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    pending *p = *con_cls;
    if (!p) {
        p = calloc(1, sizeof *p);
        if (!p)
            return MHD_NO;
        *con_cls = p;
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (p->too_large || p->len + *upload_data_size > WEB_BODY_MAX) {
            p->too_large = 1;
        } else {
            char *grown = realloc(p->body, p->len + *upload_data_size + 1);
            if (!grown)
                return MHD_NO;
            memcpy(grown + p->len, upload_data, *upload_data_size);
            p->body = grown;
            p->len += *upload_data_size;
            p->body[p->len] = '\0';
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (p->body && strlen(p->body) != p->len) { /* a NUL inside: not JSON text */
        free(p->body);
        p->body = strdup("\x01");
        p->len = 1;
    }
    return handle(cls, con, url, method, p);
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* URL unescaping without %00: a NUL would cut the path short ("x.js%00.html"), so it stays
 * as the three characters, which no file and no action name contains. */
static size_t unescape_no_nul(void *cls, struct MHD_Connection *con, char *s)
{
    (void)cls;
    (void)con;
    char *out = s;
    for (const char *p = s; *p; p++) {
        int hi = p[0] == '%' && p[1] ? hex_digit(p[1]) : -1;
        int lo = hi >= 0 && p[2] ? hex_digit(p[2]) : -1;
        if (lo >= 0 && (hi || lo)) {
            *out++ = (char)(hi * 16 + lo);
            p += 2;
        } else {
            *out++ = *p;
        }
    }
    *out = '\0';
    return (size_t)(out - s);
}

static void on_completed(void *cls, struct MHD_Connection *con, void **con_cls,
                         enum MHD_RequestTerminationCode code)
{
    (void)cls;
    (void)con;
    (void)code;
    pending *p = *con_cls;
    if (p) {
        free(p->body);
        free(p);
        *con_cls = NULL;
    }
}

int web_server_run(host_ctx *ctx, const web_server_conf *conf)
{
    char *cert = load_file(conf->cert), *key = load_file(conf->key);
    if (!cert || !key) {
        fprintf(stderr, "ksc-host: serve: cannot read the TLS %s %s\n",
                cert ? "key" : "certificate", cert ? conf->key : conf->cert);
        free(cert);
        free(key);
        return EXIT_FAILED;
    }
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)conf->port);
    if (inet_pton(AF_INET, conf->listen, &addr.sin_addr) != 1) {
        fprintf(stderr, "ksc-host: serve: the listen address %s is not an IPv4 address\n",
                conf->listen);
        free(cert);
        free(key);
        return EXIT_INVALID;
    }
    /* Block the stop signals in every thread; the main thread waits for them below. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);

    loader_load_all(ctx);
    loader_init_all(ctx);
    server srv = {ctx, conf};
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_TLS | MHD_USE_AUTO, 0, NULL, NULL, on_request,
        &srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_HTTPS_MEM_CERT, cert,
        MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_UNESCAPE_CALLBACK, unescape_no_nul, NULL, MHD_OPTION_THREAD_POOL_SIZE,
        conf->threads, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)256, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "ksc-host: serve: cannot listen on %s:%u (TLS files or the port)\n",
                conf->listen, conf->port);
        loader_shutdown_all(ctx);
        loader_unload_all(ctx);
        free(cert);
        free(key);
        return EXIT_FAILED;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    printf("{\"url\": \"https://%s:%u/\"}\n", conf->listen, info ? info->port : conf->port);
    fflush(stdout);
    host_log(ctx, "", KSC_LOG_INFO, "web console listening on %s:%u", conf->listen,
             info ? info->port : conf->port);
    /* The periodic timer event, as the real console fires it. */
    for (;;) {
        struct timespec period = {TIMER_PERIOD_S, 0};
        int sig = sigtimedwait(&stop, NULL, &period);
        if (sig == SIGINT || sig == SIGTERM)
            break;
        if (sig < 0 && errno == EAGAIN)
            loader_fire(ctx, KSC_EVENT_TIMER, NULL, NULL, NULL);
    }
    MHD_stop_daemon(d);
    loader_shutdown_all(ctx);
    loader_unload_all(ctx);
    free(cert);
    free(key);
    return EXIT_OK;
}
