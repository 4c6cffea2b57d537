#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.3.0' }
# What build.ps1, the module build and the checkout promise, on every OS alike: a clone that was never built says
# so, Package is a Release build, the demo builds only what it runs, nothing that loads the module runs inside
# build.ps1, a failed copy fails the build, shell scripts stay LF. build.ps1 runs with -WhatIf (it prints each
# command instead of running it) in a fresh pwsh. Expects a build.

BeforeAll {
    $script:repositoryRoot = Split-Path $PSScriptRoot -Parent
    Import-Module (Join-Path $PSScriptRoot 'HiApiEmulator.psm1') -Force
    $script:buildScript = Join-Path $repositoryRoot 'build.ps1'
    $script:manifestData = Import-PowerShellDataFile (Join-Path $repositoryRoot 'HiApi.Video.psd1')

    # What build.ps1 would run for these arguments, one "What if" line each, in plain text.
    function Get-BuildPlan([string] $Arguments) {
        (Invoke-HiApiChildPwsh "& '$buildScript' $Arguments -WhatIf") -split '\r?\n' |
            Where-Object { $_ -match '^What if: ' }
    }

    # The module folder as a clone has it before any build: the manifest and what it names beside itself.
    function New-UnbuiltCopy([switch] $WithSolution) {
        $folder = Join-Path $TestDrive "unbuilt-$([guid]::NewGuid().ToString('n'))"
        New-Item -ItemType Directory -Path $folder | Out-Null
        foreach ($file in @('HiApi.Video.psd1') + $manifestData.FormatsToProcess + $manifestData['NestedModules'] | Where-Object { $_ }) {
            Copy-Item (Join-Path $repositoryRoot $file) -Destination $folder
        }
        if ($WithSolution) { Copy-Item (Join-Path $repositoryRoot 'HiApiPS.sln') -Destination $folder }
        Join-Path $folder 'HiApi.Video.psd1'
    }

    # The message of the error that $Script throws in a fresh pwsh, word for word (no console wrapping), or nothing.
    function Get-ChildError([string] $Script) {
        Invoke-HiApiChildPwsh "try { $Script } catch { [Console]::Out.Write(`$_.Exception.Message) }"
    }
}

Describe 'Import-Module before the module is built' {
    It 'in a clone, says to build it first' {
        $message = Get-ChildError "Import-Module '$(New-UnbuiltCopy -WithSolution)'"

        $message | Should -Not -BeNullOrEmpty -Because 'there is nothing to import'
        $message | Should -Match 'HiApi.Video is not built'
        $message | Should -Match ([regex]::Escape("'dotnet build HiApiPS.sln' or './build.ps1'"))
    }

    It 'in a module folder without its assembly, says to install it again' {
        $message = Get-ChildError "Import-Module '$(New-UnbuiltCopy)'"

        $message | Should -Match 'is incomplete: .*bin.HiApi\.Video\.dll does not exist\. Install the module again\.'
    }
}

Describe 'build.ps1' {
    It 'Package builds the module in Release unless told otherwise' {
        $plan = Get-BuildPlan 'Package'

        $plan | Should -Contain "What if: Performing the operation `"Run`" on target `"dotnet build $(Join-Path $repositoryRoot 'src/HiApi.Video/HiApi.Video.csproj') -c Release --nologo`"."
    }

    It 'Package -Configuration Debug builds Debug' {
        (Get-BuildPlan 'Package -Configuration Debug') -join "`n" | Should -Match 'HiApi\.Video\.csproj -c Debug '
    }

    It 'the other tasks build Debug' {
        (Get-BuildPlan 'Build') -join "`n" | Should -Match 'HiApiPS\.sln -c Debug '
    }

    It 'the demo builds the module and the emulator, not the solution' {
        $builds = @(Get-BuildPlan 'Demo' | Where-Object { $_ -match 'dotnet build (\S+)' } | ForEach-Object { Split-Path ($_ -replace '^.*dotnet build (\S+).*$', '$1') -Leaf })

        $builds | Should -Be @('HiApi.Video.csproj', 'HiApi.Emulator.csproj')
    }

    It 'refuses to build in a pwsh that has loaded the module it would replace' {
        $message = Get-ChildError "Import-Module '$(Join-Path $repositoryRoot 'HiApi.Video.psd1')'; & '$buildScript' Build -WhatIf"

        $message | Should -BeLike "*This pwsh (process *) has loaded *$([IO.Path]::DirectorySeparatorChar)HiApi.Video.dll*, which the build must replace.*"
    }

    It 'runs this suite in a pwsh of its own' {
        if (-not $env:HIAPI_BUILD_PROCESS_ID) {
            Set-ItResult -Skipped -Because 'this run was not started by build.ps1 (HIAPI_BUILD_PROCESS_ID is not set)'
            return
        }
        $PID | Should -Not -Be ([int] $env:HIAPI_BUILD_PROCESS_ID) -Because 'the suite loads the module, which build.ps1 must never hold'
    }
}

Describe 'The module build' {
    It 'a copy of the module into place that fails is an error, not a warning' {
        # bin is a file where the build wants a folder: the copy cannot happen, as when Windows locks the assembly.
        $layout = Join-Path $TestDrive 'blocked'
        New-Item -ItemType Directory -Path $layout | Out-Null
        Set-Content (Join-Path $layout 'bin') 'a file, not a folder'
        $configuration = if ($env:HIAPI_TEST_CONFIGURATION) { $env:HIAPI_TEST_CONFIGURATION } else { 'Debug' }
        $project = Join-Path $repositoryRoot 'src/HiApi.Video/HiApi.Video.csproj'

        $output = & dotnet msbuild $project -t:CopyModuleToRoot "-p:Configuration=$configuration" "-p:HiApiModuleRoot=$layout/" -nologo 2>&1 | Out-String
        $exitCode = $LASTEXITCODE

        $exitCode | Should -Not -Be 0 -Because "the build must fail when the module cannot be put in place:`n$output"
        $output | Should -Match 'error MSB'
    }
}

Describe 'The checkout' {
    BeforeAll {
        $script:gitRepository = (Get-Command git -ErrorAction SilentlyContinue) -and
            (& git -C $repositoryRoot rev-parse --is-inside-work-tree 2>$null) -eq 'true'
    }

    It 'keeps every shell script LF on every OS' {
        if (-not $gitRepository) {
            Set-ItResult -Skipped -Because 'git, or a git checkout of the repository, is not available'
            return
        }
        $scripts = @(& git -C $repositoryRoot ls-files | Where-Object {
                $path = Join-Path $repositoryRoot $_
                (Test-Path -LiteralPath $path -PathType Leaf) -and ([IO.File]::ReadAllText($path).StartsWith('#!'))
            })
        $scripts | Should -Contain '.ci/run'
        foreach ($script in $scripts) {
            & git -C $repositoryRoot check-attr eol -- $script | Should -Be "${script}: eol: lf"
        }
    }
}
