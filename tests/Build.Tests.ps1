#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.3.0' }
# What the module build and the checkout promise, on every OS alike: a clone that was never built says so, a failed
# copy fails the build, shell scripts stay LF. Expects a build.

BeforeAll {
    $script:repositoryRoot = Split-Path $PSScriptRoot -Parent
    Import-Module (Join-Path $PSScriptRoot 'HiApiEmulator.psm1') -Force
    $script:manifestData = Import-PowerShellDataFile (Join-Path $repositoryRoot 'HiApi.Video.psd1')

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
