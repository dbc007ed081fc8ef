/* Files compiled into a program by cmake/embed.cmake (rights XML, locale catalogs, …). */
#ifndef KSC_EMBEDDED_H
#define KSC_EMBEDDED_H

#include <stddef.h>

typedef struct ksc_embedded_file {
    const char *name;          /* base name, e.g. "mdr-rights.xml" */
    const unsigned char *data; /* the bytes, followed by a NUL */
    size_t len;                /* without the NUL */
} ksc_embedded_file;

#endif
