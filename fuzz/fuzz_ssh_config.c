/* libFuzzer target for the ssh-config scanner. HOME does not exist, so relative
 * and ~ Includes find nothing; absolute ones read the real filesystem, as cordon
 * would. Besides not crashing, leaking or hanging, every collected path must be
 * absolute or start with a run-time variable, and appear once. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/strv.h"
#include "policy/ssh_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  cd_strv out = {0};
  cordon_error err = {0};
  int r = cd_ssh_config_collect_text((const char *)data, size, "fuzz",
                                     "/nonexistent/cordon-fuzz-home", &out, &err);
  if (r == 0) {
    for (size_t i = 0; i < out.len; i++) {
      if (out.items[i][0] != '/' && out.items[i][0] != '$')
        abort();
      for (size_t j = 0; j < i; j++)
        if (strcmp(out.items[i], out.items[j]) == 0)
          abort();
    }
  } else if (r != -1 || memchr(err.message, '\0', sizeof err.message) == NULL) {
    abort();
  }
  cd_strv_free(&out);
  return 0;
}
