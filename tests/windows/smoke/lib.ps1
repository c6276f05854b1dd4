# Helpers for the smoke suite (dot-sourced by run.ps1). Windows PowerShell 5.1 or
# PowerShell 7; no module beyond what Windows ships.

$script:Count = 0
$script:Passed = 0
$script:Failed = 0
$script:Skipped = 0

# Check NAME { ... }: the block returns $true (ok) or $false (not ok), throws (not
# ok, with the message), or calls Skip REASON. One line per check.
function Check([string]$Name, [scriptblock]$Body) {
  if ($script:Only -and $Name -notlike "*$script:Only*") { return }
  $script:Count++
  try {
    $result = & $Body
    if ($result -is [array]) { $result = $result[-1] }
    if ($result -eq $true) {
      $script:Passed++
      Write-Output "ok $script:Count - $Name"
    } else {
      $script:Failed++
      Write-Output "not ok $script:Count - $Name"
    }
  } catch {
    if ($_.Exception.Message -like 'SKIP:*') {
      $script:Skipped++
      Write-Output ("ok $script:Count - $Name # SKIP " + $_.Exception.Message.Substring(5))
    } else {
      $script:Failed++
      Write-Output ("not ok $script:Count - ${Name}: " + $_.Exception.Message)
    }
  }
}

function Skip([string]$Reason) { throw "SKIP:$Reason" }

function Test-Admin {
  $id = [Security.Principal.WindowsIdentity]::GetCurrent()
  (New-Object Security.Principal.WindowsPrincipal $id).IsInRole(
    [Security.Principal.WindowsBuiltInRole]::Administrator)
}

function Require-Admin { if (-not (Test-Admin)) { Skip 'needs an elevated PowerShell' } }
function Require-Cordon {
  if (-not $script:Cordon) { Skip 'cordon.exe not found (pass -Cordon PATH)' }
}

# Run a native program; return @{ Code; Out; Err }. Never throws on exit codes.
function Invoke-Native([string]$Exe, [string[]]$Arguments, [string]$Stdin = $null,
                       [int]$TimeoutSec = 60) {
  $psi = New-Object Diagnostics.ProcessStartInfo
  $psi.FileName = $Exe
  $psi.Arguments = ($Arguments | ForEach-Object { Quote-Arg $_ }) -join ' '
  $psi.UseShellExecute = $false
  $psi.RedirectStandardOutput = $true
  $psi.RedirectStandardError = $true
  $psi.RedirectStandardInput = $true
  $p = [Diagnostics.Process]::Start($psi)
  $outTask = $p.StandardOutput.ReadToEndAsync()
  $errTask = $p.StandardError.ReadToEndAsync()
  if ($Stdin) { $p.StandardInput.Write($Stdin) }
  $p.StandardInput.Close()
  if (-not $p.WaitForExit($TimeoutSec * 1000)) {
    $p.Kill()
    throw "$Exe timed out after $TimeoutSec s"
  }
  @{ Code = $p.ExitCode; Out = $outTask.Result; Err = $errTask.Result }
}

# CommandLineToArgvW quoting.
function Quote-Arg([string]$a) {
  if ($a -and $a -notmatch '[\s"]') { return $a }
  '"' + ($a -replace '(\\*)"', '$1$1\"' -replace '(\\+)$', '$1$1') + '"'
}

# cordon run POLICY... -- COMMAND...: @{ Code; Out; Err }.
function Invoke-Sandboxed([string[]]$Policy, [string[]]$Command, [string]$Stdin = $null,
                          [int]$TimeoutSec = 60) {
  Invoke-Native $script:Cordon (@('run') + $Policy + @('--') + $Command) $Stdin $TimeoutSec
}

# A fresh workspace: a git-like repository (a .git directory with a config file)
# and a docs folder, under a directory of its own in %TEMP%\cordon-smoke.
function New-Workspace {
  $root = Join-Path $env:TEMP ("cordon-smoke\" + [Guid]::NewGuid().ToString('N').Substring(0, 8))
  $ws = Join-Path $root 'ws'
  New-Item -ItemType Directory -Force (Join-Path $ws '.git'), (Join-Path $ws 'docs') | Out-Null
  Set-Content -Path (Join-Path $ws '.git\config') -Value '[core]'
  Set-Content -Path (Join-Path $ws 'docs\readme.txt') -Value 'docs'
  Set-Content -Path (Join-Path $ws 'file.txt') -Value 'hello'
  $ws
}

# A TCP listener on 127.0.0.1:PORT that counts the connections it accepts.
function Start-Listener([int]$Port) {
  $l = New-Object Net.Sockets.TcpListener ([Net.IPAddress]::Loopback), $Port
  $l.Start()
  $l
}

function Test-Accepted($Listener, [int]$WaitMs = 2000) {
  $deadline = (Get-Date).AddMilliseconds($WaitMs)
  while ((Get-Date) -lt $deadline) {
    if ($Listener.Pending()) { $Listener.AcceptTcpClient().Close(); return $true }
    Start-Sleep -Milliseconds 50
  }
  $false
}

function Get-FreePort {
  $l = New-Object Net.Sockets.TcpListener ([Net.IPAddress]::Loopback), 0
  $l.Start()
  $port = $l.LocalEndpoint.Port
  $l.Stop()
  $port
}
