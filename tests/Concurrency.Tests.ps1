#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.3.0' }
# Several submissions and downloads in flight, a batch that backs off together on 429, Ctrl+C in the middle of a
# batch, and what the progress bars say. The emulator adds a round trip to every answer, like a real network.

BeforeAll {
    $repositoryRoot = Split-Path $PSScriptRoot -Parent
    Import-Module (Join-Path $PSScriptRoot 'HiApiEmulator.psm1') -Force
    $script:testSession = Enter-HiApiTestSession
    $script:emulator = $testSession.Emulator
    $script:manifest = Join-Path $repositoryRoot 'HiApi.Video.psd1'
    Import-Module $manifest -Force

    function Set-Emulator([hashtable] $Setting) { Invoke-HiApiEmulatorControl $emulator 'config' -Method Put -Body $Setting | Out-Null }
    function Clear-EmulatorRequests { Invoke-HiApiEmulatorControl $emulator 'requests' -Method Delete | Out-Null }
    function Get-EmulatorRequests([string] $Kind) { @(Invoke-HiApiEmulatorControl $emulator 'requests' | Where-Object kind -EQ $Kind) }
    function Get-EmulatorTasks { @(Invoke-HiApiEmulatorControl $emulator 'tasks') }
    function Get-Span($Requests) {
        # ConvertFrom-Json already made each 'at' a DateTime with its fractions; parsing its string form would drop them.
        $times = $Requests | ForEach-Object { [DateTimeOffset] $_.at } | Sort-Object
        ($times[-1] - $times[0]).TotalSeconds
    }

    # A runspace of its own, as a second console would be: Stop() there is what Ctrl+C does. One script, not a batch
    # of statements: a stopped batch would go on to its next statement on a runspace that is already closed.
    function New-Shell([scriptblock] $Script) {
        $state = [initialsessionstate]::CreateDefault2()
        $state.ImportPSModule($manifest)
        $shell = [powershell]::Create($state)
        $null = $shell.AddScript($Script)
        $shell
    }
    # Until HiAPI has created part of the batch, then freeze the rest in flight: a fixed sleep raced a busy machine,
    # where opening the runspace alone can take longer than the sleep.
    function Wait-PartOfBatchCreated([int] $Before) {
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while ((Get-EmulatorTasks).Count -eq $Before -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        Set-Emulator @{ createProcessingMs = 60000 }
    }
    function Start-Background([scriptblock] $Script) {
        $shell = New-Shell $Script
        [pscustomobject]@{ Shell = $shell; Handle = $shell.BeginInvoke() }
    }
}

AfterAll {
    Remove-Module HiApi.Video -ErrorAction SilentlyContinue
    Exit-HiApiTestSession $testSession
}

Describe 'Submissions and downloads run several at a time' {
    AfterEach { Set-Emulator @{ latencyMs = 0; downloadBytesPerSecond = $null; videoSizeBytes = $null; createProcessingMs = 0 } }

    It 'keeps up to -ThrottleLimit submissions in flight and writes each task as soon as it is created' {
        Set-Emulator @{ latencyMs = 400 }
        Clear-EmulatorRequests
        $tasks = 1..16 | ForEach-Object { "concurrent clip $_" } | New-HiApiVideoTask -Duration 3 -ThrottleLimit 8

        $tasks | Should -HaveCount 16
        ($tasks.TaskId | Select-Object -Unique) | Should -HaveCount 16
        # One after another, 16 answers 400 ms apart span at least 6 s; eight at a time, about one round trip.
        Get-Span (Get-EmulatorRequests 'create') | Should -BeLessThan 4.5
    }

    It 'sends one submission at a time with -ThrottleLimit 1' {
        Set-Emulator @{ latencyMs = 200 }
        Clear-EmulatorRequests
        1..5 | ForEach-Object { "serial clip $_" } | New-HiApiVideoTask -Duration 3 -ThrottleLimit 1 | Should -HaveCount 5
        Get-Span (Get-EmulatorRequests 'create') | Should -BeGreaterThan 0.7
    }

    It 'downloads up to -ThrottleLimit videos at once, each whole, with one progress bar that counts files' {
        $done = 1..6 | ForEach-Object { "download clip $_" } | New-HiApiVideoTask -Duration 3 | Wait-HiApiTask -PollIntervalSeconds 0.2
        Set-Emulator @{ videoSizeBytes = 800000; downloadBytesPerSecond = 400000 }
        Clear-EmulatorRequests
        $folder = Join-Path $TestDrive 'parallel'

        $shell = New-Shell { param($tasks, $folder) $tasks | Save-HiApiVideo -Path $folder -ThrottleLimit 3 }
        $null = $shell.AddArgument($done).AddArgument($folder)
        $files = $shell.Invoke()
        $progress = @($shell.Streams.Progress)
        $shell.Dispose()

        $files | Should -HaveCount 6
        $files | ForEach-Object { $_.Length | Should -Be 800000 }
        Get-ChildItem $folder -Force | Should -HaveCount 6 -Because 'no temporary file is left behind'
        # Six downloads of 2 s each start over about 2 s three at a time; one at a time they would span 10 s.
        Get-Span (Get-EmulatorRequests 'download') | Should -BeLessThan 6
        $progress.StatusDescription | Should -Contain ($progress.StatusDescription | Where-Object { $_ -match '^\d of 6 saved' } | Select-Object -First 1)
        ($progress | Where-Object { $_.SecondsRemaining -ge 0 -and $_.RecordType -ne 'Completed' }) | Should -Not -BeNullOrEmpty
    }
}

Describe 'Rate limits: the batch backs off together' {
    AfterEach { Set-Emulator @{ rateLimitRequests = 0 } }

    It 'finishes a batch under a strict rate limit with few 429s' {
        Set-Emulator @{ rateLimitRequests = 10; rateLimitWindowMs = 1000; retryAfterSeconds = 1 }
        Clear-EmulatorRequests
        $tasks = 1..30 | ForEach-Object { "rate limited clip $_" } | New-HiApiVideoTask -Duration 3 -ThrottleLimit 8 -ErrorVariable failures

        $failures | Should -HaveCount 0
        $tasks | Should -HaveCount 30
        $limited = @(Invoke-HiApiEmulatorControl $emulator 'requests' | Where-Object statusCode -EQ 429)
        # The first burst of eight meets the limit; after that the batch is paced below it. Eight requests each
        # retrying on its own would collect a 429 for most of their attempts.
        $limited.Count | Should -BeLessOrEqual 12
        $created = Get-EmulatorRequests 'create' | Where-Object statusCode -EQ 200
        $created | Should -HaveCount 30
    }
}

Describe 'Ctrl+C in the middle of a batch' {
    AfterEach { Set-Emulator @{ createProcessingMs = 0; latencyMs = 0 } }

    It 'stops at once; -Pending sends nothing, and settling the unanswered submissions recovers every task HiAPI created, none twice' {
        Set-Emulator @{ createProcessingMs = 700 }
        $before = (Get-EmulatorTasks).Count
        $run = Start-Background { 1..12 | ForEach-Object { "interrupted clip $_" } | New-HiApiVideoTask -Duration 3 -ThrottleLimit 4 }
        Wait-PartOfBatchCreated $before
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $run.Shell.Stop()
        $watch.Stop()
        $run.Shell.Dispose()
        # The submissions in flight would take 60 s to be answered: Stop() does not wait for them.
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 5

        Set-Emulator @{ createProcessingMs = 0 }
        Start-Sleep -Milliseconds 800    # let the emulator finish what it was processing when the client went away
        Clear-EmulatorRequests
        Get-HiApiTask -Pending -ErrorAction SilentlyContinue -WarningVariable unanswered 3>$null | Out-Null
        Get-EmulatorRequests 'create' | Should -HaveCount 0 -Because 'a Get- verb never sends a paid request'
        $unanswered | Should -Not -BeNullOrEmpty
        $created = Get-EmulatorTasks | Select-Object -Skip $before
        $created.Count | Should -BeGreaterThan 0
        $created.Count | Should -BeLessThan 12

        # Settling re-sends the interrupted submissions with their keys: HiAPI replays what it made, makes the rest once.
        Get-HiApiSubmission -Unresolved | New-HiApiVideoTask | Out-Null
        $pending = Get-HiApiTask -Pending -ErrorAction SilentlyContinue
        $claimed = @(Get-HiApiTask | Where-Object Prompt -Like 'interrupted clip*')
        $afterSettling = Get-EmulatorTasks | Select-Object -Skip $before
        ($created.taskId | Where-Object { $_ -notin $claimed.TaskId }) | Should -BeNullOrEmpty -Because 'every task HiAPI created is in the ledger'
        ($afterSettling.taskId | Sort-Object) | Should -Be ($claimed.TaskId | Sort-Object) -Because 'none twice'
        ($pending | Where-Object Prompt -Like 'interrupted clip*').Count | Should -Be $claimed.Count
    }

    It 'the same pipeline run again with -Resume pays for every row once: what was created is handed back, the rest is sent' {
        Set-Emulator @{ createProcessingMs = 700 }
        $before = (Get-EmulatorTasks).Count
        $rows = 1..12 | ForEach-Object { "resumed clip $_" }
        $run = Start-Background ([scriptblock]::Create("'$($rows -join "','")' | New-HiApiVideoTask -Duration 3 -ThrottleLimit 4"))
        Wait-PartOfBatchCreated $before
        $run.Shell.Stop()
        $run.Shell.Dispose()
        Set-Emulator @{ createProcessingMs = 0 }
        Start-Sleep -Milliseconds 800
        $createdBeforeResume = (Get-EmulatorTasks).Count - $before
        $createdBeforeResume | Should -BeGreaterThan 0
        $createdBeforeResume | Should -BeLessThan 12

        $tasks = $rows | New-HiApiVideoTask -Duration 3 -Resume

        $tasks | Should -HaveCount 12
        ($tasks.Prompt | Sort-Object -Unique) | Should -HaveCount 12
        $created = Get-EmulatorTasks | Select-Object -Skip $before
        $created | Should -HaveCount 12 -Because 'each row is paid for once: the interrupted ones were settled by their keys, not sent afresh'
        ($tasks.TaskId | Sort-Object) | Should -Be ($created.taskId | Sort-Object)
        @(Get-HiApiTask 3>$null) | Where-Object Prompt -Like 'resumed clip*' | Should -HaveCount 12
    }
}

Describe 'Progress' {
    It 'Wait-HiApiTask says how long it has waited, and how long is left once a render has been measured' {
        # Issue 19: a built-in two-minute guess showed 117 s left for a 17 s render. Nothing is estimated before a render
        # has been measured here; then a task still rendering counts part-way and the time left is shown.
        Invoke-HiApiEmulatorControl $emulator 'config' -Method Put -Body @{ queuedMs = 1500; handlingMs = 2500 } | Out-Null
        try {
            $first = New-HiApiVideoTask 'a render measured first' -Duration 3
            # The second starts once the first is past its queue, so it ends about 1.5 s after the first.
            $deadline = [datetime]::UtcNow.AddSeconds(30)
            while ((Get-HiApiTask $first.TaskId).Status -eq 'Queued' -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            $second = New-HiApiVideoTask 'a render estimated from the first' -Duration 3
            $shell = New-Shell { param($tasks) $tasks | Wait-HiApiTask -PollIntervalSeconds 0.3 -TimeoutSeconds 60 }
            $null = $shell.AddArgument(@($first, $second))
            $result = $shell.Invoke()
            $progress = @($shell.Streams.Progress | Where-Object RecordType -NE 'Completed')
            $shell.Dispose()
        }
        finally {
            Invoke-HiApiEmulatorControl $emulator 'config' -Method Put -Body @{ queuedMs = 100; handlingMs = 300 } | Out-Null
        }

        $result | Should -HaveCount 2
        $unmeasured = @($progress | Where-Object StatusDescription -Match '^0 of 2 done after \d+s')
        $unmeasured | Should -Not -BeNullOrEmpty
        $unmeasured | ForEach-Object { $_.SecondsRemaining | Should -Be -1 -Because 'no render has been measured yet' }
        $measured = @($progress | Where-Object StatusDescription -Match '^1 of 2 done after \d+s')
        ($measured | Where-Object SecondsRemaining -GE 0) | Should -Not -BeNullOrEmpty
        ($measured | Where-Object { $_.PercentComplete -gt 50 -and $_.PercentComplete -lt 100 }) | Should -Not -BeNullOrEmpty -Because 'the second task counts part-way once the first was measured'
    }

    It 'Receive-HiApiCallback with nothing to expect says where it listens and how long is left, instead of looking hung' {
        $port = Get-HiApiFreePort
        $shell = New-Shell ([scriptblock]::Create("Receive-HiApiCallback 'http://127.0.0.1:$port/hooks/' -TimeoutSeconds 2"))
        $null = $shell.Invoke()
        $progress = @($shell.Streams.Progress | Where-Object RecordType -NE 'Completed')
        $completed = @($shell.Streams.Progress | Where-Object RecordType -EQ 'Completed')
        $shell.Dispose()

        $progress | Should -Not -BeNullOrEmpty
        $progress[0].Activity | Should -Be 'Receiving HiAPI callbacks'
        $progress[0].StatusDescription | Should -Be "0 task(s) received; listening on http://127.0.0.1:$port/hooks/"
        $progress[0].SecondsRemaining | Should -BeIn 1, 2
        $completed | Should -HaveCount 1 -Because 'the bar goes away when the listener stops'
    }

    It 'Ctrl+C stops a wait at once and the task stays pending' {
        Invoke-HiApiEmulatorControl $emulator 'config' -Method Put -Body @{ handlingMs = 30000 } | Out-Null
        try {
            $task = New-HiApiVideoTask 'waited then interrupted' -Duration 3
            Clear-EmulatorRequests
            $run = Start-Background ([scriptblock]::Create("'$($task.TaskId)' | Wait-HiApiTask -PollIntervalSeconds 0.5"))
            # Until the wait has polled once (it is really waiting), not a fixed sleep a busy machine can outlast.
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while (-not (Get-EmulatorRequests 'get') -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $run.Shell.Stop()
            $watch.Stop()
            $run.Shell.Dispose()
        }
        finally {
            Invoke-HiApiEmulatorControl $emulator 'config' -Method Put -Body @{ handlingMs = 300 } | Out-Null
        }

        # The render takes 30 s: a Stop() that waited for it would take that long.
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
        (Get-HiApiTask -Pending).TaskId | Should -Contain $task.TaskId
    }
}
