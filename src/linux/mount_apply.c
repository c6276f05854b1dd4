#include "linux/mount_apply.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/error.h"

/* Where the new root is assembled before pivot_root. It only has to be a directory
 * of the host that exists everywhere: every source has been cloned before anything
 * is attached here, so covering it hides nothing the sandbox needs. */
#define STAGING "/tmp"

/* The device nodes a command needs, bound from the host's /dev: nothing that
 * reaches hardware, the kernel's memory or another terminal. (No mknod: a user
 * namespace may not create device nodes.) */
static const char *const dev_nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};
#define N_DEV_NODES (sizeof dev_nodes / sizeof dev_nodes[0])

/* Every mount of the sandbox is nosuid and nodev unless it holds device nodes:
 * set-uid bits and device files found in bound trees grant nothing. */
#define ATTR_RO (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)
#define ATTR_RW (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)

typedef struct build {
  int host_root;        /* "/" as the host sees it, to clone sources from */
  int root;             /* the new root's top mount */
  int *trees;           /* per op: a cloned source, or -1 */
  int dev_trees[N_DEV_NODES];
  int *seal;            /* tmpfs mounts made read-only once populated */
  size_t n_seal;
} build;

static int open_beneath(int dir, const char *path, int flags) {
  struct open_how how = {
      .flags = (uint64_t)(flags | O_CLOEXEC),
      /* Plan paths are canonical: a symlink on the way means the tree changed since
       * the plan was resolved, and following it could mount somewhere else. */
      .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_BENEATH,
  };
  const char *rel = path + strspn(path, "/");
  return (int)syscall(SYS_openat2, dir, *rel ? rel : ".", &how, sizeof how);
}

/* A detached recursive copy of the host's mount tree at PATH, with ATTRS set on
 * every mount in it. Recursive, because a non-recursive copy of a tree holding
 * mounts the user namespace may not reveal under is refused by the kernel. */
static int clone_tree(int host_root, const char *path, uint64_t attrs, cordon_error *err) {
  _cleanup_close_ int at = open_beneath(host_root, path, O_PATH);
  if (at < 0)
    return cd_error_set(err, errno, "opening '%s'", path);
  int tree = open_tree(at, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
  if (tree < 0)
    return cd_error_set(err, errno, "cloning the mounts at '%s'", path);
  struct mount_attr attr = {.attr_set = attrs};
  if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0) {
    int e = errno;
    close(tree);
    return cd_error_set(err, e, "setting the mount attributes of '%s'", path);
  }
  return tree;
}

/* A new, detached filesystem of TYPE with string OPTIONS (name, value, ..., NULL). */
static int new_fs(const char *type, const char *const *options, uint64_t attrs,
                  cordon_error *err) {
  _cleanup_close_ int fs = fsopen(type, FSOPEN_CLOEXEC);
  if (fs < 0)
    return cd_error_set(err, errno, "creating a %s", type);
  for (size_t i = 0; options && options[i]; i += 2)
    if (fsconfig(fs, FSCONFIG_SET_STRING, options[i], options[i + 1], 0) < 0)
      return cd_error_set(err, errno, "%s option %s=%s", type, options[i], options[i + 1]);
  if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return cd_error_set(err, errno, "creating a %s", type);
  int mnt = fsmount(fs, FSMOUNT_CLOEXEC, (unsigned)attrs);
  if (mnt < 0)
    return cd_error_set(err, errno, "mounting a %s", type);
  return mnt;
}

/* Create TARGET (and missing parents) under ROOT, where the parent is a fresh tmpfs
 * of the sandbox: a workspace inside /tmp, a carveout inside a mask. */
static int make_mount_point(int root, const char *target, bool is_dir, cordon_error *err) {
  _cleanup_free_ char *path = strdup(target + strspn(target, "/"));
  if (!path)
    return cd_error_oom(err);
  _cleanup_close_ int dir = fcntl(root, F_DUPFD_CLOEXEC, 3);
  char *name = path;
  for (;;) {
    char *slash = strchr(name, '/');
    if (slash)
      *slash = '\0';
    if (!slash && !is_dir) {
      int fd = openat(dir, name, O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
      if (fd < 0)
        return cd_error_set(err, errno, "creating mount point '%s'", target);
      close(fd);
      return 0;
    }
    if (mkdirat(dir, name, 0755) < 0 && errno != EEXIST)
      return cd_error_set(err, errno, "creating mount point '%s'", target);
    if (!slash)
      return 0;
    int next = openat(dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (next < 0)
      return cd_error_set(err, errno, "creating mount point '%s'", target);
    close(dir);
    dir = next;
    name = slash + 1;
  }
}

/* Attach the detached mount TREE at TARGET under the new root (TREE is consumed). */
static int attach(build *b, int tree_fd, const char *target, bool is_dir, cordon_error *err) {
  _cleanup_close_ int tree = tree_fd;
  _cleanup_close_ int at = open_beneath(b->root, target, O_PATH);
  if (at < 0 && errno == ENOENT) {
    if (make_mount_point(b->root, target, is_dir, err) < 0)
      return -1;
    at = open_beneath(b->root, target, O_PATH);
  }
  if (at < 0)
    return cd_error_set(err, errno, "mount point '%s'", target);
  if (move_mount(tree, "", at, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return cd_error_set(err, errno, "mounting at '%s'", target);
  return 0;
}

/* A tmpfs that is filled and then made read-only (masks, /dev, a bare root). */
static int new_sealed_tmpfs(build *b, const char *mode, cordon_error *err) {
  const char *const options[] = {"mode", mode, "size", "1m", NULL};
  int mnt = new_fs("tmpfs", options, ATTR_RW | MOUNT_ATTR_NOEXEC, err);
  if (mnt < 0)
    return -1;
  int keep = fcntl(mnt, F_DUPFD_CLOEXEC, 3);
  if (keep < 0) {
    close(mnt);
    return cd_error_set(err, errno, "dup");
  }
  b->seal[b->n_seal++] = keep;
  return mnt;
}

/* The sandbox's /dev: a tmpfs holding the host's harmless device nodes, a private
 * devpts (so the command's terminals are its own), a private /dev/shm, and the
 * usual symlinks into /proc. */
static int build_dev(build *b, const char *target, cordon_error *err) {
  int dev = new_sealed_tmpfs(b, "0755", err);
  if (dev < 0 || attach(b, dev, target, true, err) < 0)
    return -1;
  char path[64];
  for (size_t i = 0; i < N_DEV_NODES; i++) {
    snprintf(path, sizeof path, "%s/%s", target, dev_nodes[i]);
    int tree = b->dev_trees[i];
    b->dev_trees[i] = -1;
    if (attach(b, tree, path, false, err) < 0)
      return -1;
  }
  /* A new devpts instance (every devpts mount is one since Linux 4.7): ptys opened
   * inside are invisible outside, and the host's terminals are not reachable. */
  const char *const pts_options[] = {"ptmxmode", "0666", "mode", "0620", NULL};
  snprintf(path, sizeof path, "%s/pts", target);
  int pts = new_fs("devpts", pts_options, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, err);
  if (pts < 0 || attach(b, pts, path, true, err) < 0)
    return -1;
  const char *const shm_options[] = {"mode", "1777", NULL};
  snprintf(path, sizeof path, "%s/shm", target);
  int shm = new_fs("tmpfs", shm_options, ATTR_RW, err);
  if (shm < 0 || attach(b, shm, path, true, err) < 0)
    return -1;
  static const char *const links[][2] = {{"pts/ptmx", "ptmx"},         {"/proc/self/fd", "fd"},
                                         {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
                                         {"/proc/self/fd/2", "stderr"}};
  _cleanup_close_ int dir = open_beneath(b->root, target, O_PATH | O_DIRECTORY);
  if (dir < 0)
    return cd_error_set(err, errno, "opening %s", target);
  for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
    if (symlinkat(links[i][0], dir, links[i][1]) < 0)
      return cd_error_set(err, errno, "creating %s/%s", target, links[i][1]);
  return 0;
}

static int apply_op(build *b, const cd_mount_op *op, int tree, cordon_error *err) {
  static const char *const tmp_options[] = {"mode", "1777", NULL};
  int mnt;
  switch (op->kind) {
  case CD_MOUNT_BIND:
    return attach(b, tree, op->target, op->is_dir, err);
  case CD_MOUNT_MASK:
    if (!op->is_dir) /* tree: a read-only clone of /dev/null */
      return attach(b, tree, op->target, false, err);
    mnt = new_sealed_tmpfs(b, "0755", err);
    return mnt < 0 ? -1 : attach(b, mnt, op->target, true, err);
  case CD_MOUNT_TMPFS:
    mnt = new_fs("tmpfs", tmp_options, ATTR_RW, err);
    return mnt < 0 ? -1 : attach(b, mnt, op->target, true, err);
  case CD_MOUNT_PROC:
    /* A procfs of the sandbox's own pid namespace: host processes are not in it. */
    mnt = new_fs("proc", NULL, ATTR_RW | MOUNT_ATTR_NOEXEC, err);
    return mnt < 0 ? -1 : attach(b, mnt, op->target, true, err);
  case CD_MOUNT_DEV:
    return build_dev(b, op->target, err);
  }
  return cd_error_set(err, 0, "unknown mount op");
}

/* Phase 1: clone every source from the host's view, before anything is attached. */
static int clone_sources(build *b, const cd_mount_ops *ops, cordon_error *err) {
  for (size_t i = 0; i < ops->len; i++) {
    const cd_mount_op *op = &ops->items[i];
    if (op->kind == CD_MOUNT_BIND)
      b->trees[i] = clone_tree(b->host_root, op->source, op->readonly ? ATTR_RO : ATTR_RW, err);
    else if (op->kind == CD_MOUNT_MASK && !op->is_dir)
      b->trees[i] = clone_tree(b->host_root, "/dev/null", ATTR_RO | MOUNT_ATTR_NOEXEC, err);
    else if (op->kind == CD_MOUNT_DEV)
      for (size_t d = 0; d < N_DEV_NODES; d++) {
        char path[32];
        snprintf(path, sizeof path, "/dev/%s", dev_nodes[d]);
        /* Device binds keep dev: they are the device nodes. */
        b->dev_trees[d] = clone_tree(b->host_root, path, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, err);
        if (b->dev_trees[d] < 0)
          return -1;
      }
    else
      continue;
    if (op->kind != CD_MOUNT_DEV && b->trees[i] < 0)
      return -1;
  }
  return 0;
}

static int build_root(build *b, const cd_mount_ops *ops, cordon_error *err) {
  if (clone_sources(b, ops, err) < 0)
    return -1;
  /* The new root is the clone of "/" when the plan reads it (the usual case), else an
   * empty tmpfs that only holds the mount points of the plan's roots. */
  size_t first = 0;
  int top;
  if (ops->len > 0 && ops->items[0].kind == CD_MOUNT_BIND && strcmp(ops->items[0].target, "/") == 0) {
    top = b->trees[0];
    b->trees[0] = -1;
    first = 1;
  } else if ((top = new_sealed_tmpfs(b, "0755", err)) < 0) {
    return -1;
  }
  _cleanup_close_ int staging = open(STAGING, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (staging < 0) {
    close(top);
    return cd_error_set(err, errno, "opening %s", STAGING);
  }
  if (move_mount(top, "", staging, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
    close(top);
    return cd_error_set(err, errno, "mounting the new root at %s", STAGING);
  }
  b->root = top; /* still names the root of the tree, now attached */
  for (size_t i = first; i < ops->len; i++) {
    int tree = b->trees[i];
    b->trees[i] = -1;
    if (apply_op(b, &ops->items[i], tree, err) < 0)
      return -1;
  }
  struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
  for (size_t i = 0; i < b->n_seal; i++)
    if (mount_setattr(b->seal[i], "", AT_EMPTY_PATH, &ro, sizeof ro) < 0)
      return cd_error_set(err, errno, "making a sandbox tmpfs read-only");
  return 0;
}

/* Swap the root: the host's tree is detached and unreachable afterwards. */
static int pivot(int root, cordon_error *err) {
  if (fchdir(root) < 0)
    return cd_error_set(err, errno, "entering the new root");
  if (syscall(SYS_pivot_root, ".", ".") < 0)
    return cd_error_set(err, errno, "pivot_root");
  if (umount2(".", MNT_DETACH) < 0)
    return cd_error_set(err, errno, "detaching the host's root");
  if (chdir("/") < 0)
    return cd_error_set(err, errno, "chdir /");
  return 0;
}

int cd_mount_apply(const cd_mount_ops *ops, cordon_error *err) {
  build b = {.host_root = -1, .root = -1};
  for (size_t d = 0; d < N_DEV_NODES; d++)
    b.dev_trees[d] = -1;
  /* At most one sealed tmpfs per op, plus a bare root. */
  b.trees = malloc((ops->len + 1) * sizeof *b.trees);
  b.seal = malloc((ops->len + 1) * sizeof *b.seal);
  if (!b.trees || !b.seal) {
    free(b.trees);
    free(b.seal);
    return cd_error_oom(err);
  }
  for (size_t i = 0; i < ops->len; i++)
    b.trees[i] = -1;
  int r = 0;
  /* Nothing done here may reach the host: the copied mounts are made private. */
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    r = cd_error_set(err, errno, "making the mounts private");
  if (r == 0 && (b.host_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
    r = cd_error_set(err, errno, "opening /");
  if (r == 0)
    r = build_root(&b, ops, err);
  if (r == 0)
    r = pivot(b.root, err);
  for (size_t i = 0; i < ops->len; i++)
    if (b.trees[i] >= 0)
      close(b.trees[i]);
  for (size_t d = 0; d < N_DEV_NODES; d++)
    if (b.dev_trees[d] >= 0)
      close(b.dev_trees[d]);
  for (size_t i = 0; i < b.n_seal; i++)
    close(b.seal[i]);
  if (b.root >= 0)
    close(b.root);
  if (b.host_root >= 0)
    close(b.host_root);
  free(b.trees);
  free(b.seal);
  return r < 0 ? cd_error_prefix(err, "building the sandbox's root") : 0;
}
