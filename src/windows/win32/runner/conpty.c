#include "windows/win32/runner/conpty.h"

#include <stdbool.h>

#include "windows/win32/common/winutil.h"

typedef HRESULT(WINAPI *create_fn)(COORD, HANDLE, HANDLE, DWORD, HPCON *);
typedef HRESULT(WINAPI *resize_fn)(HPCON, COORD);
typedef void(WINAPI *close_fn)(HPCON);

static struct {
  create_fn create;
  resize_fn resize;
  close_fn close;
} api;

static BOOL CALLBACK load_api(PINIT_ONCE once, PVOID param, PVOID *ctx) {
  HMODULE k32 = GetModuleHandleW(L"kernel32.dll");
  if (k32) {
    /* Casting through FARPROC is how GetProcAddress results are meant to be used. */
    api.create = (create_fn)(void (*)(void))GetProcAddress(k32, "CreatePseudoConsole");
    api.resize = (resize_fn)(void (*)(void))GetProcAddress(k32, "ResizePseudoConsole");
    api.close = (close_fn)(void (*)(void))GetProcAddress(k32, "ClosePseudoConsole");
  }
  return TRUE;
}

/* Whether this system has the ConPTY API; when not, *WHY says so. */
static bool available(const char **why) {
  static INIT_ONCE once = INIT_ONCE_STATIC_INIT;
  InitOnceExecuteOnce(&once, load_api, NULL, NULL);
  if (api.create && api.resize && api.close)
    return true;
  *why = "this Windows has no pseudoconsole API (ConPTY needs Windows 10 1809 or later)";
  return false;
}

static COORD coord(unsigned rows, unsigned cols) {
  return (COORD){.X = (SHORT)cols, .Y = (SHORT)rows}; /* both checked <= 32767 */
}

static int hr_error(cordon_error *err, HRESULT hr, const char *what) {
  /* An HRESULT that wraps a Win32 error carries the code in its low word. */
  DWORD code = HRESULT_FACILITY(hr) == FACILITY_WIN32 ? HRESULT_CODE(hr) : (DWORD)hr;
  return cd_win_error(err, code, "%s (HRESULT 0x%08lx)", what, (unsigned long)hr);
}

int cd_rn_conpty_open(cd_rn_conpty *out, unsigned rows, unsigned cols, cordon_error *err) {
  *out = (cd_rn_conpty){0};
  const char *why;
  if (!available(&why))
    return cd_win_error(err, ERROR_CALL_NOT_IMPLEMENTED, "open a pseudoconsole: %s", why);
  _cleanup_handle_ HANDLE in_read = NULL, in_write = NULL, out_read = NULL, out_write = NULL;
  if (!CreatePipe(&in_read, &in_write, NULL, 0) || !CreatePipe(&out_read, &out_write, NULL, 0))
    return cd_win_error(err, GetLastError(), "create the pseudoconsole's pipes");
  HRESULT hr = api.create(coord(rows, cols), in_read, out_write, 0, &out->pc);
  if (FAILED(hr))
    return hr_error(err, hr, "create a pseudoconsole");
  out->input = cd_win_take_handle(&in_write);
  out->output = cd_win_take_handle(&out_read);
  return 0;
}

int cd_rn_conpty_resize(cd_rn_conpty *p, unsigned rows, unsigned cols, cordon_error *err) {
  HRESULT hr = api.resize(p->pc, coord(rows, cols));
  if (FAILED(hr))
    return hr_error(err, hr, "resize the pseudoconsole");
  return 0;
}

void cd_rn_conpty_close_input(cd_rn_conpty *p) {
  cd_win_closep(&p->input);
  p->input = NULL;
}

void cd_rn_conpty_close(cd_rn_conpty *p) {
  if (p->pc)
    api.close(p->pc);
  p->pc = NULL;
}
