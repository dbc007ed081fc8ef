/* multipart.h — a multipart/form-data body split into parts (core/multipart.c). */
#ifndef KSC_SANDBOX_MULTIPART_H
#define KSC_SANDBOX_MULTIPART_H

#include "core/sbx.h"

struct MHD_Connection;

/* 0 = ok (*parts malloc'd, free with multipart_free); -1 = not valid multipart. */
int multipart_parse(struct MHD_Connection *con, const unsigned char *body, size_t len,
                    sbx_part **parts, size_t *count);
void multipart_free(sbx_part *parts, size_t count);

#endif
