/* Scripted answers, by path under /api:
 *   ok            200 {"ok": true}
 *   flaky         503 with a JSON error twice, then 200
 *   ratelimit     429 with Retry-After: 1 once, then 200
 *   ratelimit-long  always 429 with Retry-After: 3600
 *   cut           once: declares 1000 bytes, sends 10 and closes; then 200
 *   down          always 503
 *   bad-request   400 {"error": {"code": "invalid_code", "message": "…"}}
 *   html-error    500 with an HTML body (not JSON)
 *   badjson       200 with a body that is not JSON
 *   slow          200 after 3 s
 *   big           200 with 5 MiB of 'x', streamed
 *   protected     200 with a bearer token ending in ".good", else 403
 *   <id>/session/confirm  {"refresh_token": "r1"} → 200 with tokens, else 401 */
#include "https_server.h"

#include <microhttpd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_PATHS 32

struct test_server {
    struct MHD_Daemon *daemon;
    int port;
    pthread_mutex_t lock;
    char paths[MAX_PATHS][64];
    int counts[MAX_PATHS];
};

typedef struct upload {
    char body[4096];
    size_t len;
} upload;

/* Counts this call and returns its number (1 = first). */
static int count_call(test_server *s, const char *path)
{
    pthread_mutex_lock(&s->lock);
    int i;
    for (i = 0; i < MAX_PATHS && s->paths[i][0]; i++)
        if (strcmp(s->paths[i], path) == 0)
            break;
    int n = 0;
    if (i < MAX_PATHS) {
        if (!s->paths[i][0])
            snprintf(s->paths[i], sizeof(s->paths[i]), "%s", path);
        n = ++s->counts[i];
    }
    pthread_mutex_unlock(&s->lock);
    return n;
}

int test_server_calls(test_server *s, const char *path)
{
    pthread_mutex_lock(&s->lock);
    int n = 0;
    for (int i = 0; i < MAX_PATHS && s->paths[i][0]; i++)
        if (strcmp(s->paths[i], path) == 0)
            n = s->counts[i];
    pthread_mutex_unlock(&s->lock);
    return n;
}

void test_server_reset(test_server *s)
{
    pthread_mutex_lock(&s->lock);
    memset(s->paths, 0, sizeof(s->paths));
    memset(s->counts, 0, sizeof(s->counts));
    pthread_mutex_unlock(&s->lock);
}

static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, const char *body,
                              const char *retry_after)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", "application/json");
    if (retry_after)
        MHD_add_response_header(r, "Retry-After", retry_after);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static ssize_t cut_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)cls;
    if (pos > 0 || max < 10)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    memcpy(buf, "{\"partial\"", 10);
    return 10;
}

#define BIG_SIZE (5 * 1024 * 1024)

static ssize_t big_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)cls;
    if (pos >= BIG_SIZE)
        return MHD_CONTENT_READER_END_OF_STREAM;
    size_t n = BIG_SIZE - pos < max ? BIG_SIZE - pos : max;
    memset(buf, 'x', n);
    return (ssize_t)n;
}

static enum MHD_Result streamed(struct MHD_Connection *c, uint64_t size,
                                MHD_ContentReaderCallback reader)
{
    struct MHD_Response *r = MHD_create_response_from_callback(size, 16384, reader, NULL, NULL);
    enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

static const char *const error_503 =
    "{\"error\": {\"code\": \"unavailable\", \"message\": \"The service is busy\"}}";

static enum MHD_Result dispatch(test_server *s, struct MHD_Connection *c, const char *url,
                                const upload *up)
{
    int n = count_call(s, url);
    if (strcmp(url, "/api/ok") == 0)
        return answer(c, 200, "{\"ok\": true}", NULL);
    if (strcmp(url, "/api/flaky") == 0)
        return n <= 2 ? answer(c, 503, error_503, NULL) : answer(c, 200, "{\"ok\": true}", NULL);
    if (strcmp(url, "/api/ratelimit") == 0)
        return n == 1 ? answer(c, 429, "{\"error\": {\"code\": \"too_many_requests\"}}", "1")
                      : answer(c, 200, "{\"ok\": true}", NULL);
    if (strcmp(url, "/api/ratelimit-long") == 0)
        return answer(c, 429,
                      "{\"error\": {\"code\": \"rate_limited\", \"message\": \"too many "
                      "requests\"}}",
                      "3600");
    if (strcmp(url, "/api/cut") == 0)
        return n == 1 ? streamed(c, 1000, cut_reader) : answer(c, 200, "{\"ok\": true}", NULL);
    if (strcmp(url, "/api/down") == 0)
        return answer(c, 503, error_503, NULL);
    if (strcmp(url, "/api/bad-request") == 0)
        return answer(c, 400,
                      "{\"error\": {\"code\": \"invalid_code\", \"message\": \"The activation "
                      "code is malformed\"}}",
                      NULL);
    if (strcmp(url, "/api/html-error") == 0)
        return answer(c, 500, "<html><body>Internal error</body></html>", NULL);
    if (strcmp(url, "/api/badjson") == 0)
        return answer(c, 200, "this is not JSON", NULL);
    if (strcmp(url, "/api/slow") == 0) {
        sleep(3);
        return answer(c, 200, "{\"ok\": true}", NULL);
    }
    if (strcmp(url, "/api/big") == 0)
        return streamed(c, BIG_SIZE, big_reader);
    if (strcmp(url, "/api/protected") == 0) {
        const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
        return auth && strncmp(auth, "Bearer ", 7) == 0 && strstr(auth, ".good")
                   ? answer(c, 200, "{\"ok\": true}", NULL)
                   : answer(c, 403, "{\"error\": {\"code\": \"token_expired\"}}", NULL);
    }
    size_t ul = strlen(url), sl = strlen("/session/confirm");
    if (ul > sl && strcmp(url + ul - sl, "/session/confirm") == 0) {
        if (strstr(up->body, "\"refresh_token\":\"r1\""))
            return answer(
                c, 200,
                "{\"access_token\": \"eyJhbGciOiJub25lIn0.eyJleHAiOjQxMDI0NDQ4MDB9.c2ln\","
                " \"refresh_token\": \"r2\"}",
                NULL);
        return answer(c, 401,
                      "{\"error\": {\"code\": \"token_spent\", \"message\": \"The refresh "
                      "token was already used\"}}",
                      NULL);
    }
    return answer(c, 404, "{\"error\": {\"code\": \"not_found\"}}", NULL);
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *data,
                               size_t *data_size, void **req_cls)
{
    (void)method;
    (void)version;
    upload *up = *req_cls;
    if (!up) {
        up = calloc(1, sizeof(*up));
        *req_cls = up;
        return up ? MHD_YES : MHD_NO;
    }
    if (*data_size > 0) {
        size_t room = sizeof(up->body) - 1 - up->len;
        size_t n = *data_size < room ? *data_size : room;
        memcpy(up->body + up->len, data, n);
        up->len += n;
        *data_size = 0;
        return MHD_YES;
    }
    return dispatch(cls, c, url, up);
}

static void completed(void *cls, struct MHD_Connection *c, void **req_cls,
                      enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    free(*req_cls);
    *req_cls = NULL;
}

test_server *test_server_start(const char *cert_pem, const char *key_pem)
{
    test_server *s = calloc(1, sizeof(*s));
    pthread_mutex_init(&s->lock, NULL);
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = 0;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->daemon = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_TLS, 0, NULL,
        NULL, handler, s, MHD_OPTION_HTTPS_MEM_KEY, key_pem, MHD_OPTION_HTTPS_MEM_CERT, cert_pem,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_NOTIFY_COMPLETED, completed,
        NULL, MHD_OPTION_END);
    if (!s->daemon) {
        free(s);
        return NULL;
    }
    s->port = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT)->port;
    return s;
}

int test_server_port(const test_server *s)
{
    return s->port;
}

void test_server_stop(test_server *s)
{
    if (!s)
        return;
    MHD_stop_daemon(s->daemon);
    pthread_mutex_destroy(&s->lock);
    free(s);
}
