/* output.c — a file the action writes through the ABI, put in place only on success. */
#include "output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

int file_output_open(file_output *o, const char *path)
{
    memset(o, 0, sizeof *o);
    if (snprintf(o->path, sizeof o->path, "%s", path) >= (int)sizeof o->path ||
        snprintf(o->tmp, sizeof o->tmp, "%s.partial.XXXXXX", path) >= (int)sizeof o->tmp) {
        snprintf(o->error, sizeof o->error, "%s", strerror(ENAMETOOLONG));
        return -1;
    }
    int fd = mkstemp(o->tmp);
    if (fd < 0 || !(o->file = fdopen(fd, "wb"))) {
        snprintf(o->error, sizeof o->error, "%s", strerror(errno));
        if (fd >= 0)
            close(fd);
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
    int ok = success && !o->failed;
    if (fflush(o->file) != 0 || fsync(fileno(o->file)) != 0)
        ok = 0;
    fclose(o->file);
    o->file = NULL;
    if (ok && rename(o->tmp, o->path) == 0)
        return 0;
    snprintf(o->error, sizeof o->error, "%s", strerror(o->failed || !errno ? EIO : errno));
    unlink(o->tmp);
    return -1;
}
