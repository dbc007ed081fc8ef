/* actions.h — the handlers listed in actions.c, one block per area file. */
#ifndef MDR_ACTIONS_H
#define MDR_ACTIONS_H

#include "module.h"

/* about/plugin_info.c */
ksc_status mdr_plugin_info(ksc_module *module, const ksc_call *call, char **response);

/* about/rights_presets.c */
ksc_status mdr_rights_presets(ksc_module *module, const ksc_call *call, char **response);

/* licenses/actions.c */
ksc_status mdr_licenses_list(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_licenses_refresh(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_licenses_add(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_licenses_remove(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_licenses_export_by_tenant(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_licenses_archive(ksc_module *module, const ksc_call *call, char **response);
/* licenses/sync.c: the periodic refresh (on_timer) */
void mdr_licenses_on_timer(ksc_module *module, int64_t now_ms);

/* tenants/actions.c */
ksc_status mdr_tenants_list(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_tenants_get(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_tenants_create(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_tenants_update(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_tenants_add_config_file(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_tenants_delete_config_file(ksc_module *module, const ksc_call *call,
                                          char **response);
ksc_status mdr_tenants_delete(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_tenants_archive(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_tenants_grant(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_tenants_grants(ksc_module *module, const ksc_call *call, char **response);

/* activation/actions.c, activation/usage.c, ksn_file/actions.c */
ksc_status mdr_account_sign_in(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_activation_status(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_activation_activate(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_activation_select_tenants(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_activation_accept_agreements(ksc_module *module, const ksc_call *call,
                                            char **response);
ksc_status mdr_activation_accept_ksn_statement(ksc_module *module, const ksc_call *call,
                                               char **response);
ksc_status mdr_activation_new_code(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_activation_revoke_consent(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_activation_terminate(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_usage_get(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_ksn_status_action(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_ksn_update_action(ksc_module *module, const ksc_call *call, char **response);
void mdr_ksn_on_login(ksc_module *module, const mdr_login *login);

/* health/actions.c */
ksc_status mdr_health_sync(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_health_status(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_health_assets(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_health_malfunctioning(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_health_device(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_health_export(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_health_summary(ksc_module *module, const ksc_call *call, char **response);
/* the periodic sync (on_timer) */
void mdr_health_on_timer(ksc_module *module, int64_t now_ms);

/* settings/actions.c, settings/auto_accept.c */
ksc_status mdr_settings_get(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_settings_update(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_settings_auto_accept_get(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_settings_auto_accept_set(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_settings_auto_accept_set_tenants(ksc_module *module, const ksc_call *call,
                                                char **response);

/* notifications/actions.c */
ksc_status mdr_notifications_get(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_notifications_email_save(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_notifications_email_verify(ksc_module *module, const ksc_call *call,
                                          char **response);
ksc_status mdr_notifications_email_resend(ksc_module *module, const ksc_call *call,
                                          char **response);
ksc_status mdr_notifications_email_disable(ksc_module *module, const ksc_call *call,
                                           char **response);
ksc_status mdr_notifications_telegram_link(ksc_module *module, const ksc_call *call,
                                           char **response);
ksc_status mdr_notifications_telegram_unsubscribe(ksc_module *module, const ksc_call *call,
                                                  char **response);

/* reports/actions.c */
ksc_status mdr_reports_list(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_reports_create(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_reports_update(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_reports_enable(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_reports_delete(ksc_module *module, const ksc_call *call, char **response);

/* connections/actions.c */
ksc_status mdr_connections_list(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_connections_create(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_connections_edit(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_connections_generate(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_connections_revoke(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_connections_delete(ksc_module *module, const ksc_call *call, char **response);

/* responses/actions.c */
ksc_status mdr_responses_list(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_responses_get(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_responses_accept(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_responses_reject(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_responses_check_isolation_password(ksc_module *module, const ksc_call *call,
                                                  char **response);
/* wizard/actions.c, wizard/load.c */
ksc_status mdr_wizard_get(ksc_module *module, const ksc_call *call, char **response);
ksc_status mdr_wizard_create_roles(ksc_module *module, const ksc_call *call, char **response);
/* 0 when wizards/getting-started.xml parsed and matched its schema; -1 with "line N: reason"
 * (checked when the module loads, like the rights XML) */
int mdr_wizard_check_loaded(char *err, size_t err_size);

/* diagnosis/actions.c */
ksc_status mdr_diag_run(ksc_module *module, const ksc_call *call, char **response);

#endif
