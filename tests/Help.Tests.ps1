#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.3.0' }
# The help builder (help/Build-Help.ps1): the MAML comes from the compiled module and the Markdown pages, a page
# that is wrong about the module stops the build, and what Get-Help shows reads as the page does. Each run of the
# builder and each Get-Help is a fresh pwsh (the builder imports the module). Expects a build.

BeforeAll {
    $script:repositoryRoot = Split-Path $PSScriptRoot -Parent
    Import-Module (Join-Path $PSScriptRoot 'HiApiEmulator.psm1') -Force
    $script:builder = Join-Path $repositoryRoot 'help/Build-Help.ps1'
    $script:projectUri = (Import-PowerShellDataFile (Join-Path $repositoryRoot 'HiApi.Video.psd1')).PrivateData.PSData.ProjectUri

    # A copy of the pages to change, in a folder of its own.
    function Copy-Page {
        $pages = Join-Path $TestDrive "pages-$([guid]::NewGuid().ToString('n'))"
        New-Item -ItemType Directory -Path $pages | Out-Null
        Copy-Item (Join-Path $repositoryRoot 'help/*.md') -Destination $pages
        $pages
    }

    function Edit-Page([string] $Path, [scriptblock] $Change) {
        $text = [IO.File]::ReadAllText($Path)
        [IO.File]::WriteAllText($Path, (& $Change $text))
    }

    # Runs the builder on $Pages; returns @{ Failed; Text } (its output, or its error output when it failed).
    function Invoke-Builder([string] $Pages, [string] $Maml = (Join-Path $TestDrive "maml-$([guid]::NewGuid().ToString('n')).xml")) {
        # Stop: an exception in the builder must fail the child, not end with exit code 0.
        $script = "`$ErrorActionPreference = 'Stop'; & '$builder' -HelpPath '$Pages' -OutputPath '$Maml'; exit `$LASTEXITCODE"
        try { @{ Failed = $false; Text = (Invoke-HiApiChildPwsh $script); Maml = $Maml } }
        catch { @{ Failed = $true; Text = $_.Exception.Message; Maml = $Maml } }
    }

    # The built module laid out in TestDrive with the given MAML, as an installed copy would be.
    function New-ModuleCopy([string] $Maml) {
        $module = Join-Path $TestDrive "module-$([guid]::NewGuid().ToString('n'))"
        New-Item -ItemType Directory -Path (Join-Path $module 'bin'), (Join-Path $module 'en-US') | Out-Null
        $manifest = Import-PowerShellDataFile (Join-Path $repositoryRoot 'HiApi.Video.psd1')
        foreach ($file in @('HiApi.Video.psd1') + $manifest['FormatsToProcess'] + $manifest['NestedModules'] | Where-Object { $_ }) {
            Copy-Item (Join-Path $repositoryRoot $file) -Destination (Join-Path $module $file)
        }
        Copy-Item (Join-Path $repositoryRoot 'bin/*.dll') -Destination (Join-Path $module 'bin')
        Copy-Item (Join-Path $repositoryRoot 'help/en-US/about_HiApi.Video.help.txt') -Destination (Join-Path $module 'en-US')
        Copy-Item $Maml -Destination (Join-Path $module 'en-US/HiApi.Video.dll-Help.xml')
        Join-Path $module 'HiApi.Video.psd1'
    }
}

Describe 'The builder refuses help that is wrong about the module' {
    BeforeAll {
        # One copy of the pages with one mistake of each kind, each on a page or a parameter of its own: one run
        # of the builder must list them all.
        $pages = Copy-Page
        Remove-Item (Join-Path $pages 'Save-HiApiVideo.md')
        Edit-Page (Join-Path $pages 'Wait-HiApiTask.md') {
            param($text)
            $bogus = @(
                '### -Bogus', 'Not a parameter.', '', '```yaml', 'Type: System.String', 'Parameter Sets: (All)', 'Aliases:', '',
                'Required: False', 'Position: Named', 'Default value: None', 'Accept pipeline input: False',
                'Accept wildcard characters: False', '```', '', '### CommonParameters'
            ) -join "`n"
            [regex]::Replace($text, '(?ms)^### -TimeoutSeconds\r?\n.*?(?=^### )', '').Replace('### CommonParameters', $bogus)
        }
        Edit-Page (Join-Path $pages 'New-HiApiVideoTask.md') {
            param($text)
            $text.Replace('Type: System.Nullable`1[System.Int32]', 'Type: System.Int32').Replace('[-Batch <String>] [-Resume]', '[-Resume] [-Batch <String>]')
        }
        Edit-Page (Join-Path $pages 'Get-HiApiTask.md') { param($text) $text.Replace("online version:`n", "online version: https://go.microsoft.com/fwlink/?LinkID=113216`n") }
        $script:run = Invoke-Builder $pages
    }

    It 'fails, and writes nothing' {
        $run.Failed | Should -BeTrue
        Test-Path $run.Maml | Should -BeFalse
    }

    It 'a cmdlet without a page' {
        $run.Text | Should -Match 'Save-HiApiVideo has no page'
    }

    It 'a page documenting a parameter the cmdlet does not have' {
        $run.Text | Should -Match 'Wait-HiApiTask.md: documents -Bogus, but Wait-HiApiTask has no such parameter'
    }

    It 'a parameter without its section' {
        $run.Text | Should -Match '-TimeoutSeconds of Wait-HiApiTask is not documented'
    }

    It 'a yaml block that says another type than the module' {
        $run.Text | Should -Match '-Duration \(\(All\)\): Type is System.Int32; the module says System.Nullable`1\[System.Int32\]'
    }

    It 'a syntax line in another order than PowerShell shows' {
        $run.Text | Should -Match 'New-HiApiVideoTask.md: the syntax of __AllParameterSets differs from the module'
    }

    It 'a page whose online version points elsewhere' {
        $run.Text | Should -Match "Get-HiApiTask.md: 'online version' is https://go.microsoft.com"
    }
}

Describe 'Get-Help reads as the page does, at 80 columns' {
    BeforeAll {
        $pages = Copy-Page
        # A numbered list, and a wrapped sentence whose second line starts with a number, as Markdown allows.
        Edit-Page (Join-Path $pages 'Wait-HiApiTask.md') {
            param($text)
            $added = @(
                'Three steps, in this order:'
                ''
                '1. The first step.'
                '2. The second step, whose text is long enough to wrap in an 80-column console, so that the'
                '   rest of it follows on the next line.'
                '3. The third step.'
                ''
                'A wrapped sentence about a -PollIntervalSeconds from 1 to'
                '15. This second line stays in the paragraph it continues.'
                ''
                '## EXAMPLES'
            ) -join "`n"
            [regex]::Replace($text, '(?m)^## EXAMPLES$', $added.Replace('$', '$$'), 'None', [timespan]::FromSeconds(5))
        }
        $run = Invoke-Builder $pages
        $run.Failed | Should -BeFalse -Because $run.Text
        $manifest = New-ModuleCopy $run.Maml
        $script:help = Invoke-HiApiChildPwsh @'
Import-Module $args[0]
@{
    Narrow = Get-Help Wait-HiApiTask -Full | Out-String -Width 80
    Wide   = Get-Help Wait-HiApiTask -Full | Out-String -Width 1000
} | ConvertTo-Json
'@ -ArgumentList $manifest | ConvertFrom-Json
        $script:narrow = $help.Narrow -split '\r?\n'
    }

    It 'a numbered list keeps one item a line, each with its number' {
        $narrow | Where-Object { $_ -match '^\s+1\. The first step\.$' } | Should -HaveCount 1
        $narrow | Where-Object { $_ -match '^\s+2\. The second step, whose' } | Should -HaveCount 1
        $narrow | Where-Object { $_ -match '^\s+3\. The third step\.$' } | Should -HaveCount 1
    }

    It 'a line starting with "15." inside a paragraph continues the sentence' {
        $help.Wide | Should -Match 'from 1 to 15\. This second line stays in the paragraph it continues\.'
    }
}

Describe 'The help of the repository build' {
    BeforeAll {
        $script:facts = Invoke-HiApiChildPwsh @'
Import-Module $args[0]
Get-Command -Module HiApi.Video -CommandType Cmdlet | ForEach-Object {
    $links = @((Get-Help $_.Name -Full).relatedLinks.navigationLink)
    [pscustomobject]@{ Name = $_.Name; HelpUri = $_.HelpUri; FirstLink = $links[0].uri }
} | ConvertTo-Json
'@ -ArgumentList (Join-Path $repositoryRoot 'HiApi.Video.psd1') | ConvertFrom-Json
        $script:maml = [xml] (Get-Content (Join-Path $repositoryRoot 'help/en-US/HiApi.Video.dll-Help.xml') -Raw)
    }

    It 'Get-Help -Online opens the page of <Name> in this project' -ForEach @(
        (Import-PowerShellDataFile (Join-Path (Split-Path $PSScriptRoot -Parent) 'HiApi.Video.psd1')).CmdletsToExport | ForEach-Object { @{ Name = $_ } }
    ) {
        $fact = $facts | Where-Object Name -EQ $Name
        $fact.HelpUri | Should -Be "$projectUri/blob/main/help/$Name.md"
        $fact.FirstLink | Should -Be $fact.HelpUri
    }

    It 'no paragraph ends in the middle of a sentence' {
        # A list item, a table row or a code block may end as it likes; prose ends a sentence, or introduces a list.
        $namespace = @{ maml = 'http://schemas.microsoft.com/maml/2004/10' }
        $broken = Select-Xml -Xml $maml -XPath '//maml:para' -Namespace $namespace | ForEach-Object { $_.Node.InnerText } |
            Where-Object { $_ -and $_ -notmatch '\n' -and $_ -notmatch '^([-*+] |\d+[.)] |\|)' -and $_ -notmatch '[.:;!?)]$' }
        $broken | Should -BeNullOrEmpty
    }
}
