/* output.c — a file the action writes through the ABI, put in place only on success.
 *
 * The bytes go to PATH.partial.XXXXXX (mkstemp) next to PATH, renamed into place on success.
 * The writer holds an exclusive flock on its partial file from creation until after the
 * rename; the kernel drops it when the writer dies, however it dies. So a partial file nobody
 * holds a lock on is the leftover of a killed export, and the next export to the same PATH
 * removes it (clean_stale_partials) — while the partial of an export still running is kept. */
#include "output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define PARTIAL_SUFFIX ".partial."
#define PARTIAL_RAND 6       /* the XXXXXX mkstemp fills */
#define PARTIAL_ATTEMPTS 100 /* a fresh partial lost to a concurrent cleaner is made again */

static ksc_status out_begin(void *ctx, const char *content_type, const char *file_name)
{
    file_output *o = ctx;
    snprintf(o->content_type, sizeof o->content_type, "%s", content_type ? content_type : "");
    snprintf(o->file_name, sizeof o->file_name, "%s", file_name ? file_name : "");
    return KSC_OK;
}

static ksc_status out_write(void *ctx, const void *data, size_t len)
{
    file_output *o = ctx;
    if (o->failed || (len > 0 && !data))
        return KSC_ERR_FAILED;
    if (len > 0 && fwrite(data, 1, len, o->file) != len) {
        o->failed = 1;
        return KSC_ERR_FAILED;
    }
    o->bytes += len;
    return KSC_OK;
}

/* Whether `name` is BASE.partial.XXXXXX as mkstemp makes it (6 letters or digits). */
static int is_partial_of(const char *name, const char *base)
{
    size_t bl = strlen(base), sl = strlen(PARTIAL_SUFFIX);
    if (strncmp(name, base, bl) != 0 || strncmp(name + bl, PARTIAL_SUFFIX, sl) != 0)
        return 0;
    const char *r = name + bl + sl;
    size_t n = 0;
    for (; r[n]; n++)
        if (!((r[n] >= 'a' && r[n] <= 'z') || (r[n] >= 'A' && r[n] <= 'Z') ||
              (r[n] >= '0' && r[n] <= '9')))
            return 0;
    return n == PARTIAL_RAND;
}

/* Removes the partial files of `path` whose writer is gone: regular files of ours (never a
 * symlink, never another user's) on which an exclusive flock can be taken. The name is
 * unlinked while the lock is held and only if it still names the file locked. Best effort:
 * what cannot be checked is left alone. */
static void clean_stale_partials(const char *path)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    if (!*base)
        return;
    DIR *d = opendir(dir);
    if (!d)
        return;
    int dfd = dirfd(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!is_partial_of(e->d_name, base))
            continue;
        int fd = openat(dfd, e->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            continue;
        struct stat held, named;
        if (fstat(fd, &held) == 0 && S_ISREG(held.st_mode) && held.st_uid == geteuid() &&
            flock(fd, LOCK_EX | LOCK_NB) == 0 &&
            fstatat(dfd, e->d_name, &named, AT_SYMLINK_NOFOLLOW) == 0 &&
            named.st_dev == held.st_dev && named.st_ino == held.st_ino)
            unlinkat(dfd, e->d_name, 0);
        close(fd); /* drops the lock */
    }
    closedir(d);
}

/* Makes o->tmp and locks it. A concurrent cleaner may take the lock between mkstemp and
 * flock and unlink the file: then the lock fails, or o->tmp no longer names the file, and a
 * new one is made. Returns the locked fd, or -1 with errno. */
static int make_locked_partial(file_output *o, const char *path)
{
    for (int i = 0; i < PARTIAL_ATTEMPTS; i++) {
        snprintf(o->tmp, sizeof o->tmp, "%s" PARTIAL_SUFFIX "XXXXXX", path);
        int fd = mkstemp(o->tmp);
        if (fd < 0)
            return -1;
        struct stat held, named;
        if (flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &held) == 0 &&
            lstat(o->tmp, &named) == 0 && named.st_dev == held.st_dev &&
            named.st_ino == held.st_ino)
            return fd;
        close(fd); /* the cleaner that holds or held it removes the name */
    }
    errno = EAGAIN;
    return -1;
}

int file_output_open(file_output *o, const char *path)
{
    memset(o, 0, sizeof *o);
    if (snprintf(o->path, sizeof o->path, "%s", path) >= (int)sizeof o->path ||
        snprintf(o->tmp, sizeof o->tmp, "%s" PARTIAL_SUFFIX "XXXXXX", path) >= (int)sizeof o->tmp) {
        snprintf(o->error, sizeof o->error, "%s", strerror(ENAMETOOLONG));
        return -1;
    }
    clean_stale_partials(path);
    int fd = make_locked_partial(o, path);
    if (fd < 0 || !(o->file = fdopen(fd, "wb"))) {
        snprintf(o->error, sizeof o->error, "%s", strerror(errno));
        if (fd >= 0) {
            unlink(o->tmp);
            close(fd);
        }
        return -1;
    }
    o->sink.size = sizeof o->sink;
    o->sink.ctx = o;
    o->sink.begin = out_begin;
    o->sink.write = out_write;
    return 0;
}

int file_output_finish(file_output *o, int success)
{
    int ok = success && !o->failed, err = 0;
    if (fflush(o->file) != 0 || fsync(fileno(o->file)) != 0) {
        ok = 0;
        err = errno;
    }
    /* Renamed or removed while the lock is still held (fclose drops it), so no cleaner ever
     * takes this partial for a dead writer's. */
    if (ok && rename(o->tmp, o->path) != 0) {
        ok = 0;
        err = errno;
    }
    if (!ok) {
        unlink(o->tmp);
        snprintf(o->error, sizeof o->error, "%s", strerror(o->failed || !err ? EIO : err));
    }
    fclose(o->file);
    o->file = NULL;
    return ok ? 0 : -1;
}
