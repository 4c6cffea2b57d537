#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, packages and demonstrates HiApi.Video.
.DESCRIPTION
    Build    dotnet build of the solution; the module lands in ./bin beside HiApi.Video.psd1.
    Test     Build, then xunit (dotnet test HiApiPS.sln), then the Pester suite (tests/*.Tests.ps1).
    Pester   Only the Pester suite (expects a build).
    Package  A publishable module folder: out/HiApi.Video/<version>/ (or under -OutputPath), laid out as
             PowerShell reads an installed module: manifest, bin/ (assemblies, formats), en-US/ (help).
    Demo     Starts the local HiAPI emulator, runs a prompt through New-, Wait- and Save-, prints the file.
    Bench    The benchmark harness (bench/HiApi.Bench), Release build; writes bench/results/latest.md.
.EXAMPLE
    ./build.ps1 Test
.EXAMPLE
    ./build.ps1 Package, Demo
.EXAMPLE
    ./build.ps1 Package -NoBuild -OutputPath /tmp/pkg
    Packages the current build into /tmp/pkg/HiApi.Video/<version>/ without building first (what the Pester
    packaging test does after a build).
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Pester', 'Package', 'Demo', 'Bench')]
    [string[]] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug',

    # Package: the folder that receives HiApi.Video/<version>/ (default: out/ in the repository).
    [string] $OutputPath = (Join-Path $PSScriptRoot 'out'),

    # Package: use the module already built into ./bin and ./en-US instead of building first.
    [switch] $NoBuild
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot

function Invoke-Native {
    param([string] $FilePath, [string[]] $Arguments)
    & $FilePath @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$FilePath $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

function Invoke-Build {
    Invoke-Native dotnet @('build', (Join-Path $root 'HiApiPS.sln'), '-c', $Configuration, '--nologo')
}

function Invoke-XunitTests {
    Invoke-Native dotnet @('test', (Join-Path $root 'HiApiPS.sln'), '-c', $Configuration, '--no-build', '--nologo')
}

function Import-Pester {
    # An installed Pester 5 if there is one; otherwise the pinned copy that `dotnet restore` brought from NuGet
    # (tests/PesterPackage): the PowerShell Gallery is not needed, and not reachable from CI.
    $installed = Get-Module -ListAvailable Pester | Where-Object { $_.Version -ge [version]'5.3.0' -and $_.Version.Major -eq 5 } |
        Sort-Object Version -Descending | Select-Object -First 1
    if ($installed) {
        Import-Module $installed.Path -Force
        return
    }

    $project = Join-Path $root 'tests/PesterPackage/PesterPackage.csproj'
    [xml] $xml = Get-Content $project -Raw
    $version = ($xml.Project.ItemGroup.PackageDownload | Where-Object Include -EQ 'Pester').Version.Trim('[', ']')
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
    $manifest = Join-Path $packages "pester/$version/tools/Pester.psd1"
    if (-not (Test-Path $manifest)) {
        Invoke-Native dotnet @('restore', $project, '--nologo')
    }
    if (-not (Test-Path $manifest)) {
        throw "Pester $version is neither installed nor in the NuGet package folder ($manifest), and 'dotnet restore $project' did not bring it."
    }
    Import-Module $manifest -Force
}

function Invoke-PesterTests {
    # The suite runs as a user's session would: build.ps1's own Stop/strict settings must not leak into the tests.
    $ErrorActionPreference = 'Continue'
    Set-StrictMode -Off
    Import-Pester
    $config = New-PesterConfiguration
    $config.Run.Path = Join-Path $root 'tests'
    $config.Run.Exit = $false
    $config.Run.PassThru = $true
    $config.Output.Verbosity = 'Detailed'
    $env:HIAPI_TEST_CONFIGURATION = $Configuration
    $result = Invoke-Pester -Configuration $config
    if ($result.FailedCount -gt 0 -or $result.Result -ne 'Passed') { throw "Pester reported $($result.FailedCount) failure(s)." }
}

function Invoke-AllTests {
    # Both suites always run: a red xunit must not hide what the Pester suite would have said.
    Invoke-Build
    $failures = @()
    try { Invoke-XunitTests } catch { $failures += "xunit: $($_.Exception.Message)" }
    try { Invoke-PesterTests } catch { $failures += "Pester: $($_.Exception.Message)" }
    if ($failures) { throw "Tests failed:`n  $($failures -join "`n  ")" }
}

function Invoke-Package {
    $manifest = Import-PowerShellDataFile (Join-Path $root 'HiApi.Video.psd1')
    $target = Join-Path ([IO.Path]::GetFullPath($OutputPath, (Get-Location).ProviderPath)) "HiApi.Video/$($manifest.ModuleVersion)"
    if (Test-Path $target) { Remove-Item $target -Recurse -Force }
    New-Item -ItemType Directory -Path (Join-Path $target 'bin'), (Join-Path $target 'en-US') -Force | Out-Null
    Copy-Item (Join-Path $root 'HiApi.Video.psd1'), (Join-Path $root 'README.md'), (Join-Path $root 'LICENSE') -Destination $target
    # Only the module's own files: no pdb, no PowerShell assemblies (the host provides them).
    Get-ChildItem (Join-Path $root 'bin') -File |
        Where-Object { $_.Extension -in '.dll', '.ps1xml' } |
        Copy-Item -Destination (Join-Path $target 'bin')
    # Help lives under the module base (<base>/en-US/), where Get-Help looks for a binary module's MAML and about_ topics.
    $help = @('HiApi.Video.dll-Help.xml', 'about_HiApi.Video.help.txt') | ForEach-Object { Join-Path $root "en-US/$_" }
    $missing = @($help | Where-Object { -not (Test-Path $_) })
    if ($missing) { throw "Help is missing from the build: $($missing -join ', '). Run: dotnet build HiApiPS.sln" }
    Copy-Item $help -Destination (Join-Path $target 'en-US')
    if (Get-ChildItem $target -Recurse -Filter 'System.Management.Automation.dll') {
        throw 'System.Management.Automation.dll must not be shipped with the module.'
    }
    # Every file the manifest names must be in the package.
    foreach ($file in @($manifest.RootModule) + @($manifest['FormatsToProcess']) + @($manifest['TypesToProcess']) + @($manifest['RequiredAssemblies']) | Where-Object { $_ }) {
        if (-not (Test-Path (Join-Path $target $file))) { throw "The manifest names $file, which is not in the package." }
    }
    Test-ModuleManifest (Join-Path $target 'HiApi.Video.psd1') | Out-Null
    Write-Host "Packaged $target"
    Get-ChildItem $target -Recurse -File | ForEach-Object { Write-Host "  $($_.FullName.Substring($target.Length + 1))" }
}

function Invoke-Demo {
    Import-Module (Join-Path $root 'tests/HiApiEmulator.psm1') -Force
    $emulator = Start-HiApiEmulator -Configuration $Configuration -Setting @{ QueuedMs = 500; HandlingMs = 1500; ArchivingMs = 500 }
    try {
        $env:HIAPI_BASE_URL = $emulator.BaseUri
        $env:HIAPI_API_KEY = $emulator.ApiKey
        # Demo tasks live in their own ledger, not in the user's real one.
        $env:HIAPI_LEDGER_PATH = Join-Path $root 'out/demo-ledger.jsonl'
        Import-Module (Join-Path $root 'HiApi.Video.psd1') -Force
        $clips = Join-Path $root 'out/demo-clips'
        Write-Host "Emulator at $($emulator.BaseUri); saving to $clips"
        $files = 'a calm ocean wave at sunset' | New-HiApiVideoTask -Duration 3 -Resolution 720p |
            Wait-HiApiTask -PollIntervalSeconds 1 | Save-HiApiVideo -Path $clips -Force
        # A list, not a table: the full path does not fit beside the id in an 80-column console.
        $files | Format-List TaskId, Length, FullName | Out-Host
    }
    finally {
        Remove-Item Env:HIAPI_BASE_URL, Env:HIAPI_API_KEY, Env:HIAPI_LEDGER_PATH -ErrorAction SilentlyContinue
        Stop-HiApiEmulator $emulator
    }
}

function Invoke-Bench {
    Invoke-Native dotnet @('run', '-c', 'Release', '--project', (Join-Path $root 'bench/HiApi.Bench'))
}

foreach ($step in $Task) {
    Write-Host "== $step ($Configuration)" -ForegroundColor Cyan
    switch ($step) {
        'Build' { Invoke-Build }
        'Test' { Invoke-AllTests }
        'Pester' { Invoke-PesterTests }
        'Package' { if (-not $NoBuild) { Invoke-Build }; Invoke-Package }
        'Demo' { Invoke-Build; Invoke-Demo }
        'Bench' { Invoke-Bench }
    }
}
