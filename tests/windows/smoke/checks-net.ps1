# Network: offline and proxy runs use the offline user, confined by the firewall
# rules and WFP filters; online runs use the online user. Listeners play the proxy
# and the host's other loopback services, outside the sandbox.

Check 'net: offline: no TCP to a loopback port that is not a relay' {
  Require-Cordon
  $port = Get-FreePort
  $l = Start-Listener $port
  try {
    $ws = New-Workspace
    Invoke-Sandboxed @('--cwd', $ws, '--network', 'offline') @('curl.exe', '-s', '-m', '5',
      "http://127.0.0.1:$port/") | Out-Null
    -not (Test-Accepted $l)
  } finally { $l.Stop() }
}

Check 'net: offline: no direct DNS (nslookup sends its own UDP)' {
  Require-Cordon
  $ws = New-Workspace
  $r = Invoke-Sandboxed @('--cwd', $ws, '--network', 'offline') @('nslookup.exe', '-timeout=2',
    'example.com', '8.8.8.8')
  # An answer names the host; the server lines alone say nothing.
  $r.Out -notmatch 'Name:\s+example\.com'
}

Check 'net: offline: no ICMP (ping)' {
  Require-Cordon
  $ws = New-Workspace
  $r = Invoke-Sandboxed @('--cwd', $ws, '--network', 'offline') @('ping.exe', '-n', '1', '-w',
    '1000', '127.0.0.1')
  $r.Code -ne 0
}

Check 'net: offline: no outbound connection beyond loopback' {
  Require-Cordon
  $ws = New-Workspace
  $r = Invoke-Sandboxed @('--cwd', $ws, '--network', 'offline') @('curl.exe', '-s', '-m', '5',
    '-o', 'NUL', '-w', '%{http_code}', 'http://1.1.1.1/')
  ($r.Code -ne 0) -and ($r.Out -notmatch '^[1-5][0-9][0-9]$')
}

Check 'net: proxy: the proxy port is reached (through its relay)' {
  Require-Cordon
  $port = Get-FreePort
  $l = Start-Listener $port
  try {
    $ws = New-Workspace
    # The runner rewrites HTTP_PROXY to the relay port; curl honours it.
    $env:HTTP_PROXY = "http://127.0.0.1:$port"
    Invoke-Sandboxed @('--cwd', $ws, '--network', 'proxy', '--proxy-port', "$port") @(
      'curl.exe', '-s', '-m', '5', 'http://example.com/') -TimeoutSec 30 | Out-Null
    Test-Accepted $l 5000
  } finally {
    $l.Stop()
    Remove-Item Env:HTTP_PROXY -ErrorAction SilentlyContinue
  }
}

Check 'net: proxy: another loopback port is not reached' {
  Require-Cordon
  $proxy = Get-FreePort
  $other = Get-FreePort
  $l = Start-Listener $other
  try {
    $ws = New-Workspace
    Invoke-Sandboxed @('--cwd', $ws, '--network', 'proxy', '--proxy-port', "$proxy") @(
      'curl.exe', '-s', '-m', '5', "http://127.0.0.1:$other/") | Out-Null
    -not (Test-Accepted $l)
  } finally { $l.Stop() }
}

Check 'net: proxy: no UDP, even to loopback' {
  Require-Cordon
  $udp = New-Object Net.Sockets.UdpClient 0, ([Net.Sockets.AddressFamily]::InterNetwork)
  try {
    $port = ($udp.Client.LocalEndPoint).Port
    $ws = New-Workspace
    $send = "`$u = New-Object Net.Sockets.UdpClient; `$u.Send([byte[]](1,2,3), 3, '127.0.0.1', $port)"
    Invoke-Sandboxed @('--cwd', $ws, '--network', 'proxy', '--proxy-port', '1') @(
      'powershell.exe', '-NoProfile', '-Command', $send) | Out-Null
    $udp.Client.ReceiveTimeout = 2000
    $ep = New-Object Net.IPEndPoint ([Net.IPAddress]::Any), 0
    try { $udp.Receive([ref]$ep) | Out-Null; $false } catch { $true }
  } finally { $udp.Close() }
}

Check 'net: online: direct access works (with -Online)' {
  Require-Cordon
  if (-not $script:Online) { Skip 'pass -Online on a host with internet access' }
  $ws = New-Workspace
  $r = Invoke-Sandboxed @('--cwd', $ws, '--network', 'online') @('curl.exe', '-s', '-m', '10',
    '-o', 'NUL', '-w', '%{http_code}', 'https://example.com/')
  $r.Out -match '^[23][0-9][0-9]$'
}

Check 'net: the online user is not confined by the offline rules' {
  $sid = (Get-LocalUser -Name 'CordonSandboxOnline').SID.Value
  $fw = New-Object -ComObject HNetCfg.FwPolicy2
  -not ($fw.Rules | Where-Object { $_.Grouping -eq 'cordon' -and $_.LocalUserAuthorizedList -like "*$sid*" })
}
