#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.3.0' }
# The help a user gets, read the way a user reads it: Get-Help in a fresh pwsh, from the repository build
# (Import-Module ./HiApi.Video.psd1) and from the package installed through PSResourceGet from a local repository
# (build.ps1 Package -> Publish-PSResource -> Save-PSResource -> Import-Module by name). Expects a build.

BeforeDiscovery {
    $cmdletNames = (Import-PowerShellDataFile (Join-Path (Split-Path $PSScriptRoot -Parent) 'HiApi.Video.psd1')).CmdletsToExport
    $layouts = @(
        @{ Layout = 'the repository build'; Cmdlets = $cmdletNames }
        @{ Layout = 'the installed package'; Cmdlets = $cmdletNames }
    )
}

BeforeAll {
    $repositoryRoot = Split-Path $PSScriptRoot -Parent
    Import-Module (Join-Path $PSScriptRoot 'HiApiEmulator.psm1') -Force

    # Run in the child after it imported the module: what Get-Help shows, as JSON. $args[0] is the module to import
    # (a manifest path or a name to find in $env:PSModulePath).
    $script:helpFacts = @'
$ErrorActionPreference = 'Stop'
Import-Module $args[0]
$common = [System.Management.Automation.PSCmdlet]::CommonParameters
$cmdlets = foreach ($command in Get-Command -Module HiApi.Video -CommandType Cmdlet) {
    $help = Get-Help $command.Name -Full
    [pscustomobject]@{
        Name       = $command.Name
        Synopsis   = "$($help.Synopsis)".Trim()
        Examples   = @($help.examples.example | ForEach-Object { "$($_.code)".Trim() } | Where-Object { $_ })
        Parameters = @($command.Parameters.Keys | Where-Object { $_ -notin $common } | ForEach-Object {
                # A parameter the help does not know is an error from Get-Help: record it as undocumented.
                $parameterHelp = Get-Help $command.Name -Parameter $_ -ErrorAction SilentlyContinue
                [pscustomobject]@{ Name = $_; Description = (@($parameterHelp.description.Text) -join "`n").Trim() }
            })
    }
}
[pscustomobject]@{
    ModuleBase = (Get-Module HiApi.Video).ModuleBase
    LocalData  = [Environment]::GetFolderPath('LocalApplicationData')
    Cmdlets    = @($cmdlets)
    Examples   = Get-Help New-HiApiVideoTask -Examples | Out-String -Width 200
    Duration   = Get-Help New-HiApiVideoTask -Parameter Duration | Out-String -Width 200
    About      = Get-Help about_HiApi.Video -ErrorAction SilentlyContinue | Out-String -Width 200
} | ConvertTo-Json -Depth 6
'@

    # Publishes the package to a folder repository of its own and installs it from there into a folder that is the
    # child's only user module path. PSResourceGet keeps its repository list in local application data, which the
    # caller moves into the test folder (XDG_DATA_HOME on Linux, HOME on macOS); the repository is unregistered again
    # in any case. Windows reads that folder from the user's profile, not from the environment: there the layout is
    # skipped rather than registering a repository in the user's own list.
    $script:installFromLocalRepository = @'
$ErrorActionPreference = 'Stop'
$package, $repository, $modules = $args[0..2]
$env:PSModulePath = $modules + [IO.Path]::PathSeparator + (Join-Path $PSHOME 'Modules')
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

    function Get-HelpFacts([string] $Layout) {
        if ($Layout -eq 'the repository build') {
            return Invoke-HiApiChildPwsh $helpFacts -ArgumentList (Join-Path $repositoryRoot 'HiApi.Video.psd1') | ConvertFrom-Json
        }
        $out = Join-Path $TestDrive 'out'
        Invoke-HiApiChildPwsh "& '$(Join-Path $repositoryRoot 'build.ps1')' Package -NoBuild -OutputPath '$out'" | Out-Null
        $version = (Import-PowerShellDataFile (Join-Path $repositoryRoot 'HiApi.Video.psd1')).ModuleVersion
        $package = Join-Path $out "HiApi.Video/$version"
        $repository = Join-Path $TestDrive 'repository'
        $modules = Join-Path $TestDrive 'modules'
        $data = Join-Path $TestDrive 'data'
        # The data folder must exist: .NET ignores a missing one, and PSResourceGet would then keep its repository
        # list in the working directory.
        New-Item -ItemType Directory -Path $repository, $modules, $data, (Join-Path $TestDrive 'home') -Force | Out-Null
        $environment = @{ XDG_DATA_HOME = $data; HOME = Join-Path $TestDrive 'home' }
        Invoke-HiApiChildPwsh ($installFromLocalRepository + "`n" + $helpFacts.Replace('Import-Module $args[0]', 'Import-Module HiApi.Video')) `
            -ArgumentList $package, $repository, $modules -Environment $environment | ConvertFrom-Json
    }
}

Describe 'Get-Help in a fresh pwsh, from <Layout>' -ForEach $layouts {
    BeforeAll {
        # Set-ItResult works in It only: each It below starts by skipping with this reason, when there is one.
        $script:notHere = if ($Layout -eq 'the installed package' -and $IsWindows) {
            'Windows gives PSResourceGet the local application data folder of the user''s profile whatever the environment says, so the test would register a repository in the user''s own list'
        }
        $script:facts = if (-not $notHere) { Get-HelpFacts $Layout }
        $script:modules = Join-Path $TestDrive 'modules'
    }

    It 'loads the module from where it should' {
        if ($notHere) { Set-ItResult -Skipped -Because $notHere; return }
        if ($Layout -eq 'the installed package') {
            $facts.LocalData | Should -BeLike "$TestDrive*" -Because 'PSResourceGet must keep its settings in the test folder, not in the user''s'
            Test-Path (Join-Path $facts.LocalData 'PSResourceGet') | Should -BeTrue -Because 'PSResourceGet kept its settings in the test folder'
            $facts.ModuleBase | Should -BeLike "$modules*" -Because 'Import-Module HiApi.Video must find the installed copy by name'
            Test-Path (Join-Path $facts.ModuleBase 'en-US/HiApi.Video.dll-Help.xml') | Should -BeTrue
            Test-Path (Join-Path $facts.ModuleBase 'en-US/about_HiApi.Video.help.txt') | Should -BeTrue
        }
        else {
            $facts.ModuleBase | Should -Be $repositoryRoot
        }
    }

    It 'the package holds the module, the offline stand-in and their help, and nothing else' {
        if ($Layout -ne 'the installed package') {
            Set-ItResult -Skipped -Because 'the repository build is not a package; its files are listed in the installed package run'
            return
        }
        $version = (Import-PowerShellDataFile (Join-Path $repositoryRoot 'HiApi.Video.psd1')).ModuleVersion
        $package = Join-Path $TestDrive "out/HiApi.Video/$version"
        $files = Get-ChildItem $package -Recurse -File | ForEach-Object { $_.FullName.Substring($package.Length + 1).Replace('\', '/') }
        $files | Sort-Object | Should -Be @(
            'bin/HiApi.Client.dll'
            'bin/HiApi.Mock.dll'
            'bin/HiApi.Video.dll'
            'en-US/about_HiApi.Video.help.txt'
            'en-US/HiApi.Video.dll-Help.xml'
            'HiApi.Mock.Format.ps1xml'
            'HiApi.Video.BuildCheck.ps1'
            'HiApi.Video.Format.ps1xml'
            'HiApi.Video.psd1'
            'LICENSE'
            'README.md'
        )
    }

    It 'Get-Help New-HiApiVideoTask -Examples shows the examples' {
        if ($notHere) { Set-ItResult -Skipped -Because $notHere; return }
        $facts.Examples | Should -Match 'Example 1'
        $facts.Examples | Should -Match 'Wait-HiApiTask \| Save-HiApiVideo -Path ./clips'
    }

    It 'Get-Help New-HiApiVideoTask -Parameter Duration shows its description' {
        if ($notHere) { Set-ItResult -Skipped -Because $notHere; return }
        $facts.Duration | Should -Match 'length of the video in seconds'
    }

    It 'every exported cmdlet is there: <_>' -ForEach $Cmdlets {
        if ($notHere) { Set-ItResult -Skipped -Because $notHere; return }
        $facts.Cmdlets.Name | Should -Contain $_
    }

    It '<_> has a synopsis, examples, and a description for every parameter' -ForEach $Cmdlets {
        if ($notHere) { Set-ItResult -Skipped -Because $notHere; return }
        $cmdlet = $facts.Cmdlets | Where-Object Name -EQ $_
        # Without help, PowerShell makes the synopsis up from the syntax, which starts with the name.
        $cmdlet.Synopsis | Should -Not -BeNullOrEmpty
        $cmdlet.Synopsis | Should -Not -BeLike "$_ *"
        @($cmdlet.Examples).Count | Should -BeGreaterOrEqual 1
        # Stop-HiApiMock is the one cmdlet with no parameters of its own; every other must show its parameters.
        if ($_ -eq 'Stop-HiApiMock') { $cmdlet.Parameters | Should -BeNullOrEmpty } else { $cmdlet.Parameters.Count | Should -BeGreaterThan 0 }
        $undocumented = @($cmdlet.Parameters | Where-Object { -not $_.Description } | ForEach-Object Name)
        $undocumented | Should -BeNullOrEmpty -Because "every parameter of $_ needs a description in Get-Help"
    }

    It 'Get-Help about_HiApi.Video shows the concepts' {
        if ($notHere) { Set-ItResult -Skipped -Because $notHere; return }
        $facts.About | Should -Match 'about_HiApi\.Video'
        foreach ($section in 'KEYS AND WHERE REQUESTS GO', 'THE TASK LEDGER AND RESUMING', 'CALLBACKS', 'COSTS', 'ERRORS', 'EXAMPLES', 'SEE ALSO') {
            $facts.About | Should -Match $section
        }
        $facts.About | Should -Match ([regex]::Escape('Get-HiApiTask -Pending | Wait-HiApiTask | Save-HiApiVideo -Path ./clips'))
    }
}

Describe 'about_HiApi.Video stays true to the module' {
    BeforeAll {
        $script:about = Get-Content (Join-Path $repositoryRoot 'help/en-US/about_HiApi.Video.help.txt') -Raw
        Import-Module (Join-Path $repositoryRoot 'HiApi.Video.psd1') -Force
        $script:commands = Get-Command -Module HiApi.Video -CommandType Cmdlet
    }
    AfterAll {
        Remove-Module HiApi.Video -ErrorAction SilentlyContinue
    }

    It 'names only cmdlets the module exports' {
        $named = [regex]::Matches($about, '\b[A-Z][A-Za-z]+-HiApi[A-Za-z]+\b').Value | Sort-Object -Unique
        $named | Where-Object { $_ -notin $commands.Name } | Should -BeNullOrEmpty
        $commands.Name | Where-Object { $_ -notin $named } | Should -BeNullOrEmpty -Because 'the topic covers every cmdlet'
    }

    It 'names only parameters some cmdlet has' {
        # The module's parameters, and those of the other commands its examples use.
        $others = Get-Command Get-Help, Read-Host, Import-Csv, Where-Object, ForEach-Object, Set-Content, Sort-Object, Measure-Object, Should
        $parameters = @($commands + $others | ForEach-Object { $_.Parameters.Keys }) + [System.Management.Automation.PSCmdlet]::CommonParameters +
            [System.Management.Automation.PSCmdlet]::OptionalCommonParameters | Sort-Object -Unique
        # -like, -notin, -f ... in the examples are operators, not parameters.
        $operators = 'like', 'notlike', 'match', 'in', 'notin', 'eq', 'ne', 'f', 'replace', 'join', 'split'
        $named = [regex]::Matches($about, '(?<![\w-])-([A-Z][A-Za-z]+)\b').ForEach({ $_.Groups[1].Value }) | Sort-Object -Unique
        $named | Where-Object { $_ -notin $parameters -and $_ -notin $operators } | Should -BeNullOrEmpty
    }

    It 'keeps to 80 columns, like the about topics that come with PowerShell' {
        ($about -split '\r?\n' | Where-Object Length -GT 80) | Should -BeNullOrEmpty
    }
}
