/* delivery.h — handing out an MDR configuration archive (license or tenant): ask the
 * cloud (`path`, `body`), check the archive's contents and its KSN file
 * (archive.h: before one byte is written), stream it through call->output, and answer
 * the archive's summary plus the members of `extra` (consumed). Any failure leaves nothing
 * written: the host discards a failed file. */
#ifndef MDR_ARCHIVE_DELIVERY_H
#define MDR_ARCHIVE_DELIVERY_H

#include "core/cloud_codes.h"
#include "archive.h"

ksc_status mdr_config_archive_deliver(ksc_module *m, const ksc_call *call, const char *path,
                                      json_object *body, mdr_archive_variant variant,
                                      const mdr_cloud_code_map *codes, json_object *extra,
                                      char **response);

#endif
