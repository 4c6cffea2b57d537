#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, packages and demonstrates HiApi.Video.
.DESCRIPTION
    Build    dotnet build of the solution, then Help; the module lands in ./bin beside HiApi.Video.psd1.
    Help     Builds help/en-US/HiApi.Video.dll-Help.xml from help/*.md and the built module (help/Build-Help.ps1),
             after building the module, and copies it to ./en-US where Get-Help reads it. Fails, listing what is
             wrong, when a cmdlet or a parameter is undocumented or a page documents one that does not exist.
    Test     Builds the solution, checks that the committed help is up to date, then xunit (dotnet test
             HiApiPS.sln), then the Pester suite (tests/*.Tests.ps1). All three run whatever the others say.
    Pester   Only the Pester suite (expects a build).
    Package  A Release build of the module, laid out as a publishable module folder: out/HiApi.Video/<version>/
             (or under -OutputPath), as PowerShell reads an installed module: manifest, formats, bin/ (assemblies),
             en-US/ (help, checked against the packaged module).
    Demo     Builds the module and the emulator only, starts the emulator, runs a prompt through New-, Wait- and
             Save-, prints the file.
    Bench    The benchmark harness (bench/HiApi.Bench), always a Release build; writes bench/results/latest.md.

    The configuration is Release for Package and Debug for the other tasks, unless -Configuration says otherwise.
    Whatever loads the module (help, Pester, the demo) runs in a child pwsh: on Windows a loaded assembly cannot be
    replaced, and the next build must replace the ones in ./bin. Before building, build.ps1 checks that its own
    process has not loaded them, on every OS alike. -WhatIf shows the commands each task would run.
.EXAMPLE
    ./build.ps1 Test
.EXAMPLE
    ./build.ps1 Package, Demo
.EXAMPLE
    ./build.ps1 Package -NoBuild -OutputPath /tmp/pkg
    Packages the current build into /tmp/pkg/HiApi.Video/<version>/ without building first (what the Pester
    packaging test does after a build).
.EXAMPLE
    ./build.ps1 Demo -WhatIf
    Shows what the demo would build and run, and does nothing.
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Help', 'Test', 'Pester', 'Package', 'Demo', 'Bench')]
    [string[]] $Task = 'Build',

    # Default: Release for Package, Debug for the others (Bench is always Release).
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration,

    # Package: the folder that receives HiApi.Video/<version>/ (default: out/ in the repository).
    [string] $OutputPath = (Join-Path $PSScriptRoot 'out'),

    # Use what is already built into ./bin and ./en-US instead of building first (Package, Help, Demo, Test).
    [switch] $NoBuild
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$solution = Join-Path $root 'HiApiPS.sln'
$moduleProject = Join-Path $root 'src/HiApi.Video/HiApi.Video.csproj'
# What the demo runs: the module (and, through its reference, the client) and the emulator; nothing else.
$demoProjects = $moduleProject, (Join-Path $root 'tests/HiApi.Emulator/HiApi.Emulator.csproj')
Import-Module (Join-Path $root 'tests/HiApiEmulator.psm1') -Force   # Get-PwshCommand

function Get-TaskConfiguration([string] $Step) {
    if ($Configuration) { return $Configuration }
    if ($Step -eq 'Package') { 'Release' } else { 'Debug' }
}

function Invoke-Native {
    param([string] $FilePath, [string[]] $Arguments, [string] $Display = "$FilePath $($Arguments -join ' ')")
    if (-not $PSCmdlet.ShouldProcess($Display, 'Run')) { return }
    & $FilePath @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Display failed with exit code $LASTEXITCODE" }
}

function Invoke-ChildPwsh {
    <#
        Runs a script block, or a script file with its arguments, in a fresh pwsh; fails when it exits non-zero.
        $Environment is set for the child only (and put back here afterwards).
    #>
    param(
        [string] $Display,
        [scriptblock] $ScriptBlock,
        [string] $File,
        [object[]] $ArgumentList = @(),
        [hashtable] $Environment = @{}
    )
    $pwsh = Get-PwshCommand
    $arguments = @($pwsh.Arguments) + '-NoProfile', '-NonInteractive'
    if ($File) {
        $arguments += @('-File', $File) + @($ArgumentList | ForEach-Object { "$_" })
    }
    else {
        $quoted = $ArgumentList | ForEach-Object { "'$("$_".Replace("'", "''"))'" }
        $command = "& { $ScriptBlock } $($quoted -join ' ')"
        # -OutputFormat Text: without it, an encoded command's other streams come out as CLIXML once redirected.
        $arguments += '-OutputFormat', 'Text', '-EncodedCommand', [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($command))
    }
    $saved = @{}
    foreach ($name in $Environment.Keys) {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        [Environment]::SetEnvironmentVariable($name, $Environment[$name])
    }
    try { Invoke-Native $pwsh.FilePath $arguments -Display "pwsh: $Display" }
    finally {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    }
}

function Assert-ModuleNotLoaded {
    # The build replaces ./bin/*.dll. On Windows that fails while a process has them loaded, and on every OS a
    # process keeps running the assembly it loaded first: either way this process must not hold them.
    $bin = (Join-Path $root 'bin') + [IO.Path]::DirectorySeparatorChar
    $loaded = @([AppDomain]::CurrentDomain.GetAssemblies() |
            Where-Object { -not $_.IsDynamic -and $_.Location -and $_.Location.StartsWith($bin, [StringComparison]::OrdinalIgnoreCase) })
    if ($loaded) {
        throw "This pwsh (process $PID) has loaded $($loaded.Location -join ', '), which the build must replace. " +
        'Run build.ps1 from a new pwsh, or with "dotnet pwsh ./build.ps1" from another shell.'
    }
}

function Invoke-DotNetBuild([string] $Project, [string] $Config) {
    if ($NoBuild) {
        Write-Host "Not building $([IO.Path]::GetFileName($Project)) (-NoBuild)."
        return
    }
    Assert-ModuleNotLoaded
    Invoke-Native dotnet @('build', $Project, '-c', $Config, '--nologo')
}

function Invoke-Help([switch] $Check, [string] $ModulePath, [string] $MamlPath) {
    # help/Build-Help.ps1 imports the module: a child pwsh, so that this process never loads it.
    $arguments = @()
    if ($Check) { $arguments += '-Check' }
    if ($ModulePath) { $arguments += '-ModulePath', $ModulePath }
    if ($MamlPath) { $arguments += '-OutputPath', $MamlPath }
    $what = if ($Check) { 'check the help' } else { 'build the help' }
    Invoke-ChildPwsh $what -File (Join-Path $root 'help/Build-Help.ps1') -ArgumentList $arguments
    if (-not $Check -and -not $MamlPath -and $PSCmdlet.ShouldProcess((Join-Path $root 'en-US'), 'Copy the help')) {
        # Where Get-Help reads it for the repository build (what `dotnet build` also copies).
        New-Item -ItemType Directory -Path (Join-Path $root 'en-US') -Force | Out-Null
        Copy-Item (Join-Path $root 'help/en-US/HiApi.Video.dll-Help.xml') -Destination (Join-Path $root 'en-US')
    }
}

function Invoke-XunitTests([string] $Config) {
    Invoke-Native dotnet @('test', $solution, '-c', $Config, '--no-build', '--nologo')
}

function Get-PesterManifest {
    # An installed Pester 5.3+ if there is one; otherwise the pinned copy that `dotnet restore` brings from NuGet
    # (tests/PesterPackage): the PowerShell Gallery is not needed, and not reachable from CI.
    $installed = Get-Module -ListAvailable Pester | Where-Object { $_.Version -ge [version]'5.3.0' -and $_.Version.Major -eq 5 } |
        Sort-Object Version -Descending | Select-Object -First 1
    if ($installed) { return $installed.Path }

    $project = Join-Path $root 'tests/PesterPackage/PesterPackage.csproj'
    [xml] $xml = Get-Content $project -Raw
    $version = ($xml.Project.ItemGroup.PackageDownload | Where-Object Include -EQ 'Pester').Version.Trim('[', ']')
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
    $manifest = Join-Path $packages "pester/$version/tools/Pester.psd1"
    if (-not (Test-Path $manifest)) {
        Invoke-Native dotnet @('restore', $project, '--nologo')
    }
    if (-not (Test-Path $manifest) -and -not $WhatIfPreference) {
        throw "Pester $version is neither installed nor in the NuGet package folder ($manifest), and 'dotnet restore $project' did not bring it."
    }
    $manifest
}

function Invoke-PesterTests([string] $Config) {
    # In a child pwsh: the suite imports the module, which must not stay loaded in this process (see
    # Assert-ModuleNotLoaded); and the suite runs as a user's session would, without this script's Stop/strict settings.
    $runner = {
        param($PesterManifest, $TestsPath, $RenderMode)
        Import-Module $PesterManifest
        $config = New-PesterConfiguration
        $config.Run.Path = $TestsPath
        $config.Run.Exit = $false
        $config.Run.PassThru = $true
        $config.Output.Verbosity = 'Detailed'
        $config.Output.RenderMode = $RenderMode
        $result = Invoke-Pester -Configuration $config
        if ($result.FailedCount -gt 0 -or $result.Result -ne 'Passed') {
            [Console]::Error.WriteLine("Pester reported $($result.FailedCount) failure(s).")
            exit 1
        }
    }
    $environment = @{ HIAPI_TEST_CONFIGURATION = $Config; HIAPI_BUILD_PROCESS_ID = "$PID" }
    # The child writes into this process's output, not to a console: it keeps Pester's colours only if this one can.
    $renderMode = if ($env:NO_COLOR -or [Console]::IsOutputRedirected -or -not $Host.UI.SupportsVirtualTerminal) { 'Plaintext' } else { 'Ansi' }
    Invoke-ChildPwsh 'the Pester suite (tests/*.Tests.ps1)' -ScriptBlock $runner -ArgumentList (Get-PesterManifest), (Join-Path $root 'tests'), $renderMode -Environment $environment
}

function Invoke-AllTests([string] $Config) {
    # Every check always runs: a red xunit must not hide what the Pester suite or the help check would have said.
    Invoke-DotNetBuild $solution $Config
    $failures = @()
    try { Invoke-Help -Check } catch { $failures += "help: $($_.Exception.Message)" }
    try { Invoke-XunitTests $Config } catch { $failures += "xunit: $($_.Exception.Message)" }
    try { Invoke-PesterTests $Config } catch { $failures += "Pester: $($_.Exception.Message)" }
    if ($failures) { throw "Tests failed:`n  $($failures -join "`n  ")" }
}

function Invoke-Package([string] $Config) {
    Invoke-DotNetBuild $moduleProject $Config
    $manifest = Import-PowerShellDataFile (Join-Path $root 'HiApi.Video.psd1')
    $target = Join-Path ([IO.Path]::GetFullPath($OutputPath, (Get-Location).ProviderPath)) "HiApi.Video/$($manifest.ModuleVersion)"
    if (-not $PSCmdlet.ShouldProcess($target, "Package the $(if ($NoBuild) { 'current' } else { $Config }) build")) { return }
    if (Test-Path $target) { Remove-Item $target -Recurse -Force }
    New-Item -ItemType Directory -Path (Join-Path $target 'bin'), (Join-Path $target 'en-US') -Force | Out-Null
    # The manifest and what it loads from beside itself (formats, the check that the module is built).
    $besideManifest = @('HiApi.Video.psd1', 'README.md', 'LICENSE') + @($manifest['FormatsToProcess']) + @($manifest['NestedModules']) |
        Where-Object { $_ -and -not $_.StartsWith('bin/') }
    $besideManifest | ForEach-Object { Copy-Item (Join-Path $root $_) -Destination $target }
    # Only the module's own assemblies: no pdb, no PowerShell assemblies (the host provides them).
    Get-ChildItem (Join-Path $root 'bin') -File -Filter *.dll | Copy-Item -Destination (Join-Path $target 'bin')
    # Help lives under the module base (<base>/en-US/), where Get-Help looks for a binary module's MAML and about_ topics.
    $help = @('HiApi.Video.dll-Help.xml', 'about_HiApi.Video.help.txt') | ForEach-Object { Join-Path $root "en-US/$_" }
    $missing = @($help | Where-Object { -not (Test-Path $_) })
    if ($missing) { throw "Help is missing from the build: $($missing -join ', '). Run: ./build.ps1 Build" }
    Copy-Item $help -Destination (Join-Path $target 'en-US')
    if (Get-ChildItem $target -Recurse -Filter 'System.Management.Automation.dll') {
        throw 'System.Management.Automation.dll must not be shipped with the module.'
    }
    # Every file the manifest names must be in the package.
    foreach ($file in @($manifest.RootModule) + @($manifest['FormatsToProcess']) + @($manifest['TypesToProcess']) + @($manifest['NestedModules']) | Where-Object { $_ }) {
        if (-not (Test-Path (Join-Path $target $file))) { throw "The manifest names $file, which is not in the package." }
    }
    Test-ModuleManifest (Join-Path $target 'HiApi.Video.psd1') | Out-Null
    # The help shipped is the help of the module shipped.
    Invoke-Help -Check -ModulePath (Join-Path $target 'HiApi.Video.psd1') -MamlPath (Join-Path $target 'en-US/HiApi.Video.dll-Help.xml')
    Write-Host "Packaged $target"
    Get-ChildItem $target -Recurse -File | ForEach-Object { Write-Host "  $($_.FullName.Substring($target.Length + 1))" }
}

function Invoke-Demo([string] $Config) {
    foreach ($project in $demoProjects) { Invoke-DotNetBuild $project $Config }
    $demo = {
        param($Root, $Configuration)
        $ErrorActionPreference = 'Stop'
        Import-Module (Join-Path $Root 'tests/HiApiEmulator.psm1')
        $emulator = Start-HiApiEmulator -Configuration $Configuration -Setting @{ QueuedMs = 500; HandlingMs = 1500; ArchivingMs = 500 }
        try {
            $env:HIAPI_BASE_URL = $emulator.BaseUri
            $env:HIAPI_API_KEY = $emulator.ApiKey
            # Demo tasks live in their own ledger, not in the user's real one.
            $env:HIAPI_LEDGER_PATH = Join-Path $Root 'out/demo-ledger.jsonl'
            Import-Module (Join-Path $Root 'HiApi.Video.psd1')
            $clips = Join-Path $Root 'out/demo-clips'
            Write-Host "Emulator at $($emulator.BaseUri); saving to $clips"
            $files = 'a calm ocean wave at sunset' | New-HiApiVideoTask -Duration 3 -Resolution 720p |
                Wait-HiApiTask -PollIntervalSeconds 1 | Save-HiApiVideo -Path $clips -Force
            # A list, not a table: the full path does not fit beside the id in an 80-column console.
            $files | Format-List TaskId, Length, FullName | Out-Host
        }
        finally {
            Stop-HiApiEmulator $emulator
        }
    }
    Invoke-ChildPwsh 'the demo against the local emulator' -ScriptBlock $demo -ArgumentList $root, $Config
}

function Invoke-Bench {
    Assert-ModuleNotLoaded
    Invoke-Native dotnet @('run', '-c', 'Release', '--project', (Join-Path $root 'bench/HiApi.Bench'))
}

foreach ($step in $Task) {
    $config = Get-TaskConfiguration $step
    Write-Host "== $step ($(if ($step -eq 'Bench') { 'Release' } else { $config }))" -ForegroundColor Cyan
    switch ($step) {
        'Build' { Invoke-DotNetBuild $solution $config; Invoke-Help }
        'Help' { Invoke-DotNetBuild $moduleProject $config; Invoke-Help }
        'Test' { Invoke-AllTests $config }
        'Pester' { Invoke-PesterTests $config }
        'Package' { Invoke-Package $config }
        'Demo' { Invoke-Demo $config }
        'Bench' { Invoke-Bench }
    }
}
