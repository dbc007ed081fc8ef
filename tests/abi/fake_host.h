/* fake_host.h — an in-memory host for testing the module alone (in the manner of collectd's
 * plugin_mock.c): a complete ksc_host_services table, a temporary data directory, a clock
 * the test moves, and a record of log lines and notifications. */
#ifndef FAKE_HOST_H
#define FAKE_HOST_H

#include <ksc/plugin.h>

typedef struct ksc_host fake_host; /* the fake is the host context */

/* A host with a fresh temporary data directory (removed by fake_host_free). */
fake_host *fake_host_new(void);
void fake_host_free(fake_host *host);

const ksc_host_services *fake_host_services(fake_host *host);
const char *fake_host_data_dir(fake_host *host);
void fake_host_set_now(fake_host *host, int64_t now_ms);

/* 1 when some logged line contains `needle`. */
int fake_host_log_contains(fake_host *host, const char *needle);
/* Number of log lines so far. */
int fake_host_log_count(fake_host *host);

/* services->audit (ABI 1.2): the records the module handed over, in order. */
int fake_host_audit_count(fake_host *host);
/* Record i (0-based) as the module sent it, or NULL. */
const char *fake_host_audit_record(fake_host *host, int i);
/* 1 when some record contains `needle`. */
int fake_host_audit_contains(fake_host *host, const char *needle);

/* Writes `text` to `name` inside the data directory; returns the path (static buffer). */
const char *fake_host_write_file(fake_host *host, const char *name, const char *text);

#endif
