/* A module that exports two symbols: proves the export check of test_abi can fail. */
#include <ksc/plugin.h>

KSC_PLUGIN_EXPORT int ksc_plugin_entry(void);
KSC_PLUGIN_EXPORT int leaked_helper(void);

int ksc_plugin_entry(void)
{
    return 1;
}

int leaked_helper(void)
{
    return 2;
}
