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
 *
 * Two layers, both applied by every function below (help: "Activating … in Kaspersky Security
 * Center": the tenants selected at activation are the tenants this Administration Server's
 * users may access):
 *  1. the server's scope: the tenants selected at the last activation, recorded from the
 *     service's status (mdr_tenant_access_set_scope); none recorded = every tenant. The
 *     assets without a tenant (the root) are always in scope.
 *  2. the user's grant, narrowing the scope further.
 * An area asks only these functions (never the tables): mdr_tenant_access_restricted says
 * whether to filter at all, mdr_tenant_access_visible_id decides each tenant id, and
 * mdr_tenant_access_visible_ids gives the whole effective set for SQL filters.
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

/* 1 when the user sees only some tenants (a grant or the server's scope), 0 when they see
 * all, -1 on error. */
int mdr_tenant_access_restricted(sqlite3 *db, const char *user);

/* 1 when the user has a grant of their own (narrower than the server's scope), 0 when not, -1
 * on error: who may grant "all" (an ungranted user within a scoped server may). */
int mdr_tenant_access_has_grant(sqlite3 *db, const char *user);

/* Replaces the user's set: `tenants` = [{"tenant_id", "name"}] (borrowed). Run inside a
 * transaction (mdr_store_tx). 0 or -1. */
int mdr_tenant_access_set(sqlite3 *db, const char *user, int root, json_object *tenants,
                          const char *granted_by, int64_t now_ms);
/* Lifts the user's restriction. 0 or -1. */
int mdr_tenant_access_clear(sqlite3 *db, const char *user);
/* Adds one tenant to a restricted user's set (no-op when unrestricted) and, when a server
 * scope is recorded, to the scope (a tenant made on this server is this server's). 0 or -1. */
int mdr_tenant_access_add(sqlite3 *db, const char *user, const char *tenant_id,
                          const char *tenant_name);
/* Keeps names current; drops a deleted tenant from every set and the scope. 0 or -1. */
int mdr_tenant_access_rename(sqlite3 *db, const char *tenant_id, const char *tenant_name);
int mdr_tenant_access_forget(sqlite3 *db, const char *tenant_id);

/* The server's scope: `tenant_ids` = ["id", …] (borrowed) or NULL for every tenant. 0 or -1. */
int mdr_tenant_access_set_scope(sqlite3 *db, json_object *tenant_ids);
/* The recorded scope as a new array of ids, or NULL when every tenant is in scope (*error
 * set to 1 on a store error). */
json_object *mdr_tenant_access_scope(sqlite3 *db, int *error);

/* The effective set of a restricted user: a new array of tenant ids and *root (the assets
 * without a tenant); NULL with *root = 1 when the user sees every tenant; NULL with *root = -1
 * on a store error. */
json_object *mdr_tenant_access_visible_ids(sqlite3 *db, const char *user, int *root);

/* [{user, root, tenants: [{id, name}], granted_by, granted_ms}] (new), NULL on error. */
json_object *mdr_tenant_access_list(sqlite3 *db);

#endif
