#include "tinyproxy_runner.h"
#include "test_pki.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *test_proxy_binary(void)
{
    static const char *const candidates[] = {"/usr/bin/tinyproxy", "/usr/sbin/tinyproxy",
                                             "/usr/local/bin/tinyproxy", NULL};
    for (const char *const *c = candidates; *c; c++)
        if (access(*c, X_OK) == 0)
            return *c;
    return NULL;
}

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    int port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

static int accepts(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

static int start_once(test_proxy *p, const char *binary, const char *user, const char *password,
                      int connect_port)
{
    p->port = free_port();
    if (p->port <= 0)
        return -1;
    char *conf_path = test_tmp_path("tinyproxy.conf");
    char *log_path = test_tmp_path("tinyproxy.log");
    FILE *f = fopen(conf_path, "w");
    if (!f) {
        free(conf_path);
        free(log_path);
        return -1;
    }
    fprintf(f,
            "Port %d\nListen 127.0.0.1\nTimeout 30\nMaxClients 20\nLogLevel Info\n"
            "LogFile \"%s\"\nAllow 127.0.0.1\nBasicAuth %s %s\nConnectPort %d\n",
            p->port, log_path, user, password, connect_port);
    fclose(f);
    p->pid = fork();
    if (p->pid == 0) {
        execl(binary, binary, "-d", "-c", conf_path, (char *)NULL);
        _exit(127);
    }
    free(conf_path);
    free(log_path);
    if (p->pid < 0)
        return -1;
    for (int i = 0; i < 100; i++) { /* up to 5 s */
        if (accepts(p->port))
            return 0;
        int status;
        if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
            p->pid = 0;
            return -1;
        }
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
    test_proxy_stop(p);
    return -1;
}

int test_proxy_start(test_proxy *p, const char *user, const char *password, int connect_port)
{
    const char *binary = test_proxy_binary();
    memset(p, 0, sizeof(*p));
    if (!binary)
        return -1;
    /* The free port may be taken between the probe and tinyproxy's bind: try again. */
    for (int attempt = 0; attempt < 3; attempt++)
        if (start_once(p, binary, user, password, connect_port) == 0)
            return 0;
    return -1;
}

void test_proxy_stop(test_proxy *p)
{
    if (p->pid > 0) {
        kill(p->pid, SIGTERM);
        waitpid(p->pid, NULL, 0);
    }
    p->pid = 0;
}
