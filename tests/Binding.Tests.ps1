#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.3.0' }
# How input reaches the cmdlets: storyboard rows read strictly, tasks and ids bound the same way everywhere,
# keys as strings, tab completion. Every case is what a user types or pipes.

BeforeAll {
    $repositoryRoot = Split-Path $PSScriptRoot -Parent
    Import-Module (Join-Path $PSScriptRoot 'HiApiEmulator.psm1') -Force
    $script:testSession = Enter-HiApiTestSession
    $script:emulator = $testSession.Emulator
    Import-Module (Join-Path $repositoryRoot 'HiApi.Video.psd1') -Force

    function Clear-EmulatorRequests { Invoke-HiApiEmulatorControl $emulator 'requests' -Method Delete | Out-Null }
    function Get-CreateRequests { @(Invoke-HiApiEmulatorControl $emulator 'requests' | Where-Object kind -EQ 'create') }
    function ConvertFrom-Storyboard([string[]] $Lines) { $Lines | ConvertFrom-Csv }
}

AfterAll {
    Remove-Module HiApi.Video -ErrorAction SilentlyContinue
    Exit-HiApiTestSession $testSession
}

Describe 'A storyboard cell is never guessed: duration is the price lever' {
    BeforeEach { Clear-EmulatorRequests }

    It 'refuses a Duration cell of <Cell> in the API''s words and sends nothing for that row' -TestCases @(
        @{ Cell = 'abc'; Words = 'duration: got string "abc", want integer' }
        @{ Cell = '3.5'; Words = 'duration: got string "3.5", want integer' }
        @{ Cell = '1e1'; Words = 'duration: got string "1e1", want integer' }
        @{ Cell = '0x0A'; Words = 'duration: got string "0x0A", want integer' }
        @{ Cell = '99999999999'; Words = 'duration: maximum: got 99999999999, want 15' }
        @{ Cell = '2'; Words = 'duration: minimum: got 2, want 3' }
    ) {
        $rows = ConvertFrom-Storyboard 'Prompt,Duration', "good row,3", "bad row,""$Cell""", "another good row,4"
        $tasks = $rows | New-HiApiVideoTask -ErrorVariable failures -ErrorAction SilentlyContinue

        $tasks | Should -HaveCount 2
        ($tasks.Prompt | Sort-Object) | Should -Be @('another good row', 'good row')
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.INVALID_REQUEST,*'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failures[0].Exception.Message | Should -Be "invalid input: $Words"
        $failures[0].TargetObject.Prompt | Should -Be 'bad row'
        (Get-CreateRequests) | Should -HaveCount 2
    }

    It 'reads a plain integer cell with spaces around it' {
        $task = ConvertFrom-Storyboard 'Prompt,Duration', 'padded, 4 ' | New-HiApiVideoTask
        $task.Duration | Should -Be 4
    }

    It 'refuses -Duration 3.5 typed on the command line instead of rounding it to 4' {
        { New-HiApiVideoTask 'rounded?' -Duration 3.5 } | Should -Throw -ErrorId 'ParameterArgumentTransformationError*' -ExpectedMessage '*duration: got number 3.5, want integer*'
        (Get-CreateRequests) | Should -HaveCount 0
    }

    It 'lets a parameter on the command line win over every row''s cell' {
        $tasks = ConvertFrom-Storyboard 'Prompt,Duration', 'draft one,15', 'draft two,12' | New-HiApiVideoTask -Duration 3
        $tasks.Duration | Should -Be @(3, 3)
    }
}

Describe 'A blank storyboard cell means "not given"' {
    It 'submits a storyboard that mixes text rows and image rows, with blank optional cells' {
        $rows = ConvertFrom-Storyboard 'Prompt,ImageUrl,AspectRatio,Resolution,Duration,Model,CallbackUrl',
            'a lighthouse at dawn,,16:9,720p,3,,',
            'she turns and smiles,https://example.com/still.jpg,,,4,,',
            'gulls over the pier,,,,,,'
        $tasks = $rows | New-HiApiVideoTask -ErrorVariable failures
        $failures | Should -HaveCount 0
        $tasks | Should -HaveCount 3
        ($tasks | Where-Object ImageUrl).Model | Should -Be 'happyhorse-1.1/image-to-video'
        ($tasks | Where-Object Prompt -EQ 'gulls over the pier').Duration | Should -BeNullOrEmpty
        ($tasks | Where-Object Prompt -EQ 'gulls over the pier').AspectRatio | Should -BeNullOrEmpty
    }

    It 'reads hashtables as rows too, with the API''s own spellings' {
        $task = @{ prompt = 'a hashtable row'; aspect_ratio = '9:16'; Duration = 3 } | New-HiApiVideoTask
        $task.AspectRatio | Should -Be '9:16'
        $task.Duration | Should -Be 3
    }

    It 'treats a blank prompt cell as no prompt, and refuses a typed prompt of white space' {
        ConvertFrom-Storyboard 'Prompt,Duration', '"   ",3' | New-HiApiVideoTask -ErrorVariable blank -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $blank[0].Exception.Message | Should -Be 'invalid input: prompt: missing required field "prompt"'

        New-HiApiVideoTask "  `t " -Duration 3 -ErrorVariable spaces -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $spaces[0].Exception.Message | Should -Be 'invalid input: prompt: must contain text, not only white space'
    }
}

Describe 'Which input a problem is about' {
    BeforeEach { Clear-EmulatorRequests }
    AfterEach { Invoke-HiApiEmulatorControl $emulator 'config' -Method Put -Body @{ latencyMs = 0 } | Out-Null }

    It 'warns about a misspelt column once, and names the field it probably meant' {
        $rows = ConvertFrom-Storyboard 'Prompt,Durations,Scene', 'first shot,3,1', 'second shot,4,2'
        $rows | New-HiApiVideoTask -WhatIf -WarningVariable warned -WarningAction SilentlyContinue | Out-Null

        $warned | Should -HaveCount 1 -Because 'Scene is an ordinary extra column, and Durations is reported once, not per row'
        "$($warned[0])" | Should -Match "'Durations'.*did you mean 'Duration'"
    }

    It 'does not warn about a near name when the command line gives the field' {
        $rows = ConvertFrom-Storyboard 'Prompt,Durations', 'first shot,5'
        $rows | New-HiApiVideoTask -Duration 3 -WhatIf -WarningVariable warned -WarningAction SilentlyContinue | Out-Null
        $warned | Should -HaveCount 0 -Because '-Duration 3 is what is paid for, not the model''s default'
    }

    It 'does not warn about a near name when the row also has the field itself' {
        @{ Prompt = 'x'; Duration = 3; Prompts = 'notes' } | New-HiApiVideoTask -WhatIf -WarningVariable warned -WarningAction SilentlyContinue | Out-Null
        $warned | Should -HaveCount 0
    }

    It 'refuses piped prompts together with -Prompt instead of paying for copies of one prompt' {
        $tasks = 'a', 'b' | New-HiApiVideoTask -Prompt 'x' -Duration 3 -ErrorVariable failures -ErrorAction SilentlyContinue
        $tasks | Should -BeNullOrEmpty
        $failures | Should -HaveCount 2
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.PromptGivenTwice,*'
        "$($failures[1])" | Should -Match "^Input 2: the piped text 'b' and -Prompt 'x'"
        Get-CreateRequests | Should -HaveCount 0
    }

    It 'names the row of a refused input by its number and prompt, before the API''s words' {
        $rows = ConvertFrom-Storyboard 'Prompt,Duration', 'good one,3', 'good two,3', 'the bad one,99'
        $rows | New-HiApiVideoTask -WhatIf -ErrorVariable failures -ErrorAction SilentlyContinue | Out-Null
        "$($failures[0])" | Should -BeLike "Input 3 ('the bad one'): *duration: maximum: got 99, want 15*"
        $failures[0].Exception.Message | Should -Not -Match '^Input' -Because 'the exception keeps the API''s own words'
    }

    It 'with -ErrorAction Stop, lets the submissions in flight finish and record their tasks before the error reaches the caller' {
        Invoke-HiApiEmulatorControl $emulator 'config' -Method Put -Body @{ latencyMs = 1500 } | Out-Null
        $rows = ConvertFrom-Storyboard 'Prompt,Duration', 'stop good one,3', 'stop good two,3', 'stop bad,99', 'never sent,3'
        $caught = $null
        try { $rows | New-HiApiVideoTask -ErrorAction Stop | Out-Null } catch { $caught = $_ }
        finally { Invoke-HiApiEmulatorControl $emulator 'config' -Method Put -Body @{ latencyMs = 0 } | Out-Null }

        $caught.FullyQualifiedErrorId | Should -BeLike 'HiApi.INVALID_REQUEST,*'
        # The emulator logs a request when its answer starts: right after the catch, only answered creates are here.
        Get-CreateRequests | Should -HaveCount 2 -Because 'both good rows were in flight, and were answered before the catch ran; the row after the bad one was never sent'
        $known = @(Get-HiApiTask | Where-Object Prompt -Like 'stop good*')
        $known | Should -HaveCount 2
        $known.TaskId | Should -Not -Contain $null
    }
}

Describe 'A local file is not an image URL' {
    It 'refuses a piped FileInfo with a clear error and sends nothing' {
        Clear-EmulatorRequests
        $picture = Join-Path $TestDrive 'still.jpg'
        Set-Content -Path $picture -Value 'not really a jpeg'
        Get-ChildItem $picture | New-HiApiVideoTask -ErrorVariable failure -ErrorAction SilentlyContinue | Should -BeNullOrEmpty

        $failure | Should -HaveCount 1
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.LocalFileNotSupported,*'
        $failure[0].TargetObject.FullName | Should -Be $picture
        "$($failure[0])" | Should -Match 'https URL'
        (Get-CreateRequests) | Should -HaveCount 0
    }
}

Describe 'Every cmdlet that takes a task takes an object, an id, positionally and from the pipeline' {
    BeforeAll {
        $script:done = New-HiApiVideoTask 'binding checks' -Duration 3 | Wait-HiApiTask -PollIntervalSeconds 0.2
    }

    It 'Get-HiApiTask reads a task object positionally (not its string form)' {
        Clear-EmulatorRequests
        (Get-HiApiTask $done).TaskId | Should -Be $done.TaskId
        $paths = @(Invoke-HiApiEmulatorControl $emulator 'requests').path
        $paths | Should -Not -Match 'Success'
    }

    It 'Get-HiApiTask reads an id positionally, piped, and an object with TaskId' {
        (Get-HiApiTask $done.TaskId).TaskId | Should -Be $done.TaskId
        ($done.TaskId | Get-HiApiTask).TaskId | Should -Be $done.TaskId
        ([pscustomobject]@{ TaskId = $done.TaskId } | Get-HiApiTask).TaskId | Should -Be $done.TaskId
    }

    It 'Wait-HiApiTask takes a task positionally and an id from the pipeline' {
        (Wait-HiApiTask $done -PollIntervalSeconds 0.2).TaskId | Should -Be $done.TaskId
        ($done.TaskId | Wait-HiApiTask -PollIntervalSeconds 0.2).Prompt | Should -Be 'binding checks'
    }

    It 'Save-HiApiVideo takes a task positionally and an id from the pipeline' {
        $first = Save-HiApiVideo $done (Join-Path $TestDrive 'positional')
        $first.TaskId | Should -Be $done.TaskId
        $second = $done.TaskId | Save-HiApiVideo -Path (Join-Path $TestDrive 'piped-id')
        $second.Name | Should -Be "$($done.TaskId).mp4"
    }

    It 'Save-HiApiVideo takes a positional folder after a pipe, like Export-Csv' {
        Push-Location $TestDrive
        try {
            $files = @($done, $done.TaskId) | Save-HiApiVideo ./after-pipe
            $files | Should -HaveCount 1 -Because 'the same task twice is saved once'
            $files[0].FullName | Should -Be (Join-Path $TestDrive 'after-pipe' "$($done.TaskId).mp4")
            $second = Save-HiApiVideo $done.TaskId ./two-positionals
            $second.Directory.Name | Should -Be 'two-positionals'
        }
        finally { Pop-Location }
    }

    It 'Save-HiApiVideo with no task at all says how to give one instead of prompting' {
        { Save-HiApiVideo -Path $TestDrive -ErrorAction Stop } | Should -Throw -ErrorId 'HiApi.NoTaskGiven,*'
    }

    It 'takes the files Save-HiApiVideo wrote back, by their TaskId' {
        $file = $done | Save-HiApiVideo -Path (Join-Path $TestDrive 'roundtrip')
        ($file | Get-HiApiTask).TaskId | Should -Be $done.TaskId
    }

    It 'says what is wrong with an input that is not a task' {
        Get-HiApiTask -Task ([datetime]::Now) -ErrorVariable failure -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.InvalidTaskInput,*'
        "$($failure[0])" | Should -Match 'TaskId'
    }

    It 'Get-HiApiTask with no argument lists the ledger''s tasks without a request, like Get-Job' {
        Clear-EmulatorRequests
        $known = Get-HiApiTask
        $known.TaskId | Should -Contain $done.TaskId
        (Invoke-HiApiEmulatorControl $emulator 'requests') | Should -HaveCount 0
    }

    It 're-reads a task captured before it finished, and says it failed, not "wait for it"' {
        $queued = New-HiApiVideoTask 'this one fails [[fail]]' -Duration 3
        $queued | Wait-HiApiTask -PollIntervalSeconds 0.2 -ErrorAction SilentlyContinue | Out-Null
        $queued.Status | Should -Be 'Queued'

        $queued | Save-HiApiVideo -Path (Join-Path $TestDrive 'stale') -ErrorVariable failure -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.NotReady,*'
        "$($failure[0])" | Should -Match "Task $($queued.TaskId) failed \("
        "$($failure[0])" | Should -Not -Match 'wait for it'
    }
}

Describe 'A number given as text is read one way, in every culture' {
    BeforeAll {
        # Every parameter that takes money, a size or fractional seconds: PowerShell alone reads '0,5' as 5.
        $script:fractional = foreach ($command in Get-Command -Module HiApi.Video -CommandType Cmdlet) {
            foreach ($parameter in $command.Parameters.Values) {
                $type = [Nullable]::GetUnderlyingType($parameter.ParameterType) ?? $parameter.ParameterType
                if ($type -in [decimal], [double], [single], [long]) { [pscustomobject]@{ Command = $command.Name; Parameter = $parameter } }
            }
        }
    }

    It 'finds the parameters to check' {
        $fractional.Count | Should -BeGreaterOrEqual 9
        "$($fractional | ForEach-Object { "$($_.Command) -$($_.Parameter.Name)" })" | Should -BeLike '*New-HiApiVideoTask -MaxCostUsd*'
    }

    It 'gives every one of them the one rule: ''0,5'' is refused at binding, before the command runs' {
        foreach ($each in $fractional) {
            $each.Parameter.Attributes.TypeId.Name | Should -Contain 'PlainNumberAttribute' -Because "$($each.Command) -$($each.Parameter.Name)"
            $arguments = @{ $each.Parameter.Name = '0,5' }
            { & $each.Command @arguments -ErrorAction Stop } |
                Should -Throw -ErrorId 'ParameterArgumentTransformationError,*' -Because "$($each.Command) -$($each.Parameter.Name) '0,5'"
        }
    }

    It 'reads ''0.5'' as text as the number it is' {
        $seen = Wait-HiApiTask -Task 'tk-hiapi-NOTHING' -PollIntervalSeconds '0.5' -TimeoutSeconds 1 -ErrorAction SilentlyContinue -ErrorVariable failed
        $failed | Should -Not -BeNullOrEmpty -Because 'the task does not exist: what matters is that -PollIntervalSeconds bound'
        $failed[0].FullyQualifiedErrorId | Should -Not -BeLike 'ParameterArgument*'
    }
}

Describe 'The key' {
    It 'may be given as a plain string as well as a SecureString' {
        $saved = $env:HIAPI_API_KEY
        Remove-Item Env:HIAPI_API_KEY
        try {
            (New-HiApiVideoTask 'plain string key' -Duration 3 -ApiKey $emulator.ApiKey).TaskId | Should -Match '^tk-hiapi-'
            (New-HiApiVideoTask 'secure key' -Duration 3 -ApiKey (ConvertTo-SecureString $emulator.ApiKey -AsPlainText -Force)).TaskId | Should -Match '^tk-hiapi-'
        }
        finally {
            $env:HIAPI_API_KEY = $saved
        }
    }
}

Describe 'Tab completion' {
    It 'completes -TaskId from the ledger, newest first, with the prompt as the tooltip' {
        $task = New-HiApiVideoTask 'completion target' -Duration 3
        $line = "Get-HiApiTask -TaskId $($task.TaskId.Substring(0, 12))"
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        $match = $completions | Where-Object CompletionText -EQ $task.TaskId
        $match | Should -Not -BeNullOrEmpty
        $match.ToolTip | Should -Match 'completion target'
        $completions | Where-Object CompletionText -Like '*.ps1' | Should -BeNullOrEmpty
    }

    It 'completes -Duration with 3..15' {
        $line = 'New-HiApiVideoTask -Prompt x -Duration '
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        $completions.CompletionText | Should -Be (3..15 | ForEach-Object { "$_" })
    }

    It 'completes -Resolution and -AspectRatio from their value sets' {
        $line = 'New-HiApiVideoTask -Prompt x -Resolution '
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Sort-Object | Should -Be @('1080p', '720p')
        $line = 'New-HiApiVideoTask -Prompt x -AspectRatio 9'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Sort-Object | Should -Be @('9:16', '9:21')
    }
}

Describe 'Paths' {
    It 'refuses a path on another provider instead of writing into the process directory' {
        $task = New-HiApiVideoTask 'env drive' -Duration 3 | Wait-HiApiTask -PollIntervalSeconds 0.2
        { $task | Save-HiApiVideo -Path Env:/HIAPI_TEST_X } | Should -Throw -ErrorId 'HiApi.NotFileSystemPath*'
        Test-Path (Join-Path ([Environment]::CurrentDirectory) 'HIAPI_TEST_X') | Should -BeFalse
    }
}
