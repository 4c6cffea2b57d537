#Requires -Version 7.4
<#
.SYNOPSIS
    Builds help/en-US/HiApi.Video.dll-Help.xml (MAML) from the compiled module and the Markdown pages in help/.
.DESCRIPTION
    The module, imported from -ModulePath, says what PowerShell itself sees: every cmdlet, its parameters, their types,
    parameter sets, positions, Required, pipeline input, aliases, ValidateSet values, wildcards and the syntax order.
    The Markdown pages (platyPS schema 2.0.0, one help/<Verb-Noun>.md for each cmdlet) give the prose: synopsis,
    description, examples, parameter descriptions and default values, inputs, outputs, notes and related links.

    The build fails, listing every problem, when a cmdlet has no page, a page documents a cmdlet or a parameter that
    does not exist, a parameter is undocumented, or a page's SYNTAX or yaml blocks say something else than the module
    (the pages are read on their own too, so they must not mislead). The pages' prose follows CommonMark: a line
    starting with "15. " inside a paragraph continues it; only "1. " (or any number right after a blank line or
    another item) starts a numbered list.

    Run it in a fresh pwsh after the build (./build.ps1 Help does both): it imports the module, and an imported
    assembly cannot be replaced by the next build on Windows.

    To document a new cmdlet: copy the page of a similar cmdlet to help/<Verb-Noun>.md, edit it, list it in
    HiApi.Video.md, and run ./build.ps1 Help; what the page still gets wrong is listed with what the module says.
.EXAMPLE
    pwsh -NoProfile -File help/Build-Help.ps1
    Writes help/en-US/HiApi.Video.dll-Help.xml.
.EXAMPLE
    pwsh -NoProfile -File help/Build-Help.ps1 -Check
    Writes nothing; fails when the committed MAML differs from what the pages and the module give (what CI runs).
#>
[CmdletBinding()]
param(
    # Compare with the MAML at -OutputPath instead of writing it; fail when they differ.
    [switch] $Check,

    # The module's manifest, built (bin/ beside it).
    [string] $ModulePath = (Join-Path (Split-Path $PSScriptRoot -Parent) 'HiApi.Video.psd1'),

    # The folder of the Markdown pages.
    [string] $HelpPath = $PSScriptRoot,

    # The MAML file to write (or, with -Check, to compare with).
    [string] $OutputPath = (Join-Path $PSScriptRoot 'en-US/HiApi.Video.dll-Help.xml')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$NsMaml = 'http://schemas.microsoft.com/maml/2004/10'
$NsCommand = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$NsDev = 'http://schemas.microsoft.com/maml/dev/2004/10'
$NsMsHelp = 'http://msdn.microsoft.com/mshelp'
$AllSets = '__AllParameterSets'
$RequiredSections = 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS'
$YamlKeys = 'Type', 'Parameter Sets', 'Aliases', 'Required', 'Position', 'Default value', 'Accept pipeline input', 'Accept wildcard characters'

# ------------------------------------------------------------------------------------------------------------------
# Markdown
# ------------------------------------------------------------------------------------------------------------------

class HelpError : System.Exception {
    HelpError([string] $message) : base($message) {}
}

function Split-Section([string[]] $Lines, [string] $Marker) {
    # Headings that start with $Marker ('## ' or '### '), outside code fences: an ordered list of @{ Title; Lines }.
    $sections = [System.Collections.Generic.List[object]]::new()
    $current = $null
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line.StartsWith('```')) { $inFence = -not $inFence }
        if (-not $inFence -and $line.StartsWith($Marker)) {
            $current = [pscustomobject]@{ Title = $line.Substring($Marker.Length).Trim(); Lines = [System.Collections.Generic.List[string]]::new() }
            $sections.Add($current)
        }
        elseif ($null -ne $current) { $current.Lines.Add($line) }
    }
    $sections.ToArray()
}

function Get-CodeBlock([string[]] $Lines) {
    # Each fenced block: @{ Info; Text }.
    $blocks = [System.Collections.Generic.List[object]]::new()
    $info = $null
    $body = $null
    foreach ($line in $Lines) {
        if ($line.StartsWith('```')) {
            if ($null -eq $info) { $info = $line.Substring(3).Trim(); $body = [System.Collections.Generic.List[string]]::new() }
            else { $blocks.Add([pscustomobject]@{ Info = $info; Text = $body -join "`n" }); $info = $null }
        }
        elseif ($null -ne $info) { $body.Add($line) }
    }
    if ($null -ne $info) { throw [HelpError]::new('unclosed code fence') }
    $blocks.ToArray()
}

function ConvertFrom-Inline([string] $Text) {
    # Markdown inline markup to the plain text Get-Help shows: a link to a page is its text, another link keeps its
    # address in brackets; no bold, no code spans.
    $Text = [regex]::Replace($Text, '\[([^\]]+)\]\(([^)]*)\)', {
            param($m)
            $target = $m.Groups[2].Value
            if (-not $target -or $target.EndsWith('.md')) { $m.Groups[1].Value } else { "$($m.Groups[1].Value) ($target)" }
        })
    $Text = $Text.Replace('**', '')
    [regex]::Replace($Text, '`([^`]*)`', '$1')
}

function ConvertTo-Paragraph([string[]] $Lines) {
    <#
        Prose to MAML paragraphs, as CommonMark (and GitHub) reads the page: a paragraph is its lines joined; each
        list item is a paragraph of its own, so a list stays a list in Get-Help; a code block and a table row are kept
        as they are. A bullet (-, *, +) always starts an item; a number ("2. ", "15) ") only at the start of a block,
        after another item, or when it is 1: otherwise "15. " at the start of a wrapped line is the middle of a
        sentence.
    #>
    $result = [System.Collections.Generic.List[string]]::new()
    $buffer = [System.Collections.Generic.List[string]]::new()
    $inList = $false
    $inFence = $false
    $fence = [System.Collections.Generic.List[string]]::new()

    $flush = {
        if ($buffer.Count -gt 0) {
            $result.Add((ConvertFrom-Inline ($buffer -join ' ')))   # lines are added trimmed
            $buffer.Clear()
        }
    }

    foreach ($line in $Lines) {
        if ($line.StartsWith('```')) {
            if ($inFence) { $result.Add($fence -join "`n"); $fence.Clear() }
            else { . $flush; $inList = $false }
            $inFence = -not $inFence
            continue
        }
        if ($inFence) { $fence.Add($line); continue }
        $stripped = $line.Trim()
        if (-not $stripped) {
            . $flush
            continue
        }
        $bullet = $stripped -match '^[-*+] '
        $number = if ($stripped -match '^(\d{1,9})[.)] ') { [long] $Matches[1] } else { $null }
        $startsItem = $bullet -or ($null -ne $number -and ($buffer.Count -eq 0 -or $inList -or $number -eq 1))
        if ($startsItem) {
            . $flush
            $buffer.Add($stripped)
            $inList = $true
        }
        elseif ($stripped.StartsWith('|')) {
            . $flush
            $result.Add((ConvertFrom-Inline $stripped))
            $inList = $false
        }
        else {
            # A blank line ends a list item; a line after it that is not an item is a new paragraph.
            if ($buffer.Count -eq 0) { $inList = $false }
            $buffer.Add($stripped)
        }
    }
    . $flush
    $result.ToArray()
}

function Read-YamlBlock([string] $Text, [string] $Where) {
    $values = @{}
    foreach ($line in $Text -split "`n") {
        if (-not $line.Trim()) { continue }
        $colon = $line.IndexOf(':')
        if ($colon -lt 0) { throw [HelpError]::new("${Where}: not a 'Key: value' line: '$line'") }
        $values[$line.Substring(0, $colon).Trim()] = $line.Substring($colon + 1).Trim()
    }
    $missing = @($YamlKeys | Where-Object { -not $values.ContainsKey($_) })
    if ($missing) { throw [HelpError]::new("${Where}: the yaml block lacks $($missing -join ', ')") }
    $split = { param($value) @($value -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ }) }
    [pscustomobject]@{
        Type     = $values['Type']
        Sets     = & $split $values['Parameter Sets']
        Aliases  = & $split $values['Aliases']
        Accepted = & $split $(if ($values.ContainsKey('Accepted values')) { $values['Accepted values'] } else { '' })
        Required = $values['Required']
        Position = $values['Position']
        Default  = $values['Default value']
        Pipeline = $values['Accept pipeline input']
        Wildcard = $values['Accept wildcard characters']
    }
}

function Read-HelpPage([System.IO.FileInfo] $File) {
    # One cmdlet page, or $null for the module page (no "external help file" in its front matter).
    $lines = [System.IO.File]::ReadAllText($File.FullName) -split '\r?\n'
    $front = [ordered]@{}
    $start = 0
    if ($lines.Count -gt 0 -and $lines[0].Trim() -eq '---') {
        for ($i = 1; $i -lt $lines.Count; $i++) {
            if ($lines[$i].Trim() -eq '---') { $start = $i + 1; break }
            $colon = $lines[$i].IndexOf(':')
            if ($colon -ge 0) { $front[$lines[$i].Substring(0, $colon).Trim()] = $lines[$i].Substring($colon + 1).Trim() }
        }
        if ($start -eq 0) { throw [HelpError]::new("$(Get-ShownPath $File.FullName): the front matter is not closed") }
    }
    if (-not $front.Contains('external help file')) { return $null }

    $body = $lines[$start..($lines.Count - 1)]
    $title = $body | Where-Object { $_.StartsWith('# ') } | Select-Object -First 1
    if (-not $title) { throw [HelpError]::new("$(Get-ShownPath $File.FullName): no '# Verb-Noun' title") }
    $sections = @{}
    foreach ($section in Split-Section $body '## ') { $sections[$section.Title] = $section.Lines.ToArray() }
    $missing = @($RequiredSections | Where-Object { -not $sections.ContainsKey($_) })
    if ($missing) { throw [HelpError]::new("$(Get-ShownPath $File.FullName): the page lacks the sections $($missing -join ', ')") }

    $syntax = foreach ($set in (Split-Section $sections['SYNTAX'] '### ')) {
        $blocks = @(Get-CodeBlock $set.Lines)
        if ($blocks.Count -ne 1) { throw [HelpError]::new("$(Get-ShownPath $File.FullName): the syntax of $($set.Title) needs exactly one code block") }
        [pscustomobject]@{ SetName = ($set.Title -replace '\(Default\)$', '').Trim(); IsDefault = $set.Title.EndsWith('(Default)'); Text = $blocks[0].Text.Trim() }
    }
    if (-not $syntax) {
        $blocks = @(Get-CodeBlock $sections['SYNTAX'])
        if ($blocks.Count -ne 1) { throw [HelpError]::new("$(Get-ShownPath $File.FullName): SYNTAX needs exactly one code block") }
        $syntax = [pscustomobject]@{ SetName = $AllSets; IsDefault = $true; Text = $blocks[0].Text.Trim() }
    }

    $examples = foreach ($example in Split-Section $sections['EXAMPLES'] '### ') {
        $blocks = @(Get-CodeBlock $example.Lines)
        if (-not $blocks) { throw [HelpError]::new("$(Get-ShownPath $File.FullName): the example '$($example.Title)' has no code") }
        $fences = @(for ($i = 0; $i -lt $example.Lines.Count; $i++) { if ($example.Lines[$i].StartsWith('```')) { $i } })
        [pscustomobject]@{
            Title        = $example.Title
            Introduction = @(ConvertTo-Paragraph @($example.Lines | Select-Object -First $fences[0]))
            Code         = ($blocks | ForEach-Object Text) -join "`n`n"
            Remarks      = @(ConvertTo-Paragraph @($example.Lines | Select-Object -Skip ($fences[-1] + 1)))
        }
    }

    $parameters = [System.Collections.Generic.List[object]]::new()
    $commonParameters = $false
    foreach ($section in Split-Section $sections['PARAMETERS'] '### ') {
        if ($section.Title -eq 'CommonParameters') { $commonParameters = $true; continue }
        if (-not $section.Title.StartsWith('-')) { throw [HelpError]::new("$(Get-ShownPath $File.FullName): the parameter heading '$($section.Title)' must start with '-'") }
        $name = $section.Title.Substring(1)
        $yaml = @(Get-CodeBlock $section.Lines | Where-Object Info -EQ 'yaml')
        if (-not $yaml) { throw [HelpError]::new("$(Get-ShownPath $File.FullName): -$name has no yaml block") }
        $firstFence = 0
        while (-not $section.Lines[$firstFence].StartsWith('```')) { $firstFence++ }
        $parameters.Add([pscustomobject]@{
                Name        = $name
                Description = @(ConvertTo-Paragraph @($section.Lines | Select-Object -First $firstFence))
                Blocks      = @($yaml | ForEach-Object { Read-YamlBlock $_.Text "$(Get-ShownPath $File.FullName) -$name" })
            })
    }

    $links = foreach ($line in $sections['RELATED LINKS']) {
        if ($line -match '^\s*\[([^\]]+)\]\(([^)]*)\)') {
            [pscustomobject]@{ Text = $Matches[1]; Uri = $(if ($Matches[2].EndsWith('.md')) { '' } else { $Matches[2] }) }
        }
    }

    [pscustomobject]@{
        Name             = $title.Substring(2).Trim()
        File             = $File.Name
        Shown            = Get-ShownPath $File.FullName
        Front            = $front
        Synopsis         = @(ConvertTo-Paragraph $sections['SYNOPSIS'])
        Syntax           = @($syntax)
        Description      = @(ConvertTo-Paragraph $sections['DESCRIPTION'])
        Examples         = @($examples)
        Parameters       = $parameters.ToArray()
        CommonParameters = $commonParameters
        Inputs           = @(Split-Section $sections['INPUTS'] '### ' | ForEach-Object { [pscustomobject]@{ Name = $_.Title; Description = @(ConvertTo-Paragraph $_.Lines) } })
        Outputs          = @(Split-Section $sections['OUTPUTS'] '### ' | ForEach-Object { [pscustomobject]@{ Name = $_.Title; Description = @(ConvertTo-Paragraph $_.Lines) } })
        Notes            = @(ConvertTo-Paragraph $sections['NOTES'])
        Links            = @($links)
    }
}

# ------------------------------------------------------------------------------------------------------------------
# The compiled module, as PowerShell sees it
# ------------------------------------------------------------------------------------------------------------------

function Get-ShortTypeName([type] $Type) {
    # What platyPS shows in SYNTAX: Nullable<Int32> -> Int32, HiApi.Client.HiApiTask[] -> HiApiTask[].
    $underlying = [Nullable]::GetUnderlyingType($Type)
    if ($underlying) { $Type = $underlying }
    $Type.Name
}

function Get-ParameterFact($Parameter) {
    # One parameter in one parameter set (a CommandParameterInfo), in the words of a page's yaml block.
    $named = $Parameter.Position -eq [int]::MinValue
    $pipeline = @(if ($Parameter.ValueFromPipelineByPropertyName) { 'ByPropertyName' }; if ($Parameter.ValueFromPipeline) { 'ByValue' })
    $validateSet = $Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
    [pscustomobject]@{
        Name      = $Parameter.Name
        Type      = $Parameter.ParameterType.ToString()
        ShortType = Get-ShortTypeName $Parameter.ParameterType
        IsSwitch  = $Parameter.ParameterType -eq [System.Management.Automation.SwitchParameter]
        Required  = "$($Parameter.IsMandatory)"
        Position  = if ($named) { 'Named' } else { "$($Parameter.Position)" }
        Pipeline  = if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' }
        Aliases   = @($Parameter.Aliases)
        Accepted  = @(if ($validateSet) { $validateSet.ValidValues })
        Wildcard  = "$([bool] ($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }))"
    }
}

function Get-CmdletFact([System.Management.Automation.CmdletInfo] $Cmdlet) {
    # Its parameter sets in PowerShell's order, each with its parameters in the order Get-Command -Syntax shows them.
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters
    $sets = foreach ($set in $Cmdlet.ParameterSets) {
        $byName = @{}
        foreach ($parameter in $set.Parameters) { $byName[$parameter.Name] = $parameter }
        $display = [regex]::Matches($set.ToString(), '(?<=^|[\s\[])-(\w+)') | ForEach-Object { $_.Groups[1].Value } |
            Where-Object { $_ -notin $common }
        [pscustomobject]@{
            Name       = $set.Name
            IsDefault  = $set.IsDefault -or @($Cmdlet.ParameterSets).Count -eq 1
            Parameters = @($display | ForEach-Object { Get-ParameterFact $byName[$_] })
        }
    }
    [pscustomobject]@{
        Name       = $Cmdlet.Name
        Verb       = $Cmdlet.Verb
        Noun       = $Cmdlet.Noun
        Sets       = @($sets)
        Parameters = @($Cmdlet.Parameters.Keys | Where-Object { $_ -notin $common })
    }
}

function Get-ExpectedSyntax($Cmdlet, $Set) {
    # The SYNTAX line a page shows for one set, platyPS style: [[-Prompt] <String>] -Pending [-Force] [<CommonParameters>].
    $parts = foreach ($parameter in $Set.Parameters) {
        $value = if ($parameter.IsSwitch) { '' } else { " <$($parameter.ShortType)>" }
        if ($parameter.Position -ne 'Named') {
            $text = "[-$($parameter.Name)]$value"
            if ($parameter.Required -eq 'True') { $text } else { "[$text]" }
        }
        elseif ($parameter.Required -eq 'True') { "-$($parameter.Name)$value" }
        else { "[-$($parameter.Name)$value]" }
    }
    (@($Cmdlet.Name) + @($parts) + '[<CommonParameters>]') -join ' '
}

# ------------------------------------------------------------------------------------------------------------------
# The check: the pages against the module
# ------------------------------------------------------------------------------------------------------------------

function Test-HelpPage($Page, $Cmdlet, [string] $OnlineUri) {
    $where = $Page.Shown
    if ($Page.Front['external help file'] -ne 'HiApi.Video.dll-Help.xml') { "${where}: 'external help file' must be HiApi.Video.dll-Help.xml" }
    if ($Page.Front['Module Name'] -ne 'HiApi.Video') { "${where}: 'Module Name' must be HiApi.Video" }
    if ($Page.Front['schema'] -ne '2.0.0') { "${where}: 'schema' must be 2.0.0" }
    $online = "$($Page.Front['online version'])"
    if ($online -and $online -ne $OnlineUri) {
        "${where}: 'online version' is $online; leave it empty (Get-Help -Online then opens $OnlineUri) or make it that"
    }
    if ($Page.Examples.Count -lt 3) { "${where}: $($Page.Examples.Count) example(s); at least 3 are wanted" }
    if (-not $Page.CommonParameters) { "${where}: no '### CommonParameters' under PARAMETERS" }
    foreach ($section in 'Synopsis', 'Description', 'Inputs', 'Outputs', 'Notes') {
        if (-not $Page.$section) { "${where}: $($section.ToUpperInvariant()) is empty" }
    }

    # SYNTAX: the module's sets, the default marked, each line as PowerShell orders it.
    $setNames = @($Cmdlet.Sets.Name)
    $documentedSets = @($Page.Syntax.SetName)
    if ((@($documentedSets | Sort-Object) -join ', ') -ne (@($setNames | Sort-Object) -join ', ')) {
        "${where}: SYNTAX shows the parameter sets $($documentedSets -join ', '); $($Cmdlet.Name) has $($setNames -join ', ')"
    }
    foreach ($syntax in $Page.Syntax) {
        $set = $Cmdlet.Sets | Where-Object Name -EQ $syntax.SetName
        if (-not $set) { continue }
        if ($syntax.IsDefault -ne $set.IsDefault) {
            "${where}: the syntax heading of $($set.Name) should $(if ($set.IsDefault) { '' } else { 'not ' })say (Default)"
        }
        $want = Get-ExpectedSyntax $Cmdlet $set
        $have = ($syntax.Text -split '\s+') -join ' '
        if ($have -ne $want) { "${where}: the syntax of $($set.Name) differs from the module.`n    have: $have`n    want: $want" }
    }

    # PARAMETERS: each of the module's parameters and no other, each yaml block as the module says.
    foreach ($parameter in $Page.Parameters) {
        if ($parameter.Name -notin $Cmdlet.Parameters) {
            "${where}: documents -$($parameter.Name), but $($Cmdlet.Name) has no such parameter"
        }
    }
    foreach ($name in $Cmdlet.Parameters) {
        $parameter = (Select-First $Page.Parameters.Where({ $_.Name -eq $name }, 'First'))
        if (-not $parameter) { "${where}: -$name of $($Cmdlet.Name) is not documented (no '### -$name' under PARAMETERS)"; continue }
        if ($parameter.Name -cne $name) { "${where}: '### -$($parameter.Name)' is spelt -$name by the module" }
        if (-not $parameter.Description) { "${where}: -$name has no description" }
        $inSets = @($Cmdlet.Sets | Where-Object { $_.Parameters.Name -contains $name })
        $covered = [System.Collections.Generic.List[string]]::new()
        foreach ($block in $parameter.Blocks) {
            $label = "$where -$name ($($block.Sets -join ', '))"
            if ($block.Sets -contains '(All)') {
                if ($inSets.Count -ne $Cmdlet.Sets.Count) { "${label}: -$name is not in every parameter set; name its sets: $($inSets.Name -join ', ')"; continue }
                $blockSets = $inSets
            }
            else {
                $blockSets = [System.Collections.Generic.List[object]]::new()
                foreach ($setName in $block.Sets) {
                    $set = $inSets | Where-Object Name -EQ $setName
                    if ($set) { $blockSets.Add($set) } else { "${label}: -$name is not in the parameter set $setName" }
                }
            }
            foreach ($set in $blockSets) {
                $covered.Add($set.Name)
                $fact = (Select-First $set.Parameters.Where({ $_.Name -eq $name }, 'First'))
                foreach ($key in 'Type', 'Required', 'Position', 'Pipeline', 'Wildcard') {
                    if ($block.$key -ne $fact.$key) { "${label}: $(Get-YamlKey $key) is $($block.$key); the module says $($fact.$key) in the set $($set.Name)" }
                }
                foreach ($key in 'Aliases', 'Accepted') {
                    if (($block.$key -join ', ') -cne ($fact.$key -join ', ')) {
                        "${label}: $(Get-YamlKey $key) is '$($block.$key -join ', ')'; the module says '$($fact.$key -join ', ')' in the set $($set.Name)"
                    }
                }
            }
        }
        $uncovered = @($inSets.Name | Where-Object { $_ -notin $covered })
        if ($uncovered) { "${where}: -$name has no yaml block for the set(s) $($uncovered -join ', ')" }
    }
}

function Select-First($Found) {
    # The first of what .Where(..., 'First') found, or nothing: indexing an empty result would throw.
    if ($Found.Count) { $Found[0] }
}

function Get-YamlKey([string] $Property) {
    @{ Type = 'Type'; Required = 'Required'; Position = 'Position'; Pipeline = 'Accept pipeline input'; Wildcard = 'Accept wildcard characters'
        Aliases = 'Aliases'; Accepted = 'Accepted values' }[$Property]
}

# ------------------------------------------------------------------------------------------------------------------
# MAML
# ------------------------------------------------------------------------------------------------------------------

class MamlWriter {
    # Two spaces per level, one element per line, LF: the same bytes on every OS.
    [System.Text.StringBuilder] $Text = [System.Text.StringBuilder]::new()
    [int] $Depth = 0

    [string] static Escape([string] $value) { return $value.Replace('&', '&amp;').Replace('<', '&lt;').Replace('>', '&gt;') }

    [string] static Attributes([System.Collections.Specialized.OrderedDictionary] $attributes) {
        if (-not $attributes) { return '' }
        $builder = [System.Text.StringBuilder]::new()
        foreach ($key in $attributes.Keys) {
            $value = [MamlWriter]::Escape([string] $attributes[$key]).Replace('"', '&quot;').Replace("`n", '&#10;').Replace("`r", '&#13;').Replace("`t", '&#9;')
            [void] $builder.Append(" $key=`"$value`"")
        }
        return $builder.ToString()
    }

    [void] Line([string] $line) { [void] $this.Text.Append('  ' * $this.Depth).Append($line).Append("`n") }

    [void] Open([string] $tag, [System.Collections.Specialized.OrderedDictionary] $attributes) {
        $this.Line("<$tag$([MamlWriter]::Attributes($attributes))>")
        $this.Depth++
    }

    [void] Open([string] $tag) { $this.Open($tag, $null) }

    [void] Close([string] $tag) {
        $this.Depth--
        $this.Line("</$tag>")
    }

    [void] Leaf([string] $tag, [string] $value, [System.Collections.Specialized.OrderedDictionary] $attributes) {
        if ([string]::IsNullOrEmpty($value)) { $this.Line("<$tag$([MamlWriter]::Attributes($attributes)) />") }
        else { $this.Line("<$tag$([MamlWriter]::Attributes($attributes))>$([MamlWriter]::Escape($value))</$tag>") }
    }

    [void] Leaf([string] $tag, [string] $value) { $this.Leaf($tag, $value, $null) }

    [void] Paragraphs([string] $tag, [string[]] $paragraphs) {
        $this.Open($tag)
        if (-not $paragraphs) { $paragraphs = @('') }
        foreach ($paragraph in $paragraphs) { $this.Leaf('maml:para', $paragraph) }
        $this.Close($tag)
    }
}

function Write-MamlParameter([MamlWriter] $Writer, $Fact, $Parameter, $Block, [switch] $InSyntax) {
    $Writer.Open('command:parameter', [ordered]@{
            required       = $Fact.Required.ToLowerInvariant()
            variableLength = 'true'
            globbing       = $Fact.Wildcard.ToLowerInvariant()
            pipelineInput  = $Fact.Pipeline
            position       = $Fact.Position.ToLowerInvariant()
            aliases        = if ($Fact.Aliases) { $Fact.Aliases -join ', ' } else { 'none' }
        })
    $Writer.Leaf('maml:name', $Fact.Name)
    $Writer.Paragraphs('maml:Description', $Parameter.Description)
    if ($InSyntax -and $Fact.Accepted) {
        $Writer.Open('command:parameterValueGroup')
        foreach ($value in $Fact.Accepted) {
            $Writer.Leaf('command:parameterValue', $value, [ordered]@{ required = 'false'; 'command:variableLength' = 'false' })
        }
        $Writer.Close('command:parameterValueGroup')
    }
    if (-not ($InSyntax -and $Fact.IsSwitch)) {
        $Writer.Leaf('command:parameterValue', $Fact.ShortType, [ordered]@{ required = $(if ($Fact.IsSwitch) { 'false' } else { 'true' }); variableLength = 'false' })
    }
    $Writer.Open('dev:type')
    $Writer.Leaf('maml:name', $Fact.Type)
    $Writer.Leaf('maml:uri', '')
    $Writer.Close('dev:type')
    $Writer.Leaf('dev:defaultValue', $(if ($Block.Default) { $Block.Default } else { 'None' }))
    $Writer.Close('command:parameter')
}

function Get-BlockFor($Parameter, [string] $SetName) {
    (Select-First $Parameter.Blocks.Where({ $_.Sets -contains '(All)' -or $_.Sets -contains $SetName }, 'First'))
}

function ConvertTo-Maml($Pages, $Cmdlets, [string] $ProjectUri) {
    $w = [MamlWriter]::new()
    $w.Line('<?xml version="1.0" encoding="utf-8"?>')
    $w.Open('helpItems', [ordered]@{ schema = 'maml'; xmlns = 'http://msh' })
    # Ordinal order: the same bytes whatever the culture of the machine that builds them.
    $names = [string[]] @($Pages.Name)
    [Array]::Sort($names, [StringComparer]::Ordinal)
    foreach ($page in $names | ForEach-Object { $name = $_; $Pages | Where-Object Name -CEQ $name }) {
        $cmdlet = $Cmdlets[$page.Name]
        $w.Open('command:command', [ordered]@{ 'xmlns:maml' = $NsMaml; 'xmlns:command' = $NsCommand; 'xmlns:dev' = $NsDev; 'xmlns:MSHelp' = $NsMsHelp })
        $w.Open('command:details')
        $w.Leaf('command:name', $cmdlet.Name)
        $w.Leaf('command:verb', $cmdlet.Verb)
        $w.Leaf('command:noun', $cmdlet.Noun)
        $w.Paragraphs('maml:description', $page.Synopsis)
        $w.Close('command:details')
        $w.Paragraphs('maml:description', $page.Description)

        # The sets in the page's order (the check made it the module's sets), the parameters in PowerShell's order.
        $w.Open('command:syntax')
        foreach ($syntax in $page.Syntax) {
            $set = $cmdlet.Sets | Where-Object Name -EQ $syntax.SetName
            $w.Open('command:syntaxItem')
            $w.Leaf('maml:name', $cmdlet.Name)
            foreach ($fact in $set.Parameters) {
                $parameter = (Select-First $page.Parameters.Where({ $_.Name -eq $fact.Name }, 'First'))
                Write-MamlParameter $w $fact $parameter (Get-BlockFor $parameter $set.Name) -InSyntax
            }
            $w.Close('command:syntaxItem')
        }
        $w.Close('command:syntax')

        # Each parameter once, in the page's order, as it is in the first set its first yaml block names.
        $w.Open('command:parameters')
        foreach ($parameter in $page.Parameters) {
            $block = $parameter.Blocks[0]
            $set = $cmdlet.Sets | Where-Object { $_.Parameters.Name -contains $parameter.Name -and ($block.Sets -contains '(All)' -or $block.Sets -contains $_.Name) } |
                Select-Object -First 1
            Write-MamlParameter $w (Select-First $set.Parameters.Where({ $_.Name -eq $parameter.Name }, 'First')) $parameter $block
        }
        $w.Close('command:parameters')

        foreach ($group in @(('command:inputTypes', 'command:inputType', $page.Inputs), ('command:returnValues', 'command:returnValue', $page.Outputs))) {
            $w.Open($group[0])
            foreach ($entry in $group[2]) {
                $w.Open($group[1])
                $w.Open('dev:type')
                $w.Leaf('maml:name', $entry.Name)
                $w.Close('dev:type')
                $w.Paragraphs('maml:description', $entry.Description)
                $w.Close($group[1])
            }
            $w.Close($group[0])
        }

        $w.Open('maml:alertSet')
        $w.Open('maml:alert')
        foreach ($note in $(if ($page.Notes) { $page.Notes } else { @('') })) { $w.Leaf('maml:para', $note) }
        $w.Close('maml:alert')
        $w.Close('maml:alertSet')

        $w.Open('command:examples')
        foreach ($example in $page.Examples) {
            $w.Open('command:example')
            $title = " $($example.Title) "
            $pad = '-' * [Math]::Max(2, [Math]::Floor((64 - $title.Length) / 2))
            $w.Leaf('maml:title', "$pad$title$pad")
            if ($example.Introduction) { $w.Paragraphs('maml:introduction', $example.Introduction) }
            $w.Leaf('dev:code', $example.Code)
            $w.Paragraphs('dev:remarks', $example.Remarks)
            $w.Close('command:example')
        }
        $w.Close('command:examples')

        # The first link with an address is where Get-Help -Online goes (and the cmdlet's HelpUri): this page.
        $w.Open('command:relatedLinks')
        $links = @([pscustomobject]@{ Text = 'Online Version:'; Uri = (Get-OnlineUri $ProjectUri $page.Name) }) + $page.Links
        foreach ($link in $links) {
            $w.Open('maml:navigationLink')
            $w.Leaf('maml:linkText', $link.Text)
            $w.Leaf('maml:uri', $link.Uri)
            $w.Close('maml:navigationLink')
        }
        $w.Close('command:relatedLinks')
        $w.Close('command:command')
    }
    $w.Close('helpItems')
    $w.Text.ToString()
}

function Get-ShownPath([string] $Path) {
    # Relative to the repository in messages, full when outside it.
    $relative = [System.IO.Path]::GetRelativePath((Split-Path $PSScriptRoot -Parent), $Path)
    if ($relative.StartsWith('..')) { $Path } else { $relative.Replace('\', '/') }
}

function Get-OnlineUri([string] $ProjectUri, [string] $Name) { "$($ProjectUri.TrimEnd('/'))/blob/main/help/$Name.md" }

# ------------------------------------------------------------------------------------------------------------------
# Main
# ------------------------------------------------------------------------------------------------------------------

$started = [System.Diagnostics.Stopwatch]::StartNew()
$ModulePath = [System.IO.Path]::GetFullPath($ModulePath, (Get-Location).ProviderPath)
$HelpPath = [System.IO.Path]::GetFullPath($HelpPath, (Get-Location).ProviderPath)
$OutputPath = [System.IO.Path]::GetFullPath($OutputPath, (Get-Location).ProviderPath)
$module = Import-Module $ModulePath -Force -PassThru
$projectUri = "$($module.ProjectUri)"
if (-not $projectUri) { throw "The manifest $ModulePath has no PrivateData.PSData.ProjectUri: Get-Help -Online needs it." }

$cmdlets = @{}
foreach ($cmdlet in Get-Command -Module $module.Name -CommandType Cmdlet) { $cmdlets[$cmdlet.Name] = Get-CmdletFact $cmdlet }

$problems = [System.Collections.Generic.List[string]]::new()
$pages = foreach ($file in Get-ChildItem -LiteralPath $HelpPath -Filter *.md | Sort-Object Name) {
    try { Read-HelpPage $file } catch [HelpError] { $problems.Add($_.Exception.Message) }
}
$pages = @($pages | Where-Object { $_ })
foreach ($name in $cmdlets.Keys | Sort-Object) {
    if ($name -notin $pages.Name) { $problems.Add("$name has no page: write $(Get-ShownPath (Join-Path $HelpPath "$name.md")) (copy the page of a similar cmdlet)") }
}
foreach ($page in $pages) {
    if (-not $cmdlets.ContainsKey($page.Name)) {
        $problems.Add("$($page.Shown) documents $($page.Name), which the module $($module.Name) does not export")
        continue
    }
    if ($page.File -cne "$($page.Name).md") { $problems.Add("$($page.Shown) documents $($page.Name): name it $($page.Name).md") }
    foreach ($problem in Test-HelpPage $page $cmdlets[$page.Name] (Get-OnlineUri $projectUri $page.Name)) { $problems.Add($problem) }
}
$pages = @($pages | Where-Object { $cmdlets.ContainsKey($_.Name) })

if ($problems.Count -eq 0) {
    $maml = ConvertTo-Maml $pages $cmdlets $projectUri
    [void] [xml] $maml   # it parses
    $current = if (Test-Path -LiteralPath $OutputPath) { [System.IO.File]::ReadAllText($OutputPath) -replace '\r\n', "`n" } else { '' }
    if ($Check) {
        if ($current -cne $maml) {
            $problems.Add("$(Get-ShownPath $OutputPath) is out of date with the pages and the module: run ./build.ps1 Help and commit it")
        }
    }
    elseif ($current -cne $maml) {
        New-Item -ItemType Directory -Path (Split-Path $OutputPath -Parent) -Force | Out-Null
        [System.IO.File]::WriteAllText($OutputPath, $maml, [System.Text.UTF8Encoding]::new($false))
    }
}

$shownPath = Get-ShownPath $OutputPath
if ($problems.Count -gt 0) {
    # One line each, on standard error, and exit code 1: what build.ps1 and CI read.
    [Console]::Error.WriteLine("The help has $($problems.Count) problem(s)$(if ($Check) { '' } else { "; $shownPath was not written" }):")
    foreach ($problem in $problems) { [Console]::Error.WriteLine("  $problem") }
    exit 1
}
$verb = if ($Check) { 'is up to date' } else { 'built' }
"Help: $shownPath $verb ($($pages.Count) cmdlets, $([Math]::Round($started.Elapsed.TotalSeconds, 1)) s)."
