/* PLACEHOLDER: the TOML helper replaces this file. */
#include "policy/toml.h"
