/* actions.c — THE table of the module's actions and event hooks. Adding an action: one line
 * here plus one <action> in rights/mdr-rights.xml naming the areas it requires (the module
 * refuses to load when the two lists differ). Adding event hooks: one line in
 * mdr_hook_table. The last column says whether the audit trail records the action: a read
 * (NONE), a change (CHANGE) or data handed out as a file (EXPORT); an audited action also has
 * a line in core/audit.c's SPECS saying what its record shows. */
#include "actions.h"
#include "audit.h"

const mdr_action_def mdr_action_table[] = {
    {"mdr.plugin.info", mdr_plugin_info, 0, MDR_AUDIT_NONE},
    {"mdr.rights.presets", mdr_rights_presets, 0, MDR_AUDIT_NONE},
    {"mdr.account.sign_in", mdr_account_sign_in, 0, MDR_AUDIT_CHANGE},
    {"mdr.activation.status", mdr_activation_status, 0, MDR_AUDIT_NONE},
    {"mdr.activation.activate", mdr_activation_activate, 0, MDR_AUDIT_CHANGE},
    {"mdr.activation.select_tenants", mdr_activation_select_tenants, 0, MDR_AUDIT_CHANGE},
    {"mdr.activation.accept_agreements", mdr_activation_accept_agreements, 0, MDR_AUDIT_CHANGE},
    {"mdr.activation.accept_ksn_statement", mdr_activation_accept_ksn_statement, 0,
     MDR_AUDIT_CHANGE},
    {"mdr.activation.new_code", mdr_activation_new_code, 0, MDR_AUDIT_CHANGE},
    {"mdr.activation.revoke_consent", mdr_activation_revoke_consent, 0, MDR_AUDIT_CHANGE},
    {"mdr.activation.terminate", mdr_activation_terminate, 0, MDR_AUDIT_CHANGE},
    {"mdr.usage.get", mdr_usage_get, 0, MDR_AUDIT_NONE},
    {"mdr.ksn.status", mdr_ksn_status_action, 0, MDR_AUDIT_NONE},
    {"mdr.ksn.update", mdr_ksn_update_action, 0, MDR_AUDIT_CHANGE},
    {"mdr.licenses.list", mdr_licenses_list, 0, MDR_AUDIT_NONE},
    {"mdr.licenses.refresh", mdr_licenses_refresh, 0, MDR_AUDIT_NONE},
    {"mdr.licenses.add", mdr_licenses_add, 0, MDR_AUDIT_CHANGE},
    {"mdr.licenses.remove", mdr_licenses_remove, 0, MDR_AUDIT_CHANGE},
    {"mdr.licenses.export_by_tenant", mdr_licenses_export_by_tenant, 1, MDR_AUDIT_EXPORT},
    {"mdr.licenses.archive", mdr_licenses_archive, 1, MDR_AUDIT_EXPORT},
    {"mdr.tenants.list", mdr_tenants_list, 0, MDR_AUDIT_NONE},
    {"mdr.tenants.get", mdr_tenants_get, 0, MDR_AUDIT_NONE},
    {"mdr.tenants.create", mdr_tenants_create, 0, MDR_AUDIT_CHANGE},
    {"mdr.tenants.update", mdr_tenants_update, 0, MDR_AUDIT_CHANGE},
    {"mdr.tenants.add_config_file", mdr_tenants_add_config_file, 0, MDR_AUDIT_CHANGE},
    {"mdr.tenants.delete_config_file", mdr_tenants_delete_config_file, 0, MDR_AUDIT_CHANGE},
    {"mdr.tenants.delete", mdr_tenants_delete, 0, MDR_AUDIT_CHANGE},
    {"mdr.tenants.archive", mdr_tenants_archive, 1, MDR_AUDIT_EXPORT},
    {"mdr.tenants.grant", mdr_tenants_grant, 0, MDR_AUDIT_CHANGE},
    {"mdr.tenants.grants", mdr_tenants_grants, 0, MDR_AUDIT_NONE},
    {"mdr.health.sync", mdr_health_sync, 0, MDR_AUDIT_CHANGE},
    {"mdr.health.status", mdr_health_status, 0, MDR_AUDIT_NONE},
    {"mdr.health.assets", mdr_health_assets, 0, MDR_AUDIT_NONE},
    {"mdr.health.malfunctioning", mdr_health_malfunctioning, 0, MDR_AUDIT_NONE},
    {"mdr.health.device", mdr_health_device, 0, MDR_AUDIT_NONE},
    {"mdr.health.export", mdr_health_export, 1, MDR_AUDIT_EXPORT},
    {"mdr.health.summary", mdr_health_summary, 0, MDR_AUDIT_NONE},
    {"mdr.settings.get", mdr_settings_get, 0, MDR_AUDIT_NONE},
    {"mdr.settings.update", mdr_settings_update, 0, MDR_AUDIT_CHANGE},
    {"mdr.settings.auto_accept.get", mdr_settings_auto_accept_get, 0, MDR_AUDIT_NONE},
    {"mdr.settings.auto_accept.set", mdr_settings_auto_accept_set, 0, MDR_AUDIT_CHANGE},
    {"mdr.settings.auto_accept.set_tenants", mdr_settings_auto_accept_set_tenants, 0,
     MDR_AUDIT_CHANGE},
    {"mdr.notifications.get", mdr_notifications_get, 0, MDR_AUDIT_NONE},
    {"mdr.notifications.email.save", mdr_notifications_email_save, 0, MDR_AUDIT_CHANGE},
    {"mdr.notifications.email.verify", mdr_notifications_email_verify, 0, MDR_AUDIT_CHANGE},
    {"mdr.notifications.email.resend", mdr_notifications_email_resend, 0, MDR_AUDIT_CHANGE},
    {"mdr.notifications.email.disable", mdr_notifications_email_disable, 0, MDR_AUDIT_CHANGE},
    {"mdr.notifications.telegram.link", mdr_notifications_telegram_link, 0, MDR_AUDIT_CHANGE},
    {"mdr.notifications.telegram.unsubscribe", mdr_notifications_telegram_unsubscribe, 0,
     MDR_AUDIT_CHANGE},
    {"mdr.reports.list", mdr_reports_list, 0, MDR_AUDIT_NONE},
    {"mdr.reports.create", mdr_reports_create, 0, MDR_AUDIT_CHANGE},
    {"mdr.reports.update", mdr_reports_update, 0, MDR_AUDIT_CHANGE},
    {"mdr.reports.enable", mdr_reports_enable, 0, MDR_AUDIT_CHANGE},
    {"mdr.reports.delete", mdr_reports_delete, 0, MDR_AUDIT_CHANGE},
    {"mdr.connections.list", mdr_connections_list, 0, MDR_AUDIT_NONE},
    {"mdr.connections.create", mdr_connections_create, 0, MDR_AUDIT_CHANGE},
    {"mdr.connections.edit", mdr_connections_edit, 0, MDR_AUDIT_CHANGE},
    {"mdr.connections.generate", mdr_connections_generate, 0, MDR_AUDIT_CHANGE},
    {"mdr.connections.revoke", mdr_connections_revoke, 0, MDR_AUDIT_CHANGE},
    {"mdr.connections.delete", mdr_connections_delete, 0, MDR_AUDIT_CHANGE},
    {"mdr.responses.list", mdr_responses_list, 0, MDR_AUDIT_NONE},
    {"mdr.responses.get", mdr_responses_get, 0, MDR_AUDIT_NONE},
    {"mdr.responses.accept", mdr_responses_accept, 0, MDR_AUDIT_CHANGE},
    {"mdr.responses.reject", mdr_responses_reject, 0, MDR_AUDIT_CHANGE},
    {"mdr.responses.check_isolation_password", mdr_responses_check_isolation_password, 0,
     MDR_AUDIT_NONE},
    {"mdr.wizard.get", mdr_wizard_get, 0, MDR_AUDIT_NONE},
    {"mdr.wizard.create_roles", mdr_wizard_create_roles, 0, MDR_AUDIT_CHANGE},
    {"mdr.diag.run", mdr_diag_run, 0, MDR_AUDIT_NONE},
};
const size_t mdr_action_count = sizeof mdr_action_table / sizeof mdr_action_table[0];

/* {area name, on_login, on_timer, on_shutdown}: later areas (ksn, health, …) add lines. The
 * sentinel keeps the array non-empty while no area has hooks. */
const mdr_area_hooks mdr_hook_table[] = {
    {"none", NULL, NULL, NULL},
    {"ksn", mdr_ksn_on_login, NULL, NULL},
    {"licenses", NULL, mdr_licenses_on_timer, NULL},
    {"health", NULL, mdr_health_on_timer, NULL},
};
const size_t mdr_hook_count = sizeof mdr_hook_table / sizeof mdr_hook_table[0];
