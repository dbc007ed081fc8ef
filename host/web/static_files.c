/* static_files.c — files of resources/web/ (static_files.h). */
#include "web/static_files.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
    const char *ext, *type;
} TYPES[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".txt", "text/plain; charset=utf-8"},
};

/* Segments of [A-Za-z0-9_-] with dots inside, never starting with a dot (so no "..", no
 * hidden files); at most 200 characters. */
static int path_allowed(const char *p)
{
    size_t n = strlen(p);
    if (n == 0 || n > 200 || p[0] != '/')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '-' || c == '/' || c == '.';
        if (!ok)
            return 0;
        if (c == '/' && (p[i + 1] == '.' || p[i + 1] == '/'))
            return 0;
    }
    return 1;
}

static const char *type_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof TYPES / sizeof TYPES[0]; i++)
        if (strcmp(dot, TYPES[i].ext) == 0)
            return TYPES[i].type;
    return NULL;
}

int web_static_read(const char *root, const char *url, char **data, size_t *len,
                    const char **content_type)
{
    *data = NULL;
    *len = 0;
    if (strcmp(url, "/") == 0)
        url = "/index.html";
    if (!path_allowed(url) || url[strlen(url) - 1] == '/')
        return -1;
    *content_type = type_of(url);
    if (!*content_type)
        return -1;
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s%s", root, url) >= (int)sizeof path)
        return -1;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || (size_t)sb.st_size > WEB_STATIC_MAX) {
        close(fd);
        return -1;
    }
    char *buf = malloc((size_t)sb.st_size + 1);
    size_t got = 0;
    while (buf && got < (size_t)sb.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)sb.st_size - got);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (!buf || got != (size_t)sb.st_size) {
        free(buf);
        return -1;
    }
    *data = buf;
    *len = got;
    return 0;
}
