/* The command the runner tests spawn: one small program, many behaviours.
 *
 *   echo TEXT           TEXT and a newline on stdout
 *   fail TEXT CODE      TEXT on stderr, exit CODE
 *   cat                 stdin to stdout until end of file
 *   flood OUT ERR       OUT bytes on stdout and ERR on stderr (a known pattern), exit at once
 *   tree                start a grandchild (sleep) holding stdout, print both pids, sleep
 *   linger              start a grandchild (sleep) that inherits stdout, print its pid, exit
 *   sleep               sleep for a minute
 *   pty                 on the console: "pty-ready", read a line, "got:LINE", exit 5
 *   pty-stdhandles      on the console: whether the std handles are NULL
 *   pty-size            on the console: its size, then again after each line read
 *   desktop             the name of the desktop it runs on
 *   args ...            its arguments as CommandLineToArgvW splits them, one per line
 *   env NAME            the value of NAME, or <unset>
 *   impostor PIPE       connect to named pipe PIPE, say "connected", sleep
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <windows.h>

#include <shellapi.h>

static void write_all(HANDLE h, const void *buf, DWORD len) {
  const char *p = buf;
  while (len > 0) {
    DWORD n;
    if (!WriteFile(h, p, len, &n, NULL) || n == 0)
      exit(90);
    p += n;
    len -= n;
  }
}

static void say(HANDLE h, const char *fmt, ...) __attribute__((format(gnu_printf, 2, 3)));
static void say(HANDLE h, const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  write_all(h, buf, (DWORD)n);
}

static HANDLE out(void) { return GetStdHandle(STD_OUTPUT_HANDLE); }

/* The pseudoconsole's screen and keyboard, opened by name: works whether or not
 * the system filled in the std handles. */
static HANDLE console(const wchar_t *name) {
  HANDLE h = CreateFileW(name, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                         NULL, OPEN_EXISTING, 0, NULL);
  if (h == INVALID_HANDLE_VALUE)
    exit(91);
  return h;
}

/* Read one line (up to CR or LF) from H into BUF. */
static bool read_line(HANDLE h, char *buf, size_t cap) {
  size_t n = 0;
  for (;;) {
    char c;
    DWORD got;
    if (!ReadFile(h, &c, 1, &got, NULL) || got == 0)
      return n > 0;
    if (c == '\r' || c == '\n') {
      if (n > 0)
        break;
      continue;
    }
    if (n + 1 < cap)
      buf[n++] = c;
  }
  buf[n] = '\0';
  return true;
}

static void pattern(HANDLE h, unsigned long count, unsigned seed) {
  static char chunk[8192];
  unsigned long done = 0;
  while (done < count) {
    DWORD n = count - done < sizeof chunk ? (DWORD)(count - done) : (DWORD)sizeof chunk;
    for (DWORD i = 0; i < n; i++)
      chunk[i] = (char)('a' + (done + i + seed) % 26);
    write_all(h, chunk, n);
    done += n;
  }
}

/* Start this program in sleep mode; with INHERIT_STDOUT it holds our stdout. */
static DWORD start_sleeper(bool inherit_stdout) {
  wchar_t self[MAX_PATH];
  GetModuleFileNameW(NULL, self, MAX_PATH);
  wchar_t cmd[MAX_PATH + 16];
  swprintf(cmd, MAX_PATH + 16, L"\"%ls\" sleep", self);
  STARTUPINFOW si = {.cb = sizeof si};
  if (inherit_stdout) {
    SetHandleInformation(out(), HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdOutput = si.hStdError = out();
  }
  PROCESS_INFORMATION pi;
  if (!CreateProcessW(NULL, cmd, NULL, NULL, inherit_stdout, CREATE_NO_WINDOW, NULL, NULL, &si,
                      &pi))
    exit(92);
  return pi.dwProcessId;
}

static int tree(void) {
  DWORD grandchild = start_sleeper(true);
  say(out(), "child=%lu grandchild=%lu\n", GetCurrentProcessId(), grandchild);
  Sleep(60000);
  return 0;
}

static int pty_size(void) {
  HANDLE con = console(L"CONOUT$"), in = console(L"CONIN$");
  char line[256];
  do {
    CONSOLE_SCREEN_BUFFER_INFO info;
    if (!GetConsoleScreenBufferInfo(con, &info))
      return 93;
    say(con, "size=%dx%d\r\n", info.srWindow.Bottom - info.srWindow.Top + 1,
        info.srWindow.Right - info.srWindow.Left + 1);
  } while (read_line(in, line, sizeof line) && strcmp(line, "quit") != 0);
  return 0;
}

static int desktop(void) {
  wchar_t name[256];
  DWORD need;
  if (!GetUserObjectInformationW(GetThreadDesktop(GetCurrentThreadId()), UOI_NAME, name,
                                 sizeof name, &need))
    return 94;
  say(out(), "desktop=%ls\n", name);
  return 0;
}

static int args(void) {
  int n;
  wchar_t **v = CommandLineToArgvW(GetCommandLineW(), &n);
  if (!v)
    return 95;
  for (int i = 2; i < n; i++) {
    char utf8[1024];
    WideCharToMultiByte(CP_UTF8, 0, v[i], -1, utf8, sizeof utf8, NULL, NULL);
    say(out(), "[%s]\n", utf8);
  }
  return 0;
}

static int impostor(const char *pipe) {
  HANDLE h = CreateFileA(pipe, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
  if (h == INVALID_HANDLE_VALUE)
    return 96;
  say(out(), "connected\n");
  Sleep(60000);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2)
    return 99;
  const char *mode = argv[1];
  if (strcmp(mode, "echo") == 0 && argc == 3) {
    say(out(), "%s\n", argv[2]);
    return 0;
  }
  if (strcmp(mode, "fail") == 0 && argc == 4) {
    say(GetStdHandle(STD_ERROR_HANDLE), "%s", argv[2]);
    return atoi(argv[3]);
  }
  if (strcmp(mode, "cat") == 0) {
    static char buf[65536];
    DWORD n;
    while (ReadFile(GetStdHandle(STD_INPUT_HANDLE), buf, sizeof buf, &n, NULL) && n > 0)
      write_all(out(), buf, n);
    return 0;
  }
  if (strcmp(mode, "flood") == 0 && argc == 4) {
    pattern(out(), strtoul(argv[2], NULL, 10), 0);
    pattern(GetStdHandle(STD_ERROR_HANDLE), strtoul(argv[3], NULL, 10), 7);
    return 0;
  }
  if (strcmp(mode, "tree") == 0)
    return tree();
  if (strcmp(mode, "linger") == 0) {
    say(out(), "grandchild=%lu\n", start_sleeper(true));
    return 0;
  }
  if (strcmp(mode, "sleep") == 0) {
    Sleep(60000);
    return 0;
  }
  if (strcmp(mode, "pty") == 0) {
    HANDLE con = console(L"CONOUT$"), in = console(L"CONIN$");
    char line[256];
    say(con, "pty-ready\r\n");
    if (!read_line(in, line, sizeof line))
      return 97;
    say(con, "got:%s\r\n", line);
    return 5;
  }
  if (strcmp(mode, "pty-stdhandles") == 0) {
    say(console(L"CONOUT$"), "stdout-handle=%s\r\n", out() ? "set" : "null");
    return 0;
  }
  if (strcmp(mode, "pty-size") == 0)
    return pty_size();
  if (strcmp(mode, "desktop") == 0)
    return desktop();
  if (strcmp(mode, "args") == 0)
    return args();
  if (strcmp(mode, "env") == 0 && argc == 3) {
    const char *v = getenv(argv[2]);
    say(out(), "%s=%s\n", argv[2], v ? v : "<unset>");
    return 0;
  }
  if (strcmp(mode, "impostor") == 0 && argc == 3)
    return impostor(argv[2]);
  return 98;
}
