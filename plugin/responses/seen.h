/* seen.h — what a responses action sees: the incidents (with their embedded responses) the
 * public REST API lists, the organization's tenants and its auto-accept settings, walked
 * through the caller's tenant visibility (core/tenant_access). Shared by actions.c (list,
 * get), decide.c (accept, reject) and password.c (the isolation password). */
#ifndef MDR_RESPONSES_SEEN_H
#define MDR_RESPONSES_SEEN_H
#include "core/cloud_link.h"

#include <json-c/json.h>
#include <sqlite3.h>
#include <stddef.h>

typedef struct responses_seen {
    json_object *incidents; /* array of incidents/list objects */
    json_object *tenants;   /* console tenants/list */
    json_object *settings;  /* console settings/get, or NULL when unavailable */
} responses_seen;

/* Every incident `filter` (borrowed; NULL = all) matches, page by page, with the tenants and
 * settings. *s is filled even on failure: free it with responses_seen_free. */
mdr_cloud_status responses_fetch(ksc_module *m, json_object *filter, responses_seen *s,
                                 mdr_cloud_error *err);
void responses_seen_free(responses_seen *s);
/* What an action on one or more responses starts with: the calling thread's store connection
 * and every incident (responses_fetch with no filter). 0 when both are ready (free *s), or -1
 * when the call has been answered (a store or cloud error in *response, *st its status). */
int responses_open_all(ksc_module *m, const ksc_call *call, sqlite3 **db, responses_seen *s,
                       ksc_status *st, char **response);
/* 1 when the organization has the tenant (not deleted). */
int responses_tenant_known(const responses_seen *s, const char *tenant_id);

/* fn(ctx, incident, response, tenant_id) for each response the user sees; stops when fn
 * returns non-zero (then 1). */
typedef int (*responses_visit_fn)(void *ctx, json_object *inc, json_object *r,
                                  const char *tenant_id);
int responses_visit(sqlite3 *db, const char *user, const responses_seen *s, responses_visit_fn fn,
                    void *ctx);

/* A responses_visit_fn finding the response `id`. */
typedef struct responses_find_ctx {
    const char *id;
    json_object *inc, *r;
    const char *tenant_id;
} responses_find_ctx;
int responses_find_one(void *p, json_object *inc, json_object *r, const char *tid);

/* The response as the console shows it, in `lang` (new object). */
json_object *responses_view(const responses_seen *s, json_object *inc, json_object *r,
                            const char *tenant_id, const char *lang);

/* Replies: response_not_found for `id`; a failed cloud call. */
ksc_status responses_not_found(ksc_module *m, const ksc_call *call, const char *id,
                               char **response);
ksc_status responses_cloud_failed(ksc_module *m, const ksc_call *call, const mdr_cloud_error *err,
                                  char **response);

/* A JSON string ("" for NULL); the catalog key of a status ("prefix.Words_of_it"). */
json_object *responses_str(const char *s);
void responses_status_key(char *key, size_t size, const char *prefix, const char *status);
#endif
