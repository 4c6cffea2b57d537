#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.3.0' }
# What the checkout promises, on every OS alike: shell scripts stay LF.

BeforeAll {
    $script:repositoryRoot = Split-Path $PSScriptRoot -Parent
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
