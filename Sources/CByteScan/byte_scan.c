// Everything is in include/byte_scan.h (static inline); a C target needs one source file.
#include "byte_scan.h"
