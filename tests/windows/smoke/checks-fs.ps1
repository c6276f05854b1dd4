# Filesystem policies, enforced by ACLs and the restricted token: each check runs a
# real command in the sandbox and then looks at the disk from outside it.

function Write-Probe([string]$Path) {
  # cmd's own redirection: no tool that could mask an access error.
  @('cmd.exe', '/d', '/c', "echo probe> `"$Path`"")
}

Check 'fs: read-only: the workspace is readable' {
  Require-Cordon
  $ws = New-Workspace
  $r = Invoke-Sandboxed @('--mode', 'read-only', '--cwd', $ws) @('cmd.exe', '/d', '/c', 'type file.txt')
  ($r.Code -eq 0) -and ($r.Out -match 'hello')
}

Check 'fs: read-only: writing in the workspace is denied' {
  Require-Cordon
  $ws = New-Workspace
  $target = Join-Path $ws 'new.txt'
  $r = Invoke-Sandboxed @('--mode', 'read-only', '--cwd', $ws) (Write-Probe $target)
  ($r.Code -ne 0) -and -not (Test-Path $target)
}

Check 'fs: workspace-write: writing in the workspace works' {
  Require-Cordon
  $ws = New-Workspace
  $target = Join-Path $ws 'new.txt'
  $r = Invoke-Sandboxed @('--mode', 'workspace-write', '--cwd', $ws) (Write-Probe $target)
  ($r.Code -eq 0) -and (Test-Path $target)
}

Check 'fs: workspace-write: writing beside the workspace is denied' {
  Require-Cordon
  $ws = New-Workspace
  $target = Join-Path (Split-Path $ws) 'outside.txt'
  $r = Invoke-Sandboxed @('--mode', 'workspace-write', '--cwd', $ws) (Write-Probe $target)
  ($r.Code -ne 0) -and -not (Test-Path $target)
}

Check 'fs: workspace-write: two workspaces cannot write to each other' {
  Require-Cordon
  $a = New-Workspace
  $b = New-Workspace
  Invoke-Sandboxed @('--cwd', $b) @('cmd.exe', '/d', '/c', 'exit 0') | Out-Null  # b's SID exists
  $target = Join-Path $b 'from-a.txt'
  $r = Invoke-Sandboxed @('--cwd', $a) (Write-Probe $target)
  ($r.Code -ne 0) -and -not (Test-Path $target)
}

Check 'fs: .git is read-only inside a writable workspace' {
  Require-Cordon
  $ws = New-Workspace
  $config = Join-Path $ws '.git\config'
  $before = Get-Content -Raw $config
  $r = Invoke-Sandboxed @('--cwd', $ws) @('cmd.exe', '/d', '/c', 'echo evil>> .git\config')
  $new = Join-Path $ws '.git\hooks-new'
  $r2 = Invoke-Sandboxed @('--cwd', $ws) @('cmd.exe', '/d', '/c', "mkdir `"$new`"")
  ($r.Code -ne 0) -and ((Get-Content -Raw $config) -eq $before) -and ($r2.Code -ne 0) -and
    -not (Test-Path $new)
}

Check 'fs: .git stays readable (git status works from the sandbox)' {
  Require-Cordon
  if (-not (Get-Command git.exe -ErrorAction SilentlyContinue)) { Skip 'git is not installed' }
  $ws = New-Workspace
  Remove-Item -Recurse -Force (Join-Path $ws '.git')
  git -C $ws init -q
  $r = Invoke-Sandboxed @('--cwd', $ws) @('git.exe', 'status', '--porcelain')
  # safe.directory is injected: no "dubious ownership" refusal under the sandbox user.
  ($r.Code -eq 0) -and ($r.Err -notmatch 'dubious ownership')
}

Check 'fs: a read-only carveout under the workspace, reopened below' {
  Require-Cordon
  $ws = New-Workspace
  New-Item -ItemType Directory (Join-Path $ws 'docs\tmp') | Out-Null
  $policy = @('--cwd', $ws, '--readable', './docs', '--writable', './docs/tmp')
  $denied = Invoke-Sandboxed $policy (Write-Probe (Join-Path $ws 'docs\x.txt'))
  $allowed = Invoke-Sandboxed $policy (Write-Probe (Join-Path $ws 'docs\tmp\x.txt'))
  ($denied.Code -ne 0) -and -not (Test-Path (Join-Path $ws 'docs\x.txt')) -and
    ($allowed.Code -eq 0) -and (Test-Path (Join-Path $ws 'docs\tmp\x.txt'))
}

Check 'fs: a --deny-read path is unreadable' {
  Require-Cordon
  $ws = New-Workspace
  $secret = Join-Path (Split-Path $ws) 'secret'
  New-Item -ItemType Directory $secret | Out-Null
  Set-Content (Join-Path $secret 'key.txt') 'TOPSECRET'
  $r = Invoke-Sandboxed @('--cwd', $ws, '--deny-read', $secret) @('cmd.exe', '/d', '/c', "type `"$secret\key.txt`"")
  ($r.Code -ne 0) -and ($r.Out -notmatch 'TOPSECRET')
}

Check 'fs: the sandbox users'' passwords are unreadable from the sandbox' {
  Require-Cordon
  $ws = New-Workspace
  $blob = Join-Path $script:CordonHome 'secrets\CordonSandboxOffline.dpapi'
  $r = Invoke-Sandboxed @('--cwd', $ws) @('cmd.exe', '/d', '/c', "type `"$blob`" > nul")
  $r.Code -ne 0
}

Check 'fs: ~/.ssh is unreadable from the sandbox (when it exists)' {
  Require-Cordon
  $ssh = Join-Path $env:USERPROFILE '.ssh'
  if (-not (Test-Path $ssh)) { Skip 'no ~\.ssh on this machine' }
  $ws = New-Workspace
  $r = Invoke-Sandboxed @('--cwd', $ws) @('cmd.exe', '/d', '/c', "dir /b `"$ssh`"")
  $r.Code -ne 0
}

Check 'fs: cordon home is not writable from the sandbox' {
  Require-Cordon
  $ws = New-Workspace
  $target = Join-Path $script:CordonHome 'cap_sids'
  $before = Get-Content -Raw $target
  $r = Invoke-Sandboxed @('--cwd', $ws) @('cmd.exe', '/d', '/c', "echo x>> `"$target`"")
  ($r.Code -ne 0) -and ((Get-Content -Raw $target) -eq $before)
}

Check 'fs: an Everyone-writable directory outside the workspace is not writable' {
  Require-Cordon
  $ws = New-Workspace
  $open = Join-Path (Split-Path $ws) 'everyone'
  New-Item -ItemType Directory $open | Out-Null
  icacls $open /grant '*S-1-1-0:(OI)(CI)M' | Out-Null
  $target = Join-Path $open 'x.txt'
  $r = Invoke-Sandboxed @('--cwd', $ws) (Write-Probe $target)
  ($r.Code -ne 0) -and -not (Test-Path $target)
}

Check 'fs: a command in a deep cwd starts while read ACLs are pending' {
  Require-Cordon
  # A cwd whose parents the sandbox users cannot read yet: the run must start (in
  # the junction) and see the right directory.
  $ws = New-Workspace
  $deep = Join-Path $ws 'a\b\c'
  New-Item -ItemType Directory $deep | Out-Null
  Set-Content (Join-Path $deep 'here.txt') 'deep'
  $r = Invoke-Sandboxed @('--cwd', $deep) @('cmd.exe', '/d', '/c', 'type here.txt')
  ($r.Code -eq 0) -and ($r.Out -match 'deep')
}
