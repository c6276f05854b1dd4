#include "cordon.h"

const char *cordon_version(void) { return CORDON_VERSION; }
