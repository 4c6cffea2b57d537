#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.3.0' }
# A console that tells the truth (issue 19): progress where money is spent, statuses that say how old they are,
# forgetting tasks, warnings that say the right thing, no silent no-ops, paths that are not task ids, estimates that
# are measured, and the small things a careful user notices. Against the local emulator.

BeforeAll {
    $script:repositoryRoot = Split-Path $PSScriptRoot -Parent
    Import-Module (Join-Path $PSScriptRoot 'HiApiEmulator.psm1') -Force
    $script:testSession = Enter-HiApiTestSession
    $script:emulator = $testSession.Emulator
    $script:manifest = Join-Path $repositoryRoot 'HiApi.Video.psd1'
    Import-Module $manifest -Force

    # The emulator's defaults for each test; a test that slows it down says so in its own setting.
    $script:defaultConfig = @{
        latencyMs = 0; queuedMs = 100; handlingMs = 300; archivingMs = 100; downloadBytesPerSecond = 0; videoSizeBytes = 0
        outputLifetimeSeconds = 3600; busyAfterCreateCount = 0
    }
    function Set-Emulator([hashtable] $Setting) {
        $config = $defaultConfig.Clone()
        foreach ($name in $Setting.Keys) { $config[$name] = $Setting[$name] }
        Invoke-HiApiEmulatorControl $emulator 'config' -Method Put -Body $config | Out-Null
    }
    function Get-EmulatorRequests { @(Invoke-HiApiEmulatorControl $emulator 'requests') }
    function Clear-EmulatorRequests { Invoke-HiApiEmulatorControl $emulator 'requests' -Method Delete | Out-Null }

    # Runs a script in a runspace of its own (the module imported, this process's environment) and keeps what a console
    # would show besides the output: the progress records, in order, the warnings and the errors.
    function Invoke-Captured([scriptblock] $Script) {
        $runspace = [runspacefactory]::CreateRunspace()
        $runspace.Open()
        $shell = [powershell]::Create($runspace)
        try {
            $shell.AddScript("Import-Module '$manifest'; Set-Location '$TestDrive'").AddStatement().AddScript($Script.ToString()) | Out-Null
            $output = $shell.Invoke()
            [pscustomobject]@{
                Output   = @($output)
                Progress = @($shell.Streams.Progress)
                Warnings = @($shell.Streams.Warning | ForEach-Object Message)
                Errors   = @($shell.Streams.Error)
            }
        }
        finally {
            $shell.Dispose()
            $runspace.Dispose()
        }
    }

    # Whether a progress record's status fits PowerShell's one-line bar in an 80-column console whole:
    # "Activity [status ... NNs]" in 79 columns, as the host draws it (it cuts a longer status mid-word).
    function Test-FitsEighty($Record) {
        $seconds = if ($Record.SecondsRemaining -ge 0) { "$($Record.SecondsRemaining)".Length + 1 } else { 0 }
        $Record.StatusDescription.Length -le (79 - $Record.Activity.Length - 4 - $seconds - 1)
    }

    # A ledger written by hand: a header and the given task lines (each a hashtable), for states a test cannot wait for.
    function New-HandLedger([hashtable[]] $Line) {
        $path = Join-Path $TestDrive "ledger-$([guid]::NewGuid().ToString('n')).jsonl"
        $lines = @('{"format":"hiapi-video-task-ledger","version":2,"generation":"0123456789abcdef0123456789abcdef"}')
        $lines += $Line | ForEach-Object { $_ | ConvertTo-Json -Compress }
        Set-Content -LiteralPath $path -Value $lines -Encoding utf8NoBOM
        $path
    }
    function Get-UtcText([datetimeoffset] $At) { $At.ToUniversalTime().ToString('o') }
}

AfterAll {
    Set-Emulator @{}
    Remove-Module HiApi.Video -ErrorAction SilentlyContinue
    Exit-HiApiTestSession $testSession
}

Describe 'Item 1: progress where money is spent' {
    AfterEach { Set-Emulator @{} }

    It 'New-HiApiVideoTask shows how many were submitted, how many are in flight and the rate, and takes its bar away' {
        Set-Emulator @{ latencyMs = 400 }
        $run = Invoke-Captured { 1..12 | ForEach-Object { "shot $_" } | New-HiApiVideoTask -Duration 3 -ThrottleLimit 3 }

        $run.Output | Should -HaveCount 12
        $bars = @($run.Progress | Where-Object Activity -EQ 'Submitting HiAPI tasks')
        $shown = @($bars | Where-Object RecordType -EQ 'Processing')
        $shown | Should -Not -BeNullOrEmpty -Because '12 submissions at 0.4 s each, 3 at a time, take more than a second'
        $shown.StatusDescription | ForEach-Object { $_ | Should -Match '^\d+ submitted, \d+ in flight(, [\d.]+/s)?$' }
        $shown.StatusDescription | ForEach-Object { [int]($_ -replace '^.*, (\d+) in flight.*$', '$1') | Should -BeLessOrEqual 3 -Because '-ThrottleLimit 3' }
        ($shown.StatusDescription -match ', [\d.]+/s$') | Should -Not -BeNullOrEmpty -Because 'once a second has passed, the rate is measured'
        $shown | ForEach-Object { $_.PercentComplete | Should -Be -1 -Because 'how many rows come down a pipeline is not known' }
        $bars[-1].RecordType | Should -Be 'Completed'
    }

    It 'New-HiApiVideoTask with typed input says "of 1"' {
        Set-Emulator @{ latencyMs = 1200 }
        $run = Invoke-Captured { New-HiApiVideoTask 'one slow shot' -Duration 3 }
        $shown = @($run.Progress | Where-Object { $_.Activity -eq 'Submitting HiAPI tasks' -and $_.RecordType -eq 'Processing' })
        $shown | Should -Not -BeNullOrEmpty
        $shown[0].StatusDescription | Should -Match '^0 of 1 submitted, 1 in flight'
    }

    It 'Get-HiApiTask -Pending and Get-HiApiTask <ids> show their reads' {
        $tasks = 1..12 | ForEach-Object { "pending $_" } | New-HiApiVideoTask -Duration 3 -LedgerPath (Join-Path $TestDrive 'reads.jsonl')
        Set-Emulator @{ latencyMs = 500 }
        $pending = Invoke-Captured ([scriptblock]::Create("Get-HiApiTask -Pending -LedgerPath '$(Join-Path $TestDrive 'reads.jsonl')'"))
        $byId = Invoke-Captured ([scriptblock]::Create("Get-HiApiTask $($tasks.TaskId -join ',')"))

        $pending.Output | Should -HaveCount 12
        $reads = @($pending.Progress | Where-Object { $_.Activity -eq 'Reading HiAPI tasks' -and $_.RecordType -eq 'Processing' })
        $reads | Should -Not -BeNullOrEmpty -Because '12 reads at 0.5 s, 8 at a time, take a second'
        $reads.StatusDescription | ForEach-Object { $_ | Should -Match '^\d+ of 12 read, \d in flight' }
        $reads.StatusDescription | ForEach-Object { [int]($_ -replace '^.*, (\d+) in flight.*$', '$1') | Should -BeLessOrEqual 8 -Because 'eight reads at once' }
        $byId.Output | Should -HaveCount 12
        @($byId.Progress | Where-Object { $_.Activity -eq 'Reading HiAPI tasks' -and $_.RecordType -eq 'Processing' }).StatusDescription |
            ForEach-Object { $_ | Should -Match '^\d+ of 12 read' }
    }

    It 'in New | Wait, the wait''s bar appears while New is still submitting' {
        Set-Emulator @{ latencyMs = 400 }
        $run = Invoke-Captured { 1..8 | ForEach-Object { "wave $_" } | New-HiApiVideoTask -Duration 3 -ThrottleLimit 2 | Wait-HiApiTask -PollIntervalSeconds 0.2 }

        $run.Output | Should -HaveCount 8
        $records = $run.Progress
        $firstWait = [array]::FindIndex([object[]] $records, [Predicate[object]] { param($r) $r.Activity -eq 'Waiting for HiAPI tasks' })
        $newDone = [array]::FindIndex([object[]] $records, [Predicate[object]] { param($r) $r.Activity -eq 'Submitting HiAPI tasks' -and $r.RecordType -eq 'Completed' })
        $firstWait | Should -BeGreaterOrEqual 0
        $newDone | Should -BeGreaterThan $firstWait -Because 'the wait shows its tasks before the last submission is answered'
        $records[$firstWait].StatusDescription | Should -Match '^\d of \d done after \d+s'
    }

    It 'every bar fits an 80-column console whole' {
        Set-Emulator @{ latencyMs = 300; videoSizeBytes = 3000000; downloadBytesPerSecond = 1000000 }
        $run = Invoke-Captured { 1..3 | ForEach-Object { "fit $_" } | New-HiApiVideoTask -Duration 3 -ThrottleLimit 1 | Wait-HiApiTask -PollIntervalSeconds 0.2 | Save-HiApiVideo -Path ./fit }

        $run.Output | Should -HaveCount 3
        $shown = @($run.Progress | Where-Object RecordType -EQ 'Processing')
        ($shown.Activity | Sort-Object -Unique) | Should -Be 'Saving HiAPI videos', 'Submitting HiAPI tasks', 'Waiting for HiAPI tasks'
        $shown | Where-Object { -not (Test-FitsEighty $_) } | ForEach-Object { "$($_.Activity) [$($_.StatusDescription) $($_.SecondsRemaining)s]" } |
            Should -BeNullOrEmpty
    }
}

Describe 'Item 2: no stale status shown as current' {
    AfterEach { Set-Emulator @{} }

    It 'a wait stopped by Ctrl+C leaves the last status it saw in the ledger, not only final ones' {
        Set-Emulator @{ queuedMs = 200; handlingMs = 120000 }
        $task = New-HiApiVideoTask 'a long render, waited on, then stopped' -Duration 3
        $runspace = [runspacefactory]::CreateRunspace()
        $runspace.Open()
        $shell = [powershell]::Create($runspace)
        try {
            $shell.AddScript("Import-Module '$manifest'; Wait-HiApiTask $($task.TaskId) -PollIntervalSeconds 0.2") | Out-Null
            $async = $shell.BeginInvoke()
            # Wait for the event itself (the ledger says handling), not for a fixed time.
            $deadline = [datetime]::UtcNow.AddSeconds(30)
            while ((Get-HiApiTask | Where-Object TaskId -EQ $task.TaskId).Status -ne 'Handling' -and [datetime]::UtcNow -lt $deadline) {
                Start-Sleep -Milliseconds 100
            }
            $shell.Stop()   # what Ctrl+C does
            $async.IsCompleted | Should -BeTrue
        }
        finally {
            $shell.Dispose()
            $runspace.Dispose()
        }

        $listed = Get-HiApiTask | Where-Object TaskId -EQ $task.TaskId
        $listed.Status | Should -Be 'Handling' -Because 'the wait saw it handling before it was stopped'
        $listed.RetrievedAt | Should -BeGreaterThan $task.SubmittedAt
    }

    It 'the listing says how old an unfinished status is' {
        $seen = [datetimeoffset]::UtcNow.AddMinutes(-4).AddSeconds(-5)
        $ledger = New-HandLedger @{
            taskId = 'tk-hiapi-01KW23VDG2EZ20J7RQH8S67MNC'; idempotencyKey = 'k-stale'; body = '{"model":"happyhorse-1.1/text-to-video","input":{"prompt":"seen four minutes ago","duration":3}}'
            submittedAt = Get-UtcText $seen.AddMinutes(-1); status = 'queued'; updatedAt = Get-UtcText $seen.AddMinutes(-1)
        }, @{ taskId = 'tk-hiapi-01KW23VDG2EZ20J7RQH8S67MNC'; status = 'handling'; updatedAt = Get-UtcText $seen }

        $listed = Get-HiApiTask -LedgerPath $ledger
        $listed.Status | Should -Be 'Handling'
        $listed.RetrievedAt | Should -Be $seen -Because 'when HiAPI last said it is part of the task'
        $row = ($listed | Format-Table | Out-String -Width 80) -split '\r?\n' | Where-Object { $_ -match '^tk-hiapi' }
        $row | Should -Match '^tk-hiapi-\S+ +Handling +3s as of 4 min \| seen four'
    }

    It 'a fresh status has no age, and reading it again makes it fresh' {
        Set-Emulator @{ queuedMs = 120000 }
        $ledgerPath = Join-Path $TestDrive 'fresh.jsonl'
        $task = New-HiApiVideoTask 'still queued' -Duration 3 -LedgerPath $ledgerPath
        ((Get-HiApiTask -LedgerPath $ledgerPath | Format-Table | Out-String -Width 80) -split '\r?\n' -match '^tk-hiapi') | Should -Not -Match 'as of'
        # The ledger last saw it ten minutes ago (a line as another session would have left it).
        Add-Content -LiteralPath $ledgerPath -Value (@{ taskId = $task.TaskId; seenAt = Get-UtcText ([datetimeoffset]::UtcNow.AddMinutes(-10)); updatedAt = Get-UtcText ([datetimeoffset]::UtcNow) } | ConvertTo-Json -Compress)
        ((Get-HiApiTask -LedgerPath $ledgerPath | Format-Table | Out-String -Width 80) -split '\r?\n' -match '^tk-hiapi') | Should -Match 'as of 10 min'

        Get-HiApiTask -Pending -LedgerPath $ledgerPath | Out-Null

        ((Get-HiApiTask -LedgerPath $ledgerPath | Format-Table | Out-String -Width 80) -split '\r?\n' -match '^tk-hiapi') | Should -Not -Match 'as of'
    }
}

Describe 'Item 3: Remove-HiApiTask forgets tasks in the ledger' {
    BeforeEach {
        Set-Emulator @{ queuedMs = 120000 }
        $script:ledgerPath = Join-Path $TestDrive "forget-$([guid]::NewGuid().ToString('n')).jsonl"
    }
    AfterEach { Set-Emulator @{} }

    It 'forgets an unfinished task, says HiAPI has no cancel, and -Pending no longer brings it back' {
        $task = New-HiApiVideoTask 'an abandoned shot' -Duration 3 -Batch 'abandoned' -LedgerPath $ledgerPath
        Remove-HiApiTask $task -LedgerPath $ledgerPath -WarningVariable warned

        $warned | Should -HaveCount 1
        "$warned" | Should -Match 'HiAPI has no cancel: the forgotten task had not finished when last seen, and forgetting it does not stop it: it runs on HiAPI and is paid for all the same'
        Get-HiApiTask -LedgerPath $ledgerPath | Should -BeNullOrEmpty
        Get-HiApiTask -Pending -LedgerPath $ledgerPath | Should -BeNullOrEmpty
        (Get-HiApiTask $task.TaskId -LedgerPath $ledgerPath).Status | Should -Be 'Queued' -Because 'the task itself is untouched'
        $line = "Get-HiApiTask -LedgerPath '$ledgerPath' -TaskId tk-"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Not -Contain $task.TaskId
    }

    It 'a forgotten task is still handed back by a run of its batch: nothing is paid twice' {
        $first = 'a shot to forget' | New-HiApiVideoTask -Duration 3 -Batch 'forget then rerun' -LedgerPath $ledgerPath
        $first | Remove-HiApiTask -LedgerPath $ledgerPath -WarningAction SilentlyContinue
        Clear-EmulatorRequests

        $again = 'a shot to forget' | New-HiApiVideoTask -Duration 3 -Batch 'forget then rerun' -LedgerPath $ledgerPath

        $again.TaskId | Should -Be $first.TaskId
        Get-EmulatorRequests | Where-Object kind -EQ 'create' | Should -BeNullOrEmpty
    }

    It '-WhatIf forgets nothing' {
        $task = New-HiApiVideoTask 'what if' -Duration 3 -LedgerPath $ledgerPath
        Remove-HiApiTask $task -LedgerPath $ledgerPath -WhatIf
        (Get-HiApiTask -LedgerPath $ledgerPath).TaskId | Should -Be $task.TaskId
    }

    It 'refuses what it cannot forget, saying why' {
        Remove-HiApiTask 'tk-hiapi-00000000000000000000000000' -LedgerPath $ledgerPath -ErrorVariable unknown -ErrorAction SilentlyContinue
        $unknown[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.TaskNotInLedger,*'
        { Remove-HiApiTask 'tk-hiapi-00000000000000000000000000' -NoLedger } | Should -Throw -ErrorId 'HiApi.NoLedger,*'

        # An unanswered submission is the only record that HiAPI may have charged a task: it is settled, not forgotten.
        # The first POST creates the task, its answer is lost, and every retry meets a busy server.
        Set-Emulator @{ queuedMs = 100; busyAfterCreateCount = 100 }
        Invoke-HiApiEmulatorControl $emulator 'faults' -Method Put -Body @{ faultCreate = $true; dropConnectionRate = 1 } | Out-Null
        try {
            New-HiApiVideoTask 'never answered' -Duration 3 -LedgerPath $ledgerPath -ErrorAction SilentlyContinue | Out-Null
        }
        finally {
            Invoke-HiApiEmulatorControl $emulator 'faults' -Method Put -Body @{} | Out-Null
            Set-Emulator @{}
        }
        $unresolved = Get-HiApiSubmission -Unresolved -LedgerPath $ledgerPath
        $unresolved | Should -HaveCount 1
        $unresolved | Remove-HiApiTask -LedgerPath $ledgerPath -ErrorVariable kept -ErrorAction SilentlyContinue
        $kept[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.SubmissionNotForgotten,*'
        "$($kept[0])" | Should -Match 'Get-HiApiSubmission -Unresolved \| New-HiApiVideoTask'
        Get-HiApiSubmission -Unresolved -LedgerPath $ledgerPath | Should -HaveCount 1
    }

    It 'an expired unsaved video is reported once, then recorded as lost and no longer pending' {
        $expired = [datetimeoffset]::UtcNow.AddHours(-1)
        $ledger = New-HandLedger @{
            taskId = 'tk-hiapi-01KW23VDG2EZ20J7RQH8S67MND'; idempotencyKey = 'k-expired'; body = '{"model":"happyhorse-1.1/text-to-video","input":{"prompt":"never saved","duration":3}}'
            submittedAt = Get-UtcText $expired.AddHours(-1); status = 'success'; videoUrl = 'https://temp.hiapi.ai/x.mp4'; expiresAt = Get-UtcText $expired
            updatedAt = Get-UtcText $expired.AddHours(-1)
        }

        Get-HiApiTask -Pending -LedgerPath $ledger -ErrorVariable first -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $first | Should -HaveCount 1
        $first[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.OutputExpired,*'
        "$($first[0])" | Should -Match 'recorded as lost'

        Get-HiApiTask -Pending -LedgerPath $ledger -ErrorVariable second -ErrorAction SilentlyContinue 6>$null | Should -BeNullOrEmpty
        $second | Should -BeNullOrEmpty -Because 'it was said once'
        (Get-HiApiTask -LedgerPath $ledger).TaskId | Should -Be 'tk-hiapi-01KW23VDG2EZ20J7RQH8S67MND' -Because 'a lost video is still a task that was paid for'
    }
}

Describe 'Item 4: warnings that say the right thing' {
    It 'a misspelt Prompt column does not say a prompt has a default' {
        $rows = ConvertFrom-Csv "Promt,Duration`na fox in the snow,3"
        $rows | New-HiApiVideoTask -WhatIf -WarningVariable warned -ErrorAction SilentlyContinue 6>$null | Out-Null
        "$warned" | Should -Match "did you mean 'Prompt'\? Without it, the row has no prompt"
        "$warned" | Should -Not -Match "default"
    }

    It "a ';' CSV read without -Delimiter gets the -Delimiter hint" {
        Set-Content (Join-Path $TestDrive 'excel.csv') "Prompt;Duration;Resolution`na fox in the snow;3;720p"
        Import-Csv (Join-Path $TestDrive 'excel.csv') | New-HiApiVideoTask -WhatIf -WarningVariable warned -ErrorAction SilentlyContinue | Out-Null
        "$warned" | Should -Match "Import-Csv -Delimiter ';'"
        "$warned" | Should -Not -Match 'did you mean'
    }

    It "a header 'prompt ' with a trailing space is the prompt" {
        $task = ConvertFrom-Csv "prompt ,Duration`na fox in the snow,3" | New-HiApiVideoTask -WarningVariable warned
        $task.Prompt | Should -Be 'a fox in the snow'
        $warned | Should -BeNullOrEmpty
    }
}

Describe 'Item 5: no silent no-ops' {
    It '<Name> says what happened' -ForEach @(
        @{ Name = 'Get-HiApiTask -NoLedger'; Script = { Get-HiApiTask -NoLedger }; Says = 'no task ledger to list' }
        @{ Name = 'Get-HiApiTask -Pending -NoLedger'; Script = { Get-HiApiTask -Pending -NoLedger }; Says = 'no task ledger to refresh' }
        @{ Name = "`$env:HIAPI_LEDGER='off'; Get-HiApiTask"; Script = { $env:HIAPI_LEDGER = 'off'; try { Get-HiApiTask } finally { Remove-Item Env:HIAPI_LEDGER } }; Says = 'HIAPI_LEDGER is ''off''' }
        @{ Name = 'Get-HiApiTask -LedgerPath /no/such/dir/x.jsonl'; Script = { Get-HiApiTask -LedgerPath /no/such/dir/x.jsonl }; Says = 'does not exist.*Check -LedgerPath' }
        @{ Name = 'Get-HiApiTask -Reconcile with nothing new'; Script = { Get-HiApiTask -Reconcile; Get-HiApiTask -Reconcile }; Says = '0 tasks were missing from the ledger' }
        @{ Name = 'Get-HiApiTask -Reconcile -NoLedger'; Script = { Get-HiApiTask -Reconcile -NoLedger }; Says = 'there is no ledger' }
    ) {
        $said = & $Script 3>&1 6>&1 | Where-Object { $_ -is [System.Management.Automation.WarningRecord] -or $_ -is [System.Management.Automation.InformationRecord] }
        "$said" | Should -Match $Says
    }
}

Describe 'Item 6: a path is not a task id' {
    It '<Name> says to pipe tasks in or name them with -Task, and sends nothing' -ForEach @(
        @{ Name = 'Save-HiApiVideo ./clips'; Script = { Save-HiApiVideo ./clips } }
        @{ Name = 'Get-HiApiTask ./clips'; Script = { Get-HiApiTask ./clips } }
        @{ Name = 'Wait-HiApiTask clips/'; Script = { Wait-HiApiTask clips/ } }
        @{ Name = 'Remove-HiApiTask ~/clips'; Script = { Remove-HiApiTask ~/clips } }
        @{ Name = 'Receive-HiApiCallback -Task C:\clips'; Script = { Receive-HiApiCallback -Prefix "http://127.0.0.1:$(Get-HiApiFreePort)/hooks/" -Task 'C:\clips' -TimeoutSeconds 1 } }
    ) {
        Clear-EmulatorRequests
        $failure = @(& $Script 2>&1 3>$null | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.InvalidTaskInput,*'
        "$($failure[0])" | Should -Match 'looks like a path, not a task id: pipe tasks in, or name them with -Task\.'
        Get-EmulatorRequests | Should -BeNullOrEmpty
    }
}

Describe 'Item 7: estimates that are not guesses' {
    AfterEach { Set-Emulator @{} }

    It 'Wait shows the time elapsed, and no time remaining until a render has been measured' {
        Set-Emulator @{ queuedMs = 500; handlingMs = 1500; archivingMs = 500 }
        $run = Invoke-Captured { 1..3 | ForEach-Object { "measured $_" } | New-HiApiVideoTask -Duration 3 | Wait-HiApiTask -PollIntervalSeconds 0.2 }

        $run.Output | Should -HaveCount 3
        $waits = @($run.Progress | Where-Object { $_.Activity -eq 'Waiting for HiAPI tasks' -and $_.RecordType -eq 'Processing' })
        $before = @($waits | Where-Object { $_.StatusDescription -match '^0 of 3 done' })
        $before | Should -Not -BeNullOrEmpty
        $before | ForEach-Object { $_.SecondsRemaining | Should -Be -1 -Because 'no render has finished here yet: any number would be a guess' }
        $before | ForEach-Object { $_.StatusDescription | Should -Match '^0 of 3 done after \d+s' }
    }

    It 'Save''s line keeps its rate at 80 columns' {
        Set-Emulator @{ videoSizeBytes = 4000000; downloadBytesPerSecond = 1000000 }
        $task = New-HiApiVideoTask 'a slow download' -Duration 3 | Wait-HiApiTask -PollIntervalSeconds 0.2
        $run = Invoke-Captured ([scriptblock]::Create("Save-HiApiVideo $($task.TaskId) -Path ./rate"))

        $run.Output | Should -HaveCount 1
        $saving = @($run.Progress | Where-Object { $_.Activity -eq 'Saving HiAPI videos' -and $_.RecordType -eq 'Processing' })
        $withRate = @($saving | Where-Object StatusDescription -Match '\d B/s|\d KiB/s|\d MiB/s')
        $withRate | Should -Not -BeNullOrEmpty -Because 'a 4 MB download at 1 MB/s takes 4 s'
        $withRate | Where-Object { -not (Test-FitsEighty $_) } | ForEach-Object StatusDescription | Should -BeNullOrEmpty
    }
}

Describe 'Item 8: small things a careful user notices' {
    It 'Save-HiApiVideo -WhatIf does not say it would save a failed task' {
        $failed = New-HiApiVideoTask 'a dragon made of smoke [[fail]]' -Duration 3 | Wait-HiApiTask -PollIntervalSeconds 0.2 -ErrorVariable failure -ErrorAction SilentlyContinue
        $task = $failure[0].TargetObject
        $task.Status | Should -Be 'Fail'
        $transcript = Join-Path $TestDrive 'save-whatif.txt'
        Start-Transcript -Path $transcript | Out-Null
        try { $task | Save-HiApiVideo -Path (Join-Path $TestDrive 'whatif') -WhatIf -ErrorVariable refused -ErrorAction SilentlyContinue }
        finally { Stop-Transcript | Out-Null }

        (Get-Content $transcript -Raw) | Should -Not -Match 'What if'
        "$($refused[0])" | Should -Match "^Task $($task.TaskId) failed \(generation_failed"
        Join-Path $TestDrive 'whatif' | Should -Not -Exist
    }

    It 'ConvertTo-Json writes the status by its name, and Export-Clixml keeps it' {
        $task = New-HiApiVideoTask 'serialised' -Duration 3 | Wait-HiApiTask -PollIntervalSeconds 0.2
        ($task | ConvertTo-Json -Depth 1 -WarningAction SilentlyContinue | ConvertFrom-Json).Status | Should -BeExactly 'Success'
        $task | Export-Clixml (Join-Path $TestDrive 'task.xml')
        $back = Import-Clixml (Join-Path $TestDrive 'task.xml')
        "$($back.Status)" | Should -BeExactly 'Success'
        $back.Status -eq [HiApi.Client.HiApiTaskStatus]::Success | Should -BeTrue
    }

    It 'says "a value of type", not "A Int32", and that a task failed, not "is fail"' {
        Get-HiApiTask -Task 3 -ErrorVariable notTask -ErrorAction SilentlyContinue
        "$($notTask[0])" | Should -Match "^Input 1: a value of type Int32 \('3'\) is not a task"
        $queued = New-HiApiVideoTask 'this one fails too [[fail]]' -Duration 3
        $queued | Wait-HiApiTask -PollIntervalSeconds 0.2 -ErrorAction SilentlyContinue | Out-Null
        $queued | Save-HiApiVideo -Path (Join-Path $TestDrive 'failed') -ErrorVariable notReady -ErrorAction SilentlyContinue
        "$($notReady[0])" | Should -Match "^Task $($queued.TaskId) failed \(generation_failed: "
        "$($notReady[0])" | Should -Not -Match 'is fail'
    }
}
