<#
    Starts and stops the local HiAPI emulator (tests/HiApi.Emulator) for the Pester suite and the demo.
    The emulator binds 127.0.0.1 on a free port and prints one line HIAPI_EMULATOR_URL=<url>; its stdout goes
    to a file so nothing can block on a full pipe.
#>

$script:RepositoryRoot = Split-Path $PSScriptRoot -Parent

function Start-HiApiEmulator {
    [CmdletBinding()]
    param(
        [ValidateSet('Debug', 'Release')]
        [string] $Configuration = $(if ($env:HIAPI_TEST_CONFIGURATION) { $env:HIAPI_TEST_CONFIGURATION } else { 'Debug' }),

        # Emulator options, e.g. @{ HandlingMs = 500; CallbackDeliveries = 2 }.
        [hashtable] $Setting = @{},

        [int] $TimeoutSeconds = 60
    )

    $candidates = @($Configuration, 'Debug', 'Release') | Select-Object -Unique |
        ForEach-Object { Join-Path $script:RepositoryRoot "tests/HiApi.Emulator/bin/$_/net10.0/HiApi.Emulator.dll" }
    $dll = $candidates | Where-Object { Test-Path $_ } | Select-Object -First 1
    if (-not $dll) { throw "The emulator is not built (looked for $($candidates -join ', ')). Run: dotnet build HiApiPS.sln" }

    $logDirectory = Join-Path ([IO.Path]::GetTempPath()) "hiapi-emulator-$([guid]::NewGuid().ToString('n'))"
    New-Item -ItemType Directory -Path $logDirectory | Out-Null
    $stdout = Join-Path $logDirectory 'stdout.log'
    $stderr = Join-Path $logDirectory 'stderr.log'

    $arguments = @("`"$dll`"", '--urls', 'http://127.0.0.1:0')
    foreach ($name in $Setting.Keys) { $arguments += "--Emulator:$name=$($Setting[$name])" }

    $process = Start-Process -FilePath 'dotnet' -ArgumentList $arguments -RedirectStandardOutput $stdout `
        -RedirectStandardError $stderr -PassThru -NoNewWindow

    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    $baseUri = $null
    while (-not $baseUri) {
        if ($process.HasExited) {
            throw "The emulator exited with code $($process.ExitCode): $(Get-Content $stderr -Raw)"
        }
        if ([DateTime]::UtcNow -gt $deadline) {
            Stop-Process -Id $process.Id -Force -ErrorAction SilentlyContinue
            throw "The emulator did not report its URL within $TimeoutSeconds s."
        }
        $line = Select-String -Path $stdout -Pattern '^HIAPI_EMULATOR_URL=(.+)$' -ErrorAction SilentlyContinue | Select-Object -First 1
        if ($line) { $baseUri = $line.Matches[0].Groups[1].Value.Trim() } else { Start-Sleep -Milliseconds 100 }
    }

    [pscustomobject]@{
        PSTypeName   = 'HiApi.Emulator'
        Process      = $process
        BaseUri      = $baseUri
        ApiKey       = 'sk-test-emulator'
        LogDirectory = $logDirectory
    }
}

function Stop-HiApiEmulator {
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] $Emulator)
    if ($Emulator -and $Emulator.Process -and -not $Emulator.Process.HasExited) {
        Stop-Process -Id $Emulator.Process.Id -Force -ErrorAction SilentlyContinue
        $Emulator.Process.WaitForExit(10000) | Out-Null
    }
    if ($Emulator -and $Emulator.LogDirectory) {
        Remove-Item $Emulator.LogDirectory -Recurse -Force -ErrorAction SilentlyContinue
    }
}

function Invoke-HiApiEmulatorControl {
    <# Calls the emulator's loopback-only control endpoints, e.g. 'requests', 'faults', 'config'. #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] $Emulator,
        [Parameter(Mandatory, Position = 1)] [string] $Path,
        [ValidateSet('Get', 'Put', 'Delete', 'Post')] [string] $Method = 'Get',
        $Body
    )
    $uri = "$($Emulator.BaseUri.TrimEnd('/'))/_emulator/$Path"
    $parameters = @{ Uri = $uri; Method = $Method }
    if ($PSBoundParameters.ContainsKey('Body')) {
        $parameters.Body = $Body | ConvertTo-Json -Depth 5
        $parameters.ContentType = 'application/json'
    }
    # Invoke-RestMethod writes a JSON array as ONE object; writing it again from a variable enumerates it, so
    # callers get one object per element (and nothing for []), as Where-Object and @(...) expect.
    $answer = Invoke-RestMethod @parameters
    $answer
}

function Get-PwshCommand {
    <#
        How to start another pwsh like this one: { FilePath; Arguments }. When pwsh runs as a .NET tool
        (`dotnet pwsh`), this process is `dotnet` itself, so the child is `dotnet <PSHOME>/pwsh.dll`.
    #>
    [CmdletBinding()]
    param()
    $processPath = [Environment]::ProcessPath
    $entry = Join-Path $PSHOME 'pwsh.dll'
    if ([IO.Path]::GetFileNameWithoutExtension($processPath) -eq 'dotnet' -and (Test-Path $entry)) {
        [pscustomobject]@{ FilePath = $processPath; Arguments = @($entry) }
    }
    else {
        [pscustomobject]@{ FilePath = $processPath; Arguments = @() }
    }
}

function Invoke-HiApiChildPwsh {
    <#
        Runs a script in a fresh pwsh (started as Get-PwshCommand says, -NoProfile -NonInteractive) and returns its
        standard output as one string; throws with its standard error if it exits non-zero or outlives the timeout.
        -Environment adds (or, with $null, removes) variables in the child only: the caller's environment is left
        alone, so a test can give the child another time zone (TZ), module path or data folder.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] [string] $Script,
        [string[]] $ArgumentList = @(),
        [hashtable] $Environment = @{},
        [int] $TimeoutSeconds = 300
    )
    $file = Join-Path ([IO.Path]::GetTempPath()) "hiapi-child-$([guid]::NewGuid().ToString('n')).ps1"
    Set-Content -LiteralPath $file -Value $Script -Encoding utf8
    try {
        $pwsh = Get-PwshCommand
        $info = [Diagnostics.ProcessStartInfo]::new($pwsh.FilePath)
        foreach ($argument in @($pwsh.Arguments) + @('-NoProfile', '-NonInteractive', '-File', $file) + $ArgumentList) {
            $info.ArgumentList.Add($argument)
        }
        $info.UseShellExecute = $false
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $info.WorkingDirectory = [IO.Path]::GetTempPath()
        # Plain text: no ANSI colours in what the test reads.
        $info.Environment['NO_COLOR'] = '1'
        foreach ($name in $Environment.Keys) {
            if ($null -eq $Environment[$name]) { [void] $info.Environment.Remove($name) }
            else { $info.Environment[$name] = [string] $Environment[$name] }
        }
        $process = [Diagnostics.Process]::Start($info)
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($TimeoutSeconds * 1000)) {
            $process.Kill($true)
            throw "The child pwsh did not finish within $TimeoutSeconds s. Output so far: $($stdout.Result)"
        }
        $process.WaitForExit()
        if ($process.ExitCode -ne 0) {
            throw "The child pwsh exited with code $($process.ExitCode): $($stderr.Result) $($stdout.Result)"
        }
        $stdout.Result
    }
    finally {
        Remove-Item -LiteralPath $file -ErrorAction SilentlyContinue
    }
}

function Get-HiApiFreePort {
    <# A TCP port on the loopback interface that nothing listens on right now. #>
    [CmdletBinding()]
    param()
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Enter-HiApiTestSession {
    <#
        Starts an emulator and points the module at it through the environment (base URL, key) with a ledger of
        its own, so tests never touch the user's real ledger. Exit-HiApiTestSession puts everything back.
    #>
    [CmdletBinding()]
    param([hashtable] $Setting = @{ QueuedMs = 100; HandlingMs = 300; ArchivingMs = 100 })

    $saved = @{}
    foreach ($name in 'HIAPI_BASE_URL', 'HIAPI_API_KEY', 'HIAPI_KEY', 'HIAPI_LEDGER_PATH', 'HIAPI_LEDGER', 'HIAPI_WEBHOOK_SECRET') {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
    }
    $emulator = Start-HiApiEmulator -Setting $Setting
    $ledgerPath = Join-Path ([IO.Path]::GetTempPath()) "hiapi-pester-$([guid]::NewGuid().ToString('n')).jsonl"
    $env:HIAPI_BASE_URL = $emulator.BaseUri
    $env:HIAPI_API_KEY = $emulator.ApiKey
    $env:HIAPI_LEDGER_PATH = $ledgerPath
    # A signing key of the user's would make the listener refuse the emulator's unsigned callbacks.
    Remove-Item Env:HIAPI_KEY, Env:HIAPI_LEDGER, Env:HIAPI_WEBHOOK_SECRET -ErrorAction SilentlyContinue

    [pscustomobject]@{
        PSTypeName       = 'HiApi.TestSession'
        Emulator         = $emulator
        LedgerPath       = $ledgerPath
        SavedEnvironment = $saved
    }
}

function Exit-HiApiTestSession {
    <#
        Puts the environment back and stops the emulator, after one check that holds for every test of the session: no
        Get- cmdlet ever sent a paid request (the module names its cmdlet in the User-Agent, the emulator records it).
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] $Session)
    # The stats are never cleared, unlike the request log the tests clear between steps.
    $stats = Invoke-HiApiEmulatorControl $Session.Emulator 'stats' -ErrorAction SilentlyContinue
    $spent = @($stats.createsByUserAgent.PSObject.Properties | Where-Object { $_.Name -match '\(Get-' })
    foreach ($name in $Session.SavedEnvironment.Keys) {
        [Environment]::SetEnvironmentVariable($name, $Session.SavedEnvironment[$name])
    }
    Remove-Item "$($Session.LedgerPath)*" -Force -ErrorAction SilentlyContinue
    Stop-HiApiEmulator $Session.Emulator
    if ($spent) {
        throw "A Get- cmdlet sent paid requests (POST /v1/tasks from $(($spent | ForEach-Object { "$($_.Name): $($_.Value)" }) -join ', ')): a Get- verb must never spend money."
    }
}

function Install-HiApiPackage {
    <#
        Packages the current build (build.ps1 Package -NoBuild) and installs it as a user would: published to a folder
        repository of its own and saved with PSResourceGet into -ModulePath, each in a fresh pwsh. -DataPath (an existing
        folder) keeps PSResourceGet's repository list out of the user's own; the repository is unregistered again in
        any case. Returns the installed module's folder (<ModulePath>/HiApi.Video/<version>).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $WorkPath,
        [Parameter(Mandatory)] [string] $ModulePath,
        [Parameter(Mandatory)] [string] $DataPath
    )
    $out = Join-Path $WorkPath 'out'
    Invoke-HiApiChildPwsh "& '$(Join-Path $script:RepositoryRoot 'build.ps1')' Package -NoBuild -OutputPath '$out'" | Out-Null
    $version = (Import-PowerShellDataFile (Join-Path $script:RepositoryRoot 'HiApi.Video.psd1')).ModuleVersion
    $package = Join-Path $out "HiApi.Video/$version"
    $repository = Join-Path $WorkPath 'repository'
    New-Item -ItemType Directory -Path $repository, $ModulePath, $DataPath -Force | Out-Null
    $install = @'
$ErrorActionPreference = 'Stop'
$package, $repository, $modules = $args[0..2]
Import-Module Microsoft.PowerShell.PSResourceGet
$name = "hiapi-test-$([guid]::NewGuid().ToString('n').Substring(0, 8))"
Register-PSResourceRepository -Name $name -Uri $repository -Trusted
try {
    Publish-PSResource -Path $package -Repository $name
    Save-PSResource -Name HiApi.Video -Repository $name -Path $modules -TrustRepository
}
finally {
    Unregister-PSResourceRepository -Name $name
}
'@
    Invoke-HiApiChildPwsh $install -ArgumentList $package, $repository, $ModulePath -Environment @{ XDG_DATA_HOME = $DataPath } | Out-Null
    Join-Path $ModulePath "HiApi.Video/$version"
}

Export-ModuleMember -Function Install-HiApiPackage, Start-HiApiEmulator, Stop-HiApiEmulator, Invoke-HiApiEmulatorControl, Enter-HiApiTestSession, Exit-HiApiTestSession, Get-PwshCommand, Invoke-HiApiChildPwsh, Get-HiApiFreePort
