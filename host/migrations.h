/* migrations.h — the host store's forward migrations, one SQL script per schema version. */
#ifndef KSC_HOST_MIGRATIONS_H
#define KSC_HOST_MIGRATIONS_H

#include <stddef.h>

extern const char *const host_migrations[];
extern const size_t host_migration_count;

#endif
