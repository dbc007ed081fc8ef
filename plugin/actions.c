/* actions.c — THE table of the module's actions and event hooks. Adding an action: one line
 * here plus one <action> in rights/mdr-rights.xml naming the areas it requires (the module
 * refuses to load when the two lists differ). Adding event hooks: one line in
 * mdr_hook_table. */
#include "actions.h"

const mdr_action_def mdr_action_table[] = {
    {"mdr.plugin.info", mdr_plugin_info, 0},
    {"mdr.rights.presets", mdr_rights_presets, 0},
};
const size_t mdr_action_count = sizeof mdr_action_table / sizeof mdr_action_table[0];

/* {area name, on_login, on_timer, on_shutdown}: later areas (ksn, health, …) add lines. The
 * sentinel keeps the array non-empty while no area has hooks. */
const mdr_area_hooks mdr_hook_table[] = {
    {"none", NULL, NULL, NULL},
};
const size_t mdr_hook_count = sizeof mdr_hook_table / sizeof mdr_hook_table[0];
