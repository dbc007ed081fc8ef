/* log.h — logging over services->log. Lines are prefixed "mdr: " and scrubbed: URL
 * passwords, "Bearer …" tokens and values of keys such as password, secret, token,
 * authorization are replaced by "***" — a safety net; callers still never pass secrets. */
#ifndef MDR_LOG_H
#define MDR_LOG_H

#include <ksc/plugin.h>

void mdr_log(const ksc_host_services *services, ksc_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Copies `in` to `out` (always NUL-terminated, truncated to out_size) with secrets masked.
 * Returns the number of values masked. */
size_t mdr_log_scrub(const char *in, char *out, size_t out_size);

#endif
