#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.3.0' }
# How tasks look in a console: the default table at 80 and 120 columns, the list view, local times.
# Real tasks from the local HiAPI emulator: queued, succeeded, failed ([[fail]]) and image-to-video.

BeforeAll {
    $repositoryRoot = Split-Path $PSScriptRoot -Parent
    Import-Module (Join-Path $PSScriptRoot 'HiApiEmulator.psm1') -Force
    $script:testSession = Enter-HiApiTestSession
    Import-Module (Join-Path $repositoryRoot 'HiApi.Video.psd1') -Force

    $script:queued = New-HiApiVideoTask 'a vintage paper plane gliding above neon Tokyo at night, cinematic, slow dolly in' -Duration 8 -Resolution 1080p
    $script:succeeded = New-HiApiVideoTask 'a calm ocean wave at sunset over the old harbour' -Duration 3 | Wait-HiApiTask -PollIntervalSeconds 0.2
    New-HiApiVideoTask 'a dragon made of smoke over the harbour [[fail]]' -Duration 5 |
        Wait-HiApiTask -PollIntervalSeconds 0.2 -ErrorVariable failure -ErrorAction SilentlyContinue
    $script:failed = $failure[0].TargetObject
    $script:image = New-HiApiVideoTask -ImageUrl 'https://example.com/stills/harbour-dawn.jpg' -Prompt 'she turns and smiles at the camera' -Duration 4
    $script:tasks = $queued, $succeeded, $failed, $image

    function Format-Console([object[]] $InputObject, [int] $Width, [string] $As = 'Table') {
        $text = if ($As -eq 'List') { $InputObject | Format-List | Out-String -Width $Width } else { $InputObject | Format-Table | Out-String -Width $Width }
        @($text -split '\r?\n' | Where-Object { $_.Trim() })
    }

    function Get-Row([string[]] $Lines, $Task) {
        $Lines | Where-Object { $_.StartsWith($Task.TaskId) }
    }
}

AfterAll {
    Remove-Module HiApi.Video -ErrorAction SilentlyContinue
    Exit-HiApiTestSession $testSession
}

Describe 'The task table in an 80-column console' {
    BeforeAll {
        $script:lines = Format-Console $tasks -Width 80
    }

    It 'the tasks are what the test means: queued, success, fail, image-to-video' {
        $queued.Status | Should -Be 'Queued'
        $succeeded.Status | Should -Be 'Success'
        $failed.Status | Should -Be 'Fail'
        $image.ImageUrl | Should -Not -BeNullOrEmpty
    }

    It 'has no line longer than 80 characters' {
        $lines | Where-Object Length -GT 80 | Should -BeNullOrEmpty
    }

    It 'prints the headers across, one line each, and one line per task, under the batch it belongs to' {
        # Each New-HiApiVideoTask above is a run of its own, so each task heads a group: Batch, headers, dashes, the task.
        $groups = $tasks.Count
        @($lines -match '^\s+Batch: run-') | Should -HaveCount $groups
        @($lines -match '^TaskId\s+Status\s+Dur\s+Details$') | Should -HaveCount $groups
        @($lines -match '^-+\s+-+\s+-+\s+-+$') | Should -HaveCount $groups
        $lines.Count | Should -Be (3 * $groups + $tasks.Count) -Because 'no header printed vertically, no task wrapped over lines'
    }

    It 'shows the whole task id, the status, the duration and the start of the prompt of <Name>' -ForEach @(
        @{ Name = 'a queued task'; Key = 'queued' }
        @{ Name = 'a task that succeeded'; Key = 'succeeded' }
        @{ Name = 'a failed task'; Key = 'failed' }
        @{ Name = 'an image-to-video task'; Key = 'image' }
    ) {
        $task = Get-Variable $Key -ValueOnly
        $row = @(Get-Row $lines $task)
        $row | Should -HaveCount 1 -Because "the whole id $($task.TaskId) starts its row"
        $row[0] | Should -Match "^$([regex]::Escape($task.TaskId)) +$($task.Status) +$($task.Duration)s "
        $row[0] | Should -Match ([regex]::Escape($task.Prompt.Substring(0, 8)))
    }

    It 'says when the video of a task that succeeded expires' {
        @(Get-Row $lines $succeeded)[0] | Should -Match ' expires '
    }

    It 'names the image of an image-to-video task' {
        @(Get-Row $lines $image)[0] | Should -Match 'harbour-dawn\.jpg'
    }
}

Describe 'The task table in a 120-column console' {
    BeforeAll {
        $script:wide = Format-Console $tasks -Width 120
        $script:narrow = Format-Console $tasks -Width 80
    }

    It 'has no line longer than 120 characters and one line per task' {
        $wide | Where-Object Length -GT 120 | Should -BeNullOrEmpty
        $wide.Count | Should -Be (3 * $tasks.Count + $tasks.Count) -Because 'each task is a run of its own, under its batch'

    }

    It 'gives the prompt the extra width' {
        $row = @(Get-Row $wide $queued)[0]
        $row | Should -Match ([regex]::Escape($queued.Prompt.Substring(0, 60)))
        $row.Length | Should -BeGreaterThan @(Get-Row $narrow $queued)[0].Length
        @(Get-Row $wide $image)[0] | Should -Match 'harbour-dawn\.jpg \| she turns and smiles at the camera'
        @(Get-Row $wide $succeeded)[0] | Should -Match ([regex]::Escape($succeeded.Prompt))
    }

    It 'shows why a task failed after its prompt' {
        @(Get-Row $wide $failed)[0] | Should -Match "$([regex]::Escape($failed.Prompt)) \| $([regex]::Escape($failed.Error.Message.Substring(0, 10)))"
    }
}

Describe 'The batch, how runs are told apart, is whole at 80 columns' {
    BeforeAll {
        $script:longBatch = 'acme spring campaign 2026 - storyboard v3 (approved by the client on friday)'
        $script:again = 'a lighthouse at dawn', 'gulls over the pier' | New-HiApiVideoTask -Duration 3 -Batch $longBatch
        $script:sibling = 'a lighthouse at dawn', 'gulls over the pier' | New-HiApiVideoTask -Duration 3 -Batch ($longBatch -replace 'v3', 'v4')
    }

    It '<Command> heads each batch''s rows with its whole name, once' -ForEach @(
        @{ Command = 'Get-HiApiTask' }
        @{ Command = 'Get-HiApiSubmission' }
    ) {
        $shown = Format-Console (& $Command | Where-Object Batch -Like 'acme spring*') -Width 80
        $shown | Where-Object Length -GT 80 | Should -BeNullOrEmpty
        # A name longer than the console is wrapped by it, whole: compared without the white space the wrap moves.
        $compact = ($shown -join '') -replace '\s'
        foreach ($name in $longBatch, ($longBatch -replace 'v3', 'v4')) {
            ([regex]::Matches($compact, [regex]::Escape("Batch:$($name -replace '\s')"))).Count | Should -Be 1 -Because $name
        }
        @($shown -match '^\s+Batch: acme spring campaign 2026') | Should -HaveCount 2
        foreach ($task in @($again) + @($sibling)) { @($shown -match "^(\s+\d+ created\s+)?$($task.TaskId)") | Should -HaveCount 1 }
    }
}

Describe 'Other views of a task' {
    It 'Format-List shows every field, the request included, at 80 columns' {
        $list = Format-Console $succeeded -Width 80 -As List
        $labels = $list | ForEach-Object { if ($_ -match '^(\w+)\s*:') { $Matches[1] } }
        foreach ($label in 'TaskId', 'Status', 'Model', 'Prompt', 'ImageUrl', 'Duration', 'Resolution', 'AspectRatio',
            'CallbackUrl', 'SubmittedAt', 'RetrievedAt', 'VideoUrl', 'ExpiresAt', 'Error') {
            $labels | Should -Contain $label
        }
        $list | Where-Object Length -GT 80 | Should -BeNullOrEmpty
        $list -match '^Duration\s+: 3s$' | Should -HaveCount 1
    }

    It 'Format-List shows why a task failed' {
        Format-Console $failed -Width 120 -As List | Where-Object { $_ -match "^Error\s+: $([regex]::Escape($failed.Error))$" } |
            Should -HaveCount 1
    }

    It 'Format-Wide lists the task ids' {
        $text = $tasks | Format-Wide | Out-String -Width 80
        foreach ($task in $tasks) { $text | Should -Match $task.TaskId }
    }

    It 'a task known only by its id (no ledger, no request) shows without errors' {
        $bare = Get-HiApiTask $succeeded.TaskId -NoLedger
        $row = @(Get-Row (Format-Console $bare -Width 80) $bare)[0]
        $row | Should -Match "^$([regex]::Escape($bare.TaskId)) +Success +expires "
    }
}

Describe 'Times in local time' {
    BeforeAll {
        # A fresh pwsh in Tokyo (UTC+9, no daylight saving), invariant culture: the emulator and key come from the
        # environment that Enter-HiApiTestSession set, which the child inherits. TZ sets a .NET process's time zone on
        # Linux and macOS; Windows ignores it and has no per-process equivalent, so there the tests say skipped.
        $script:notHere = if ($IsWindows) { 'TZ cannot move a process to another time zone on Windows, only the machine''s setting can' }
        $tokyo = @'
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
# The culture set here rather than through LANG, which Windows ignores.
[System.Globalization.CultureInfo]::CurrentCulture = [System.Globalization.CultureInfo]::InvariantCulture
Import-Module $args[0]
$task = New-HiApiVideoTask 'a lantern festival on the river' -Duration 3 | Wait-HiApiTask -PollIntervalSeconds 0.2
[pscustomobject]@{
    Zone      = [TimeZoneInfo]::Local.BaseUtcOffset.TotalHours
    ExpiresAt = $task.ExpiresAt.ToString('o')
    Offset    = $task.ExpiresAt.Offset.TotalHours
    Table     = $task | Format-Table | Out-String -Width 80
    List      = $task | Format-List | Out-String -Width 80
} | ConvertTo-Json
'@
        if ($notHere) { return }
        $script:child = Invoke-HiApiChildPwsh $tokyo -ArgumentList (Join-Path $repositoryRoot 'HiApi.Video.psd1') `
            -Environment @{ TZ = 'Asia/Tokyo' } | ConvertFrom-Json
        $script:expiresUtc = [DateTimeOffset]::Parse($child.ExpiresAt, [cultureinfo]::InvariantCulture)
        $script:expiresTokyo = $expiresUtc.ToOffset([TimeSpan]::FromHours(9))
    }

    It 'the child really runs in Tokyo' {
        if ($notHere) { Set-ItResult -Skipped -Because $notHere; return }
        $child.Zone | Should -Be 9
    }

    It 'keeps the value itself in UTC' {
        if ($notHere) { Set-ItResult -Skipped -Because $notHere; return }
        $child.Offset | Should -Be 0
    }

    It 'the table shows the Tokyo hour the video expires' {
        if ($notHere) { Set-ItResult -Skipped -Because $notHere; return }
        $child.Table | Should -Match "expires (\w{3} )?$($expiresTokyo.ToString('HH:mm'))"
        $child.Table | Should -Not -Match "expires (\w{3} )?$($expiresUtc.ToString('HH:mm'))"
    }

    It 'the list shows ExpiresAt in Tokyo time, with its offset' {
        if ($notHere) { Set-ItResult -Skipped -Because $notHere; return }
        $child.List | Should -Match "ExpiresAt\s+: .*$($expiresTokyo.ToString('HH:mm:ss')) \+09:00"
    }
}
