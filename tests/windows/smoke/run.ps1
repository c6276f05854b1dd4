<#
.SYNOPSIS
  cordon's smoke suite for a real Windows host: what Wine cannot show (ACL
  enforcement, restricted tokens, sandbox logons, firewall rules, WFP filters,
  private desktops), checked on the machine itself.

.DESCRIPTION
  Prints one line per check ("ok N - ...", "not ok N - ...: reason", or
  "ok N - ... # SKIP reason"), then "P passed, F failed, S skipped"; exits 1 if
  any check failed. Run it in an elevated PowerShell after `cordon setup` for the
  full suite; unelevated, the checks that read machine state (WFP, firewall) skip.

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File tests\windows\smoke\run.ps1 `
      -Setup C:\cordon\cordon-setup.exe -Cordon C:\cordon\cordon.exe
#>
param(
  [string]$Setup = '',   # cordon-setup.exe (default: beside this script, then PATH)
  [string]$Cordon = '',  # cordon.exe; the sandbox checks skip without it
  [string]$Only = '',    # run only the checks whose name contains this
  [switch]$Online        # the host has internet access: also check that online runs reach it
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 2
$here = Split-Path -Parent $MyInvocation.MyCommand.Path
. (Join-Path $here 'lib.ps1')

function Find-Tool([string]$Given, [string]$Name) {
  if ($Given) { return (Resolve-Path $Given).Path }
  $beside = Join-Path $here $Name
  if (Test-Path $beside) { return $beside }
  $cmd = Get-Command $Name -ErrorAction SilentlyContinue
  if ($cmd) { return $cmd.Source }
  ''
}
$script:Setup = Find-Tool $Setup 'cordon-setup.exe'
$script:Cordon = Find-Tool $Cordon 'cordon.exe'
$script:Only = $Only
$script:Online = [bool]$Online
if (-not $script:Setup) {
  Write-Output 'Bail out! cordon-setup.exe not found (pass -Setup PATH)'
  exit 1
}
$script:CordonHome = if ($env:CORDON_HOME) { $env:CORDON_HOME } else { Join-Path $env:LOCALAPPDATA 'cordon' }

foreach ($part in 'checks-setup.ps1', 'checks-fs.ps1', 'checks-net.ps1', 'checks-session.ps1') {
  . (Join-Path $here $part)
}

Write-Output "$script:Passed passed, $script:Failed failed, $script:Skipped skipped"
if ($script:Failed -gt 0) { exit 1 }
exit 0
