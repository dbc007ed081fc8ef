/* ksn_file.h — the KSN file area: the KSN configuration file update (fetch, verify, install once,
 * history), its status for display and the login rotation. The activation area calls
 * mdr_ksn_update after activating; MDR Usage shows mdr_ksn_status_json. */
#ifndef MDR_KSN_FILE_H
#define MDR_KSN_FILE_H

#include "core/cloud_link.h"
#include "core/module.h"
#include "ksn/ksn_verify.h"

#include <json-c/json.h>
#include <stdint.h>

typedef enum mdr_ksn_outcome {
    MDR_KSN_INSTALLED = 0, /* a newer file was verified and installed */
    MDR_KSN_UP_TO_DATE,    /* nothing newer (or another process installed it meanwhile) */
    MDR_KSN_DENIED,        /* the user may not change the server's KSN settings */
    MDR_KSN_VIRTUAL,       /* a virtual server: its main server's file applies */
    MDR_KSN_REFUSED,       /* the file failed verification (forged, expired, older, …) */
    MDR_KSN_NOT_ACTIVE,    /* no session, or MDR not activated / consent revoked */
    MDR_KSN_CLOUD_FAILED,  /* the cloud call failed (cloud_err) */
    MDR_KSN_FAILED         /* the host refused otherwise, store error (detail) */
} mdr_ksn_outcome;

typedef struct mdr_ksn_update_result {
    mdr_ksn_outcome outcome;
    char version[24];          /* installed or newest version involved */
    char installed_before[24]; /* "" = none */
    int64_t expires_ms;
    mdr_cloud_error cloud_err; /* CLOUD_FAILED, NOT_ACTIVE */
    mdr_ksn_error ksn_err;     /* REFUSED: verification status */
    int older;                 /* REFUSED because not newer than the installed one */
    ksc_status host_status;    /* the host's answer to ksn_install */
    char detail[256];          /* FAILED: short English reason */
} mdr_ksn_update_result;

/* Checks the cloud for a newer KSN file for `server` and installs it as `user`:
 * fetch (ksn/current, then ksn/file only when newer), verify against ksn.trust_anchor at the
 * host clock, refuse anything not newer than the installed one, install through the host
 * (once across threads and processes: the check and install run inside one store write
 * transaction), and record it in ksn_history. trigger: "action", "activation", "login". */
void mdr_ksn_update(ksc_module *m, const char *server, const char *user, const char *trigger,
                    mdr_ksn_update_result *out);

/* The host's installed version is the truth: when `settings` (mdr_host_ksn_settings of
 * `server`) name a version ksn_history lacks — the process died between the host's install
 * commit and the module's history commit — it is recorded with trigger "reconciled" (no
 * issue time: the host does not keep it). A no-op otherwise; run before every update and
 * every status. */
void mdr_ksn_reconcile(ksc_module *m, const char *server, json_object *settings);

/* The reply of a failed mdr_ksn_update in an action (localized). */
ksc_status mdr_ksn_reply_failure(ksc_module *m, const ksc_call *call,
                                 const mdr_ksn_update_result *r, char **response);

/* The KSN status of `server` for display (actions.c; new reference). */
json_object *mdr_ksn_status_json(ksc_module *m, const char *server, const char *lang);

/* The login hook: update and tell the user (ksn area). */
void mdr_ksn_on_login(ksc_module *module, const mdr_login *login);

#endif
