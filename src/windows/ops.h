/* Windows ops: what the Windows apply layer executes, as plain data.
 *
 * The lowering (cd_win_lower and its pieces below) turns a plan into these ops with
 * pure functions: no Win32, no file I/O, so it is unit-tested on Linux and `cordon
 * explain --platform windows` prints it anywhere. The apply layer (src/windows/win32)
 * executes the ops and decides nothing: every security decision is made here, and
 * commented where it is made. The capability SID store (cap_sids.h) is the only part
 * that touches files, and it is kept apart.
 *
 * Numeric constants are the real Win32 values (winnt.h, icftypes.h, fwptypes.h), so
 * the apply layer passes them through unchanged.
 *
 * How a run is enforced, in short:
 *  - the command runs with a WRITE-RESTRICTED token (cd_win_token): a write needs
 *    both the identity's own SIDs and one of the restricting SIDs to be allowed;
 *    reads are decided by the identity's own SIDs alone;
 *  - writes: capability SIDs get allow ACEs on writable roots, deny ACEs on
 *    read-only carveouts and on every Everyone-writable directory outside the
 *    writable roots (Everyone is a restricting SID, so such a directory would be
 *    writable otherwise);
 *  - reads: deny_read paths are hidden with a deny ACE for the sandbox group, which
 *    only works when the command runs as a sandbox user: so does every plan with a
 *    deny_read path (cd_win_identity);
 *  - network: the offline sandbox user is confined by firewall rules and WFP
 *    filters scoped to that user; offline and proxy runs always use it.
 *
 * Apply order: aces[] is in apply order. Deny ACEs come before allow ACEs and the
 * deferred read grants come last, so any prefix of the list grants no more than the
 * whole list: an apply that stops half-way never leaves more access than planned.
 * The apply layer must write ACLs in canonical order: explicit deny, explicit allow,
 * then inherited ACEs nearest parent first. SetEntriesInAcl is not relied on for it
 * (Wine's does not produce it), so the apply layer reorders the ACL itself
 * (setup/acl_apply.c) before writing it. That order is what
 * makes a reopened writable path under a read-only carveout work: its explicit allow
 * is checked before the deny it inherits from the carveout.
 *
 * ACEs persist on disk: an allow a previous run applied for a capability SID and
 * that this run's aces[] lacks (yesterday's extra writable root) would still grant
 * write. The apply layer keeps a ledger of what it applied and removes such ACEs
 * before the command starts.
 *
 * Firewall rules are machine-wide for the offline user: a run may start only when
 * the installed rules are exactly fw_rules (allow_local_binding changes them), so
 * one run's wider loopback never leaks into another's. The setup marker records
 * which way they were installed, and cd_setup_check refuses a run whose
 * allow_local_binding differs. */
#ifndef CD_WIN_OPS_H
#define CD_WIN_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cordon.h"
#include "policy/plan.h"

/* Bumped whenever a firewall rule, WFP filter, identity or ACE rule changes, so that
 * machines set up by an older cordon are set up again. The setup marker records it. */
#define CD_WIN_SETUP_VERSION 1

/* Identities created by the elevated setup. */
#define CD_WIN_USER_OFFLINE "CordonSandboxOffline"
#define CD_WIN_USER_ONLINE "CordonSandboxOnline"
#define CD_WIN_GROUP "CordonSandboxUsers"

/* ---- access rights (winnt.h) ---- */
#define CD_WIN_FILE_READ_DATA 0x00000001u /* FILE_LIST_DIRECTORY on a directory */
#define CD_WIN_FILE_WRITE_DATA 0x00000002u /* FILE_ADD_FILE */
#define CD_WIN_FILE_APPEND_DATA 0x00000004u /* FILE_ADD_SUBDIRECTORY */
#define CD_WIN_FILE_READ_EA 0x00000008u
#define CD_WIN_FILE_WRITE_EA 0x00000010u
#define CD_WIN_FILE_EXECUTE 0x00000020u /* FILE_TRAVERSE */
#define CD_WIN_FILE_DELETE_CHILD 0x00000040u
#define CD_WIN_FILE_READ_ATTRIBUTES 0x00000080u
#define CD_WIN_FILE_WRITE_ATTRIBUTES 0x00000100u
#define CD_WIN_DELETE 0x00010000u
#define CD_WIN_READ_CONTROL 0x00020000u
#define CD_WIN_WRITE_DAC 0x00040000u
#define CD_WIN_WRITE_OWNER 0x00080000u
#define CD_WIN_SYNCHRONIZE 0x00100000u
#define CD_WIN_FILE_GENERIC_READ 0x00120089u
#define CD_WIN_FILE_GENERIC_WRITE 0x00120116u
#define CD_WIN_FILE_GENERIC_EXECUTE 0x001200A0u
#define CD_WIN_FILE_ALL_ACCESS 0x001F01FFu

/* The masks cordon writes (each explained in lower_acl.c). */
#define CD_WIN_MASK_READ (CD_WIN_FILE_GENERIC_READ | CD_WIN_FILE_GENERIC_EXECUTE)
#define CD_WIN_MASK_WRITE                                                             \
  (CD_WIN_FILE_GENERIC_READ | CD_WIN_FILE_GENERIC_WRITE | CD_WIN_FILE_GENERIC_EXECUTE)
#define CD_WIN_MASK_DENY_WRITE                                                        \
  (CD_WIN_FILE_WRITE_DATA | CD_WIN_FILE_APPEND_DATA | CD_WIN_FILE_WRITE_EA |          \
   CD_WIN_FILE_WRITE_ATTRIBUTES | CD_WIN_FILE_DELETE_CHILD | CD_WIN_DELETE |          \
   CD_WIN_WRITE_DAC | CD_WIN_WRITE_OWNER)
#define CD_WIN_MASK_DENY_ALL CD_WIN_FILE_ALL_ACCESS

/* ---- ACE inheritance flags (winnt.h) ---- */
#define CD_WIN_OBJECT_INHERIT_ACE 0x1u
#define CD_WIN_CONTAINER_INHERIT_ACE 0x2u
#define CD_WIN_INHERIT_ONLY_ACE 0x8u
#define CD_WIN_INHERIT_DIR (CD_WIN_OBJECT_INHERIT_ACE | CD_WIN_CONTAINER_INHERIT_ACE)

/* ---- capability SIDs ---- */
/* "S-1-5-21-" and four 32-bit decimal sub-authorities fit in 64 bytes. */
#define CD_WIN_SID_MAX 64
#define CD_WIN_SID_EVERYONE "S-1-1-0"

typedef enum cd_win_cap {
  CD_WIN_CAP_GENERIC,   /* temp dirs and extra writable roots, installation-wide */
  CD_WIN_CAP_WORKSPACE, /* writable paths inside this run's workspace root */
  CD_WIN_CAP_READONLY,  /* carried when nothing is writable: never named by an allow */
  CD_WIN_CAP_COUNT,
} cd_win_cap;

/* The SIDs of one run: from the store (cap_sids.h), or built by hand in tests. */
typedef struct cd_win_cap_sids {
  char sid[CD_WIN_CAP_COUNT][CD_WIN_SID_MAX]; /* workspace "" when there is none */
  char *workspace_root;                       /* its key; NULL when none */
} cd_win_cap_sids;

const char *cd_win_cap_name(cd_win_cap cap); /* "generic", "workspace", "readonly" */
/* True if ANCESTOR is PATH or a component-wise ancestor of it, with '/' or '\\' as
 * separators: the lowering does not care about the path syntax. */
bool cd_win_path_within(const char *path, const char *ancestor);
/* True if SID has the form cordon generates: "S-1-5-21-" and four decimal 32-bit
 * numbers. Well-known SIDs (Everyone, Users, ...) never have it. */
bool cd_win_cap_sid_valid(const char *sid);
void cd_win_cap_sids_clear(cd_win_cap_sids *caps);
/* The workspace root of PLAN: the writable plan path equal to its cwd, or NULL
 * (read-only mode, or a cwd that is not itself a writable root). */
const char *cd_win_workspace_root(const cd_plan *plan);

/* ---- ACE operations ---- */
typedef enum cd_win_ace_type { CD_WIN_ACE_ALLOW, CD_WIN_ACE_DENY } cd_win_ace_type;

typedef enum cd_win_trustee {
  CD_WIN_TRUSTEE_CAP,   /* a capability SID: sid holds it */
  CD_WIN_TRUSTEE_GROUP, /* CD_WIN_GROUP, looked up by name on the machine */
} cd_win_trustee;

/* Why an ACE exists: for explain, and for tests. */
typedef enum cd_win_ace_why {
  CD_WIN_WHY_WRITABLE_ROOT,     /* a writable root */
  CD_WIN_WHY_REOPENED,          /* writable/readable again under a deny_write or deny_read */
  CD_WIN_WHY_READABLE_ROOT,     /* read for the sandbox group */
  CD_WIN_WHY_DENY_WRITE,        /* a read-only carveout or protected child */
  CD_WIN_WHY_DENY_READ,         /* a hidden path (secrets) */
  CD_WIN_WHY_EVERYONE_WRITABLE, /* an Everyone-writable directory outside the writable roots */
} cd_win_ace_why;

typedef struct cd_win_ace {
  char *path;
  cd_win_ace_type type;
  cd_win_trustee trustee;
  cd_win_cap cap;           /* when trustee is CD_WIN_TRUSTEE_CAP */
  char sid[CD_WIN_SID_MAX]; /* the capability SID; "" for the group */
  uint32_t mask;            /* CD_WIN_MASK_* */
  uint32_t inheritance;     /* CD_WIN_INHERIT_DIR (+INHERIT_ONLY) on directories, 0 on files */
  bool deferred;            /* a read grant: may be applied by the background helper */
  cd_win_ace_why why;
} cd_win_ace;

const char *cd_win_ace_why_name(cd_win_ace_why why);

/* ---- identity and token ---- */
typedef enum cd_win_variant {
  CD_WIN_UNELEVATED, /* the caller's own token, restricted */
  CD_WIN_ELEVATED,   /* logon as a sandbox user (needs the one-time elevated setup) */
} cd_win_variant;

typedef struct cd_win_identity {
  cd_win_variant variant; /* what the run uses, which may exceed what was asked */
  const char *user;       /* CD_WIN_USER_*, or NULL: the caller (unelevated) */
  const char *group;      /* CD_WIN_GROUP */
  const char *reason;     /* one line: why this identity */
} cd_win_identity;

/* CreateRestrictedToken flags (winnt.h). */
#define CD_WIN_DISABLE_MAX_PRIVILEGE 0x1u
#define CD_WIN_LUA_TOKEN 0x4u
#define CD_WIN_WRITE_RESTRICTED 0x8u

typedef enum cd_win_token_sid_kind {
  CD_WIN_TOKEN_LOGON,        /* the logon session SID, read from the base token */
  CD_WIN_TOKEN_EVERYONE,     /* S-1-1-0 */
  CD_WIN_TOKEN_CAP,          /* a capability SID */
  CD_WIN_TOKEN_SANDBOX_USER, /* identity.user's own SID, looked up on the machine */
} cd_win_token_sid_kind;

typedef struct cd_win_token_sid {
  cd_win_token_sid_kind kind;
  cd_win_cap cap;           /* when kind is CD_WIN_TOKEN_CAP */
  char sid[CD_WIN_SID_MAX]; /* literal SID when known here ("" for logon and user) */
} cd_win_token_sid;

#define CD_WIN_TOKEN_SIDS_MAX (3 + CD_WIN_CAP_COUNT)
typedef struct cd_win_token {
  uint32_t flags; /* CD_WIN_DISABLE_MAX_PRIVILEGE | CD_WIN_LUA_TOKEN | CD_WIN_WRITE_RESTRICTED */
  cd_win_token_sid sids[CD_WIN_TOKEN_SIDS_MAX]; /* the restricting SIDs, in this order */
  size_t n_sids;
} cd_win_token;

/* The token spec as one command-line word, so the runner (which starts each
 * command in the elevated variant) builds the same token: "FLAGS,ENTRY,...", FLAGS
 * in hex, each ENTRY "logon", "everyone", "<cap name>:<SID>" or "user:<account>".
 * Encode fails (and writes nothing usable) for a spec the decoder would refuse:
 * unknown flags, no DISABLE_MAX_PRIVILEGE, no restricting SID, a capability SID not
 * of cordon's form, a user other than the sandbox users. Decode sets *USER to the
 * CD_WIN_USER_* constant the spec names, or NULL. */
#define CD_WIN_TOKEN_ARG_MAX 512
int cd_win_token_encode(const cd_win_token *t, const char *user,
                        char out[CD_WIN_TOKEN_ARG_MAX], cordon_error *err);
int cd_win_token_decode(const char *arg, cd_win_token *out, const char **user,
                        cordon_error *err);

/* ---- network: relay ports, firewall rules, WFP filters ---- */
/* Proxy ports are reached through a fixed range of loopback relay ports chosen at
 * setup, so the firewall rules never name a proxy port: a new proxy port changes no
 * rule and needs no elevation. Below the default dynamic range (49152-65535), so no
 * outgoing connection's local port collides with a relay. */
#define CD_WIN_RELAY_PORT_BASE 48620
#define CD_WIN_RELAY_PORT_COUNT 10

/* Port proxy_port of the plan is reached, inside the sandbox, at relay_port: the
 * runner rewrites the loopback proxy URLs in the command's environment to it, and a
 * relay outside the sandbox forwards relay_port to 127.0.0.1:proxy_port. The relay
 * must accept a connection only from a process of its own run (e.g. in the run's job
 * object): every offline and proxy run shares the offline user's firewall rules, so
 * the firewall alone cannot keep an offline run away from another run's relay. */
typedef struct cd_win_relay {
  uint16_t proxy_port;
  uint16_t relay_port;
} cd_win_relay;

/* INetFwRule values (icftypes.h). */
typedef enum cd_win_fw_direction { CD_WIN_FW_IN = 1, CD_WIN_FW_OUT = 2 } cd_win_fw_direction;
typedef enum cd_win_fw_action { CD_WIN_FW_BLOCK = 0, CD_WIN_FW_ALLOW = 1 } cd_win_fw_action;
#define CD_WIN_FW_PROTO_TCP 6
#define CD_WIN_FW_PROTO_UDP 17
#define CD_WIN_FW_PROTO_ANY 256
#define CD_WIN_FW_PROFILES_ALL 0x7FFFFFFF
#define CD_WIN_FW_GROUPING "cordon"

/* "O:LSD:(A;;CC;;;" SID ")" */
#define CD_WIN_SDDL_MAX (CD_WIN_SID_MAX + 32)

/* One rule as INetFwRule3 takes it. Strings use the firewall's syntax; "*" is any.
 * Ports are "" (not set) when the protocol is CD_WIN_FW_PROTO_ANY. */
typedef struct cd_win_fw_rule {
  char name[64]; /* unique, stable: the apply layer finds its rules by name */
  const char *description;
  cd_win_fw_direction direction;
  cd_win_fw_action action;
  int protocol;
  char local_addresses[16];
  char remote_addresses[128];
  char local_ports[16];
  char remote_ports[32];
  const char *user;                    /* the account the rule is about */
  char local_user_sddl[CD_WIN_SDDL_MAX]; /* INetFwRule3::LocalUserAuthorizedList */
  int32_t profiles;                    /* CD_WIN_FW_PROFILES_ALL */
  const char *grouping;                /* CD_WIN_FW_GROUPING */
} cd_win_fw_rule;

/* Same layout as the Win32 GUID. */
typedef struct cd_win_guid {
  uint32_t data1;
  uint16_t data2;
  uint16_t data3;
  uint8_t data4[8];
} cd_win_guid;

/* "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" into BUF (at least 39 bytes). */
void cd_win_guid_format(const cd_win_guid *guid, char buf[static 39]);

/* fwptypes.h / fwpmtypes.h values. */
#define CD_WIN_FWP_MATCH_EQUAL 0u
#define CD_WIN_FWP_ACTION_BLOCK 0x00001001u /* FWP_ACTION_BLOCK | FWP_ACTION_FLAG_TERMINATING */
#define CD_WIN_FWPM_FILTER_FLAG_PERSISTENT 0x1u
#define CD_WIN_FWPM_PROVIDER_FLAG_PERSISTENT 0x1u
#define CD_WIN_FWPM_SUBLAYER_FLAG_PERSISTENT 0x1u
#define CD_WIN_WFP_SUBLAYER_WEIGHT 0x8000u
#define CD_WIN_WFP_FILTER_WEIGHT 15u /* FWP_UINT8: the highest automatic weight */
#define CD_WIN_WFP_PROVIDER_NAME "cordon"
#define CD_WIN_WFP_SUBLAYER_NAME "cordon sandbox"

extern const cd_win_guid cd_win_wfp_provider_key;
extern const cd_win_guid cd_win_wfp_sublayer_key;

typedef enum cd_win_wfp_value_type {
  CD_WIN_WFP_UINT8 = 1,                     /* FWP_UINT8 */
  CD_WIN_WFP_UINT16 = 2,                    /* FWP_UINT16 */
  CD_WIN_WFP_SECURITY_DESCRIPTOR_TYPE = 14, /* FWP_SECURITY_DESCRIPTOR_TYPE, from SDDL */
} cd_win_wfp_value_type;

typedef struct cd_win_wfp_condition {
  const char *field; /* "FWPM_CONDITION_IP_PROTOCOL", ... */
  cd_win_guid field_key;
  uint32_t match; /* CD_WIN_FWP_MATCH_EQUAL */
  cd_win_wfp_value_type type;
  uint16_t value;                 /* UINT8 / UINT16 */
  char sddl[CD_WIN_SDDL_MAX];     /* SECURITY_DESCRIPTOR_TYPE */
} cd_win_wfp_condition;

#define CD_WIN_WFP_CONDITIONS_MAX 2
typedef struct cd_win_wfp_filter {
  char name[64];   /* stable */
  cd_win_guid key; /* stable: the same filter has the same key on every machine */
  const char *layer; /* "FWPM_LAYER_ALE_AUTH_CONNECT_V4", ... */
  cd_win_guid layer_key;
  cd_win_wfp_condition conditions[CD_WIN_WFP_CONDITIONS_MAX];
  size_t n_conditions;
  uint32_t action; /* CD_WIN_FWP_ACTION_BLOCK */
  uint8_t weight;  /* FWP_UINT8 */
  uint32_t flags;  /* CD_WIN_FWPM_FILTER_FLAG_PERSISTENT */
} cd_win_wfp_filter;

/* ---- the whole lowering ---- */
typedef struct cd_win_lower_input {
  cd_win_variant variant; /* asked for: elevated when the setup is done */
  const cd_win_cap_sids *caps;
  /* Directories Everyone may write to, found by the apply layer on Windows (tests
   * pass a list). Those outside the writable roots get deny ACEs. */
  const char *const *everyone_writable;
  size_t n_everyone_writable;
  /* The offline user's SID, for the firewall and WFP user conditions; NULL when not
   * known (explain off Windows): the SDDL then names the account in angle brackets,
   * which no Win32 parser accepts, so it cannot be applied by mistake. */
  const char *offline_user_sid;
} cd_win_lower_input;

typedef struct cd_win_ops {
  bool unsandboxed; /* danger-full-access: run directly; nothing below is set */
  int setup_version;
  /* Explicit carveouts that do not exist yet (plan->create): created as empty
   * directories before any ACE is applied, so the command cannot create them later
   * without the carveout's ACEs. */
  cd_strv create;
  cd_win_cap_sids caps; /* a copy of the input's */
  unsigned caps_used;   /* bit (1 << cd_win_cap) for each SID the token carries */
  cd_win_identity identity;
  cd_win_token token; /* for identity */
  cd_win_ace *aces;   /* in apply order */
  size_t n_aces;
  cd_win_relay relays[CD_WIN_RELAY_PORT_COUNT];
  size_t n_relays;
  cd_win_fw_rule *fw_rules; /* for the offline user; none in online runs */
  size_t n_fw_rules;
  cd_win_wfp_filter *wfp_filters; /* idem */
  size_t n_wfp_filters;
} cd_win_ops;

/* PLAN -> OPS. Returns 0, or -1 with ERR naming the entry the lowering cannot
 * express exactly and why; OPS is then empty. Clear OPS with cd_win_ops_clear. */
int cd_win_lower(const cd_plan *plan, const cd_win_lower_input *in, cd_win_ops *ops,
                 cordon_error *err);
void cd_win_ops_clear(cd_win_ops *ops);

/* The pieces, each pure. */
void cd_win_lower_identity(const cd_plan *plan, cd_win_variant asked, cd_win_identity *out);
/* The capability SIDs PLAN's allows use: generic if a writable root lies outside
 * the workspace root, workspace if one lies inside, readonly if neither. */
unsigned cd_win_caps_used(const cd_plan *plan, const cd_win_cap_sids *caps);
void cd_win_lower_token(const cd_win_cap_sids *caps, unsigned caps_used,
                        cd_win_variant variant, cd_win_token *out);
/* ACEs in apply order into *OUT (free each path, then the array). */
int cd_win_lower_aces(const cd_plan *plan, const cd_win_lower_input *in, unsigned caps_used,
                      cd_win_variant variant, cd_win_ace **out, size_t *n, cordon_error *err);
void cd_win_aces_free(cd_win_ace *aces, size_t n);
/* Proxy port i of NET -> CD_WIN_RELAY_PORT_BASE + i. Fails for more ports than the
 * range holds, and for a proxy port inside the range. */
int cd_win_map_relays(const cd_plan_network *net, cd_win_relay out[CD_WIN_RELAY_PORT_COUNT],
                      size_t *n, cordon_error *err);
/* The offline user's rules and filters (what setup installs). Arrays are malloc'd. */
int cd_win_lower_firewall(bool allow_local_binding, const char *offline_user_sid,
                          cd_win_fw_rule **out, size_t *n, cordon_error *err);
int cd_win_lower_wfp(const char *offline_user_sid, cd_win_wfp_filter **out, size_t *n,
                     cordon_error *err);
/* "O:LSD:(A;;CC;;;SID)" (owner LocalSystem, match right for SID) for USER_SID, or
 * with "<ACCOUNT>" in place of the SID when USER_SID is NULL. */
void cd_win_user_sddl(const char *user_sid, const char *account, char out[CD_WIN_SDDL_MAX]);

#endif
