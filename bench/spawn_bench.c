/* spawn_bench: the wall time of starting a command and waiting for it, for several
 * commands measured interleaved (A B C A B C ...) so that drift of the machine (CPU
 * frequency, caches, other load) falls on all of them alike.
 *
 *   spawn_bench [-n RUNS] [-w WARMUP] [-o fixed|rotate] [-r RAW.csv] [-e ERRDIR] [-u]
 *               [-R A/B]... -- LABEL PROG [ARGS...] [@@ LABEL PROG [ARGS...]]...
 *
 * One sample is fork + execv + wait4, timed with CLOCK_MONOTONIC from just before
 * fork to just after wait4 returns. The child's stdin and stdout are /dev/null,
 * its stderr goes to ERRDIR/LABEL.err (default /dev/null). PROG is looked up in PATH
 * once, before timing. Any run that does not exit 0 stops the benchmark: the
 * label, the status and the tail of its stderr are printed and the exit status is 1.
 *
 * -o rotate starts each round one command further (A B C, B C A, C A B): then no
 * command always follows the same one, so work a command leaves to the kernel
 * after it exits (namespace teardown runs asynchronously) is not always billed to
 * the same successor. The default, fixed, is plain A B C A B C.
 *
 * spawn_bench is a child subreaper: a descendant the command leaves running when it
 * exits (bwrap does not wait for its sandbox's pid 1 to die) becomes its child and is
 * reaped after the clock stops, before the next run, so that no run overlaps the
 * next.
 *
 * -u adds two columns: the mean CPU time of a run, user plus system, of the command
 * and every descendant (wait4's rusage, orphans included), to tell CPU work from
 * waiting; and the mean time orphans lived on after the command returned (not in
 * the wall time: the caller had its answer). Only the CPU sum is printed: the kernel
 * splits a short process's time between user and system by sampling at timer ticks,
 * so the split means nothing at this scale.
 *
 * Prints, per label: runs, mean, median, p90, min, stdev in microseconds; then for
 * each -R A/B the ratios of A's median and mean to B's. Never judges them. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 16
#define MAX_RATIOS 16

typedef struct cmd {
  const char *label;
  char **argv;
  char path[PATH_MAX];
  int err_fd;
  char err_path[PATH_MAX];
  double *us; /* samples, microseconds */
  size_t n;
  double cpu_us;  /* CPU time (user + system) of the runs' process trees, summed */
  double tail_us; /* time orphaned descendants lived on after the command returned */
  /* statistics */
  double mean, median, p90, min, max, stdev;
} cmd;

static _Noreturn void usage(void) {
  fputs("usage: spawn_bench [-n RUNS] [-w WARMUP] [-o fixed|rotate] [-r RAW.csv] [-e ERRDIR] [-u]\n"
        "                   [-R A/B]... -- LABEL PROG [ARGS...] [@@ LABEL PROG [ARGS...]]...\n",
        stderr);
  exit(2);
}

static _Noreturn void die(const char *what) {
  fprintf(stderr, "spawn_bench: %s: %s\n", what, strerror(errno));
  exit(1);
}

/* execvp's search, done once so that it is not timed. */
static int resolve(const char *name, char out[PATH_MAX]) {
  if (strchr(name, '/')) {
    if (access(name, X_OK) < 0)
      return -1;
    snprintf(out, PATH_MAX, "%s", name);
    return 0;
  }
  const char *path = getenv("PATH");
  if (!path || !*path)
    path = "/usr/local/bin:/usr/bin:/bin";
  for (const char *p = path;;) {
    size_t len = strcspn(p, ":");
    if (len > 0 && (size_t)snprintf(out, PATH_MAX, "%.*s/%s", (int)len, p, name) < PATH_MAX) {
      struct stat st;
      if (stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
        return 0;
    }
    if (!p[len])
      break;
    p += len + 1;
  }
  errno = ENOENT;
  return -1;
}

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void print_err_tail(const cmd *c) {
  if (c->err_path[0] == '\0') {
    fprintf(stderr, "  (its stderr went to /dev/null; rerun with -e DIR to keep it)\n");
    return;
  }
  int fd = open(c->err_path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return;
  off_t size = lseek(fd, 0, SEEK_END);
  off_t from = size > 2000 ? size - 2000 : 0;
  char buf[2001];
  ssize_t got = pread(fd, buf, sizeof buf - 1, from);
  close(fd);
  if (got <= 0) {
    fprintf(stderr, "  (it printed nothing on stderr)\n");
    return;
  }
  buf[got] = '\0';
  fprintf(stderr, "  its stderr (%s) ends with:\n%s%s", c->err_path, buf,
          buf[got - 1] == '\n' ? "" : "\n");
}

/* One timed run. Returns the wall time in microseconds, or a negative value after
 * printing why the run failed. */
static double run_once(cmd *c, int null_fd, struct rusage *ru, double *tail_us) {
  double t0 = now_us();
  pid_t pid = fork();
  if (pid < 0)
    die("fork");
  if (pid == 0) {
    dup2(null_fd, 0);
    dup2(null_fd, 1);
    dup2(c->err_fd, 2);
    execv(c->path, c->argv);
    _exit(127);
  }
  int status;
  while (wait4(pid, &status, 0, ru) < 0)
    if (errno != EINTR)
      die("wait4");
  double t1 = now_us();
  /* Orphans left behind, reparented to us: reap them untimed, counting their CPU. */
  struct rusage orphan;
  while (wait4(-1, NULL, 0, &orphan) > 0) {
    ru->ru_utime.tv_sec += orphan.ru_utime.tv_sec;
    ru->ru_utime.tv_usec += orphan.ru_utime.tv_usec;
    ru->ru_stime.tv_sec += orphan.ru_stime.tv_sec;
    ru->ru_stime.tv_usec += orphan.ru_stime.tv_usec;
  }
  *tail_us = now_us() - t1;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return t1 - t0;
  if (WIFEXITED(status))
    fprintf(stderr, "spawn_bench: '%s' (%s) exited with status %d\n", c->label, c->path,
            WEXITSTATUS(status));
  else
    fprintf(stderr, "spawn_bench: '%s' (%s) was killed by signal %d\n", c->label, c->path,
            WTERMSIG(status));
  print_err_tail(c);
  return -1;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void stats(cmd *c) {
  size_t n = c->n;
  double *s = malloc(n * sizeof *s);
  if (!s)
    die("malloc");
  memcpy(s, c->us, n * sizeof *s);
  qsort(s, n, sizeof *s, cmp_double);
  double sum = 0;
  for (size_t i = 0; i < n; i++)
    sum += s[i];
  c->mean = sum / (double)n;
  c->median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  size_t rank = (size_t)ceil(0.9 * (double)n); /* nearest rank */
  c->p90 = s[rank ? rank - 1 : 0];
  c->min = s[0];
  c->max = s[n - 1];
  double var = 0;
  for (size_t i = 0; i < n; i++)
    var += (s[i] - c->mean) * (s[i] - c->mean);
  c->stdev = n > 1 ? sqrt(var / (double)(n - 1)) : 0;
  free(s);
}

static cmd *find(cmd *cmds, size_t n, const char *label, size_t len) {
  for (size_t i = 0; i < n; i++)
    if (strlen(cmds[i].label) == len && strncmp(cmds[i].label, label, len) == 0)
      return &cmds[i];
  return NULL;
}

int main(int argc, char *argv[]) {
  long runs = 200, warmup = 20;
  bool rotate = false, cpu = false;
  const char *raw_path = NULL, *err_dir = NULL;
  const char *ratios[MAX_RATIOS];
  size_t n_ratios = 0;
  int opt;
  while ((opt = getopt(argc, argv, "+n:w:o:r:e:R:u")) != -1) {
    switch (opt) {
    case 'n':
      runs = strtol(optarg, NULL, 10);
      break;
    case 'w':
      warmup = strtol(optarg, NULL, 10);
      break;
    case 'o':
      if (strcmp(optarg, "rotate") == 0)
        rotate = true;
      else if (strcmp(optarg, "fixed") != 0)
        usage();
      break;
    case 'r':
      raw_path = optarg;
      break;
    case 'e':
      err_dir = optarg;
      break;
    case 'u':
      cpu = true;
      break;
    case 'R':
      if (n_ratios == MAX_RATIOS || !strchr(optarg, '/'))
        usage();
      ratios[n_ratios++] = optarg;
      break;
    default:
      usage();
    }
  }
  if (runs < 1 || warmup < 0 || optind >= argc)
    usage();

  /* LABEL PROG [ARGS...] groups separated by "@@"; argv is cut in place. */
  cmd cmds[MAX_CMDS] = {0};
  size_t n_cmds = 0;
  for (int i = optind; i < argc;) {
    if (n_cmds == MAX_CMDS || i + 1 >= argc || strcmp(argv[i + 1], "@@") == 0)
      usage();
    cmd *c = &cmds[n_cmds++];
    c->label = argv[i];
    c->argv = &argv[i + 1];
    int j = i + 1;
    while (j < argc && strcmp(argv[j], "@@") != 0)
      j++;
    if (j < argc)
      argv[j] = NULL; /* ends this command's argv */
    i = j + 1;
    if (resolve(c->argv[0], c->path) < 0) {
      fprintf(stderr, "spawn_bench: '%s': cannot run '%s': %s\n", c->label, c->argv[0],
              strerror(errno));
      return 1;
    }
  }
  for (size_t r = 0; r < n_ratios; r++) {
    const char *slash = strchr(ratios[r], '/');
    if (!find(cmds, n_cmds, ratios[r], (size_t)(slash - ratios[r])) ||
        !find(cmds, n_cmds, slash + 1, strlen(slash + 1))) {
      fprintf(stderr, "spawn_bench: -R %s: no such labels\n", ratios[r]);
      return 2;
    }
  }

  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
    die("PR_SET_CHILD_SUBREAPER");
  int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd < 0)
    die("/dev/null");
  for (size_t i = 0; i < n_cmds; i++) {
    cmd *c = &cmds[i];
    c->err_fd = null_fd;
    if (err_dir) {
      snprintf(c->err_path, sizeof c->err_path, "%s/%s.err", err_dir, c->label);
      c->err_fd = open(c->err_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
      if (c->err_fd < 0)
        die(c->err_path);
    }
    c->us = malloc((size_t)runs * sizeof *c->us);
    if (!c->us)
      die("malloc");
  }
  FILE *raw = NULL;
  if (raw_path) {
    raw = fopen(raw_path, "w");
    if (!raw)
      die(raw_path);
    fputs("round,label,us\n", raw);
  }

  for (long round = -warmup; round < runs; round++) {
    size_t shift = rotate ? (size_t)((round + warmup) % (long)n_cmds) : 0;
    for (size_t k = 0; k < n_cmds; k++) {
      cmd *c = &cmds[(k + shift) % n_cmds];
      struct rusage ru;
      double tail;
      double us = run_once(c, null_fd, &ru, &tail);
      if (us < 0) {
        fprintf(stderr, "spawn_bench: stopped in %s round %ld\n", round < 0 ? "warm-up" : "timed",
                round < 0 ? round + warmup + 1 : round + 1);
        return 1;
      }
      if (round < 0)
        continue;
      c->us[c->n++] = us;
      c->tail_us += tail;
      c->cpu_us += (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
                   (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
      if (raw)
        fprintf(raw, "%ld,%s,%.1f\n", round, c->label, us);
    }
  }
  if (raw && fclose(raw) != 0)
    die(raw_path);

  size_t width = 7;
  for (size_t i = 0; i < n_cmds; i++)
    if (strlen(cmds[i].label) > width)
      width = strlen(cmds[i].label);
  printf("%-*s %6s %10s %10s %10s %10s %10s", (int)width, "command", "runs", "mean us",
         "median us", "p90 us", "min us", "stdev us");
  if (cpu)
    printf(" %10s %10s", "cpu us", "orphan us");
  putchar('\n');
  for (size_t i = 0; i < n_cmds; i++) {
    cmd *c = &cmds[i];
    stats(c);
    printf("%-*s %6zu %10.0f %10.0f %10.0f %10.0f %10.0f", (int)width, c->label, c->n, c->mean,
           c->median, c->p90, c->min, c->stdev);
    if (cpu)
      printf(" %10.0f %10.0f", c->cpu_us / (double)c->n, c->tail_us / (double)c->n);
    putchar('\n');
  }
  size_t rwidth = 0;
  for (size_t r = 0; r < n_ratios; r++)
    if (strlen(ratios[r]) > rwidth)
      rwidth = strlen(ratios[r]);
  if (n_ratios)
    putchar('\n');
  for (size_t r = 0; r < n_ratios; r++) {
    const char *slash = strchr(ratios[r], '/');
    const cmd *a = find(cmds, n_cmds, ratios[r], (size_t)(slash - ratios[r]));
    const cmd *b = find(cmds, n_cmds, slash + 1, strlen(slash + 1));
    printf("%-*s = %.2fx (median), %.2fx (mean)\n", (int)rwidth, ratios[r], a->median / b->median,
           a->mean / b->mean);
  }
  return 0;
}
