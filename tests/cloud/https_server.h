/* A tiny HTTPS server for the cloud client's tests (libmicrohttpd over GnuTLS), listening on
 * 127.0.0.1 on a free port, with scripted answers per path (see https_server.c). */
#ifndef TEST_HTTPS_SERVER_H
#define TEST_HTTPS_SERVER_H

typedef struct test_server test_server;

test_server *test_server_start(const char *cert_pem, const char *key_pem);
void test_server_stop(test_server *s);
int test_server_port(const test_server *s);
/* Requests received for `path` (e.g. "/api/flaky") since start or the last reset. */
int test_server_calls(test_server *s, const char *path);
void test_server_reset(test_server *s);

#endif
