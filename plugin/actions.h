/* actions.h — the handlers listed in actions.c, one block per area file. */
#ifndef MDR_ACTIONS_H
#define MDR_ACTIONS_H

#include "module.h"

/* area_plugin.c */
ksc_status mdr_plugin_info(ksc_module *module, const ksc_call *call, char **response);

/* area_rights.c */
ksc_status mdr_rights_presets(ksc_module *module, const ksc_call *call, char **response);

/* area_activation.c, area_usage.c, area_ksn.c (shared helpers: activation.h) */
ksc_status mdr_account_sign_in(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_activation_status(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_activation_activate(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_activation_select_tenants(ksc_module *module, const ksc_call *call,
                                         char **response);
ksc_status mdr_activation_accept_agreements(ksc_module *module, const ksc_call *call,
                                            char **response);
ksc_status mdr_activation_accept_ksn_statement(ksc_module *module, const ksc_call *call,
                                               char **response);
ksc_status mdr_activation_new_code(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_activation_revoke_consent(ksc_module *module, const ksc_call *call,
                                         char **response);
ksc_status mdr_activation_terminate(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_usage_get(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_ksn_status_action(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_ksn_update_action(ksc_module *module, const ksc_call *call, char **response);
void mdr_ksn_on_login(ksc_module *module, const mdr_login *login);

#endif
