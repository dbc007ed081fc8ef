/* rule_error.h — a refused business rule (licenses, tenants): the status the action returns,
 * the catalog code ("error.<code>") and the details whose scalars fill the message. Pure
 * rule checks fill one, the action turns it into the localized reply; nothing is changed
 * when a rule refuses. */
#ifndef MDR_RULE_ERROR_H
#define MDR_RULE_ERROR_H

#include <json-c/json.h>
#include <ksc/plugin.h>

typedef struct mdr_rule_error {
    ksc_status status;    /* KSC_ERR_INVALID, KSC_ERR_CONFLICT, KSC_ERR_NOT_FOUND, … */
    const char *code;     /* static: "tenant_name_invalid" */
    json_object *details; /* owned; NULL when none */
} mdr_rule_error;

/* Fills `e` (details consumed; NULL → {}), returns -1 for `return mdr_rule_fail(…)`. */
int mdr_rule_fail(mdr_rule_error *e, ksc_status status, const char *code, json_object *details);

/* Releases the details of a filled error that is not turned into a reply. */
void mdr_rule_error_clear(mdr_rule_error *e);

/* The localized error reply in `lang`; consumes e->details. Returns e->status. */
ksc_status mdr_rule_reply(const ksc_host_services *services, const char *lang, mdr_rule_error *e,
                          char **response);

#endif
