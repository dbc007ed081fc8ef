/*
 * bench-sandbox — how much CPU mdr-sandbox spends serving 100,000 assets in pages of 100 over
 * one keep-alive HTTPS connection. The client pages with sort first_seen:asc; because one
 * query returns at most 10,000 results, it moves a min_first_seen window forward as the
 * plug-in would (skipping the ids already seen at the window's edge). The sandbox's CPU
 * (utime+stime from /proc/PID/stat, paging only, seeding excluded) and the wall time are
 * printed and written to bench/results/sandbox.txt.
 */
#include <curl/curl.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct buf {
    char *data;
    size_t len;
} buf;

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
    buf *b = ud;
    char *grown = realloc(b->data, b->len + size * n + 1);
    if (!grown)
        return 0;
    b->data = grown;
    memcpy(b->data + b->len, p, size * n);
    b->len += size * n;
    b->data[b->len] = '\0';
    return size * n;
}

static CURL *curl;
static char ca_path[600];

/* POSTs body to url with an optional bearer token; returns the parsed JSON or NULL. */
static json_object *post(const char *url, const char *token, const char *body, long *status)
{
    buf b = {0};
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    char auth[2048];
    if (token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        h = curl_slist_append(h, auth);
    }
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(curl, CURLOPT_CAINFO, ca_path);
    CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(h);
    *status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, status);
    json_object *o = rc == CURLE_OK && b.data ? json_tokener_parse(b.data) : NULL;
    free(b.data);
    return o;
}

static double proc_cpu_seconds(pid_t pid)
{
    char path[64], line[2048];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f || !fgets(line, sizeof line, f)) {
        if (f)
            fclose(f);
        return -1;
    }
    fclose(f);
    char *p = strrchr(line, ')'); /* fields after the command name */
    unsigned long long utime = 0, stime = 0;
    if (!p ||
        sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2)
        return -1;
    return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *jstr(json_object *o, const char *k)
{
    json_object *v = NULL;
    return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : NULL;
}

int main(int argc, char **argv)
{
    long assets = 100000;
    const char *out_path = RESULTS_FILE;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--assets") == 0)
            assets = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--out") == 0)
            out_path = argv[i + 1];
    }
    if (assets < 1) {
        fprintf(stderr, "usage: bench-sandbox [--assets N] [--out FILE]\n");
        return 2;
    }
    char dir[] = "/tmp/bench-sandbox-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' '%s/certs'", CERTS_SCRIPT, dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "bench-sandbox: making certificates failed\n");
        return 1;
    }
    snprintf(ca_path, sizeof ca_path, "%s/certs/ca.pem", dir);
    char cert[600], key[600], count[32];
    snprintf(cert, sizeof cert, "%s/certs/server.pem", dir);
    snprintf(key, sizeof key, "%s/certs/server.key", dir);
    snprintf(count, sizeof count, "%ld", assets);

    int fds[2];
    if (pipe(fds) != 0)
        return 1;
    double t_start = now_s();
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        execl(SANDBOX_BIN, SANDBOX_BIN, "--listen", "127.0.0.1:0", "--tls-cert", cert, "--tls-key",
              key, "--seed", "1", "--assets", count, "--incidents", "100", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    FILE *ready_f = fdopen(fds[0], "r");
    char ready[4096];
    if (!ready_f || !fgets(ready, sizeof ready, ready_f)) {
        fprintf(stderr, "bench-sandbox: the sandbox did not start\n");
        return 1;
    }
    double t_ready = now_s();
    json_object *r = json_tokener_parse(ready);
    char base[256], admin[256], url[512];
    snprintf(base, sizeof base, "%s", jstr(r, "base_url"));
    snprintf(admin, sizeof admin, "%s", jstr(r, "admin_url"));
    char admin_token[128];
    snprintf(admin_token, sizeof admin_token, "%s", jstr(r, "admin_token"));
    json_object_put(r);

    curl_global_init(CURL_GLOBAL_DEFAULT);
    curl = curl_easy_init();
    long status;
    snprintf(url, sizeof url, "%s/connections", admin);
    json_object *conn = post(url, admin_token, "{\"name\":\"bench\",\"rights\":\"full\"}", &status);
    char client[64], body[4096], access[2048];
    snprintf(client, sizeof client, "%s", jstr(conn, "client_id"));
    snprintf(body, sizeof body, "{\"refresh_token\":\"%s\"}", jstr(conn, "refresh_token"));
    json_object_put(conn);
    snprintf(url, sizeof url, "%s/%s/session/confirm", base, client);
    json_object *tok = post(url, NULL, body, &status);
    snprintf(access, sizeof access, "%s", tok ? jstr(tok, "access_token") : "");
    json_object_put(tok);

    double cpu0 = proc_cpu_seconds(pid), t0 = now_s();
    snprintf(url, sizeof url, "%s/%s/assets/list", base, client);
    long seen = 0, pages = 0, failures = 0;
    int64_t window = -1;
    char **edge = NULL; /* ids at the current window's lowest first_seen, seen already */
    size_t edge_n = 0;
    for (;;) {
        int64_t last_first = window;
        char **new_edge = NULL;
        size_t new_edge_n = 0;
        long got_in_window = 0;
        for (int page = 1; page <= 100; page++) {
            if (window >= 0)
                snprintf(body, sizeof body,
                         "{\"sort\":\"first_seen:asc\",\"page\":%d,\"page_size\":100,"
                         "\"min_first_seen\":%lld}",
                         page, (long long)window);
            else
                snprintf(body, sizeof body,
                         "{\"sort\":\"first_seen:asc\",\"page\":%d,\"page_size\":100}", page);
            json_object *arr = post(url, access, body, &status);
            pages++;
            if (status != 200 || !arr) {
                failures++;
                json_object_put(arr);
                break;
            }
            size_t n = json_object_array_length(arr);
            for (size_t i = 0; i < n; i++) {
                json_object *a = json_object_array_get_idx(arr, i);
                json_object *fs = NULL;
                json_object_object_get_ex(a, "first_seen", &fs);
                int64_t f = json_object_get_int64(fs);
                const char *id = jstr(a, "asset_id");
                int dup = 0;
                for (size_t e = 0; f == window && e < edge_n; e++)
                    dup |= strcmp(edge[e], id) == 0;
                if (!dup)
                    seen++;
                got_in_window++;
                if (f != last_first) {
                    for (size_t e = 0; e < new_edge_n; e++)
                        free(new_edge[e]);
                    new_edge_n = 0;
                    last_first = f;
                }
                new_edge = realloc(new_edge, (new_edge_n + 1) * sizeof(char *));
                new_edge[new_edge_n++] = strdup(id);
            }
            json_object_put(arr);
            if (n < 100)
                break;
        }
        for (size_t e = 0; e < edge_n; e++)
            free(edge[e]);
        free(edge);
        edge = new_edge;
        edge_n = new_edge_n;
        if (got_in_window < 10000 || failures)
            break; /* the last window was not capped: everything was seen */
        window = last_first;
    }
    double wall = now_s() - t0, cpu = proc_cpu_seconds(pid) - cpu0;
    for (size_t e = 0; e < edge_n; e++)
        free(edge[e]);
    free(edge);
    curl_easy_cleanup(curl);
    curl_global_cleanup();
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench-sandbox: could not remove %s\n", dir);

    char report[1024];
    snprintf(report, sizeof report,
             "mdr-sandbox paging benchmark (bench/sandbox/bench_sandbox.c)\n"
             "assets seeded: %ld (seeding and start-up took %.2f s wall)\n"
             "assets received: %ld in %ld requests of page_size 100 over one keep-alive HTTPS "
             "connection (%ld failed)\n"
             "sandbox CPU (user+system) while paging: %.3f s\n"
             "wall time while paging: %.3f s\n",
             assets, t_ready - t_start, seen, pages, failures, cpu, wall);
    fputs(report, stdout);
    FILE *out = fopen(out_path, "w");
    if (out) {
        fputs(report, out);
        fclose(out);
    }
    return seen == assets && failures == 0 ? 0 : 1;
}
