/* output.h — the ksc_output sink behind `call --output FILE`. */
#ifndef KSC_HOST_OUTPUT_H
#define KSC_HOST_OUTPUT_H

#include <ksc/plugin.h>

#include <limits.h>
#include <stdio.h>

typedef struct file_output {
    ksc_output sink;
    char path[PATH_MAX];
    char tmp[PATH_MAX];
    FILE *file;
    int failed;
    char content_type[128];
    char file_name[256];
    size_t bytes;
    char error[256]; /* why open or finish failed (strerror text) */
} file_output;

/* Opens a temporary file next to `path` (PATH.partial.XXXXXX), locked (flock) until
 * file_output_finish, after removing the partial files of `path` that no live writer holds
 * (left by a killed export). Returns 0, or -1 with the reason in out->error. */
int file_output_open(file_output *out, const char *path);

/* On success renames the temporary file to the final path (returns 0); otherwise removes
 * it (returns -1). The destination never holds a half-written file. */
int file_output_finish(file_output *out, int success);

#endif
