#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.3.0' }
# The ledger file as a user meets it: where a path leads, and what the cmdlets say about a file they cannot fully use.

BeforeAll {
    $script:repositoryRoot = Split-Path $PSScriptRoot -Parent
    Import-Module (Join-Path $PSScriptRoot 'HiApiEmulator.psm1') -Force
    $script:testSession = Enter-HiApiTestSession
    $script:emulator = $testSession.Emulator
    Import-Module (Join-Path $repositoryRoot 'HiApi.Video.psd1') -Force

    function New-TestLedgerPath {
        Join-Path ([IO.Path]::GetTempPath()) "hiapi-pester-$([guid]::NewGuid().ToString('n')).jsonl"
    }
    function Get-CreateRequests { @(Invoke-HiApiEmulatorControl $emulator 'requests' | Where-Object kind -EQ 'create') }
    $script:header = '{"format":"hiapi-video-task-ledger","version":1,"generation":"0123456789abcdef0123456789abcdef"}'
}

AfterAll {
    Remove-Module HiApi.Video -ErrorAction SilentlyContinue
    Exit-HiApiTestSession $testSession
}

Describe 'Where the ledger path leads' {
    BeforeEach { $script:savedLocation = Get-Location }
    AfterEach {
        Set-Location $savedLocation
        $env:HIAPI_LEDGER_PATH = $testSession.LedgerPath
    }

    It 'resolves a relative $env:HIAPI_LEDGER_PATH against the PowerShell location, like -LedgerPath' {
        $here = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'project')
        Set-Location $here
        [Environment]::CurrentDirectory | Should -Not -Be $here.FullName -Because 'the process directory stays where pwsh started'
        $env:HIAPI_LEDGER_PATH = 'rel/ledger.jsonl'

        $task = New-HiApiVideoTask 'relative ledger' -Duration 3

        Join-Path $here 'rel/ledger.jsonl' | Should -Exist
        (Get-HiApiTask).TaskId | Should -Be $task.TaskId
        (Get-HiApiTask -LedgerPath 'rel/ledger.jsonl').TaskId | Should -Be $task.TaskId
        Join-Path ([Environment]::CurrentDirectory) 'rel/ledger.jsonl' | Should -Not -Exist
    }

    It 'takes ~ in $env:HIAPI_LEDGER_PATH as the home folder' {
        $homeFolder = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'home')
        $manifest = Join-Path $repositoryRoot 'HiApi.Video.psd1'
        $output = Invoke-HiApiChildPwsh -Script @"
Import-Module '$manifest'
(New-HiApiVideoTask 'tilde ledger' -Duration 3).TaskId
"@ -Environment @{ HOME = $homeFolder.FullName; USERPROFILE = $homeFolder.FullName; HIAPI_LEDGER_PATH = '~/ledgers/ledger.jsonl' }

        $ledger = Join-Path $homeFolder 'ledgers/ledger.jsonl'
        $ledger | Should -Exist
        (Get-HiApiTask -LedgerPath $ledger).TaskId | Should -Be $output.Trim()
    }
}

Describe 'A ledger the cmdlets cannot fully use' {
    BeforeEach {
        $script:ledger = New-TestLedgerPath
        $env:HIAPI_LEDGER_PATH = $script:ledger
    }
    AfterEach {
        Remove-Item "$script:ledger*" -Force -ErrorAction SilentlyContinue
        $env:HIAPI_LEDGER_PATH = $testSession.LedgerPath
    }

    It 'warns once, with the count and the path, about lines it had to skip' {
        Set-Content -LiteralPath $ledger -Value @(
            $header
            '{"taskId":"tk-hiapi-good","status":"queued"}'
            'not json at all'
            '{"model":"a line without a task"}'
        )

        $tasks = Get-HiApiTask -WarningVariable warned 3>$null

        $tasks.TaskId | Should -Be 'tk-hiapi-good'
        $warned | Should -HaveCount 1
        "$($warned[0])" | Should -BeLike "*'$ledger'*2 line(s)*skipped*"
    }

    It 'refuses to submit with a ledger from a newer version, sends nothing, and still lists its tasks' {
        $newer = '{"format":"hiapi-video-task-ledger","version":99,"generation":"0123456789abcdef0123456789abcdef","features":["x"]}'
        Set-Content -LiteralPath $ledger -Value @($newer, '{"taskId":"tk-hiapi-newer","status":"queued","futureField":1}')
        $before = Get-FileHash -LiteralPath $ledger
        Invoke-HiApiEmulatorControl $emulator 'requests' -Method Delete | Out-Null

        New-HiApiVideoTask 'not with this ledger' -Duration 3 -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $listed = Get-HiApiTask -WarningVariable warned 3>$null

        $failed | Should -HaveCount 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.FileSystem,*'
        "$($failed[0])" | Should -BeLike '*newer version of HiApi.Video*version 99*Update-Module HiApi.Video*Nothing was sent*'
        Get-CreateRequests | Should -HaveCount 0
        $listed.TaskId | Should -Be 'tk-hiapi-newer'
        $warned | Should -HaveCount 1
        "$($warned[0])" | Should -BeLike '*newer version*only reads it*'
        (Get-FileHash -LiteralPath $ledger).Hash | Should -Be $before.Hash
    }

    It 'saves a video whose ledger line names an empty saved path, instead of failing every time' {
        $done = New-HiApiVideoTask 'empty saved path' -Duration 3 | Wait-HiApiTask -PollIntervalSeconds 0.2
        Add-Content -LiteralPath $ledger -Value "{`"taskId`":`"$($done.TaskId)`",`"savedPath`":`"`",`"savedLength`":5}"

        $saved = $done.TaskId | Save-HiApiVideo -Path (Join-Path $TestDrive 'empty-path') -WarningAction SilentlyContinue -ErrorVariable failed

        $failed | Should -HaveCount 0
        $saved.FullName | Should -Exist
        (Get-HiApiTask -Pending 3>$null).TaskId | Should -Not -Contain $done.TaskId
    }
}
