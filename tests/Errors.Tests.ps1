#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.3.0' }
# What a user sees when something is wrong: clear errors, in the API's words, before any money is spent.

BeforeAll {
    $repositoryRoot = Split-Path $PSScriptRoot -Parent
    Import-Module (Join-Path $PSScriptRoot 'HiApiEmulator.psm1') -Force
    $script:testSession = Enter-HiApiTestSession
    $script:emulator = $testSession.Emulator
    $script:ledgerPath = $testSession.LedgerPath
    Import-Module (Join-Path $repositoryRoot 'HiApi.Video.psd1') -Force

    function Clear-EmulatorRequests { Invoke-HiApiEmulatorControl $emulator 'requests' -Method Delete | Out-Null }
    function Get-EmulatorRequests { @(Invoke-HiApiEmulatorControl $emulator 'requests') }
    function ConvertTo-Secure([string] $Plain) { ConvertTo-SecureString $Plain -AsPlainText -Force }
}

AfterAll {
    Remove-Module HiApi.Video -ErrorAction SilentlyContinue
    Exit-HiApiTestSession $testSession
}

Describe 'Bad input is refused before any request' {
    BeforeEach { Clear-EmulatorRequests }

    It 'rejects a duration outside 3..15 at parameter binding' {
        { New-HiApiVideoTask -Prompt 'too long' -Duration 99 } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
        Get-EmulatorRequests | Should -HaveCount 0
    }

    It 'rejects an aspect ratio the API does not know' {
        { New-HiApiVideoTask -Prompt 'wide' -AspectRatio '2:1' } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
        Get-EmulatorRequests | Should -HaveCount 0
    }

    It 'refuses -AspectRatio with an image and says why: the output follows the image' {
        New-HiApiVideoTask -ImageUrl https://example.com/a.jpg -AspectRatio '16:9' -ErrorVariable failure -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failure | Should -HaveCount 1
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.INVALID_REQUEST,*'
        $failure[0].Exception.Message | Should -Be "invalid input: additional properties 'aspect_ratio' not allowed"
        "$($failure[0])" | Should -Match 'follows the image'
        Get-EmulatorRequests | Should -HaveCount 0
    }

    It 'names the field, in the API''s own words, for an image URL that is not https' {
        New-HiApiVideoTask -ImageUrl 'http://example.com/still.jpg' -ErrorVariable failure -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failure | Should -HaveCount 1
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.INVALID_REQUEST,*'
        $failure[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failure[0].Exception.Message | Should -Be 'invalid input: image_urls/0: value must be an absolute https URL'
        $failure[0].Exception.FieldErrors[0].Field | Should -Be 'image_urls/0'
        Get-EmulatorRequests | Should -HaveCount 0
    }

    It 'refuses a plain-http callback to a remote host' {
        New-HiApiVideoTask -Prompt 'callback' -CallbackUrl 'http://example.com/hook' -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.INVALID_REQUEST,*'
        "$($failure[0])" | Should -Match 'callback\.url'
        Get-EmulatorRequests | Should -HaveCount 0
    }

    It 'sends nothing with -WhatIf: only the public price list is read, for the estimate' {
        $result = New-HiApiVideoTask -Prompt 'just looking' -Duration 15 -WhatIf
        $result | Should -BeNullOrEmpty
        @(Get-EmulatorRequests | Where-Object kind -NE 'pricing') | Should -HaveCount 0
        @(Get-EmulatorRequests | Where-Object hasAuthorization) | Should -HaveCount 0
    }
}

Describe 'A prompt that is a file path' {
    BeforeEach { Clear-EmulatorRequests }

    It 'refuses <Prompt> before any request, names the input, and says how to read the file' -ForEach @(
        @{ Prompt = '/tmp/sb.csv'; Advice = 'Import-Csv /tmp/sb.csv | New-HiApiVideoTask' }
        @{ Prompt = 'C:\clips\storyboard.csv'; Advice = 'Import-Csv C:\clips\storyboard.csv | New-HiApiVideoTask' }
        @{ Prompt = './rows.csv'; Advice = 'Import-Csv ./rows.csv | New-HiApiVideoTask' }
        @{ Prompt = '"C:\My Clips\shots.json"'; Advice = "Get-Content 'C:\My Clips\shots.json' -Raw | ConvertFrom-Json | New-HiApiVideoTask" }
    ) {
        $output = 'a harbour at dawn', $Prompt | New-HiApiVideoTask -Duration 3 -WhatIf -ErrorVariable refused -ErrorAction SilentlyContinue 6>$null

        $output | Should -BeNullOrEmpty
        $refused | Should -HaveCount 1
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.PromptLooksLikePath,*'
        "$($refused[0])" | Should -BeLike "Input 2: the prompt '$($Prompt.Trim())' looks like a file path*nothing was sent*$Advice*-AllowPathLikePrompt*"
        @(Get-EmulatorRequests | Where-Object kind -EQ 'create') | Should -HaveCount 0
    }

    It 'refuses a prompt naming an existing file, resolved against the PowerShell location, and sends it with -AllowPathLikePrompt' {
        $folder = Join-Path $TestDrive 'shots'
        New-Item -ItemType Directory $folder | Out-Null
        Set-Content (Join-Path $folder 'notes.md') 'not a storyboard'
        Push-Location $folder
        try {
            [IO.Directory]::GetCurrentDirectory() | Should -Not -Be $folder -Because 'the process directory is not the PowerShell location'
            New-HiApiVideoTask 'notes.md' -Duration 3 -ErrorVariable refused -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $sent = New-HiApiVideoTask 'notes.md' -Duration 3 -AllowPathLikePrompt
        }
        finally { Pop-Location }

        "$($refused[0])" | Should -BeLike "The prompt 'notes.md' looks like a file path*Get-Content notes.md | New-HiApiVideoTask*"
        $sent.Prompt | Should -Be 'notes.md'
        @(Get-EmulatorRequests | Where-Object kind -EQ 'create') | Should -HaveCount 1
    }

    It 'keeps a description that mentions a file name' {
        $task = New-HiApiVideoTask 'a close-up of a screen showing report.csv in a dark office' -Duration 3
        $task.Prompt | Should -Be 'a close-up of a screen showing report.csv in a dark office'
    }
}

Describe 'An input whose TaskId is empty' {
    BeforeEach { Clear-EmulatorRequests }

    It '<Command> says which input has an empty TaskId and sends nothing' -ForEach @(
        @{ Command = 'Get-HiApiTask' }
        @{ Command = 'Wait-HiApiTask' }
        @{ Command = 'Save-HiApiVideo' }
    ) {
        $inputs = [pscustomobject]@{ TaskId = $null }, @{ TaskId = '' }
        $parameters = @{ ErrorVariable = 'failed'; ErrorAction = 'SilentlyContinue' }
        if ($Command -eq 'Save-HiApiVideo') { $parameters.Path = $TestDrive }

        $inputs | & $Command @parameters | Out-Null

        $failed | Should -HaveCount 2
        "$($failed[0])" | Should -Be 'Input 1: its TaskId is empty, so it names no task. Nothing was sent for it.'
        "$($failed[1])" | Should -Be 'Input 2: its TaskId is empty, so it names no task. Nothing was sent for it.'
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.InvalidTaskInput,*'
        Get-EmulatorRequests | Should -HaveCount 0
    }
}

Describe 'Keys and base URIs' {
    BeforeEach { Clear-EmulatorRequests }

    It 'ends with an error naming both variables when no key is set' {
        $saved = $env:HIAPI_API_KEY
        Remove-Item Env:HIAPI_API_KEY
        try {
            { New-HiApiVideoTask -Prompt 'no key' -Duration 3 } | Should -Throw -ExpectedMessage '*HIAPI_API_KEY*HIAPI_KEY*'
        }
        finally {
            $env:HIAPI_API_KEY = $saved
        }
        Get-EmulatorRequests | Should -HaveCount 0
    }

    It 'falls back to HIAPI_KEY' {
        $saved = $env:HIAPI_API_KEY
        Remove-Item Env:HIAPI_API_KEY
        $env:HIAPI_KEY = $emulator.ApiKey
        try {
            (New-HiApiVideoTask -Prompt 'seed 003 style key' -Duration 3).TaskId | Should -Match '^tk-hiapi-'
        }
        finally {
            $env:HIAPI_API_KEY = $saved
            Remove-Item Env:HIAPI_KEY
        }
    }

    It 'takes a key read with Get-Content, trailing blank line and all' {
        $file = Join-Path $TestDrive 'key.txt'
        [IO.File]::WriteAllText($file, "$($emulator.ApiKey)`r`n`r`n")
        (New-HiApiVideoTask -Prompt 'key from a file' -Duration 3 -ApiKey (Get-Content $file)).TaskId | Should -Match '^tk-hiapi-'
        (New-HiApiVideoTask -Prompt 'key from a raw file' -Duration 3 -ApiKey (Get-Content $file -Raw)).TaskId | Should -Match '^tk-hiapi-'
    }

    It 'refuses a key with a line break inside with a plain HiApi.Configuration error that names its source, not the key' {
        $file = Join-Path $TestDrive 'two-keys.txt'
        [IO.File]::WriteAllText($file, "sk-test-secret-one`r`nsk-test-secret-two`r`n")
        $saved = $env:HIAPI_API_KEY
        try {
            $fromParameter = { New-HiApiVideoTask -Prompt 'two lines' -Duration 3 -ApiKey (Get-Content $file) } | Should -Throw -ErrorId 'HiApi.Configuration,*' -PassThru
            $env:HIAPI_API_KEY = "sk-test-secret-one`r`nsk-test-secret-two"
            $fromVariable = { Get-HiApiTask -TaskId 'tk-hiapi-x' } | Should -Throw -ErrorId 'HiApi.Configuration,*' -PassThru
        }
        finally {
            $env:HIAPI_API_KEY = $saved
        }
        foreach ($failure in $fromParameter, $fromVariable) {
            $failure.Exception | Should -BeOfType HiApi.Client.HiApiException
            $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
            "$failure" | Should -Match 'line break inside'
            "$failure" | Should -Not -Match 'secret|\(Parameter'
        }
        "$fromParameter" | Should -Match '-ApiKey'
        "$fromVariable" | Should -Match 'HIAPI_API_KEY'
        Get-EmulatorRequests | Should -HaveCount 0
    }

    It 'takes the SDKs'' base URL, ending in /v1, as the root' {
        $saved = $env:HIAPI_BASE_URL
        try {
            $task = New-HiApiVideoTask -Prompt 'sdk base url' -Duration 3 -BaseUri "$($emulator.BaseUri.TrimEnd('/'))/v1"
            $env:HIAPI_BASE_URL = "$($emulator.BaseUri.TrimEnd('/'))/v1/"
            (Get-HiApiTask $task.TaskId).TaskId | Should -Be $task.TaskId
        }
        finally {
            $env:HIAPI_BASE_URL = $saved
        }
        Get-EmulatorRequests | ForEach-Object Path | Should -Not -Match '/v1/v1'
    }

    It 'refuses plain http to a host that is not loopback' {
        { Get-HiApiTask -TaskId 'tk-hiapi-x' -BaseUri 'http://api.example.com' } | Should -Throw -ExpectedMessage '*https*'
    }

    It 'answers 401 permission_denied for a key that may not use the model' {
        New-HiApiVideoTask -ImageUrl https://example.com/a.jpg -ApiKey (ConvertTo-Secure 'sk-test-text-only') -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.permission_denied,*'
        $failure[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $failure[0].Exception.StatusCode | Should -Be 401
    }

    It 'answers 402 when the balance cannot cover duration x price' {
        New-HiApiVideoTask -Prompt 'too expensive' -Duration 15 -ApiKey (ConvertTo-Secure 'sk-test-low-balance') -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].Exception.StatusCode | Should -Be 402
        $failure[0].CategoryInfo.Category | Should -Be 'QuotaExceeded'
    }

    It 'never shows the key in any stream or error' {
        $secret = 'sk-test-emulator'
        $everything = & {
            New-HiApiVideoTask -Prompt 'leak check' -Duration 3 -Verbose -Debug:$false | Wait-HiApiTask -PollIntervalSeconds 0.2 -Verbose
            New-HiApiVideoTask -ImageUrl https://example.com/a.jpg -ApiKey (ConvertTo-Secure 'sk-test-text-only') -Verbose
            Get-HiApiTask -TaskId 'tk-hiapi-doesnotexist' -Verbose
        } *>&1 | Out-String -Width 500
        $everything | Should -Not -BeNullOrEmpty
        $everything | Should -Not -Match ([regex]::Escape($secret))
        $everything | Should -Not -Match 'sk-test-text-only'
    }
}

Describe 'Text that can leave the console' {
    It 'writes errors, their advice, warnings and verbose lines in ASCII, so a log in any code page keeps them' {
        # Windows writes redirected output in the console's code page, where ..., x and | survive and Unicode
        # ellipses, multiplication signs and middle dots become '?'.
        $long = 'a lighthouse at dawn, seen from the harbour wall, gulls circling above the lamp'
        $everything = & {
            New-HiApiVideoTask $long -Duration 15 -ApiKey (ConvertTo-Secure 'sk-test-low-balance') -Verbose
            [pscustomobject]@{ Prompt = $long; Duration = 99 }, [pscustomobject]@{ Prompt = 'fine'; Durations = 3 } | New-HiApiVideoTask -Verbose
            Get-HiApiTask -TaskId 'tk-hiapi-doesnotexist' -Verbose
        } *>&1
        $texts = foreach ($record in $everything) {
            if ($record -is [System.Management.Automation.ErrorRecord]) {
                "$record"; $record.Exception.Message; $record.ErrorDetails.RecommendedAction
            }
            elseif ($record -is [System.Management.Automation.InformationalRecord]) { $record.Message }
        }
        @($everything | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }).Count | Should -BeGreaterOrEqual 3
        @($everything | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }).Count | Should -BeGreaterOrEqual 1
        "$texts" | Should -Match 'duration x price'
        "$texts" | Should -Match ([regex]::Escape("Input 1 ('$($long.Substring(0, 29))...')"))
        foreach ($text in $texts | Where-Object { $_ }) {
            $text | Should -Match '^[\x00-\x7F]*$' -Because "'$text' leaves the console"
        }
    }
}

Describe 'Failures after submission' {
    It 'turns a failed task into a non-terminating error that carries the task and the API code' {
        $tasks = 'fine clip', 'broken clip [[fail]]' | New-HiApiVideoTask -Duration 3
        $done = $tasks | Wait-HiApiTask -PollIntervalSeconds 0.2 -ErrorVariable failure -ErrorAction SilentlyContinue
        $done | Should -HaveCount 1
        $done.Prompt | Should -Be 'fine clip'
        $failure | Should -HaveCount 1
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.TaskFailed,*'
        # Tasks come out in the order HiAPI created them, not the input order: find the broken one by its prompt.
        $broken = $tasks | Where-Object Prompt -Like 'broken clip*'
        $failure[0].TargetObject.TaskId | Should -Be $broken.TaskId
        $failure[0].Exception.ErrorCode | Should -Be 'generation_failed'
        "$($failure[0])" | Should -Match $broken.TaskId
    }

    It 'names the task and its last status on timeout' {
        Invoke-HiApiEmulatorControl $emulator 'config' -Method Put -Body @{ handlingMs = 20000 } | Out-Null
        try {
            $task = New-HiApiVideoTask 'slow render' -Duration 3
            $task | Wait-HiApiTask -TimeoutSeconds 1 -PollIntervalSeconds 0.2 -ErrorVariable failure -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
        finally {
            Invoke-HiApiEmulatorControl $emulator 'config' -Method Put -Body @{ handlingMs = 300 } | Out-Null
        }
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.Timeout,*'
        "$($failure[0])" | Should -Match $task.TaskId
        "$($failure[0])" | Should -Match '(?i)queued|handling'
    }

    It 'says clearly that a task is not finished yet when saving too early' {
        # A long render: Save re-reads an unfinished task, and a busy machine must not find it already done.
        Invoke-HiApiEmulatorControl $emulator 'config' -Method Put -Body @{ handlingMs = 20000 } | Out-Null
        try {
            $task = New-HiApiVideoTask 'not yet' -Duration 3
            $task | Save-HiApiVideo -Path (Join-Path $TestDrive 'early') -ErrorVariable failure -ErrorAction SilentlyContinue
        }
        finally {
            Invoke-HiApiEmulatorControl $emulator 'config' -Method Put -Body @{ handlingMs = 300 } | Out-Null
        }
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.NotReady,*'
        Test-Path (Join-Path $TestDrive 'early' "$($task.TaskId).mp4") | Should -BeFalse
    }

    It 'says clearly that the URL expired' {
        Invoke-HiApiEmulatorControl $emulator 'config' -Method Put -Body @{ outputLifetimeSeconds = 1 } | Out-Null
        try {
            $done = New-HiApiVideoTask 'expires fast' -Duration 3 | Wait-HiApiTask -PollIntervalSeconds 0.2
        }
        finally {
            Invoke-HiApiEmulatorControl $emulator 'config' -Method Put -Body @{ outputLifetimeSeconds = 3600 } | Out-Null
        }
        Start-Sleep -Seconds 3
        $done | Save-HiApiVideo -Path (Join-Path $TestDrive 'expired') -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.OutputExpired,*'
        "$($failure[0])" | Should -Match $done.TaskId
        Get-ChildItem (Join-Path $TestDrive 'expired') -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'reports an unknown task id as not found' {
        Get-HiApiTask -TaskId 'tk-hiapi-00000000000000000000000000' -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failure[0].Exception.StatusCode | Should -Be 404
    }
}

Describe 'A server that echoes the key' {
    # HiAPI was sent the key, so a hostile or broken server can repeat it anywhere: as the API's error code (which the
    # FullyQualifiedErrorId is built from), in its message, in the reason phrase. A loopback server that does all three.
    BeforeAll {
        $script:echoKey = 'sk-live-ECHOED-0123456789abcdefXYZ'
        $probe = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
        $script:echoUri = "http://127.0.0.1:$port"
        $script:echoListener = [Net.HttpListener]::new()
        $echoListener.Prefixes.Add("$echoUri/")
        $echoListener.Start()
        $script:echoServer = Start-ThreadJob -ArgumentList $echoListener -ScriptBlock {
            param($listener)
            while ($listener.IsListening) {
                try { $context = $listener.GetContext() } catch { break }
                $auth = "$($context.Request.Headers['Authorization'])"
                $key = $auth -replace '^Bearer ', ''
                $body = if ($context.Request.HttpMethod -eq 'POST') {
                    $context.Response.StatusCode = 400
                    @{ code = 400; data = $null; error_code = $key; message = "your header was: $auth" } | ConvertTo-Json -Compress
                }
                else {
                    $context.Response.StatusCode = 401
                    @{ error = @{ code = $auth; message = "echo $key"; type = 'hiapi_error' } } | ConvertTo-Json -Compress
                }
                $context.Response.StatusDescription = "Refused $auth"
                $bytes = [Text.Encoding]::UTF8.GetBytes($body)
                $context.Response.ContentType = 'application/json'
                $context.Response.OutputStream.Write($bytes, 0, $bytes.Length)
                $context.Response.Close()
            }
        }
    }

    AfterAll {
        $echoListener.Stop(); $echoListener.Close()
        $echoServer | Wait-Job -Timeout 10 | Out-Null
        $echoServer | Remove-Job -Force
    }

    It 'shows the key in no error record, id, stream or ledger line, and names the error by its kind' {
        $ledger = Join-Path ([IO.Path]::GetTempPath()) "echo-ledger-$([guid]::NewGuid().ToString('n')).jsonl"
        $savedLedger = $env:HIAPI_LEDGER_PATH
        $env:HIAPI_LEDGER_PATH = $ledger
        try {
            $records = & {
                New-HiApiVideoTask -Prompt 'echo me' -Duration 3 -BaseUri $echoUri -ApiKey (ConvertTo-Secure $echoKey) -Verbose
                Get-HiApiTask -TaskId 'tk-hiapi-echo' -BaseUri $echoUri -ApiKey (ConvertTo-Secure $echoKey) -Verbose
            } *>&1
        }
        finally {
            $env:HIAPI_LEDGER_PATH = $savedLedger
        }

        $errors = @($records | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $errors | Should -HaveCount 2
        # The API's code is the echoed key (redacted): not a plain identifier, so the id carries the kind.
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.InvalidRequest,*'
        $errors[1].FullyQualifiedErrorId | Should -BeLike 'HiApi.Unauthorized,*'
        $errors[0].Exception.ErrorCode | Should -Be 'sk-...redacted'
        $texts = foreach ($record in $records) {
            $record | Out-String -Width 500
            if ($record -is [System.Management.Automation.ErrorRecord]) {
                "$record"; $record.FullyQualifiedErrorId; $record.Exception.ToString(); $record.Exception.ErrorCode
                $record.ErrorDetails.Message; $record.ErrorDetails.RecommendedAction; "$($record.TargetObject)"
            }
        }
        if (Test-Path $ledger) { $texts += Get-ChildItem "$ledger*" | Get-Content -Raw }
        $everything = $texts -join "`n"
        $everything | Should -Match 'sk-\.\.\.redacted'
        # The exact key, not a pattern: a pattern could miss it.
        $everything.Contains($echoKey, [StringComparison]::OrdinalIgnoreCase) | Should -BeFalse
        $everything.Contains($echoKey.Substring(8, 12), [StringComparison]::OrdinalIgnoreCase) | Should -BeFalse
        Remove-Item "$ledger*" -Force -ErrorAction SilentlyContinue
    }
}
