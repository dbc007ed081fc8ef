/* activation.h — what the activation and usage actions share: the region table, the
 * activation code's form, the activation log and the U.S. notice (common.c). The host's view
 * of a server is core/host_view.h; the service's refusals are cloud/codes.h; the KSN file
 * update is ksn/ksn.h. */
#ifndef MDR_ACTIVATION_H
#define MDR_ACTIVATION_H

#include "core/cloud_codes.h"
#include "core/host_view.h"
#include "core/module.h"
#include "ksn_file/ksn_file.h"

#include <json-c/json.h>

/* ---- regions (common.c) -------------------------------------------------- */

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

/* Appends a line to activation_log (best effort). */
void mdr_activation_log(ksc_module *m, const char *user, const char *server, const char *step,
                        const char *detail);

/* Help: "Activation … is not available in a Kaspersky Security Center Cloud Console trial
 * workspace". KSC_OK when the host is another kind of console (or cannot say: ABI < 1.3);
 * otherwise the localized refusal activation_trial_workspace in *response. */
ksc_status mdr_activation_refuse_in_trial(ksc_module *m, const ksc_call *call, char **response);
/* The host's console kind ("on_premises" when it cannot say). */
const char *mdr_console_kind(ksc_module *m);

/* The U.S. notice of the help in `lang` (static). */
const char *mdr_us_notice(const char *lang);

#endif
