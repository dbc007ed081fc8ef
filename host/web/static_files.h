/* static_files.h — GET of the pages: files under the web root only (no traversal, no dot
 * files, no symlinks out), with their content type. */
#ifndef KSC_HOST_WEB_STATIC_FILES_H
#define KSC_HOST_WEB_STATIC_FILES_H

#include <stddef.h>

#define WEB_STATIC_MAX (8u * 1024 * 1024)

/* Reads root + url path ("/" = /index.html) into *data (malloc'd). 0, or -1 when the path
 * is not allowed or not a regular file. */
int web_static_read(const char *root, const char *url, char **data, size_t *len,
                    const char **content_type);

#endif
