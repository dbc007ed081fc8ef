/* wizard.h — the Getting Started tab: its steps come from wizards/getting-started.xml
 * (checked against wizards/getting-started.xsd with libxml2 when the module loads, load.c);
 * each step's "done" is a condition computed from the real state (conditions.c), never from
 * a click; actions.c answers mdr.wizard.get and mdr.wizard.create_roles. */
#ifndef MDR_WIZARD_H
#define MDR_WIZARD_H

#include "core/module.h"

#include <json-c/json.h>
#include <stddef.h>

#define MDR_WIZARD_MAX_STEPS 32
#define MDR_WIZARD_MAX_SEE_ALSO 8

typedef struct mdr_wizard_step {
    char id[33];
    char title_key[97];
    char text_key[97];
    char action[97];                            /* the action the step's button calls */
    char done_when[33];                         /* a condition of conditions.c */
    char see_also[MDR_WIZARD_MAX_SEE_ALSO][97]; /* actions of other tabs, named only */
    size_t see_also_count;
    int line; /* in the XML, for the load error */
} mdr_wizard_step;

typedef struct mdr_wizard {
    char id[33];
    mdr_wizard_step steps[MDR_WIZARD_MAX_STEPS];
    size_t step_count;
} mdr_wizard;

/* Parses and validates a wizard against its schema, then checks what the schema cannot: each
 * done-when names a condition and each button an action of the module. 0, or -1 with "line N:
 * reason" in err. */
int mdr_wizard_parse(const char *xml, size_t xml_len, const char *xsd, size_t xsd_len,
                     mdr_wizard *out, char *err, size_t err_size);

/* The compiled-in Getting Started wizard, parsed once; NULL with the reason in err. */
const mdr_wizard *mdr_wizard_getting_started(char *err, size_t err_size);

/* ---- conditions.c ------------------------------------------------------------------------ */

/* One step's state: done, and why (a localized sentence), plus the measured figures. */
typedef struct mdr_wizard_state {
    int done;
    int not_needed;         /* the step does not apply here (then done is 1 too) */
    json_object *details;   /* new object or NULL: the figures behind "why" */
    char why_key[97];       /* catalog key of the reason */
    const char *params[17]; /* {name, value, …, NULL} for the reason's placeholders */
    char values[8][128];    /* storage the params point into */
} mdr_wizard_state;

typedef void (*mdr_wizard_condition_fn)(ksc_module *m, const ksc_call *call, mdr_wizard_state *st);
/* The condition named `name`, NULL when there is none. */
mdr_wizard_condition_fn mdr_wizard_condition(const char *name);

/* The three MDR role presets (rights/mdr-rights.xml) and which of them the console has as
 * roles with the preset's rights: *present / *missing new arrays of preset ids. 0, -1 when
 * the host cannot say. */
int mdr_wizard_roles(ksc_module *m, json_object **present, json_object **missing);

#endif
