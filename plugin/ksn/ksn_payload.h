/* The signed XML payload of a KSN configuration file (internal to plugin/ksn). */
#ifndef MDR_KSN_PAYLOAD_H
#define MDR_KSN_PAYLOAD_H

#include "ksn_verify.h"

/* Parses and checks the payload at host time now_ms; fills out (left empty on failure). */
mdr_ksn_status mdr_ksn_parse_payload(const char *xml, size_t len, int64_t now_ms, mdr_ksn_info *out,
                                     mdr_ksn_error *err);

mdr_ksn_status mdr_ksn_fail(mdr_ksn_error *err, mdr_ksn_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
