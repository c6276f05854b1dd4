/* PLACEHOLDER: the Landlock helper replaces this file. */
#include "linux/landlock.h"
