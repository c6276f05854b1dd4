/* Runners that misbehave, for the parent's bounds. Built twice:
 *   FAKE_CONNECT=0  never connects to the pipes (a runner that never answers)
 *   FAKE_CONNECT=1  connects both pipes, then says nothing
 * Either way it sleeps for a minute: the parent must give up and kill it long
 * before. Takes the real runner's command line. */
#include <wchar.h>
#include <windows.h>

int wmain(int argc, wchar_t **argv);

int wmain(int argc, wchar_t **argv) {
#if FAKE_CONNECT
  HANDLE to = INVALID_HANDLE_VALUE, from = INVALID_HANDLE_VALUE;
  for (int i = 1; i + 1 < argc; i++) {
    if (wcscmp(argv[i], L"--to") == 0)
      to = CreateFileW(argv[i + 1], FILE_READ_DATA, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (wcscmp(argv[i], L"--from") == 0)
      from = CreateFileW(argv[i + 1], FILE_WRITE_DATA, 0, NULL, OPEN_EXISTING, 0, NULL);
  }
  if (to == INVALID_HANDLE_VALUE || from == INVALID_HANDLE_VALUE)
    return 3;
#endif
  Sleep(60000);
  return 0;
}
