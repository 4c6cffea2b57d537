#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.3.0' }
# The pipelines a user runs, end to end against the local HiAPI emulator. Run with ./build.ps1 Test (or Pester).

BeforeAll {
    $repositoryRoot = Split-Path $PSScriptRoot -Parent
    Import-Module (Join-Path $PSScriptRoot 'HiApiEmulator.psm1') -Force
    $script:testSession = Enter-HiApiTestSession
    $script:emulator = $testSession.Emulator
    $script:ledgerPath = $testSession.LedgerPath
    Import-Module (Join-Path $repositoryRoot 'HiApi.Video.psd1') -Force

    function Get-Mp4Brand([string] $Path) {
        $bytes = [IO.File]::ReadAllBytes($Path)
        [Text.Encoding]::ASCII.GetString($bytes, 4, 4)
    }
}

AfterAll {
    Remove-Module HiApi.Video -ErrorAction SilentlyContinue
    Exit-HiApiTestSession $testSession
}

Describe 'A prompt becomes an MP4 on disk in one pipeline' {
    It 'submits, waits and saves the task id .mp4 into a new folder' {
        $clips = Join-Path $TestDrive 'clips'
        $file = 'a calm ocean wave at sunset' | New-HiApiVideoTask -Duration 3 -Resolution 720p |
            Wait-HiApiTask -PollIntervalSeconds 0.2 | Save-HiApiVideo -Path $clips

        @($file).Count | Should -Be 1
        $file | Should -BeOfType [System.IO.FileInfo]
        $file.TaskId | Should -Match '^tk-hiapi-'
        $file.Name | Should -Be "$($file.TaskId).mp4"
        $file.DirectoryName | Should -Be $clips
        $file.Length | Should -BeGreaterThan 1000
        Get-Mp4Brand $file.FullName | Should -Be 'ftyp'
        Get-ChildItem $clips -Force | Should -HaveCount 1 -Because 'no temporary file is left behind'
    }

    It 'writes each saved file as Get-ChildItem shows it, with the task id' {
        $file = New-HiApiVideoTask 'a file like any other' -Duration 3 | Wait-HiApiTask -PollIntervalSeconds 0.2 |
            Save-HiApiVideo -Path (Join-Path $TestDrive 'provider')
        $file.PSProvider.Name | Should -Be 'FileSystem'
        $file.PSPath | Should -BeLike 'Microsoft.PowerShell.Core\FileSystem::*'
        $shown = $file | Out-String -Width 120
        $shown | Should -Match 'Directory: '
        $shown | Should -Match ([regex]::Escape("$($file.Length)"))
        $shown | Should -Match ([regex]::Escape($file.Name.Substring(0, 20)))
        $file.TaskId | Should -Match '^tk-hiapi-'
    }

    It 'returns a typed task that remembers what was asked for' {
        $task = New-HiApiVideoTask -Prompt 'a paper plane over neon Tokyo' -AspectRatio '16:9' -Resolution 1080p -Duration 4
        $task | Should -BeOfType ([HiApi.Client.HiApiTask])
        $task.Status | Should -Be ([HiApi.Client.HiApiTaskStatus]::Queued)
        $task.Model | Should -Be 'happyhorse-1.1/text-to-video'
        $task.Prompt | Should -Be 'a paper plane over neon Tokyo'
        $task.AspectRatio | Should -Be '16:9'
        $task.Duration | Should -Be 4
        $task.SubmittedAt | Should -BeOfType [DateTimeOffset]

        $done = $task | Wait-HiApiTask -PollIntervalSeconds 0.2
        $done.Status | Should -Be 'Success'
        $done.IsTerminal | Should -BeTrue
        $done.Prompt | Should -Be 'a paper plane over neon Tokyo'
        $done.VideoUrl | Should -Match '\.mp4'
        $done.Outputs[0].Type | Should -Be 'video'
        $done.Outputs[0].ExpiresAt | Should -BeOfType [DateTimeOffset]
        $done.Outputs[0].ExpiresAt | Should -BeGreaterThan ([DateTimeOffset]::UtcNow)
    }

    It 'sends the contract''s spelling whatever the case typed (ValidateSet ignores case, the API does not)' {
        $task = New-HiApiVideoTask -Prompt 'case' -Resolution 720P -AspectRatio '16:9' -Duration 3
        $task.Resolution | Should -Be '720p'
    }

    It 'saves a task in hand without any key: the download URL is signed' {
        $done = New-HiApiVideoTask 'no key needed to save' -Duration 3 | Wait-HiApiTask -PollIntervalSeconds 0.2
        $saved = $env:HIAPI_API_KEY
        Remove-Item Env:HIAPI_API_KEY
        try {
            $file = $done | Save-HiApiVideo -Path (Join-Path $TestDrive 'keyless')
        }
        finally {
            $env:HIAPI_API_KEY = $saved
        }
        Get-Mp4Brand $file.FullName | Should -Be 'ftyp'
    }

    It 'resolves a relative -Path against the PowerShell location, not the process directory' {
        $task = New-HiApiVideoTask 'relative paths' -Duration 3 | Wait-HiApiTask -PollIntervalSeconds 0.2
        Push-Location $TestDrive
        try {
            $file = $task | Save-HiApiVideo -Path ./relative/clip.mp4
        }
        finally {
            Pop-Location
        }
        $file.FullName | Should -Be (Join-Path $TestDrive 'relative/clip.mp4')
        Test-Path (Join-Path $TestDrive 'relative/clip.mp4') | Should -BeTrue
    }

    It 'refuses to overwrite an existing file without -Force, and overwrites with it' {
        $task = New-HiApiVideoTask 'overwrite me' -Duration 3 | Wait-HiApiTask -PollIntervalSeconds 0.2
        $target = Join-Path $TestDrive 'taken.mp4'
        Set-Content -Path $target -Value 'precious'

        $task | Save-HiApiVideo -Path $target -ErrorVariable failure -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.FileExists,*'
        Get-Content $target | Should -Be 'precious'

        $file = $task | Save-HiApiVideo -Path $target -Force
        Get-Mp4Brand $file.FullName | Should -Be 'ftyp'
    }

    It 'saves two tasks aimed at one file name once, and says which task was not saved, naming both' {
        $two = 'first of two', 'second of two' | New-HiApiVideoTask -Duration 3 | Wait-HiApiTask -PollIntervalSeconds 0.2
        $target = Join-Path $TestDrive 'one.mp4'

        $files = $two | Save-HiApiVideo -Path $target -ErrorVariable failure -ErrorAction SilentlyContinue

        @($files).Count | Should -Be 1
        @($failure).Count | Should -Be 1 -Because 'the second video is not dropped in silence'
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.FileNameCollision,*'
        $failure[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $failure[0].ErrorDetails.RecommendedAction | Should -BeNullOrEmpty -Because '-Force would not help: the message says what would'
        $saved = $files[0].TaskId
        $dropped = @($two.TaskId | Where-Object { $_ -ne $saved })[0]
        # Each task is named with its input's number, which tells the rows of a storyboard apart.
        $failure[0].Exception.Message | Should -BeLike "Tasks $saved (input ?) and $dropped (input ?) would both be saved to '$target'; the video of $dropped is not downloaded.*"
        $failure[0].TargetObject.TaskId | Should -Be $dropped
        Get-ChildItem $TestDrive -Filter 'one*' -Force | Should -HaveCount 1
    }

    It 'counts a file that already holds the very same video as saved, as a second process saving the same tasks finds' {
        $tasks = 1..3 | ForEach-Object { "saved by two processes $_" } | New-HiApiVideoTask -Duration 3 | Wait-HiApiTask -PollIntervalSeconds 0.2
        $folder = Join-Path $TestDrive 'shared'
        $first = $tasks | Save-HiApiVideo -Path $folder
        $before = $first | ForEach-Object { $_.LastWriteTimeUtc }

        # Another process has no way to know what this one saved but the files themselves: no ledger here either.
        $second = $tasks | Save-HiApiVideo -Path $folder -NoLedger -ErrorVariable failure -ErrorAction SilentlyContinue

        $failure | Should -BeNullOrEmpty
        @($second).Count | Should -Be 3
        ($second | Sort-Object Name).FullName | Should -Be ($first | Sort-Object Name).FullName
        (Get-ChildItem $folder -Force).Count | Should -Be 3 -Because 'no copy or temporary file is left beside them'
        ($first | ForEach-Object { (Get-Item $_.FullName).LastWriteTimeUtc }) | Should -Be $before -Because 'the files in place are left as they were'
    }

    It 'downloads without sending the API key to the storage URL' {
        Invoke-HiApiEmulatorControl $emulator 'requests' -Method Delete | Out-Null
        New-HiApiVideoTask 'no key on downloads' -Duration 3 | Wait-HiApiTask -PollIntervalSeconds 0.2 |
            Save-HiApiVideo -Path (Join-Path $TestDrive 'nokey') | Out-Null
        $requests = Invoke-HiApiEmulatorControl $emulator 'requests'
        $downloads = @($requests | Where-Object kind -EQ 'download')
        $downloads.Count | Should -BeGreaterThan 0
        $downloads | ForEach-Object { $_.hasAuthorization | Should -BeFalse }
        @($requests | Where-Object kind -In 'create', 'get') | ForEach-Object { $_.hasAuthorization | Should -BeTrue }
    }
}

Describe 'A storyboard CSV becomes one task per row' {
    It 'binds every column by property name and saves a clip per row' {
        $csv = Join-Path $TestDrive 'storyboard.csv'
        @(
            [pscustomobject]@{ Prompt = 'scene one: a lighthouse at dawn'; Duration = 3; Resolution = '720p'; AspectRatio = '16:9' }
            [pscustomobject]@{ Prompt = 'scene two: gulls over the pier'; Duration = 4; Resolution = '720p'; AspectRatio = '9:16' }
            [pscustomobject]@{ Prompt = 'scene three: a boat leaves'; Duration = 5; Resolution = '1080p'; AspectRatio = '1:1' }
        ) | Export-Csv -Path $csv -NoTypeInformation

        # Tasks come out in the order HiAPI created them (submissions run concurrently): match them up by prompt.
        $tasks = Import-Csv $csv | New-HiApiVideoTask | Sort-Object Prompt
        $tasks | Should -HaveCount 3
        $tasks.Prompt | Should -Be @('scene one: a lighthouse at dawn', 'scene three: a boat leaves', 'scene two: gulls over the pier')
        $tasks.Duration | Should -Be @(3, 5, 4)
        $tasks.AspectRatio | Should -Be @('16:9', '1:1', '9:16')
        ($tasks.TaskId | Select-Object -Unique) | Should -HaveCount 3

        $files = $tasks | Wait-HiApiTask -PollIntervalSeconds 0.2 | Save-HiApiVideo -Path (Join-Path $TestDrive 'storyboard')
        $files | Should -HaveCount 3
        ($files.TaskId | Sort-Object) | Should -Be ($tasks.TaskId | Sort-Object)
    }

    It 'reports a bad row and still submits the good ones' {
        $rows = @(
            [pscustomobject]@{ Prompt = 'good row'; Duration = '3' }
            [pscustomobject]@{ Prompt = 'bad row'; Duration = '99' }
            [pscustomobject]@{ Prompt = 'another good row'; Duration = '3' }
        )
        $tasks = $rows | New-HiApiVideoTask -ErrorVariable failures -ErrorAction SilentlyContinue
        $tasks | Should -HaveCount 2
        # Tasks come out in creation order (several submissions are in flight), not input order.
        ($tasks.Prompt | Sort-Object) | Should -Be @('another good row', 'good row')
        $failures | Should -HaveCount 1
        "$($failures[0])" | Should -Match 'Duration'
    }
}

Describe 'A still image becomes a clip' {
    It 'uses image-to-video with one https image URL' {
        $file = New-HiApiVideoTask -ImageUrl https://example.com/still.jpg -Prompt 'she turns and smiles' |
            Wait-HiApiTask -PollIntervalSeconds 0.2 | Save-HiApiVideo -Path (Join-Path $TestDrive 'image')
        $file | Should -HaveCount 1
        Get-Mp4Brand $file.FullName | Should -Be 'ftyp'
        $task = Get-HiApiTask -TaskId $file.TaskId
        $task.Model | Should -Be 'happyhorse-1.1/image-to-video'
    }
}

Describe 'Get-HiApiTask and Wait-HiApiTask take ids as well as tasks' {
    It 'reads a task by id, by piped string and by property name' {
        $task = New-HiApiVideoTask 'ids in the pipeline' -Duration 3
        (Get-HiApiTask $task.TaskId).TaskId | Should -Be $task.TaskId
        ($task.TaskId | Get-HiApiTask).TaskId | Should -Be $task.TaskId
        ([pscustomobject]@{ Id = $task.TaskId } | Get-HiApiTask).TaskId | Should -Be $task.TaskId
        $done = $task.TaskId | Wait-HiApiTask -PollIntervalSeconds 0.2
        $done.Status | Should -Be 'Success'
    }

    It 'waits for many tasks at once and hands each on' {
        $tasks = 1..6 | ForEach-Object { "batch clip $_" } | New-HiApiVideoTask -Duration 3
        $done = $tasks | Wait-HiApiTask -PollIntervalSeconds 0.2
        $done | Should -HaveCount 6
        ($done.TaskId | Sort-Object) | Should -Be ($tasks.TaskId | Sort-Object)
        $done.Status | Select-Object -Unique | Should -Be 'Success'
    }
}
