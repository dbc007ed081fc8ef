/* A real tinyproxy on loopback with Basic credentials, started and stopped by a test. */
#ifndef TEST_TINYPROXY_RUNNER_H
#define TEST_TINYPROXY_RUNNER_H

#include <sys/types.h>

typedef struct test_proxy {
    pid_t pid;
    int port;
} test_proxy;

/* The tinyproxy binary's path, or NULL when it is not installed. */
const char *test_proxy_binary(void);

/* Starts tinyproxy on 127.0.0.1 with `BasicAuth user password` (tinyproxy accepts only
 * [-a-z0-9._] there), allowing CONNECT to connect_port. 0 when it accepts connections. */
int test_proxy_start(test_proxy *p, const char *user, const char *password, int connect_port);
void test_proxy_stop(test_proxy *p);

#endif
