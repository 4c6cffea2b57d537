#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.3.0' }
# Start-HiApiMock / Stop-HiApiMock: the offline stand-in shipped with the module, as a user's test uses it. The last
# Describe is issue 21's "done when": the packaged module installed into a temporary module path, a fresh pwsh that
# has only that package (and Pester), and the README's user-style Pester file run against the stand-in.

BeforeAll {
    $script:repositoryRoot = Split-Path $PSScriptRoot -Parent
    Import-Module (Join-Path $PSScriptRoot 'HiApiEmulator.psm1') -Force
    Import-Module (Join-Path $repositoryRoot 'HiApi.Video.psd1') -Force

    # What the user's own settings would be: a real-looking key, the real API, a real ledger. None may be used.
    $script:variables = 'HIAPI_BASE_URL', 'HIAPI_API_KEY', 'HIAPI_KEY', 'HIAPI_LEDGER_PATH', 'HIAPI_LEDGER', 'HIAPI_WEBHOOK_SECRET'
    $script:saved = @{}
    foreach ($name in $variables) { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }
    $script:realLedger = Join-Path $TestDrive 'real-ledger.jsonl'
    $script:userEnvironment = @{
        HIAPI_BASE_URL       = 'https://api.hiapi.ai'
        HIAPI_API_KEY        = 'sk-users-real-key-0123456789abcdef'
        HIAPI_KEY            = 'sk-users-other-key-0123456789abcdef'
        HIAPI_LEDGER_PATH    = $realLedger
        HIAPI_LEDGER         = $null
        HIAPI_WEBHOOK_SECRET = 'whsec-users-real-secret'
    }
    function Set-UserEnvironment {
        foreach ($name in $userEnvironment.Keys) { [Environment]::SetEnvironmentVariable($name, $userEnvironment[$name]) }
    }
    function Get-Environment {
        $now = [ordered]@{}
        foreach ($name in $variables) { $now[$name] = [Environment]::GetEnvironmentVariable($name) }
        $now
    }
}

AfterAll {
    Stop-HiApiMock -WarningAction SilentlyContinue
    Remove-Module HiApi.Video -ErrorAction SilentlyContinue
    foreach ($name in $variables) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
}

Describe 'Start-HiApiMock makes the module talk to the stand-in' {
    BeforeEach {
        Set-UserEnvironment
        $script:mock = Start-HiApiMock -FailPrompt '*dragon*'
    }
    AfterEach { Stop-HiApiMock -WarningAction SilentlyContinue }

    It 'writes where it listens, its own key and its own ledger' {
        $mock.BaseUri.ToString() | Should -Match '^http://127\.0\.0\.1:\d+/$'
        $mock.ApiKey | Should -Match '^sk-mock-[0-9a-f]{24}$'
        $mock.LedgerPath | Should -Not -Be $realLedger
        $mock.IsRunning | Should -BeTrue
        $env:HIAPI_BASE_URL | Should -Be $mock.BaseUri.ToString()
        $env:HIAPI_API_KEY | Should -Be $mock.ApiKey
        $env:HIAPI_KEY | Should -BeNullOrEmpty
        $env:HIAPI_WEBHOOK_SECRET | Should -BeNullOrEmpty -Because 'the stand-in signs nothing unless told to'
    }

    It 'a pipeline saves valid MP4 files, reports the failing prompt, and every request is recorded' {
        $clips = Join-Path $TestDrive 'clips'
        $out = & { 'a lighthouse at dawn', 'a dragon made of smoke' | New-HiApiVideoTask -Duration 3 | Wait-HiApiTask | Save-HiApiVideo -Path $clips } 2>&1

        $files = @($out | Where-Object { $_ -is [IO.FileInfo] })
        $errors = @($out | Where-Object { $_ -is [Management.Automation.ErrorRecord] })
        $files | Should -HaveCount 1
        [Text.Encoding]::ASCII.GetString([IO.File]::ReadAllBytes($files[0].FullName), 4, 4) | Should -Be 'ftyp'
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.TaskFailed*'
        $errors[0].TargetObject.Prompt | Should -Be 'a dragon made of smoke'
        ($mock.Requests | Where-Object Kind -EQ 'create').Prompt | Sort-Object | Should -Be 'a dragon made of smoke', 'a lighthouse at dawn'
        ($mock.Requests | Where-Object Kind -EQ 'download').TaskId | Should -Be $files[0].TaskId
        $mock.Tasks.Status | Sort-Object | Should -Be 'fail', 'success'
    }

    It 'never sends the user''s key or reaches the real API, even when a script names them' {
        $task = New-HiApiVideoTask 'a fox' -Duration 3 -ApiKey 'sk-users-real-key-0123456789abcdef' -BaseUri 'https://api.hiapi.ai' -Verbose 4>&1 |
            ForEach-Object { if ($_ -is [Management.Automation.VerboseRecord]) { $script:verbose += @("$_") } else { $_ } }

        # The stand-in accepts only its own key: a create made with the user's key would have been a 401.
        $task.TaskId | Should -Be $mock.Tasks[0].TaskId
        $verbose -join "`n" | Should -Match 'Start-HiApiMock is running: -BaseUri and -ApiKey are not used'
        $verbose -join "`n" | Should -Not -Match 'sk-users-real-key'
    }

    It 'uses a ledger of its own: the user''s ledger is never touched' {
        New-HiApiVideoTask 'a fox' -Duration 3 | Out-Null

        Test-Path $realLedger | Should -BeFalse
        (Get-HiApiTask).Prompt | Should -Be 'a fox'
        Get-Content $mock.LedgerPath -Raw | Should -Match 'a fox'
    }

    It 'refuses a second stand-in and keeps the first one working' {
        { Start-HiApiMock } | Should -Throw -ErrorId 'HiApi.MockAlreadyRunning*'

        (New-HiApiVideoTask 'still here' -Duration 3).TaskId | Should -Be $mock.Tasks[0].TaskId
        $env:HIAPI_BASE_URL | Should -Be $mock.BaseUri.ToString()
    }

    It 'Wait-HiApiTask polls the stand-in every 0.1 s unless told otherwise, not every 5 s' {
        $mock.Options.RenderTime = [TimeSpan]::FromSeconds(1)
        $task = New-HiApiVideoTask 'a slow pan' -Duration 3 | Wait-HiApiTask

        $task.Status | Should -Be 'Success'
        # At the real API's 5 s the first read, 5 s after submission, would already see success: one GET.
        @($mock.Requests | Where-Object Kind -EQ 'get').Count | Should -BeGreaterThan 1
    }

    It 'a stand-in stopped behind the module''s back is reported, not a refused connection' {
        $mock.Stop()

        { New-HiApiVideoTask 'a fox' -Duration 3 -ErrorAction Stop } | Should -Throw -ErrorId 'HiApi.MockStopped*'
    }
}

Describe 'Stop-HiApiMock puts everything back' {
    It 'restores every variable exactly, deletes the temporary ledger, and stops listening' {
        Set-UserEnvironment
        $before = Get-Environment
        $mock = Start-HiApiMock
        New-HiApiVideoTask 'a fox' -Duration 3 | Out-Null
        $ledgerFolder = Split-Path $mock.LedgerPath

        Stop-HiApiMock

        (Get-Environment).GetEnumerator() | ForEach-Object { $_.Value | Should -Be $before[$_.Key] -Because $_.Key }
        $env:HIAPI_LEDGER | Should -BeNullOrEmpty -Because 'a variable that was not set is not set afterwards'
        Test-Path $ledgerFolder | Should -BeFalse
        $mock.IsRunning | Should -BeFalse
        { [Net.Sockets.TcpClient]::new('127.0.0.1', $mock.BaseUri.Port) } | Should -Throw
    }

    It 'keeps a ledger the user chose with -LedgerPath' {
        $chosen = Join-Path $TestDrive 'chosen.jsonl'
        Start-HiApiMock -LedgerPath $chosen | Out-Null
        New-HiApiVideoTask 'kept' -Duration 3 | Out-Null
        Stop-HiApiMock

        Get-Content $chosen -Raw | Should -Match 'kept'
    }

    It 'a temporary ledger folder that cannot be made fails the start cleanly: nothing is left claimed or running' {
        # The temporary folder is a file: no folder can be made under it (TMPDIR on Linux and macOS, TMP/TEMP on Windows).
        $notAFolder = Join-Path $TestDrive 'not-a-folder'
        Set-Content $notAFolder 'x'
        $manifest = Join-Path $repositoryRoot 'HiApi.Video.psd1'
        $json = Invoke-HiApiChildPwsh @"
Import-Module '$manifest'
try { Start-HiApiMock | Out-Null; `$started = 'started' } catch { `$started = `$_.FullyQualifiedErrorId }
Stop-HiApiMock -WarningVariable warned -WarningAction SilentlyContinue
[pscustomobject]@{ Started = `$started; Warned = "`$warned"; BaseUri = "`$env:HIAPI_BASE_URL" } | ConvertTo-Json
"@ -Environment @{ TMPDIR = $notAFolder; TMP = $notAFolder; TEMP = $notAFolder; HIAPI_BASE_URL = 'https://api.hiapi.ai' }
        $result = $json | ConvertFrom-Json

        $result.Started | Should -BeLike 'HiApi.FileSystem*'
        $result.Warned | Should -Be 'No HiAPI stand-in is running in this process: there is nothing to stop.'
        $result.BaseUri | Should -Be 'https://api.hiapi.ai'
    }

    It 'says so when nothing is running' {
        Stop-HiApiMock -WarningVariable warned -WarningAction SilentlyContinue
        "$warned" | Should -Be 'No HiAPI stand-in is running in this process: there is nothing to stop.'
    }

    It 'a script that re-imports or removes the module does not end it: nothing reaches the real API mid-test' {
        Set-UserEnvironment
        $mock = Start-HiApiMock
        Import-Module (Join-Path $repositoryRoot 'HiApi.Video.psd1') -Force
        $task = New-HiApiVideoTask 'after a re-import' -Duration 3
        Remove-Module HiApi.Video
        Import-Module (Join-Path $repositoryRoot 'HiApi.Video.psd1')

        $mock.IsRunning | Should -BeTrue
        $task.TaskId | Should -Be $mock.Tasks[0].TaskId
        $env:HIAPI_BASE_URL | Should -Be $mock.BaseUri.ToString()
        Stop-HiApiMock
        $env:HIAPI_BASE_URL | Should -Be 'https://api.hiapi.ai'
    }
}

Describe 'The stand-in''s options' {
    AfterEach { Stop-HiApiMock -WarningAction SilentlyContinue }

    It '-RefuseCreate answers the next creates with those statuses, as the module reports them' {
        Start-HiApiMock -RefuseCreate 402, 403 | Out-Null

        { New-HiApiVideoTask 'a fox' -Duration 3 -ErrorAction Stop } | Should -Throw -ErrorId 'HiApi.INSUFFICIENT_BALANCE*'
        { New-HiApiVideoTask 'a fox' -Duration 3 -ErrorAction Stop } | Should -Throw -ErrorId 'HiApi.forbidden*'
        (New-HiApiVideoTask 'a fox' -Duration 3).Status | Should -Be 'Queued'
    }

    It '-BalanceUsd refuses what the balance cannot cover, at -PricePerSecondUsd' {
        Start-HiApiMock -BalanceUsd 0.1 -PricePerSecondUsd 0.02 | Out-Null

        New-HiApiVideoTask 'fits' -Duration 5 | Out-Null
        { New-HiApiVideoTask 'too dear' -Duration 3 -ErrorAction Stop } | Should -Throw -ErrorId 'HiApi.INSUFFICIENT_BALANCE*'
    }

    It '-OutputLifetimeSeconds 0: the video has expired by the time it is saved' {
        Start-HiApiMock -OutputLifetimeSeconds 0 | Out-Null
        $task = New-HiApiVideoTask 'gone' -Duration 3 | Wait-HiApiTask
        while ([DateTimeOffset]::UtcNow -lt $task.ExpiresAt) { Start-Sleep -Milliseconds 50 }

        { $task | Save-HiApiVideo -Path (Join-Path $TestDrive 'expired') -ErrorAction Stop } | Should -Throw -ErrorId 'HiApi.OutputExpired*'
    }

    It '-WebhookSecret signs callbacks, and the session''s Receive-HiApiCallback verifies them' {
        $mock = Start-HiApiMock -WebhookSecret 'whsec-test-secret'
        $prefix = "http://127.0.0.1:$(Get-HiApiFreePort)/hooks/"

        $received = New-HiApiVideoTask 'called back' -Duration 3 -CallbackUrl $prefix | Receive-HiApiCallback -Prefix $prefix -TimeoutSeconds 30

        $received.Status | Should -Be 'Success'
        $mock.Callbacks | Should -HaveCount 1
        $mock.Callbacks[0].Signed | Should -BeTrue
        $mock.Callbacks[0].StatusCode | Should -Be 200
        $mock.Requests | Where-Object Kind -EQ 'get' | Should -BeNullOrEmpty -Because 'a verified signature needs no GET'
    }

    It 'serves the price list without a key' {
        $mock = Start-HiApiMock -PricePerSecondUsd 0.03
        $prices = Invoke-RestMethod "$($mock.BaseUri)api/pricing"

        $prices.data.model_name | Should -Be 'happyhorse-1.1/text-to-video', 'happyhorse-1.1/image-to-video'
        $prices.data.base_usd_value | Should -Be 0.03, 0.03
    }

    It 'a child pwsh follows the session through the environment' {
        $mock = Start-HiApiMock
        $manifest = Join-Path $repositoryRoot 'HiApi.Video.psd1'

        $id = Invoke-HiApiChildPwsh "Import-Module '$manifest'; (New-HiApiVideoTask 'from a child' -Duration 3).TaskId"

        $id.Trim() | Should -Be $mock.Tasks[0].TaskId
        $mock.Tasks[0].Prompt | Should -Be 'from a child'
    }

    It 'shows its request log and tasks in 80 columns' {
        $mock = Start-HiApiMock -FailPrompt '*dragon*'
        'a lighthouse at dawn', 'a dragon made of smoke over the harbour at night' | New-HiApiVideoTask -Duration 3 | Wait-HiApiTask -ErrorAction SilentlyContinue | Out-Null

        foreach ($view in ($mock | Out-String -Width 80), ($mock.Requests | Out-String -Width 80), ($mock.Tasks | Out-String -Width 80)) {
            $view -split '\r?\n' | Where-Object Length -GT 80 | Should -BeNullOrEmpty
        }
        $mock.Requests | Out-String -Width 80 | Should -Match "create\s+200\s+'a lighthouse at dawn'"
        $mock.Tasks | Out-String -Width 80 | Should -Match 'fail\s+3s a dragon made of smoke'
    }
}

Describe 'HiApiTaskFactory for a script''s Pester Mock' {
    It 'resolves in a fresh pwsh right after Import-Module, before any cmdlet ran' {
        $manifest = Join-Path $repositoryRoot 'HiApi.Video.psd1'
        $json = Invoke-HiApiChildPwsh @"
Import-Module '$manifest'
`$task = [HiApi.Client.HiApiTaskFactory]::Create(@{ Status = 'Fail'; Prompt = 'a dragon'; Duration = 3 })
[pscustomobject]@{ Status = "`$(`$task.Status)"; Error = "`$(`$task.Error)"; Prompt = `$task.Prompt } | ConvertTo-Json
"@
        $task = $json | ConvertFrom-Json

        $task.Status | Should -Be 'Fail'
        $task.Error | Should -Be 'generation_failed: the model could not generate a video for this prompt'
        $task.Prompt | Should -Be 'a dragon'
    }

    It 'returns tasks the module''s cmdlets and views accept' {
        function Get-Report { Get-HiApiTask | Where-Object Status -EQ 'Fail' | ForEach-Object Prompt }
        Mock Get-HiApiTask {
            [HiApi.Client.HiApiTaskFactory]::Create(@{ Prompt = 'a lighthouse' })
            [HiApi.Client.HiApiTaskFactory]::Create(@{ Status = 'Fail'; Prompt = 'a dragon' })
        }

        Get-Report | Should -Be 'a dragon'
        Get-HiApiTask | Out-String -Width 80 | Should -Match 'Fail\s+a dragon'
    }
}

Describe 'Issue 21, done when: the README''s Pester file passes in a fresh pwsh that has only the installed package' {
    BeforeAll {
        $script:modules = Join-Path $TestDrive 'modules'
        $script:installed = Install-HiApiPackage -WorkPath $TestDrive -ModulePath $modules -DataPath (Join-Path $TestDrive 'data')

        # The README's "Testing your own scripts" file, as a user copies it.
        $readme = Get-Content (Join-Path $repositoryRoot 'README.md') -Raw
        $block = [regex]::Match($readme, '(?ms)^## Testing your own scripts$.*?^```powershell\r?\n(.*?)^```').Groups[1].Value
        $script:userFile = Join-Path $TestDrive 'user/storyboard.Tests.ps1'
        New-Item -ItemType Directory (Split-Path $userFile) | Out-Null
        Set-Content -LiteralPath $userFile -Value $block

        # The child sees the installed package and the modules that come with pwsh, nothing else; Pester is imported by path.
        $run = @'
$userFile, $pester, $modules = $args[0..2]
$env:PSModulePath = $modules + [IO.Path]::PathSeparator + (Join-Path $PSHOME 'Modules')
Import-Module $pester
$result = Invoke-Pester -Path $userFile -PassThru -Output Detailed
$facts = [pscustomobject]@{
    Result     = "$($result.Result)"
    Passed     = $result.PassedCount
    Failed     = $result.FailedCount
    ModuleBase = (Get-Module HiApi.Video).ModuleBase
    Assemblies = @([AppDomain]::CurrentDomain.GetAssemblies().Location | Where-Object { $_ -like '*HiApi.*' })
    Variables  = "$env:HIAPI_BASE_URL|$env:HIAPI_API_KEY|$env:HIAPI_LEDGER_PATH"
}
'RESULT:' + ($facts | ConvertTo-Json -Compress)
'@
        $script:realLedger = Join-Path $TestDrive 'real-ledger.jsonl'
        $environment = @{
            HIAPI_BASE_URL    = 'https://api.hiapi.ai'
            HIAPI_API_KEY     = 'sk-users-real-key-0123456789abcdef'
            HIAPI_KEY         = $null
            HIAPI_LEDGER_PATH = $realLedger
            HIAPI_LEDGER      = $null
            # The user's own module folders must not supply the module.
            PSModulePath      = $null
        }
        $script:output = Invoke-HiApiChildPwsh $run -ArgumentList $userFile, (Get-Module Pester).Path, $modules -Environment $environment
        $line = ($output -split '\r?\n') | Where-Object { $_.StartsWith('RESULT:') } | Select-Object -Last 1
        $script:facts = $line.Substring('RESULT:'.Length) | ConvertFrom-Json
    }

    It 'every test of the user''s file passes: the CSV pipeline saved to disk, the failing prompt, the re-run, the request log' {
        $facts.Result | Should -Be 'Passed' -Because $output
        $facts.Passed | Should -Be 3
        $facts.Failed | Should -Be 0
        $output | Should -Match 'saves one MP4 per row and reports the row whose render failed'
        $output | Should -Match 'pays for each video once when it runs again'
        $output | Should -Match 'never sends a row the API would refuse'
    }

    It 'the module and the stand-in came from the installed package, and nothing of the user''s was used or changed' {
        $facts.ModuleBase | Should -Be $installed
        $facts.Assemblies | Should -Not -BeNullOrEmpty
        $facts.Assemblies | ForEach-Object { $_ | Should -BeLike "$installed*" }
        Split-Path $facts.Assemblies -Leaf | Sort-Object | Should -Be 'HiApi.Client.dll', 'HiApi.Mock.dll', 'HiApi.Video.dll'
        Test-Path $realLedger | Should -BeFalse
        $facts.Variables | Should -Be "https://api.hiapi.ai|sk-users-real-key-0123456789abcdef|$realLedger"
    }
}
