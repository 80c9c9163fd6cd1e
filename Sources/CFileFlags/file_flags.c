#define _GNU_SOURCE
#include <fcntl.h>

#include "file_flags.h"

int wirebeat_o_direct(void) {
#ifdef O_DIRECT
    return O_DIRECT;
#else
    return 0;
#endif
}
