#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.3.0' }
# Each row paid for once, by construction (issue 15): named batches with derived keys, -Resume that is exact or refuses,
# outcomes that stay unknown until an answer proves them, a Get- that never spends, text that round-trips, and a batch
# sharded over several processes and machines. Every case counts the tasks HiAPI created for the rows requested.

BeforeAll {
    $repositoryRoot = Split-Path $PSScriptRoot -Parent
    Import-Module (Join-Path $PSScriptRoot 'HiApiEmulator.psm1') -Force
    $script:testSession = Enter-HiApiTestSession
    $script:emulator = $testSession.Emulator
    $script:manifest = Join-Path $repositoryRoot 'HiApi.Video.psd1'
    Import-Module $manifest -Force

    function Set-Emulator([hashtable] $Setting) { Invoke-HiApiEmulatorControl $emulator 'config' -Method Put -Body $Setting | Out-Null }
    function Set-Faults([hashtable] $Setting) { Invoke-HiApiEmulatorControl $emulator 'faults' -Method Put -Body $Setting | Out-Null }
    function Clear-EmulatorRequests { Invoke-HiApiEmulatorControl $emulator 'requests' -Method Delete | Out-Null }
    function Get-EmulatorRequests([string] $Kind) { @(Invoke-HiApiEmulatorControl $emulator 'requests' | Where-Object kind -EQ $Kind) }
    function Get-EmulatorTasks { @(Invoke-HiApiEmulatorControl $emulator 'tasks') }
    function Wait-Until([scriptblock] $Condition, [string] $Because, [int] $Seconds = 60) {
        $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
        while (-not (& $Condition)) {
            if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out after $Seconds s waiting until $Because." }
            Start-Sleep -Milliseconds 50
        }
    }
    function Use-FreshLedger { $env:HIAPI_LEDGER_PATH = Join-Path $TestDrive "ledger-$([guid]::NewGuid().ToString('n')).jsonl" }

    # A runspace of its own, as a second console would be: Stop() there is what Ctrl+C does.
    function Start-Background([scriptblock] $Script, [object[]] $Arguments = @()) {
        $state = [initialsessionstate]::CreateDefault2()
        $state.ImportPSModule($manifest)
        $shell = [powershell]::Create($state)
        $null = $shell.AddScript($Script)
        foreach ($argument in $Arguments) { $null = $shell.AddArgument($argument) }
        [pscustomobject]@{ Shell = $shell; Handle = $shell.BeginInvoke() }
    }

    # Another process on this machine (or another machine: it shares nothing but the API), with a ledger of its own.
    # It prints the ids of the tasks its New-HiApiVideoTask wrote, one per line.
    function Start-Runner([string[]] $Prompts, [string] $Batch, [string] $Ledger, [switch] $Resume, [int] $ThrottleLimit = 4) {
        $script = Join-Path $TestDrive "runner-$([guid]::NewGuid().ToString('n')).ps1"
        Set-Content -LiteralPath $script -Encoding utf8 -Value @'
param([string] $Manifest, [string] $PromptFile, [string] $Batch, [string] $Resume, [int] $ThrottleLimit)
Import-Module $Manifest
$parameters = @{ Duration = 3; ThrottleLimit = $ThrottleLimit; ErrorAction = 'Continue' }
if ($Batch) { $parameters.Batch = $Batch }
if ($Resume -eq 'yes') { $parameters.Resume = $true }
Get-Content -LiteralPath $PromptFile -Encoding utf8 | New-HiApiVideoTask @parameters | ForEach-Object { [Console]::Out.WriteLine($_.TaskId); [Console]::Out.Flush() }
'@
        $promptFile = Join-Path $TestDrive "prompts-$([guid]::NewGuid().ToString('n')).txt"
        Set-Content -LiteralPath $promptFile -Encoding utf8 -Value $Prompts
        $pwsh = Get-PwshCommand
        $info = [Diagnostics.ProcessStartInfo]::new($pwsh.FilePath)
        foreach ($argument in @($pwsh.Arguments) + @('-NoProfile', '-NonInteractive', '-File', $script, $manifest, $promptFile, $Batch, $(if ($Resume) { 'yes' } else { 'no' }), $ThrottleLimit)) {
            $info.ArgumentList.Add([string] $argument)
        }
        $info.UseShellExecute = $false
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $info.Environment['HIAPI_LEDGER_PATH'] = $Ledger
        $info.Environment['NO_COLOR'] = '1'
        $process = [Diagnostics.Process]::Start($info)
        [pscustomobject]@{ Process = $process; Output = $process.StandardOutput.ReadToEndAsync(); Errors = $process.StandardError.ReadToEndAsync() }
    }
    function Wait-Runner($Runner, [int] $Seconds = 180) {
        if (-not $Runner.Process.WaitForExit($Seconds * 1000)) { $Runner.Process.Kill($true); throw "A runner did not finish within $Seconds s." }
        $Runner.Process.WaitForExit()
        [pscustomobject]@{
            ExitCode = $Runner.Process.ExitCode
            TaskIds  = @($Runner.Output.Result -split "`r?`n" | Where-Object { $_ -match '^tk-' })
            Errors   = $Runner.Errors.Result
        }
    }
}

AfterAll {
    Remove-Module HiApi.Video -ErrorAction SilentlyContinue
    Exit-HiApiTestSession $testSession
}

Describe 'Running the same command with the same -Batch again' {
    BeforeEach { Use-FreshLedger }

    It 'pays for nothing twice: every row gives back its task, a repeated row once per repeat, a new row is sent' {
        $storyboard = 'Prompt,Duration', 'batch harbour,3', 'batch gull,4', 'batch gull,4' | ConvertFrom-Csv
        $first = $storyboard | New-HiApiVideoTask -Batch 'storyboard v1'
        $before = (Get-EmulatorTasks).Count
        Clear-EmulatorRequests

        $again = @($storyboard; [pscustomobject]@{ Prompt = 'batch lighthouse'; Duration = '3' }) | New-HiApiVideoTask -Batch 'storyboard v1' -Verbose 4>&1
        $tasks = @($again | Where-Object { $_ -is [HiApi.Client.HiApiTask] })
        $told = @($again | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like '*not paid for again*' })

        $tasks | Should -HaveCount 4
        $byInput = @{}
        $first | ForEach-Object { $byInput[$_.InputNumber] = $_.TaskId }
        $tasks[0..2].TaskId | Should -Be $byInput[1], $byInput[2], $byInput[3]
        $tasks[1].TaskId | Should -Not -Be $tasks[2].TaskId -Because 'a shot asked for twice is two tasks'
        $tasks[3].Prompt | Should -Be 'batch lighthouse'
        $tasks.InputNumber | Should -Be 1, 2, 3, 4
        $told | Should -HaveCount 3
        (Get-EmulatorTasks).Count | Should -Be ($before + 1) -Because 'only the new row was paid for'
        Get-EmulatorRequests 'create' | Should -HaveCount 1
    }

    It 'without -Batch is a new take: every row is paid for again, on purpose' {
        $before = (Get-EmulatorTasks).Count
        'new take' | New-HiApiVideoTask -Duration 3 | Out-Null
        'new take' | New-HiApiVideoTask -Duration 3 | Out-Null
        (Get-EmulatorTasks).Count | Should -Be ($before + 2)
    }

    It 'hands back a row whose task failed, with a warning, and sends it again only with -RetryFailed' {
        $failed = New-HiApiVideoTask 'batch storm [[fail]]' -Duration 3 -Batch 'retry failed'
        $failed | Wait-HiApiTask -PollIntervalSeconds 0.2 -ErrorAction SilentlyContinue
        Clear-EmulatorRequests

        $again = New-HiApiVideoTask 'batch storm [[fail]]' -Duration 3 -Batch 'retry failed' -WarningVariable warned 3>$null
        $again.TaskId | Should -Be $failed.TaskId
        "$warned" | Should -BeLike "Input 1: its task $($failed.TaskId) failed (*); it is handed back, not sent again. To submit it again as a new paid task, add -RetryFailed."
        Get-EmulatorRequests 'create' | Should -HaveCount 0

        $retried = New-HiApiVideoTask 'batch storm [[fail]]' -Duration 3 -Batch 'retry failed' -RetryFailed
        $retried.TaskId | Should -Not -Be $failed.TaskId
        $retried.IdempotencyKey | Should -BeLike '*.1.2'
        @(Get-HiApiTask | Where-Object Prompt -EQ 'batch storm [[fail]]') | Should -HaveCount 2
    }

    It 'with -WhatIf says what it would hand back and sends nothing' {
        $task = New-HiApiVideoTask 'batch what if' -Duration 3 -Batch 'what if'
        Clear-EmulatorRequests
        $transcript = Join-Path $TestDrive 'whatif.txt'
        Start-Transcript -Path $transcript | Out-Null
        try { $output = New-HiApiVideoTask 'batch what if' -Duration 3 -Batch 'what if' -WhatIf }
        finally { Stop-Transcript | Out-Null }

        $output | Should -BeNullOrEmpty
        (Get-Content $transcript -Raw) -replace '\s+', ' ' | Should -BeLike "*What if:*Hand back the task created ????-??-?? ??:?? UTC in batch 'what if' for input 1: nothing is sent*$($task.TaskId)*"
        @(Invoke-HiApiEmulatorControl $emulator 'requests') | Should -HaveCount 0
    }

    It 'names the batch the ledger holds the task in, not this run''s, and its time in UTC' {
        $task = New-HiApiVideoTask 'batch of its own' -Duration 3 -Batch 'first take' -IdempotencyKey 'hand-back-own-batch'
        Clear-EmulatorRequests

        $verbose = New-HiApiVideoTask 'batch of its own' -Duration 3 -Batch 'second take' -IdempotencyKey 'hand-back-own-batch' -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }

        $created = $task.SubmittedAt.ToUniversalTime().ToString('yyyy-MM-dd HH:mm', [cultureinfo]::InvariantCulture)
        "$verbose" | Should -BeLike "*Hand back the task created $created UTC in batch 'first take' for input 1*"
        "$verbose" | Should -Not -BeLike "*batch 'second take' created*"
        Get-EmulatorRequests 'create' | Should -HaveCount 0
    }
}

Describe 'An account-wide refusal stops the rest of the pipeline, and every error names its input' {
    BeforeEach {
        Use-FreshLedger
        Clear-EmulatorRequests
    }
    AfterEach {
        Set-Faults @{}
        Set-Emulator @{ busyAfterCreateCount = 0 }
    }

    It 'sends no more rows after a wrong key (401), says once how many were not sent, and -Resume then sends each row once' {
        $rows = 1..12 | ForEach-Object { [pscustomobject]@{ Prompt = "wrong key row $_ of a long storyboard"; Duration = 3 } }
        $wrongKey = ConvertTo-SecureString 'sk-test-wrong-key' -AsPlainText -Force

        $output = $rows | New-HiApiVideoTask -ApiKey $wrongKey -ThrottleLimit 2 -ErrorVariable refused -ErrorAction SilentlyContinue -WarningVariable told -WarningAction SilentlyContinue

        $output | Should -BeNullOrEmpty
        (Get-EmulatorRequests 'create').Count | Should -BeLessOrEqual 2 -Because 'only the rows in flight when the key was refused were sent'
        $refused | Should -HaveCount 1 -Because 'one error for the key, not one per row'
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.permission_denied,*'
        "$($refused[0])" | Should -Match "^Input [12] \('wrong key row [12] of a long sto\.\.\.'\): HiAPI answered 401"
        $told | Should -HaveCount 1
        "$told" | Should -Match 'HiAPI refused input [12] with 401 \(key, for happyhorse-1\.1/text-to-video\): 1[01] more inputs were not sent, and nothing was paid for them'
        "$told" | Should -Match 'run the same command again with -Resume'
        Get-HiApiSubmission -Unresolved | Should -BeNullOrEmpty -Because 'a 401 proves no task was created: the refused rows are closed, not unknown'

        $before = (Get-EmulatorTasks).Count
        $resumed = $rows | New-HiApiVideoTask -Resume

        $resumed | Should -HaveCount 12
        (Get-EmulatorTasks).Count | Should -Be ($before + 12)
        ($resumed.TaskId | Select-Object -Unique) | Should -HaveCount 12
    }

    It 'stops only the model the key may not use (401): rows of the other model are still sent' {
        $rows = @(
            [pscustomobject]@{ ImageUrl = 'https://example.com/a.jpg'; Prompt = 'image row one'; Duration = 3 }
            [pscustomobject]@{ Prompt = 'text row two'; Duration = 3 }
            [pscustomobject]@{ ImageUrl = 'https://example.com/b.jpg'; Prompt = 'image row three'; Duration = 3 }
            [pscustomobject]@{ Prompt = 'text row four'; Duration = 3 }
        )

        $output = $rows | New-HiApiVideoTask -ApiKey (ConvertTo-SecureString 'sk-test-text-only' -AsPlainText -Force) -ThrottleLimit 1 -ErrorVariable refused -ErrorAction SilentlyContinue -WarningVariable told -WarningAction SilentlyContinue

        $output.Prompt | Should -Be 'text row two', 'text row four'
        $refused | Should -HaveCount 1
        "$($refused[0])" | Should -BeLike "Input 1 ('image row one'): HiAPI answered 401*"
        "$told" | Should -Match 'refused input 1 with 401 \(key, for happyhorse-1\.1/image-to-video\): 1 more input was not sent'
        Get-EmulatorRequests 'create' | Should -HaveCount 3
    }

    It 'stops every row after a 402: the balance is the account''s, and the error names its input' {
        $rows = 'Prompt,Duration', 'too long for the balance,6', 'would fit,3', 'would fit too,3' | ConvertFrom-Csv

        $output = $rows | New-HiApiVideoTask -ApiKey (ConvertTo-SecureString 'sk-test-low-balance' -AsPlainText -Force) -ThrottleLimit 1 -ErrorVariable refused -ErrorAction SilentlyContinue -WarningVariable told -WarningAction SilentlyContinue

        $output | Should -BeNullOrEmpty
        $refused | Should -HaveCount 1
        $refused[0].Exception.StatusCode | Should -Be 402
        "$($refused[0])" | Should -BeLike "Input 1 ('too long for the balance'): HiAPI answered 402*"
        "$told" | Should -Match '2 more inputs were not sent, and nothing was paid for them\. To send them, top up'
        Get-EmulatorRequests 'create' | Should -HaveCount 1
    }

    It 'names the input of a lost answer, and says what happened in the message and what to do in the recommendation, each once' {
        Set-Emulator @{ busyAfterCreateCount = 100 }
        Set-Faults @{ faultCreate = $true; dropConnectionRate = 1 }
        $rows = 'Prompt,Duration', 'a harbour at dawn with gulls over the water and boats,3' | ConvertFrom-Csv

        $rows | New-HiApiVideoTask -Batch 'lost named' -ErrorVariable lost -ErrorAction SilentlyContinue | Out-Null

        $lost | Should -HaveCount 1
        $lost[0].Exception.TaskMayHaveBeenCreated | Should -BeTrue
        $message = $lost[0].ErrorDetails.Message
        $action = $lost[0].ErrorDetails.RecommendedAction
        $message | Should -BeLike "Input 1 ('a harbour at dawn with gulls ...'): *may have been created*batch 'lost named'*"
        $message | Should -Not -Match 'Get-HiApiSubmission|-Resume' -Because 'what to do is the recommendation''s'
        $action | Should -Match 'Get-HiApiSubmission -Unresolved \| New-HiApiVideoTask'
        $action | Should -Not -Match 'Idempotency-Key|batch ''' -Because 'what happened is the message''s'
        $message.Length + $action.Length | Should -BeLessOrEqual 600 -Because 'about 9 lines at 80 columns, not 14 (it was 880 characters)'
    }
}

Describe 'Case 1: a second take stopped midway, then -Resume' {
    BeforeEach { Use-FreshLedger }
    AfterEach { Set-Emulator @{ createProcessingMs = 0; createSurvivesDisconnect = $false } }

    It 'resumes the second take only: its task back, its unanswered submission settled by key, its unsent row sent; -Pending sends nothing' {
        $rows = 'Prompt,Duration', 'take harbour,3', 'take gull,3', 'take lighthouse,3' | ConvertFrom-Csv
        $firstTake = $rows | New-HiApiVideoTask
        $before = (Get-EmulatorTasks).Count

        # The second take, one row at a time, each create taking 3 s on the server, which finishes what it started.
        Set-Emulator @{ createProcessingMs = 3000; createSurvivesDisconnect = $true }
        $run = Start-Background { param($rows) $rows | New-HiApiVideoTask -ThrottleLimit 1 } (, $rows)
        Wait-Until { (Get-EmulatorTasks).Count -ge $before + 1 } 'the second take''s first row was created'
        Start-Sleep -Milliseconds 1000    # the second row's POST is now being processed
        $run.Shell.Stop()                 # Ctrl+C: row 2 never gets its answer, row 3 is never sent
        $run.Shell.Dispose()
        Wait-Until { (Get-EmulatorTasks).Count -ge $before + 2 } 'HiAPI finished creating the unanswered row'
        Set-Emulator @{ createProcessingMs = 0 }

        Clear-EmulatorRequests
        $pending = @(Get-HiApiTask -Pending -WarningVariable unresolved 3>$null)
        Get-EmulatorRequests 'create' | Should -HaveCount 0 -Because 'a Get- verb never spends money'
        $unresolved | Should -HaveCount 1
        "$unresolved" | Should -Match "Batch 'run-[^']+': 1 submission\(s\) \(input 2\) never got an answer"
        "$unresolved" | Should -Match 'Nothing was sent now'

        $resumed = $rows | New-HiApiVideoTask -Resume

        $resumed | Should -HaveCount 3
        ($resumed.TaskId | Where-Object { $_ -in $firstTake.TaskId }) | Should -BeNullOrEmpty -Because 'the finished first take is not handed back'
        ($resumed.Batch | Select-Object -Unique) | Should -HaveCount 1
        $resumed[0].Batch | Should -Not -Be $firstTake[0].Batch
        (Get-EmulatorTasks).Count | Should -Be ($before + 3) -Because 'six rows requested in two takes, six tasks paid for'
        Get-HiApiSubmission -Unresolved | Should -BeNullOrEmpty
    }

    It 'continues its own storyboard when two cut storyboards share a first row, and pays for no row twice' {
        $storyA = 'Prompt,Duration', 'shared opening,3', 'a harbour at dusk,3', 'a gull lands,3' | ConvertFrom-Csv
        $storyB = 'Prompt,Duration', 'shared opening,3', 'b forest at dawn,3', 'b owl wakes,3' | ConvertFrom-Csv
        # Each cut off after two rows (the pipeline stopped downstream): both unfinished, B the later one.
        $cutA = @($storyA | New-HiApiVideoTask -ThrottleLimit 1 | Select-Object -First 2)
        $cutB = @($storyB | New-HiApiVideoTask -ThrottleLimit 1 | Select-Object -First 2)
        $before = (Get-EmulatorTasks).Count

        $output = @($storyA | New-HiApiVideoTask -Resume -Verbose 4>&1)
        $resumed = @($output | Where-Object { $_ -is [HiApi.Client.HiApiTask] })
        $verbose = "$($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })"

        $resumed | Should -HaveCount 3
        @($resumed.Batch | Select-Object -Unique) | Should -Be @($cutA[0].Batch) -Because 'the run continues the storyboard it reads, not the later one that shares its first row'
        $resumed[0..1].TaskId | Should -Be $cutA.TaskId
        $cutB[0].Batch | Should -Not -Be $cutA[0].Batch
        (Get-EmulatorTasks).Count | Should -Be ($before + 1) -Because 'only the row never sent is paid for'
        $verbose | Should -Match "continuing batch '$([regex]::Escape($cutA[0].Batch))'.*holds 2 of the 2 inputs read"
    }

    It 'warns, before anything is sent, when it sets aside a finished batch that also holds the first input' {
        $storyA = 'Prompt,Duration', 'aside opening,3', 'aside harbour,3' | ConvertFrom-Csv
        $storyB = 'Prompt,Duration', 'aside opening,3', 'aside forest,3' | ConvertFrom-Csv
        $storyA | New-HiApiVideoTask -Batch 'aside a' | Out-Null
        @($storyB | New-HiApiVideoTask -ThrottleLimit 1 | Select-Object -First 1) | Out-Null # B cut after its first row
        Clear-EmulatorRequests

        $storyA | New-HiApiVideoTask -Resume -WhatIf -WarningVariable warned 3>$null | Out-Null

        "$warned" | Should -Match "the finished batch 'aside a' also holds the first input.*-Batch 'aside a'"
        Get-EmulatorRequests 'create' | Should -HaveCount 0
    }

    It 'names each held-back input by its own number when it is submitted later' {
        $cut = { param($second) @('Prompt,Duration', 'naming opening,3', "$second,3" | ConvertFrom-Csv | New-HiApiVideoTask -ThrottleLimit 1 | Select-Object -First 1) | Out-Null }
        & $cut 'naming fox'
        & $cut 'naming owl'   # two cut runs hold the first row alike: every input is held until the end
        $rows = 'Prompt,Duration', 'naming opening,3', 'naming two,3', 'naming three,3' | ConvertFrom-Csv

        $rows | New-HiApiVideoTask -Resume -MaxCostUsd 0.001 -ErrorVariable refused -ErrorAction SilentlyContinue | Out-Null

        $refused | Should -HaveCount 2
        "$($refused[0])" | Should -Match "^Input 2 \('naming two'\)"
        "$($refused[1])" | Should -Match "^Input 3 \('naming three'\)"
    }

    It 'refuses to guess when several finished batches hold the rows, names them, and sends nothing' {
        $rows = 'Prompt,Duration', 'finished harbour,3' | ConvertFrom-Csv
        $rows | New-HiApiVideoTask -Batch 'done once' | Out-Null
        $rows | New-HiApiVideoTask -Batch 'done twice' | Out-Null
        Clear-EmulatorRequests

        $output = $rows | New-HiApiVideoTask -Resume -ErrorVariable refused -ErrorAction SilentlyContinue

        $output | Should -BeNullOrEmpty
        $refused | Should -HaveCount 1 -Because 'one error for the run, not one per row'
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.NothingToResume*'
        "$($refused[0])" | Should -Match "'done once'"
        "$($refused[0])" | Should -Match "-Batch 'done twice'"
        @(Invoke-HiApiEmulatorControl $emulator 'requests') | Should -HaveCount 0
    }
}

Describe 'Case 2: the first POST created the task, its answer was lost, and every retry met a busy server' {
    BeforeEach { Use-FreshLedger }
    AfterEach {
        Set-Faults @{}
        Set-Emulator @{ busyAfterCreateCount = 0; busyAfterCreateStatus = 503 }
    }

    It 'stays unknown after retries answered <status>, says a task may exist, and the same batch then hands back that one task' -ForEach @(
        @{ Status = 503; ErrorId = 'HiApi.SERVICE_UNAVAILABLE*' }
        @{ Status = 429; ErrorId = 'HiApi.RATE_LIMITED*' }
    ) {
        $batch = "busy $Status"
        $before = (Get-EmulatorTasks).Count
        Set-Emulator @{ busyAfterCreateCount = 100; busyAfterCreateStatus = $Status }
        Set-Faults @{ faultCreate = $true; dropConnectionRate = 1 }

        $output = New-HiApiVideoTask "lost answer $Status" -Duration 3 -Batch $batch -ErrorVariable failed -ErrorAction SilentlyContinue

        $output | Should -BeNullOrEmpty
        $failed | Should -HaveCount 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike $ErrorId
        $failed[0].Exception.TaskMayHaveBeenCreated | Should -BeTrue
        $failed[0].ErrorDetails.RecommendedAction | Should -Match 'same -Batch'
        (Get-EmulatorTasks).Count | Should -Be ($before + 1)
        @(Get-HiApiSubmission -Unresolved -Batch $batch) | Should -HaveCount 1

        Set-Faults @{}
        Set-Emulator @{ busyAfterCreateCount = 0 }
        Clear-EmulatorRequests
        Get-HiApiTask -Pending -WarningVariable told 3>$null | Out-Null
        Get-EmulatorRequests 'create' | Should -HaveCount 0
        "$told" | Should -Match ([regex]::Escape("-Batch '$batch'"))

        $again = New-HiApiVideoTask "lost answer $Status" -Duration 3 -Batch $batch

        $again.TaskId | Should -Be (Get-EmulatorTasks)[-1].taskId
        (Get-EmulatorTasks).Count | Should -Be ($before + 1) -Because 'the row was paid for once'
        Get-HiApiSubmission -Unresolved | Should -BeNullOrEmpty
    }

    It 'settles an unresolved submission piped back from the ledger, and -WhatIf shows it' {
        $before = (Get-EmulatorTasks).Count
        Set-Faults @{ faultCreate = $true; dropConnectionRate = 1 }
        Set-Emulator @{ busyAfterCreateCount = 100 }
        New-HiApiVideoTask 'settle me by pipe' -Duration 3 -ErrorAction SilentlyContinue | Out-Null
        Set-Faults @{}
        Set-Emulator @{ busyAfterCreateCount = 0 }
        Clear-EmulatorRequests

        $transcript = Join-Path $TestDrive 'settle-whatif.txt'
        Start-Transcript -Path $transcript | Out-Null
        try { Get-HiApiSubmission -Unresolved | New-HiApiVideoTask -WhatIf }
        finally { Stop-Transcript | Out-Null }
        (Get-Content $transcript -Raw) | Should -Match "What if:.*Settle the submission of prompt 'settle me by pipe'"
        (Get-Content $transcript -Raw) -replace '\s+', ' ' | Should -BeLike "*settle me by pipe*(estimated `$0.03 = 3 s x `$0.01/s)*"
        Get-EmulatorRequests 'create' | Should -HaveCount 0

        # It may create a paid task, so the budget holds; a typed field cannot change what its key was sent with.
        Get-HiApiSubmission -Unresolved | New-HiApiVideoTask -MaxCostUsd 0.01 -ErrorVariable overBudget -ErrorAction SilentlyContinue
        $overBudget.FullyQualifiedErrorId | Should -BeLike 'HiApi.BudgetExceeded*'
        Get-HiApiSubmission -Unresolved | New-HiApiVideoTask -Duration 5 -Resolution 1080p -ErrorVariable typed -ErrorAction SilentlyContinue
        "$typed" | Should -BeLike "Input 1: -Resolution, -Duration cannot change a submission piped back from the ledger*Nothing was sent*"
        Get-EmulatorRequests 'create' | Should -HaveCount 0

        $settled = Get-HiApiSubmission -Unresolved | New-HiApiVideoTask

        $settled.TaskId | Should -Be (Get-EmulatorTasks)[-1].taskId
        (Get-EmulatorTasks).Count | Should -Be ($before + 1)
        Get-HiApiSubmission -Unresolved | Should -BeNullOrEmpty
    }
}

Describe 'Case 4: two -Resume runs of one cut batch at once, on one ledger' {
    BeforeEach { Use-FreshLedger }
    AfterEach { Set-Emulator @{ createProcessingMs = 0 } }

    It 'pays for each of the ten rows once' {
        $rows = 1..10 | ForEach-Object { "two resumes shot $_" }
        $before = (Get-EmulatorTasks).Count
        Set-Emulator @{ createProcessingMs = 400 }
        $run = Start-Background { param($rows) $rows | New-HiApiVideoTask -Duration 3 -ThrottleLimit 1 } (, $rows)
        Wait-Until { (Get-EmulatorTasks).Count -ge $before + 3 } 'three rows were created'
        $run.Shell.Stop()
        $run.Shell.Dispose()
        Set-Emulator @{ createProcessingMs = 0 }

        $left = Start-Runner $rows -Ledger $env:HIAPI_LEDGER_PATH -Resume
        $right = Start-Runner $rows -Ledger $env:HIAPI_LEDGER_PATH -Resume
        $left = Wait-Runner $left
        $right = Wait-Runner $right

        $said = "the runners said: $($left.Errors) | $($right.Errors)"
        $left.ExitCode | Should -Be 0 -Because $said
        $right.ExitCode | Should -Be 0 -Because $said
        $left.TaskIds | Should -HaveCount 10 -Because $said
        ($left.TaskIds | Sort-Object) | Should -Be ($right.TaskIds | Sort-Object) -Because $said
        (Get-EmulatorTasks).Count | Should -Be ($before + 10) -Because 'ten rows, ten tasks, however many runs'
    }
}

Describe 'Case 5: text that cannot be sent as given' {
    It 'refuses a prompt cut in the middle of an emoji, naming the field and position, and sends nothing' {
        Clear-EmulatorRequests
        $cut = 'a gull 🐦 over the pier'.Substring(0, 8)

        New-HiApiVideoTask $cut -Duration 3 -ErrorVariable refused -ErrorAction SilentlyContinue | Should -BeNullOrEmpty

        $refused[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.INVALID_REQUEST*'
        "$($refused[0])" | Should -Match 'prompt: holds an unpaired UTF-16 surrogate \(U\+D83D\) at position 8'
        @(Invoke-HiApiEmulatorControl $emulator 'requests') | Should -HaveCount 0
    }

    It 'refuses a row read from a CSV in the wrong encoding and says how to read it' {
        Clear-EmulatorRequests
        $csv = Join-Path $TestDrive 'ansi.csv'
        [IO.File]::WriteAllBytes($csv, [Text.Encoding]::Latin1.GetBytes("Prompt,Duration`ncafé au lait,3`n"))

        Import-Csv $csv | New-HiApiVideoTask -ErrorVariable refused -ErrorAction SilentlyContinue | Should -BeNullOrEmpty

        "$($refused[0])" | Should -Match 'Input 1 .*prompt: holds U\+FFFD'
        "$($refused[0])" | Should -Match 'Import-Csv -Encoding ansi'
        @(Invoke-HiApiEmulatorControl $emulator 'requests') | Should -HaveCount 0
    }
}

Describe 'Many machines: one -Batch sharded over runners with ledgers of their own' {
    AfterEach { Set-Emulator @{ createProcessingMs = 0 } }

    It 'creates exactly 12 tasks for 12 rows through a killed shard, its re-run elsewhere and a whole re-run' {
        $rows = 1..12 | ForEach-Object { "sharded shot $_" }
        $batch = "sharded $([guid]::NewGuid().ToString('n').Substring(0, 6))"
        $before = (Get-EmulatorTasks).Count
        $ledger = { Join-Path $TestDrive "runner-ledger-$([guid]::NewGuid().ToString('n')).jsonl" }

        $one = Start-Runner $rows[0..3] -Batch $batch -Ledger (& $ledger)
        $two = Start-Runner $rows[4..7] -Batch $batch -Ledger (& $ledger)
        (Wait-Runner $one).TaskIds | Should -HaveCount 4
        (Wait-Runner $two).TaskIds | Should -HaveCount 4

        Set-Emulator @{ createProcessingMs = 600 }
        $three = Start-Runner $rows[8..11] -Batch $batch -Ledger (& $ledger) -ThrottleLimit 1
        Wait-Until { (Get-EmulatorTasks).Count -ge $before + 9 } 'the third shard created a task'
        $three.Process.Kill($true)    # kill -9, mid-shard
        $three.Process.WaitForExit()
        Set-Emulator @{ createProcessingMs = 0 }
        (Get-EmulatorTasks).Count | Should -BeLessThan ($before + 12)

        $four = Wait-Runner (Start-Runner $rows[8..11] -Batch $batch -Ledger (& $ledger))
        $four.TaskIds | Should -HaveCount 4 -Because $four.Errors
        $five = Wait-Runner (Start-Runner $rows -Batch $batch -Ledger (& $ledger))

        $five.TaskIds | Should -HaveCount 12 -Because $five.Errors
        ($five.TaskIds | Select-Object -Unique) | Should -HaveCount 12
        $created = Get-EmulatorTasks | Select-Object -Skip $before
        $created | Should -HaveCount 12 -Because 'HiAPI created exactly one task per row'
        ($five.TaskIds | Sort-Object) | Should -Be ($created.taskId | Sort-Object)
    }
}

Describe 'A Get- verb never spends money: the guard every test session ends with' {
    It 'names the cmdlet in the User-Agent of every request' {
        Clear-EmulatorRequests
        $task = New-HiApiVideoTask 'who sent me' -Duration 3
        Get-HiApiTask $task | Out-Null
        (Get-EmulatorRequests 'create').userAgent | Should -Match '^HiApi\.Video/\S+ \(New-HiApiVideoTask\)$'
        (Get-EmulatorRequests 'get').userAgent | Should -Match '\(Get-HiApiTask\)$'
    }

    It 'fails the session when a Get- cmdlet sent a create' {
        $other = Start-HiApiEmulator
        $fake = [pscustomobject]@{ Emulator = $other; LedgerPath = (Join-Path $TestDrive 'none.jsonl'); SavedEnvironment = @{} }
        $body = '{"model":"happyhorse-1.1/text-to-video","input":{"prompt":"spent by a Get"}}'
        Invoke-RestMethod -Method Post -Uri "$($other.BaseUri)v1/tasks" -Body $body -ContentType 'application/json' `
            -Headers @{ Authorization = "Bearer $($other.ApiKey)" } -UserAgent 'HiApi.Video/0.1.0 (Get-HiApiTask)' | Out-Null

        { Exit-HiApiTestSession $fake } | Should -Throw '*Get- cmdlet sent paid requests*(Get-HiApiTask): 1*'
    }
}
