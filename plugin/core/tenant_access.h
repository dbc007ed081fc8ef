/* tenant_access.h — which tenants a console user may see.
 *
 * The rule: a user with no grant sees every tenant and the assets without a tenant. Once an
 * MDR Administrator grants a user a set (mdr.tenants.grant {"user", "tenants", "root"}), that
 * user sees only those tenants, plus the assets without a tenant ("Root without tenants")
 * when root is true; mdr.tenants.grant {"user", "all": true} lifts the restriction. A tenant
 * a restricted user creates is added to their set. Deleting a tenant removes it from every
 * set. Grants hold tenant ids, and every check is by id: a name is only a label (kept current
 * on every list, update and delete, for mdr.tenants.grants). Data that names its tenant (the
 * cloud's assets, the console's devices) is resolved to ids by its area through a map taken
 * together with the data (MDR Health: health_tenants), never through these labels. Any store
 * failure answers "not visible" (fail closed). A restricted user never widens a set beyond
 * their own (mdr.tenants.grant). API connections carry their own tenant list in the cloud
 * (connections/create).
 */
#ifndef MDR_TENANT_ACCESS_H
#define MDR_TENANT_ACCESS_H

#include <json-c/json.h>
#include <ksc/plugin.h>
#include <sqlite3.h>
#include <stdint.h>

/* 1 when `user` may see the tenant `tenant_id` ("" or NULL = assets without a tenant, the
 * root), 0 otherwise, -1 on a store error. */
int mdr_tenant_access_visible_id(sqlite3 *db, const char *user, const char *tenant_id);

/* 1 when the user has a restricted set, 0 when they see all, -1 on error. */
int mdr_tenant_access_restricted(sqlite3 *db, const char *user);

/* Replaces the user's set: `tenants` = [{"tenant_id", "name"}] (borrowed). Run inside a
 * transaction (mdr_store_tx). 0 or -1. */
int mdr_tenant_access_set(sqlite3 *db, const char *user, int root, json_object *tenants,
                          const char *granted_by, int64_t now_ms);
/* Lifts the user's restriction. 0 or -1. */
int mdr_tenant_access_clear(sqlite3 *db, const char *user);
/* Adds one tenant to a restricted user's set (no-op when unrestricted). 0 or -1. */
int mdr_tenant_access_add(sqlite3 *db, const char *user, const char *tenant_id,
                          const char *tenant_name);
/* Keeps names current; drops a deleted tenant from every set. 0 or -1. */
int mdr_tenant_access_rename(sqlite3 *db, const char *tenant_id, const char *tenant_name);
int mdr_tenant_access_forget(sqlite3 *db, const char *tenant_id);

/* [{user, root, tenants: [{id, name}], granted_by, granted_ms}] (new), NULL on error. */
json_object *mdr_tenant_access_list(sqlite3 *db);

#endif
