/* embedded.h — the files compiled into the module by CMake (ksc_embed_files). */
#ifndef MDR_EMBEDDED_H
#define MDR_EMBEDDED_H

#include "ksc_embedded.h"

extern const ksc_embedded_file mdr_rights_files[]; /* rights/mdr-rights.xml */
extern const ksc_embedded_file mdr_locale_files[]; /* locales/mdr.LANG.xlf */
extern const ksc_embedded_file mdr_sql_files[];    /* resources/sql/NNN_name.sql */
extern const ksc_embedded_file mdr_wizard_files[]; /* wizards/: the XML and its schema */

#endif
