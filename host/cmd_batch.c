/* cmd_batch.c — `ksc-host batch`: many commands in one process. A test sweep of thousands of
 * calls spends most of its time starting processes (and, under ASan, far more); a batch
 * opens the configuration and the store once and keeps the modules loaded between calls,
 * as a console serving many requests does.
 *
 * The frames are binary-safe because requests may carry any bytes:
 *   in:  "N\n" then N times "LEN\n" followed by LEN bytes — one command's arguments
 *        (what would follow `ksc-host --config FILE`); end of input ends the batch.
 *   out: "RC OUTLEN ERRLEN\n" followed by the command's stdout and stderr bytes.
 * With --capture DIR the two capture files are DIR/ksc-host-batch.PID.{out,err} (removed at
 * the end): when a command crashes the batch, the caller still reads what it printed — a
 * sanitizer's report among it. `call` runs with the modules loaded once; any other command first
 * shuts them down and unloads them, so it sees the world a separate process would (the next call
 * loads them again). */
#include "args.h"
#include "commands.h"
#include "loader.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
    MAX_ARGS = 64,
    MAX_ARG_BYTES = 131072, /* the kernel's bound on one argv string (MAX_ARG_STRLEN) */
};

/* Reads "NUMBER\n"; 1 on success, 0 at a clean end of input, -1 on a broken frame. */
static int read_count(FILE *in, long max, long *out)
{
    char line[32];
    if (!fgets(line, sizeof line, in))
        return feof(in) ? 0 : -1;
    char *end = NULL;
    long v = strtol(line, &end, 10);
    if (end == line || *end != '\n' || v < 0 || v > max)
        return -1;
    *out = v;
    return 1;
}

static void free_args(char **args, long n)
{
    for (long i = 0; i < n; i++)
        free(args[i]);
}

/* One command's arguments; -1 on a broken frame (the batch cannot resynchronise). */
static int read_frame(FILE *in, char **args, long *argc, int *has_nul)
{
    long n = 0;
    int got = read_count(in, MAX_ARGS, &n);
    if (got <= 0)
        return got;
    *has_nul = 0;
    for (long i = 0; i < n; i++) {
        long len = 0;
        args[i] = NULL;
        if (read_count(in, MAX_ARG_BYTES, &len) != 1 || !(args[i] = malloc((size_t)len + 1)) ||
            fread(args[i], 1, (size_t)len, in) != (size_t)len) {
            free_args(args, i + 1);
            return -1;
        }
        args[i][len] = '\0';
        if (strlen(args[i]) != (size_t)len)
            *has_nul = 1; /* a process argument cannot hold NUL: refused below */
    }
    *argc = n;
    return 1;
}

typedef struct capture {
    FILE *file;
    int saved_fd;
    char path[PATH_MAX]; /* empty: an anonymous tmpfile() */
} capture;

static int capture_open(capture *c, const char *dir, const char *suffix)
{
    c->saved_fd = -1;
    c->path[0] = '\0';
    if (!dir) {
        c->file = tmpfile();
        return c->file ? 0 : -1;
    }
    int n =
        snprintf(c->path, sizeof c->path, "%s/ksc-host-batch.%ld.%s", dir, (long)getpid(), suffix);
    int fd = n > 0 && (size_t)n < sizeof c->path
                 ? open(c->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)
                 : -1;
    c->file = fd >= 0 ? fdopen(fd, "w+") : NULL;
    if (!c->file) {
        if (fd >= 0)
            close(fd);
        c->path[0] = '\0';
        return -1;
    }
    return 0;
}

static void capture_close(capture *c)
{
    if (c->file)
        fclose(c->file);
    if (c->path[0])
        unlink(c->path);
}

static int capture_start(capture *c, int fd)
{
    c->saved_fd = dup(fd);
    return c->saved_fd < 0 || dup2(fileno(c->file), fd) < 0 ? -1 : 0;
}

static void capture_stop(capture *c, int fd)
{
    dup2(c->saved_fd, fd);
    close(c->saved_fd);
}

/* What the command wrote, and the file emptied for the next one. */
static char *capture_take(capture *c, size_t *len)
{
    struct stat st;
    *len = 0;
    if (fstat(fileno(c->file), &st) != 0)
        return NULL;
    char *buf = malloc((size_t)st.st_size + 1);
    if (!buf)
        return NULL;
    if (lseek(fileno(c->file), 0, SEEK_SET) != 0 ||
        read(fileno(c->file), buf, (size_t)st.st_size) != st.st_size) {
        free(buf);
        return NULL;
    }
    *len = (size_t)st.st_size;
    if (ftruncate(fileno(c->file), 0) != 0 || lseek(fileno(c->file), 0, SEEK_SET) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static int run_one(host_ctx *ctx, int *loaded, long argc, char **args, int has_nul)
{
    if (argc == 0 || has_nul)
        return args_usage(argc == 0 ? "no command given" : "an argument holds a NUL byte");
    if (strcmp(args[0], "call") == 0) {
        if (!*loaded) {
            loader_load_all(ctx); /* refusals are reported on this call's stderr */
            *loaded = 1;
        }
        return cmd_call_loaded(ctx, (int)argc - 1, args + 1);
    }
    if (*loaded) {
        loader_shutdown_all(ctx);
        loader_unload_all(ctx);
        *loaded = 0;
    }
    int rc = commands_run(ctx, args[0], (int)argc - 1, args + 1);
    if (rc < 0) {
        fprintf(stderr, "ksc-host: '%s' cannot run in a batch\n", args[0]);
        return args_usage(NULL);
    }
    return rc;
}

int cmd_batch(host_ctx *ctx, int argc, char **argv)
{
    const char *dir = NULL;
    if (argc == 2 && strcmp(argv[0], "--capture") == 0)
        dir = argv[1];
    else if (argc != 0)
        return args_usage("batch takes only --capture DIR: the commands come on standard input");
    capture out, err;
    int opened = capture_open(&out, dir, "out") == 0;
    if (!opened || capture_open(&err, dir, "err") != 0) {
        fprintf(stderr, "ksc-host: batch: cannot make its capture files%s%s\n", dir ? " in " : "",
                dir ? dir : "");
        if (opened)
            capture_close(&out);
        return EXIT_FAILED;
    }
    int loaded = 0, status = EXIT_OK;
    char *args[MAX_ARGS + 1];
    for (;;) {
        long n = 0;
        int has_nul = 0;
        int got = read_frame(stdin, args, &n, &has_nul);
        if (got == 0)
            break;
        if (got < 0) {
            fprintf(stderr, "ksc-host: batch: a broken frame on standard input (docs/host.md)\n");
            status = EXIT_USAGE;
            break;
        }
        args[n] = NULL;
        fflush(stdout);
        fflush(stderr);
        if (capture_start(&out, STDOUT_FILENO) != 0 || capture_start(&err, STDERR_FILENO) != 0) {
            free_args(args, n);
            status = EXIT_FAILED;
            break;
        }
        int rc = run_one(ctx, &loaded, n, args, has_nul);
        fflush(stdout);
        fflush(stderr);
        capture_stop(&err, STDERR_FILENO);
        capture_stop(&out, STDOUT_FILENO);
        free_args(args, n);
        size_t out_len = 0, err_len = 0;
        char *out_bytes = capture_take(&out, &out_len);
        char *err_bytes = capture_take(&err, &err_len);
        int written = out_bytes && err_bytes && printf("%d %zu %zu\n", rc, out_len, err_len) > 0 &&
                      fwrite(out_bytes, 1, out_len, stdout) == out_len &&
                      fwrite(err_bytes, 1, err_len, stdout) == err_len && fflush(stdout) == 0;
        free(out_bytes);
        free(err_bytes);
        if (!written) {
            fprintf(stderr, "ksc-host: batch: cannot pass on a command's answer\n");
            status = EXIT_FAILED;
            break;
        }
    }
    if (loaded) {
        loader_shutdown_all(ctx);
        loader_unload_all(ctx);
    }
    capture_close(&out);
    capture_close(&err);
    return status;
}
