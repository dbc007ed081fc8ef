/* rules.h — every tenant rule of the help, checked locally before the cloud is asked
 * (the cloud checks them again): at most 100 tenants; a name of 1..100 Latin letters, digits
 * and special characters (printable ASCII), unique regardless of case; a description of at
 * most 2000 such characters (line breaks and tabs allowed); each configuration file = a
 * current license + an expiry in the future and strictly before the license's last day
 * (00:00 UTC of it); a configuration file deleted only while another remains; a tenant whose
 * lifetime has ended (host clock) cannot be switched on without a new file. Also the tenant
 * as the module shows it (Inactive at the end of its lifetime on the HOST clock) and the
 * list order (expiration date, descending). Pure: no I/O. */
#ifndef MDR_TENANT_RULES_H
#define MDR_TENANT_RULES_H

#include "core/rule_error.h"

#include <json-c/json.h>
#include <stdint.h>

#define MDR_TENANT_MAX 100
#define MDR_TENANT_NAME_MAX 100
#define MDR_TENANT_DESCRIPTION_MAX 2000
#define MDR_TENANT_CONFIG_FILES_MAX 16

int mdr_tenant_name_check(const char *name, mdr_rule_error *e);
int mdr_tenant_description_check(const char *description, mdr_rule_error *e);

/* `existing` tenants (not deleted) already exist: one more allowed? */
int mdr_tenant_count_check(size_t existing, mdr_rule_error *e);

/* Another tenant of `tenants` (cloud objects) named `name` regardless of case, other than
 * `self_id` (may be NULL)? 0 free, -1 with tenant_name_taken. */
int mdr_tenant_name_free(json_object *tenants, const char *name, const char *self_id,
                         mdr_rule_error *e);

/* An expiry as the request gives it: "YYYY-MM-DD" (00:00 UTC of that day) or ms since the
 * epoch. `field` names it in the error. */
int mdr_tenant_expires_parse(json_object *value, const char *field, int64_t *ms, mdr_rule_error *e);

/* One configuration file against the organization's licenses (cloud list), host clock. */
int mdr_tenant_config_file_check(json_object *licenses, const char *license_id, int64_t expires_ms,
                                 int64_t now_ms, const char *field, mdr_rule_error *e);

/* The request's "config_files" ([{license_id, expires}], 1..16) checked and turned into the
 * cloud's form [{license_id, expiration_time}] (*cloud_files, new reference). */
int mdr_tenant_config_files_build(json_object *files, json_object *licenses, int64_t now_ms,
                                  json_object **cloud_files, mdr_rule_error *e);

/* Deleting configuration file `file_id` of the cloud tenant: known, and another remains. */
int mdr_tenant_config_file_delete_check(json_object *tenant, const char *file_id,
                                        mdr_rule_error *e);

/* 1 when the tenant's lifetime (expiration_time) has ended on the host clock. */
int mdr_tenant_lifetime_ended(json_object *tenant, int64_t now_ms);

/* The tenant as shown (new object): status Active | Inactive with inactive_reason
 * (switched_off, lifetime_ended), dates, configuration files with their license names. */
json_object *mdr_tenant_view(json_object *tenant, json_object *licenses, int64_t now_ms,
                             const char *lang);

/* Sorts an array of cloud tenants or views by expiration_time descending (no expiry last,
 * then by name). */
void mdr_tenants_sort(json_object *array);

#endif
