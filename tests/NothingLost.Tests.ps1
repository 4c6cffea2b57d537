#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.3.0' }
# The task ledger and resume: every paid task can be found again, after a crash too.

BeforeAll {
    $script:repositoryRoot = Split-Path $PSScriptRoot -Parent
    Import-Module (Join-Path $PSScriptRoot 'HiApiEmulator.psm1') -Force
    $script:testSession = Enter-HiApiTestSession
    $script:emulator = $testSession.Emulator
    $script:ledgerPath = $testSession.LedgerPath
    Import-Module (Join-Path $repositoryRoot 'HiApi.Video.psd1') -Force

    function New-TestLedgerPath {
        Join-Path ([IO.Path]::GetTempPath()) "hiapi-pester-$([guid]::NewGuid().ToString('n')).jsonl"
    }
    # Each test of a block gets a ledger of its own, so what one test submitted never counts in another.
    function Use-FreshLedger {
        $script:ledger = New-TestLedgerPath
        $env:HIAPI_LEDGER_PATH = $script:ledger
    }
    function Remove-TestLedger { Remove-Item "$script:ledger*" -Force -ErrorAction SilentlyContinue }
}

AfterAll {
    Remove-Module HiApi.Video -ErrorAction SilentlyContinue
    Exit-HiApiTestSession $testSession
}

Describe 'The ledger records every task and what became of it' {
    BeforeEach { Use-FreshLedger }
    AfterEach { Remove-TestLedger }

    It 'lists submitted tasks as pending until their videos are saved' {
        $tasks = 'pending one', 'pending two' | New-HiApiVideoTask -Duration 3
        Test-Path $ledger | Should -BeTrue
        (Get-HiApiTask -Pending).TaskId | Sort-Object | Should -Be ($tasks.TaskId | Sort-Object)

        $tasks | Wait-HiApiTask -PollIntervalSeconds 0.2 | Save-HiApiVideo -Path (Join-Path $TestDrive 'saved') | Out-Null
        Get-HiApiTask -Pending | Should -BeNullOrEmpty
    }

    It 'keeps the request of a task known only by id' {
        $task = New-HiApiVideoTask 'remember my prompt' -Duration 4
        $done = $task.TaskId | Wait-HiApiTask -PollIntervalSeconds 0.2
        $done.Prompt | Should -Be 'remember my prompt'
        $done.Duration | Should -Be 4
    }

    It 'skips a video already saved and intact, unless -Force' {
        $done = New-HiApiVideoTask 'save me once' -Duration 3 | Wait-HiApiTask -PollIntervalSeconds 0.2
        $folder = Join-Path $TestDrive 'once'
        $first = $done | Save-HiApiVideo -Path $folder
        $stamp = (Get-Item $first.FullName).LastWriteTimeUtc
        Start-Sleep -Milliseconds 1100
        Invoke-HiApiEmulatorControl $emulator 'requests' -Method Delete | Out-Null

        $second = $done | Save-HiApiVideo -Path $folder
        $second.FullName | Should -Be $first.FullName
        (Get-Item $first.FullName).LastWriteTimeUtc | Should -Be $stamp
        @(Invoke-HiApiEmulatorControl $emulator 'requests' | Where-Object kind -EQ 'download') | Should -HaveCount 0

        $third = $done | Save-HiApiVideo -Path $folder -Force
        (Get-Item $third.FullName).LastWriteTimeUtc | Should -BeGreaterThan $stamp
    }

    It 'remembers every folder a video was saved to, not only the last one' {
        $done = New-HiApiVideoTask 'saved twice' -Duration 3 | Wait-HiApiTask -PollIntervalSeconds 0.2
        $drafts = $done | Save-HiApiVideo -Path (Join-Path $TestDrive 'drafts')
        $final = $done | Save-HiApiVideo -Path (Join-Path $TestDrive 'final')
        Invoke-HiApiEmulatorControl $emulator 'requests' -Method Delete | Out-Null

        ($done | Save-HiApiVideo -Path (Join-Path $TestDrive 'drafts')).FullName | Should -Be $drafts.FullName
        ($done | Save-HiApiVideo -Path (Join-Path $TestDrive 'final')).FullName | Should -Be $final.FullName
        @(Invoke-HiApiEmulatorControl $emulator 'requests' | Where-Object kind -EQ 'download') | Should -HaveCount 0
    }

    It 'says which pending videos expired' {
        Invoke-HiApiEmulatorControl $emulator 'config' -Method Put -Body @{ outputLifetimeSeconds = 1 } | Out-Null
        try {
            $done = New-HiApiVideoTask 'left too long' -Duration 3 | Wait-HiApiTask -PollIntervalSeconds 0.2
        }
        finally {
            Invoke-HiApiEmulatorControl $emulator 'config' -Method Put -Body @{ outputLifetimeSeconds = 3600 } | Out-Null
        }
        Start-Sleep -Seconds 3
        Get-HiApiTask -Pending -ErrorVariable expired -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $expired | Should -HaveCount 1
        $expired[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.OutputExpired,*'
        "$($expired[0])" | Should -Match $done.TaskId
    }

    It 'can be switched off' {
        New-HiApiVideoTask 'not recorded' -Duration 3 -NoLedger | Out-Null
        Test-Path $ledger | Should -BeFalse
    }
}

# Running a storyboard again (-Batch, -Resume) is tested in Batches.Tests.ps1.

Describe 'Reconcile: tasks the ledger never heard of' {
    It 'finds a task of the account that the ledger lacks, records it, and -Pending then finishes it' {
        $ledger = New-TestLedgerPath
        $env:HIAPI_LEDGER_PATH = $ledger
        # A task created behind this ledger's back (another machine, or an answer lost before write-ahead existed).
        $stranger = New-HiApiVideoTask 'created elsewhere' -Duration 3 -NoLedger
        (Get-HiApiTask).TaskId | Should -Not -Contain $stranger.TaskId

        $found = Get-HiApiTask -Reconcile -Since ([DateTime]::UtcNow.AddMinutes(-5))
        $found.TaskId | Should -Contain $stranger.TaskId
        (Get-HiApiTask -Since ([DateTime]::UtcNow.AddMinutes(-5))).TaskId | Should -Not -Contain $stranger.TaskId -Because 'a second reconcile (-Since alone implies -Reconcile) finds nothing new'

        $files = Get-HiApiTask -Pending | Where-Object TaskId -EQ $stranger.TaskId | Wait-HiApiTask -PollIntervalSeconds 0.2 | Save-HiApiVideo -Path (Join-Path $TestDrive 'reconciled')
        $files.TaskId | Should -Be $stranger.TaskId
        Remove-Item "$ledger*" -Force -ErrorAction SilentlyContinue
    }
}

Describe 'Resume after a crash' {
    It 'recovers every task of a PowerShell process killed mid-wait' {
        $ledger = New-TestLedgerPath
        $env:HIAPI_LEDGER_PATH = $ledger
        $manifest = Join-Path $repositoryRoot 'HiApi.Video.psd1'
        $script = @"
Import-Module '$manifest'
1..5 | ForEach-Object { "crash test clip `$_" } | New-HiApiVideoTask -Duration 3 | Wait-HiApiTask -PollIntervalSeconds 30 | Save-HiApiVideo -Path '$TestDrive/never'
"@
        $pwsh = Get-PwshCommand
        $child = Start-Process -FilePath $pwsh.FilePath -ArgumentList ($pwsh.Arguments + '-NoProfile', '-NonInteractive', '-EncodedCommand', [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script))) -PassThru
        try {
            # Wait until all five submissions are in the ledger, then kill the worker while it waits.
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ([DateTime]::UtcNow -lt $deadline -and -not ((Test-Path $ledger) -and @(Get-HiApiTask -Pending -ErrorAction SilentlyContinue).Count -ge 5)) {
                Start-Sleep -Milliseconds 200
            }
        }
        finally {
            Stop-Process -Id $child.Id -Force -ErrorAction SilentlyContinue
        }

        $pending = Get-HiApiTask -Pending
        $pending | Should -HaveCount 5
        $files = $pending | Wait-HiApiTask -PollIntervalSeconds 0.2 | Save-HiApiVideo -Path (Join-Path $TestDrive 'recovered')
        $files | Should -HaveCount 5
        ($files.TaskId | Sort-Object) | Should -Be ($pending.TaskId | Sort-Object)
        Get-HiApiTask -Pending | Should -BeNullOrEmpty
        Remove-Item "$ledger*" -Force -ErrorAction SilentlyContinue
    }
}
