/* actions.h — the handlers listed in actions.c, one block per area file. */
#ifndef MDR_ACTIONS_H
#define MDR_ACTIONS_H

#include "module.h"

/* area_plugin.c */
ksc_status mdr_plugin_info(ksc_module *module, const ksc_call *call, char **response);

/* area_rights.c */
ksc_status mdr_rights_presets(ksc_module *module, const ksc_call *call, char **response);

#endif
