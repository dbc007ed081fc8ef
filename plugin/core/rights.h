/* rights.h — functional areas, role presets, the minimum set of rights and the areas each
 * action requires, read from rights/mdr-rights.xml (embedded) with libxml2. No area or role
 * id is written in C: this file is the one source of truth. */
#ifndef MDR_RIGHTS_H
#define MDR_RIGHTS_H

#include <ksc/plugin.h>

typedef struct mdr_action_rights {
    const char *name;                  /* "mdr.plugin.info" */
    const char *const *required_areas; /* NULL-terminated */
} mdr_action_rights;

typedef struct mdr_rights {
    const ksc_area *areas; /* the module's areas, in file order */
    size_t area_count;
    const ksc_area *host_areas; /* areas of the host that presets may allow */
    size_t host_area_count;
    const ksc_role_preset *roles;
    size_t role_count;
    const char *const *minimum_allowed; /* NULL-terminated area ids */
    const char *const *minimum_denied;
    const mdr_action_rights *actions;
    size_t action_count;
} mdr_rights;

/* Parses and validates a rights document: every id well-formed and unique (module areas
 * "mdr.*", host areas "ksc.*"), every area a role, the minimum set or an action names is
 * declared, the minimum set lists each area exactly once. Returns 0, or -1 with a message
 * naming the line in err. */
int mdr_rights_parse(const char *xml, size_t len, mdr_rights **out, char *err, size_t err_size);
void mdr_rights_free(mdr_rights *rights);

/* The module's rights from the embedded rights/mdr-rights.xml, parsed once (thread-safe). NULL with
 * err filled when the embedded document is invalid (a build defect). */
const mdr_rights *mdr_rights_get(char *err, size_t err_size);

/* Lookups; NULL when unknown. area_find searches module areas then host areas. */
const ksc_area *mdr_rights_area_find(const mdr_rights *rights, const char *area_id);
const char *const *mdr_rights_action_areas(const mdr_rights *rights, const char *action);

#endif
