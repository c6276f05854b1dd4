/* seccomp, lower: the rule table, and each rule as text. Pure data; seccomp_build.c
 * turns the rules into a libseccomp filter. */
#include "linux/seccomp.h"

#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/socket.h>

#define ALWAYS(name, reason) {.syscall = (name), .errnum = EPERM, .why = (reason)}
#define ARG_EQ(n, v) {.arg = (n), .test = CD_SECCOMP_MASKED_EQ, .mask = 0xffffffffu, .value = (v)}

/* Every namespace type. CLONE_NEWTIME shares its bit (0x80) with clone()'s exit
 * signal, and the kernel reads it as a namespace only through unshare and clone3
 * (both denied whole); in clone()'s flags it refuses exit signals of 128 and up,
 * which name no signal (there are 64). */
#define NAMESPACE_FLAGS                                                                  \
  (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER |          \
   CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWTIME)

/* socket()'s type keeps the kind in its low 4 bits (SOCK_NONBLOCK and SOCK_CLOEXEC
 * sit above them). SOCK_STREAM is 1, so every other kind (DGRAM 2, RAW 3, RDM 4,
 * SEQPACKET 5, DCCP 6, PACKET 10) has a bit of 0xe set; kind 0 the kernel refuses. */
#define SOCK_KIND_NOT_STREAM {.arg = 1, .test = CD_SECCOMP_ANY_BIT, .mask = 0xe}
/* With SOCK_STREAM, protocol 0 means TCP; IPPROTO_SCTP and IPPROTO_MPTCP ride on
 * SOCK_STREAM too, and Landlock's TCP port rules (the fallback's network layer)
 * do not see them. */
#define PROTOCOL_NOT_TCP                                                                 \
  {.arg = 2, .test = CD_SECCOMP_NOT_IN, .values = {0, IPPROTO_TCP}, .n_values = 2}

static const cd_seccomp_rule rule_table[] = {
    /* Terminal injection: TIOCSTI pushes bytes into the terminal's input queue, so
     * a command could type into the user's shell after it exits; TIOCLINUX can
     * paste the console selection the same way. ioctl's command is an unsigned int
     * to the kernel, hence a 32-bit comparison (ARG_EQ). */
    {.syscall = "ioctl", .errnum = EPERM, .why = "terminal injection",
     .conds = {ARG_EQ(1, TIOCSTI)}, .n_conds = 1},
    {.syscall = "ioctl", .errnum = EPERM, .why = "terminal injection",
     .conds = {ARG_EQ(1, TIOCLINUX)}, .n_conds = 1},

    /* New namespaces: inside a new user namespace a command holds every capability
     * again, over mounts and network stacks of its own making: the surface of most
     * unprivileged kernel exploits, and with setns a way back into namespaces it
     * was kept out of. unshare is denied whole: its flags that are not namespaces
     * (CLONE_FILES, CLONE_FS, CLONE_SYSVSEM) have no users a build needs. */
    ALWAYS("unshare", "new namespaces"),
    ALWAYS("setns", "new namespaces"),
    {.syscall = "clone", .errnum = EPERM, .why = "new namespaces",
     .conds = {{.arg = 0, .test = CD_SECCOMP_ANY_BIT, .mask = NAMESPACE_FLAGS}}, .n_conds = 1},
    /* clone3 takes its flags in a struct in memory, where seccomp cannot look.
     * ENOSYS (not EPERM) tells libc that clone3 does not exist, so glibc falls back
     * to clone, whose flags the rule above inspects: threads and fork keep working. */
    {.syscall = "clone3", .errnum = ENOSYS, .why = "new namespaces (flags unreadable)"},

    /* Mounts: the sandbox's root is built from mounts its own user namespace owns,
     * so a command that kept or regained CAP_SYS_ADMIN there could unmount a mask
     * or remount a read-only bind writable. Capabilities are dropped before the
     * command runs; this is the second wall. chroot and the new mount API (fsopen
     * and friends, open_tree, move_mount, mount_setattr) reach the same places. */
    ALWAYS("mount", "mounts"),
    ALWAYS("umount2", "mounts"),
    ALWAYS("pivot_root", "mounts"),
    ALWAYS("chroot", "mounts"),
    ALWAYS("open_tree", "mounts"),
    ALWAYS("move_mount", "mounts"),
    ALWAYS("fsopen", "mounts"),
    ALWAYS("fsconfig", "mounts"),
    ALWAYS("fsmount", "mounts"),
    ALWAYS("fspick", "mounts"),
    ALWAYS("mount_setattr", "mounts"),

    /* Other processes: without a pid namespace (the fallback) the agent and the
     * user's other processes are in reach. Reading or writing their memory, or
     * taking their file descriptors (pidfd_getfd), would step around every
     * filesystem rule. Landlock also refuses ptrace out of its domain. */
    ALWAYS("ptrace", "other processes"),
    ALWAYS("process_vm_readv", "other processes"),
    ALWAYS("process_vm_writev", "other processes"),
    ALWAYS("pidfd_getfd", "other processes"),

    /* Kernel keyrings are not part of any mount or path: the user's keyring holds
     * credentials (Kerberos, ecryptfs, ...) shared with the user's other sessions. */
    ALWAYS("keyctl", "kernel keyrings"),
    ALWAYS("add_key", "kernel keyrings"),
    ALWAYS("request_key", "kernel keyrings"),

    /* Kernel attack surface no build needs: BPF programs, perf events (also side
     * channels), and userfaultfd, which stalls the kernel in the middle of a copy
     * from user memory: the usual way to win the race in a kernel exploit. */
    ALWAYS("bpf", "kernel attack surface"),
    ALWAYS("perf_event_open", "kernel attack surface"),
    ALWAYS("userfaultfd", "kernel attack surface"),

    /* Replacing the kernel or loading code into it needs capabilities the command
     * should not have; denied so a capability left by mistake cannot be used. */
    ALWAYS("kexec_load", "kernel code"),
    ALWAYS("kexec_file_load", "kernel code"),
    ALWAYS("init_module", "kernel code"),
    ALWAYS("finit_module", "kernel code"),
    ALWAYS("delete_module", "kernel code"),

    /* ADDR_NO_RANDOMIZE turns ASLR off for what the command runs next, making any
     * memory-corruption bug in those programs easier to exploit. The query
     * (0xffffffff, the kernel's "read only") and every other persona stay allowed.
     * The kernel reads an unsigned int and accepts unknown bits, so the flag is
     * refused with any other bits around it. */
    {.syscall = "personality", .errnum = EPERM, .why = "ASLR off",
     .conds = {{.arg = 0, .test = CD_SECCOMP_FLAG_EXCEPT, .mask = ADDR_NO_RANDOMIZE,
                .value = 0xffffffffu}},
     .n_conds = 1},

    /* io_uring: operations submitted through a ring run inside the kernel without
     * passing through seccomp (IORING_OP_SOCKET opens a socket the socket rules
     * never see, IORING_OP_OPENAT, _CONNECT, ... likewise), and it is a large
     * kernel attack surface. enter and register are denied too, for a ring whose
     * descriptor was inherited or passed in. */
    ALWAYS("io_uring_setup", "io_uring bypasses seccomp"),
    ALWAYS("io_uring_enter", "io_uring bypasses seccomp"),
    ALWAYS("io_uring_register", "io_uring bypasses seccomp"),

    /* File handles open a file by inode, with no path: they step around mount
     * masks and path-based rules (the "shocker" container escape). Making a
     * handle is denied with opening one, so no tool half-works. */
    ALWAYS("open_by_handle_at", "file handles bypass paths"),
    ALWAYS("name_to_handle_at", "file handles bypass paths"),

    /* Offline and proxy: only TCP and local sockets. Offline runs in a private net
     * namespace with loopback alone and proxy relays TCP; in the fallback there is
     * no net namespace, and these rules with Landlock's TCP port rules are all
     * there is. Families: UNIX and NETLINK are local; every other one is refused,
     * AF_PACKET (raw frames) and AF_VSOCK (to the hypervisor's host, not bound by
     * net namespaces) first among them. */
    {.syscall = "socket", .errnum = EPERM, .why = "no network but TCP",
     .restricted_network = true,
     .conds = {{.arg = 0, .test = CD_SECCOMP_NOT_IN,
                .values = {AF_UNIX, AF_INET, AF_INET6, AF_NETLINK}, .n_values = 4}},
     .n_conds = 1},
    /* IPv4 and IPv6: no UDP (DNS included), raw, SCTP or any socket but TCP. */
    {.syscall = "socket", .errnum = EPERM, .why = "no network but TCP",
     .restricted_network = true,
     .conds = {ARG_EQ(0, AF_INET), SOCK_KIND_NOT_STREAM}, .n_conds = 2},
    {.syscall = "socket", .errnum = EPERM, .why = "no network but TCP",
     .restricted_network = true,
     .conds = {ARG_EQ(0, AF_INET6), SOCK_KIND_NOT_STREAM}, .n_conds = 2},
    {.syscall = "socket", .errnum = EPERM, .why = "no network but TCP",
     .restricted_network = true,
     .conds = {ARG_EQ(0, AF_INET), PROTOCOL_NOT_TCP}, .n_conds = 2},
    {.syscall = "socket", .errnum = EPERM, .why = "no network but TCP",
     .restricted_network = true,
     .conds = {ARG_EQ(0, AF_INET6), PROTOCOL_NOT_TCP}, .n_conds = 2},

    /* The fallback has no mount layer to hide the host's unix sockets (the session
     * bus, systemd, agents, docker), and connecting to one needs no write access,
     * which is all Landlock checks. Without socket(AF_UNIX) none can be reached;
     * socketpair, which reaches nothing outside, stays. */
    {.syscall = "socket", .errnum = EPERM, .why = "no host unix sockets",
     .no_unix_sockets = true, .conds = {ARG_EQ(0, AF_UNIX)}, .n_conds = 1},
};

_Static_assert(sizeof rule_table / sizeof rule_table[0] <= CD_SECCOMP_MAX_RULES,
               "cd_seccomp_filter cannot hold the rule table");

void cd_seccomp_lower(const cd_seccomp_options *options, cd_seccomp_filter *out) {
  out->n_rules = 0;
  for (size_t i = 0; i < sizeof rule_table / sizeof rule_table[0]; i++) {
    const cd_seccomp_rule *rule = &rule_table[i];
    if (rule->restricted_network && options->network == CD_NET_ONLINE)
      continue;
    if (rule->no_unix_sockets && !options->no_unix_sockets)
      continue;
    out->rules[out->n_rules++] = rule;
  }
}

/* A growing line in a fixed buffer, snprintf-style: LEN counts what would have
 * been written had the buffer been large enough; -1 after an encoding error. */
typedef struct line {
  char *buf;
  size_t size;
  int len;
} line;

__attribute__((format(printf, 2, 3))) static void append(line *l, const char *fmt, ...) {
  if (l->len < 0)
    return;
  size_t used = (size_t)l->len < l->size ? (size_t)l->len : l->size;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(l->buf + used, l->size - used, fmt, ap);
  va_end(ap);
  l->len = n < 0 ? -1 : l->len + n;
}

/* One condition as text: "a0 & 0x7e020080 != 0". */
static void append_cond(line *l, const cd_seccomp_cond *c) {
  switch (c->test) {
  case CD_SECCOMP_MASKED_EQ:
    if (c->mask == 0xffffffffu)
      append(l, "a%u == %#x", c->arg, c->value);
    else
      append(l, "a%u & %#x == %#x", c->arg, c->mask, c->value);
    return;
  case CD_SECCOMP_ANY_BIT:
    append(l, "a%u & %#x != 0", c->arg, c->mask);
    return;
  case CD_SECCOMP_FLAG_EXCEPT:
    append(l, "a%u & %#x == %#x && a%u != %#x", c->arg, c->mask, c->mask, c->arg, c->value);
    return;
  case CD_SECCOMP_NOT_IN:
    append(l, "a%u not in {", c->arg);
    for (size_t i = 0; i < c->n_values; i++)
      append(l, "%s%u", i ? ", " : "", c->values[i]);
    append(l, "}");
    return;
  }
}

int cd_seccomp_rule_format(const cd_seccomp_rule *rule, char *buf, size_t size) {
  line l = {.buf = buf, .size = size};
  if (size > 0)
    buf[0] = '\0';
  append(&l, "%s(", rule->syscall);
  for (size_t i = 0; i < rule->n_conds; i++) {
    append(&l, "%s", i ? ", " : "");
    append_cond(&l, &rule->conds[i]);
  }
  const char *name = strerrorname_np(rule->errnum);
  append(&l, ") -> %s: %s", name ? name : "?", rule->why);
  return l.len;
}
