/* PLACEHOLDER: the seccomp helper replaces this file. */
#include "linux/seccomp.h"
