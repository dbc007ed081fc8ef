/* diagnosis.h — "why is telemetry not arriving?" (mdr.diag.run): the whole path from the
 * console to the MDR cloud and back to the assets, as a list of checks, each ok / warning /
 * failed with the measured value and a remedy naming the help topic. path.c probes the
 * network path with its own short-timeout client (the run is bounded even when the network
 * hangs); state.c reads the rest from what the console and the module already know. */
#ifndef MDR_DIAGNOSIS_H
#define MDR_DIAGNOSIS_H

#include "core/module.h"

#include <json-c/json.h>

typedef enum { DIAG_OK, DIAG_WARNING, DIAG_FAILED, DIAG_SKIPPED } diag_status;

/* Appends a check {"id", "title", "status", "value", "remedy"?} to `checks`; the title is
 * diag.<id>.title, the remedy (warning/failed only) the catalog key `remedy_key` with
 * `params` ({name, value, …, NULL}). */
void diag_add(json_object *checks, const char *lang, const char *id, diag_status status,
              const char *value, const char *remedy_key, const char *const *params);

/* Connect and total time-outs of one probe: two probes at most, well within 10 s. */
#define DIAG_PROBE_CONNECT_MS 2500L
#define DIAG_PROBE_TOTAL_MS 3500L

/* path.c: proxy, DNS, TLS, the certificate's signer, the service answering. */
void diag_path(ksc_module *m, const ksc_call *call, json_object *checks);
/* state.c: clock, session, licence, KSN file, KPSN, telemetry. */
void diag_state(ksc_module *m, const ksc_call *call, json_object *checks);

#endif
