# The runner: stdio, exit status, output drained to the end, the job object, the
# private desktop.

Check 'session: stdin reaches the command, its output comes back' {
  Require-Cordon
  $ws = New-Workspace
  $r = Invoke-Sandboxed @('--cwd', $ws) @('findstr.exe', 'cordon') "one`r`ncordon smoke`r`nthree`r`n"
  ($r.Code -eq 0) -and ($r.Out.Trim() -eq 'cordon smoke')
}

Check 'session: the exit status is the command''s' {
  Require-Cordon
  $ws = New-Workspace
  (Invoke-Sandboxed @('--cwd', $ws) @('cmd.exe', '/d', '/c', 'exit 42')).Code -eq 42
}

Check 'session: output is drained to the last line' {
  Require-Cordon
  $ws = New-Workspace
  $r = Invoke-Sandboxed @('--cwd', $ws) @('cmd.exe', '/d', '/c',
    'for /l %i in (1,1,20000) do @echo line %i') -TimeoutSec 120
  $lines = $r.Out -split "`r?`n" | Where-Object { $_ }
  ($lines.Count -eq 20000) -and ($lines[-1] -eq 'line 20000')
}

Check 'session: killing cordon kills the whole process tree' {
  Require-Cordon
  $ws = New-Workspace
  $marker = 'cordon-smoke-' + [Guid]::NewGuid().ToString('N').Substring(0, 8)
  $argv = @('run', '--cwd', $ws, '--', 'cmd.exe', '/d', '/c',
            "start /b cmd /d /c `"title $marker & ping -n 60 127.0.0.1 > nul`" & ping -n 60 127.0.0.1 > nul")
  $p = Start-Process -FilePath $script:Cordon -ArgumentList ($argv | ForEach-Object { Quote-Arg $_ }) -PassThru -WindowStyle Hidden
  Start-Sleep -Seconds 3
  $before = @(Get-CimInstance Win32_Process -Filter "Name='PING.EXE'" |
    Where-Object { $_.CommandLine -like '*-n 60 127.0.0.1*' }).Count
  Stop-Process -Id $p.Id -Force
  Start-Sleep -Seconds 3
  $after = @(Get-CimInstance Win32_Process -Filter "Name='PING.EXE'" |
    Where-Object { $_.CommandLine -like '*-n 60 127.0.0.1*' }).Count
  ($before -ge 1) -and ($after -eq 0)
}

$desktopProbe = @'
Add-Type -Namespace Cordon -Name Desk -MemberDefinition @"
[DllImport("user32.dll")] public static extern System.IntPtr GetThreadDesktop(uint id);
[DllImport("kernel32.dll")] public static extern uint GetCurrentThreadId();
[DllImport("user32.dll", CharSet = CharSet.Unicode)] public static extern bool GetUserObjectInformation(
  System.IntPtr h, int index, System.Text.StringBuilder buf, int len, out int needed);
"@
$sb = New-Object System.Text.StringBuilder 256
$n = 0
[void][Cordon.Desk]::GetUserObjectInformation([Cordon.Desk]::GetThreadDesktop(
  [Cordon.Desk]::GetCurrentThreadId()), 2, $sb, 512, [ref]$n)
"DESKTOP=" + $sb.ToString()
'@

Check 'session: the command runs on a private desktop by default' {
  Require-Cordon
  $ws = New-Workspace
  $r = Invoke-Sandboxed @('--cwd', $ws) @('powershell.exe', '-NoProfile', '-Command', $desktopProbe) -TimeoutSec 120
  ($r.Out -match 'DESKTOP=(\S+)') -and ($Matches[1] -ne 'Default')
}

Check 'session: a sandboxed command sees no window of the user''s desktop' {
  Require-Cordon
  $ws = New-Workspace
  $probe = '(Get-Process | Where-Object { $_.MainWindowHandle -ne 0 }).Count'
  $r = Invoke-Sandboxed @('--cwd', $ws) @('powershell.exe', '-NoProfile', '-Command', $probe) -TimeoutSec 120
  ($r.Code -eq 0) -and ($r.Out.Trim() -eq '0')
}
