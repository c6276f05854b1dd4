# What `cordon setup` leaves on the machine, read back with Windows' own tools.

$offline = 'CordonSandboxOffline'
$online = 'CordonSandboxOnline'
$group = 'CordonSandboxUsers'

Check 'setup: --check says ok' {
  $r = Invoke-Native $script:Setup @('--check')
  if ($r.Code -ne 0) { throw ($r.Out + $r.Err).Trim() }
  $true
}

Check 'setup: marker holds a version and a time' {
  $text = Get-Content -Raw (Join-Path $script:CordonHome 'setup_marker')
  $text -match '^cordon-setup-marker\r?\nversion=[1-9][0-9]*\r?\ntime=[0-9]+\r?\n'
}

Check 'setup: no unfinished setup is recorded' {
  -not (Test-Path (Join-Path $script:CordonHome 'setup_progress'))
}

Check 'setup: sandbox users exist, enabled, in the sandbox group' {
  foreach ($u in $offline, $online) {
    $user = Get-LocalUser -Name $u
    if (-not $user.Enabled) { throw "$u is disabled" }
    $member = Get-LocalGroupMember -Group $group | Where-Object { $_.Name -like "*\$u" }
    if (-not $member) { throw "$u is not in $group" }
  }
  $true
}

Check 'setup: sandbox users are hidden from the sign-in screen' {
  $key = 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon\SpecialAccounts\UserList'
  foreach ($u in $offline, $online) {
    if ((Get-ItemProperty -Path $key -Name $u).$u -ne 0) { throw "$u is shown" }
  }
  $true
}

Check 'setup: secrets\ has a protected DACL that denies the sandbox group' {
  $acl = Get-Acl (Join-Path $script:CordonHome 'secrets')
  if (-not $acl.AreAccessRulesProtected) { throw 'the DACL inherits from cordon home' }
  $rules = $acl.Access | Where-Object { $_.IdentityReference -like "*\$group" }
  $deny = $rules | Where-Object { $_.AccessControlType -eq 'Deny' }
  $allow = $rules | Where-Object { $_.AccessControlType -eq 'Allow' }
  [bool]$deny -and -not $allow
}

Check 'setup: the machine copy of the passwords is admin-only' {
  Require-Admin
  $acl = Get-Acl 'HKLM:\SOFTWARE\cordon\SandboxSecrets'
  $others = $acl.Access | Where-Object {
    $_.IdentityReference -notmatch 'SYSTEM$|Administrators$' }
  $acl.AreAccessRulesProtected -and -not $others
}

Check 'setup: runner copy is read+execute only for the sandbox group' {
  $dirs = Get-ChildItem (Join-Path $script:CordonHome '.sandbox-bin') -Directory
  if (-not $dirs) { throw 'no runner copy' }
  foreach ($d in $dirs) {
    $rules = (Get-Acl $d.FullName).Access | Where-Object { $_.IdentityReference -like "*\$group" }
    foreach ($r in $rules) {
      $w = [Security.AccessControl.FileSystemRights]'Write, Delete, ChangePermissions, TakeOwnership'
      if ($r.AccessControlType -eq 'Allow' -and ($r.FileSystemRights -band $w)) {
        throw "$($d.Name): the group may write"
      }
    }
    if (-not (Test-Path (Join-Path $d.FullName 'cordon-runner.exe'))) { throw "$($d.Name): no runner" }
  }
  $true
}

Check 'setup: firewall rules exist, enabled, scoped to the offline user' {
  $sid = (Get-LocalUser -Name $offline).SID.Value
  $fw = New-Object -ComObject HNetCfg.FwPolicy2
  $ours = @($fw.Rules | Where-Object { $_.Grouping -eq 'cordon' })
  if ($ours.Count -lt 4) { throw "only $($ours.Count) cordon rules" }
  foreach ($r in $ours) {
    if (-not $r.Enabled) { throw "$($r.Name) is disabled" }
    if ($r.LocalUserAuthorizedList -notlike "*$sid*") { throw "$($r.Name) is not scoped to $offline" }
  }
  $true
}

Check 'setup: Windows Firewall is on in every profile' {
  $fw = New-Object -ComObject HNetCfg.FwPolicy2
  (1, 2, 4 | Where-Object { -not $fw.FirewallEnabled($_) }).Count -eq 0
}

Check 'setup: WFP filters are installed (netsh wfp show filters)' {
  Require-Admin
  $file = Join-Path $env:TEMP 'cordon-smoke-wfp.xml'
  netsh wfp show filters file=$file | Out-Null
  $names = Select-String -Path $file -Pattern '<name>cordon-[a-z0-9-]+</name>' -AllMatches |
    ForEach-Object { $_.Matches } | ForEach-Object { $_.Value } | Sort-Object -Unique
  Remove-Item $file -ErrorAction SilentlyContinue
  # ICMP v4/v6 on two layers, and 53, 853, 445, 139 on the connect layers.
  foreach ($want in 'icmp-v4-connect', 'icmp-v6-connect', 'icmp-v4-resource-assignment',
                    'icmp-v6-resource-assignment') {
    if (-not ($names -match $want)) { throw "no $want filter" }
  }
  $names.Count -ge 8
}

Check 'setup: --refresh needs no elevation and succeeds' {
  $r = Invoke-Native $script:Setup @('--refresh')
  if ($r.Code -ne 0) { throw ($r.Out + $r.Err).Trim() }
  $true
}

Check 'setup: --everyone-writable lists a directory Everyone may write to' {
  $dir = Join-Path $env:TEMP ('cordon-smoke-ew-' + [Guid]::NewGuid().ToString('N').Substring(0, 8))
  New-Item -ItemType Directory (Join-Path $dir 'open') | Out-Null
  icacls (Join-Path $dir 'open') /grant '*S-1-1-0:(OI)(CI)M' | Out-Null
  $r = Invoke-Native $script:Setup @('--everyone-writable', '--depth', '1', $dir)
  Remove-Item -Recurse -Force $dir
  ($r.Code -eq 0) -and ($r.Out -match [regex]::Escape((Join-Path $dir 'open')))
}
