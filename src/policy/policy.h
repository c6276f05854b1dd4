/* The policy: what the user asked for, as data. Pure: nothing here touches the
 * filesystem; the resolver (resolve.h) turns a policy into a plan. */
#ifndef CD_POLICY_H
#define CD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strv.h"
#include "cordon.h"

typedef enum cd_access { CD_ACCESS_NONE, CD_ACCESS_READ, CD_ACCESS_WRITE } cd_access;
typedef enum cd_mode {
  CD_MODE_READ_ONLY,
  CD_MODE_WORKSPACE_WRITE,
  CD_MODE_DANGER_FULL_ACCESS,
} cd_mode;
typedef enum cd_network_mode { CD_NET_OFFLINE, CD_NET_PROXY, CD_NET_ONLINE } cd_network_mode;

/* One filesystem entry as written: PATH is ":root", ":cwd", ":tmp", ":home",
 * absolute, "~/..." or relative to :cwd. SOURCE says where it came from
 * ("--writable", "config.toml:7:1") so errors can name it. */
typedef enum cd_layer {
  CD_LAYER_MODE,   /* implied by the mode */
  CD_LAYER_CONFIG, /* the config file */
  CD_LAYER_FLAGS,  /* command-line flags or the API: override the config */
} cd_layer;

typedef struct cd_fs_entry {
  char *path;
  cd_access access;
  cd_layer layer;
  char *source;
} cd_fs_entry;

struct cordon_policy {
  cd_mode mode;
  cd_fs_entry *entries; /* later entries for the same path override earlier ones */
  size_t n_entries;
  cd_network_mode network;
  bool network_set;     /* false: the mode's default */
  uint16_t *proxy_ports;
  size_t n_proxy_ports;
  bool allow_local_binding;
  cd_strv protected_names; /* extra protected child names, besides the built-in ones */
  cd_strv keep_env;        /* variables to keep that are removed by default */
};
typedef struct cordon_policy cd_policy;

/* Names for parsing and printing. Parsers return 0, or -1 if NAME is unknown. */
int cd_access_parse(const char *name, cd_access *out);
int cd_mode_parse(const char *name, cd_mode *out);
int cd_network_parse(const char *name, cd_network_mode *out);
const char *cd_access_name(cd_access a);
const char *cd_mode_name(cd_mode m);
const char *cd_network_name(cd_network_mode n);

void cd_policy_init(cd_policy *p);
void cd_policy_clear(cd_policy *p);
int cd_policy_add_entry(cd_policy *p, const char *path, cd_access access, cd_layer layer,
                        const char *source, cordon_error *err);
int cd_policy_add_proxy_port(cd_policy *p, long port, const char *source, cordon_error *err);

#endif
