/* activation.h — what the activation, usage and KSN areas share: the host's view of a server,
 * mapping the service's activation error codes to localized replies, the region table, and
 * the KSN configuration file update (fetch, verify, install once, history). */
#ifndef MDR_ACTIVATION_H
#define MDR_ACTIVATION_H

#include "cloud_link.h"
#include "ksn/ksn_verify.h"
#include "module.h"

#include <json-c/json.h>

/* ---- host (activation_host.c) -------------------------------------------------------- */

/* 1 when `server` (NULL = main) is a virtual Administration Server, 0 when not, -1 unknown. */
int mdr_server_is_virtual(ksc_module *m, const char *server);

/* The host's KSN settings of `server` as parsed JSON (new reference), NULL when unknown. */
json_object *mdr_host_ksn_settings(ksc_module *m, const char *server);

/* The installed KSN file version of `server` ("" when none) into out. */
void mdr_host_ksn_version(json_object *settings, char *out, size_t out_size);

/* ---- regions (activation_regions.c) -------------------------------------------------- */

typedef struct mdr_region {
    const char *id;       /* europe, canada, saudi_arabia, russia, other */
    const char *storage;  /* northern_europe, ksa, russia */
    const char *language; /* the service language: en, ru */
    int kata;             /* 1 when KATA is available there */
} mdr_region;

extern const char *const mdr_region_ids[]; /* NULL-terminated, for MDR_FIELD_ENUM */
const mdr_region *mdr_region_find(const char *id);
/* {"region", "storage", "storage_title", "service_language"} localized (new reference). */
json_object *mdr_region_json(const char *lang, const char *region);

/* An activation code's form: 20 letters and digits, dashes allowed anywhere between. Writes
 * the code without dashes, upper-case, to out (≥ 21 bytes). 0 when well-formed. */
int mdr_activation_code_normalize(const char *code, char *out, size_t out_size);

/* ---- replies ------------------------------------------------------------------------- */

/* A failed cloud call in an activation/KSN action: the service's known refusals
 * (code_unknown, region_mismatch, account_tied_elsewhere, …) become the module's own
 * localized errors "error.<code>"; everything else is mdr_cloud_reply_error. */
ksc_status mdr_activation_reply_cloud(ksc_module *m, const ksc_call *call,
                                      const mdr_cloud_error *err, char **response);

/* Appends a line to activation_log (best effort). */
void mdr_activation_log(ksc_module *m, const char *user, const char *server, const char *step,
                        const char *detail);

/* The U.S. notice of the help in `lang` (static). */
const char *mdr_us_notice(const char *lang);

/* ---- KSN file update (ksn_update.c) -------------------------------------------------- */

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

/* The reply of a failed mdr_ksn_update in an action (localized). */
ksc_status mdr_ksn_reply_failure(ksc_module *m, const ksc_call *call,
                                 const mdr_ksn_update_result *r, char **response);

/* The KSN status of `server` for display (area_ksn.c; new reference). */
json_object *mdr_ksn_status_json(ksc_module *m, const char *server, const char *lang);

/* The login hook: update and tell the user (ksn area). */
void mdr_ksn_on_login(ksc_module *module, const mdr_login *login);

#endif
