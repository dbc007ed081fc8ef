/* seedgen_ids.c — prints the device ids seed_machine_make gives for `devices generate`'s
 * arguments, so the host test can compare them: seedgen_ids SEED COUNT NEVER_SENT. */
#include "seedgen.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 4)
        return 2;
    uint64_t seed = strtoull(argv[1], NULL, 10);
    uint32_t count = (uint32_t)strtoul(argv[2], NULL, 10);
    uint32_t never = (uint32_t)strtoul(argv[3], NULL, 10);
    for (uint32_t i = 0; i < count; i++) {
        seed_machine m;
        int silent = i >= count - never;
        seed_machine_make(seed, silent ? i - (count - never) : i, silent, 0, &m);
        printf("%s\n", m.device_id);
    }
    return 0;
}
