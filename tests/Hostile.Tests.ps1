#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.3.0' }
# A broken or hostile server, a broken disk: what only a PowerShell host shows. One bad task is one
# non-terminating HiApi.* error record, the others go on, and a dead API costs seconds, not minutes.

BeforeAll {
    $repositoryRoot = Split-Path $PSScriptRoot -Parent
    Import-Module (Join-Path $PSScriptRoot 'HiApiEmulator.psm1') -Force
    $script:testSession = Enter-HiApiTestSession
    $script:emulator = $testSession.Emulator
    Import-Module (Join-Path $repositoryRoot 'HiApi.Video.psd1') -Force

    function Set-Emulator([hashtable] $Setting) { Invoke-HiApiEmulatorControl $emulator 'config' -Method Put -Body $Setting | Out-Null }
    function Add-PlantedTask([hashtable] $Task) { Invoke-HiApiEmulatorControl $emulator 'tasks' -Method Post -Body $Task | Out-Null }
}

AfterAll {
    Remove-Module HiApi.Video -ErrorAction SilentlyContinue
    Exit-HiApiTestSession $testSession
}

Describe 'An API that stops answering' {
    AfterEach { Set-Emulator @{ hangRate = 0 } }

    It 'ends Wait-HiApiTask -TimeoutSeconds 3 after about 3 s, with a timeout error that names the task' {
        $task = New-HiApiVideoTask 'then silence' -Duration 3
        Set-Emulator @{ hangRate = 1 }
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $task | Wait-HiApiTask -TimeoutSeconds 3 -PollIntervalSeconds 0.5 -ErrorVariable failure -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $watch.Stop()

        $watch.Elapsed.TotalSeconds | Should -BeLessThan 8
        $failure | Should -HaveCount 1
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.Timeout,*'
        $failure[0].TargetObject.TaskId | Should -Be $task.TaskId
    }
}

Describe 'One poisoned task does not stop the others' {
    It 'writes the healthy tasks and one non-terminating error for a task whose status is empty' {
        Add-PlantedTask @{ taskId = 'tk-hiapi-POISONBLANKSTATUS'; status = '' }
        $good = New-HiApiVideoTask 'healthy neighbour' -Duration 3

        # The empty status is polled until the timeout; 8 s leave a busy machine time to finish the healthy one.
        $done = 'tk-hiapi-POISONBLANKSTATUS', $good.TaskId | Wait-HiApiTask -TimeoutSeconds 8 -PollIntervalSeconds 0.2 -ErrorVariable failure -ErrorAction SilentlyContinue
        $done.TaskId | Should -Be $good.TaskId
        $failure | Should -HaveCount 1
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.*'
        $failure[0].TargetObject.TaskId | Should -Be 'tk-hiapi-POISONBLANKSTATUS'
    }

    It 'goes on through Get-HiApiTask -Pending when the ledger holds a task the server now reports with an empty status' {
        Add-PlantedTask @{ taskId = 'tk-hiapi-POISONINLEDGER'; status = '' }
        $good = New-HiApiVideoTask 'pending neighbour' -Duration 3
        # The ledger knows the poisoned task as if this machine had submitted it.
        $line = @{ taskId = 'tk-hiapi-POISONINLEDGER'; model = 'happyhorse-1.1/text-to-video'; prompt = 'poison'; status = 'queued'; submittedAt = [DateTimeOffset]::UtcNow.ToString('o'); updatedAt = [DateTimeOffset]::UtcNow.ToString('o') } | ConvertTo-Json -Compress
        Add-Content -Path $env:HIAPI_LEDGER_PATH -Value $line

        $pending = Get-HiApiTask -Pending -ErrorVariable failure -ErrorAction SilentlyContinue
        $pending.TaskId | Should -Contain $good.TaskId
        $pending.TaskId | Should -Contain 'tk-hiapi-POISONINLEDGER'
        $failure | Where-Object { $_.Exception -isnot [HiApi.Client.HiApiException] -and $_.FullyQualifiedErrorId -notlike 'HiApi.*' } | Should -BeNullOrEmpty
        ($pending | Where-Object TaskId -EQ 'tk-hiapi-POISONINLEDGER').Status | Should -Be 'Unknown'
    }

    It 'saves a task whose id is too long for a file name under a shortened name' {
        $id = 'tk-hiapi-' + ('L' * 400)
        $good = New-HiApiVideoTask 'long id neighbour' -Duration 3 | Wait-HiApiTask -PollIntervalSeconds 0.2
        Add-PlantedTask @{ taskId = $id; status = 'success'; output = @(@{ type = 'video'; url = $good.VideoUrl; expireAt = $good.ExpiresAt.ToUnixTimeSeconds() }) }

        $files = $id | Save-HiApiVideo -Path (Join-Path $TestDrive 'long') -ErrorVariable failure
        $failure | Should -HaveCount 0
        $files.TaskId | Should -Be $id
        [Text.Encoding]::UTF8.GetByteCount($files.Name) | Should -BeLessOrEqual 255
    }
}

Describe 'A disk that refuses' {
    It 'is a non-terminating HiApi.FileSystem error per task, and every task is attempted' {
        $tasks = 'disk one', 'disk two' | New-HiApiVideoTask -Duration 3 | Wait-HiApiTask -PollIntervalSeconds 0.2
        $blocker = Join-Path $TestDrive 'not-a-folder'
        Set-Content -Path $blocker -Value 'a file where the folder should go'

        $tasks | Save-HiApiVideo -Path (Join-Path $blocker 'clips') -ErrorVariable failure -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failure | Should -HaveCount 2
        $failure | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'HiApi.FileSystem,*' }
        ($failure.TargetObject.TaskId | Sort-Object) | Should -Be ($tasks.TaskId | Sort-Object)
        (Get-HiApiTask -Pending).TaskId | Should -Contain $tasks[0].TaskId
    }
}

Describe 'Storage that serves something else' {
    AfterEach { Set-Emulator @{ storageServesHtml = $false } }

    It 'saves nothing and records nothing when storage answers with an HTML page' {
        $task = New-HiApiVideoTask 'captive portal' -Duration 3 | Wait-HiApiTask -PollIntervalSeconds 0.2
        Set-Emulator @{ storageServesHtml = $true }
        $folder = Join-Path $TestDrive 'portal'

        $task | Save-HiApiVideo -Path $folder -ErrorVariable failure -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.InvalidVideo,*'
        Get-ChildItem $folder -Force -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        (Get-HiApiTask -Pending).TaskId | Should -Contain $task.TaskId
    }
}

Describe 'Advice is given once' {
    It 'says what to do about a 401 once, not twice' {
        New-HiApiVideoTask -ImageUrl https://example.com/a.jpg -ApiKey 'sk-test-text-only' -ErrorVariable failure -ErrorAction SilentlyContinue
        $shown = $failure[0] | Get-Error | Out-String -Width 300
        ([regex]::Matches($shown, 'Check the API key')).Count | Should -Be 1
    }
}
