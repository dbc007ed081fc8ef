/* accounts.h — console users, roles of per-area Allow/Deny, and grants. */
#ifndef KSC_HOST_ACCOUNTS_H
#define KSC_HOST_ACCOUNTS_H

#include "host.h"

#include <json-c/json.h>

int accounts_user_exists(host_ctx *ctx, const char *user);
/* The user's language into out; KSC_ERR_NOT_FOUND for an unknown user. */
ksc_status accounts_user_language(host_ctx *ctx, const char *user, char *out, size_t out_size);
ksc_status accounts_user_add(host_ctx *ctx, const char *name, int main_admin, const char *lang,
                             char *err, size_t err_size);
json_object *accounts_user_list(host_ctx *ctx);

ksc_status accounts_role_add(host_ctx *ctx, const char *name, const char *title, const char *preset,
                             char *err, size_t err_size);
/* Sets one area of a role to Allow (1) or Deny (0). The area must be known (rights.h). */
ksc_status accounts_role_set(host_ctx *ctx, const char *role, const char *area, int allow,
                             char *err, size_t err_size);
/* A role from a module's preset: its allowed areas Allow, the module's other areas Deny. */
ksc_status accounts_role_from_preset(host_ctx *ctx, const char *preset_id, char *err,
                                     size_t err_size);
json_object *accounts_role_list(host_ctx *ctx);

/* Grants ROLE to USER globally (server NULL) or on one server. */
ksc_status accounts_grant(host_ctx *ctx, const char *user, const char *role, const char *server,
                          char *err, size_t err_size);

#endif
