#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.3.0' }
# Callbacks: parsing webhook bodies, the listener, de-duplication, the sweeper, and forged callbacks.

BeforeAll {
    $repositoryRoot = Split-Path $PSScriptRoot -Parent
    Import-Module (Join-Path $PSScriptRoot 'HiApiEmulator.psm1') -Force
    $script:testSession = Enter-HiApiTestSession -Setting @{ QueuedMs = 100; HandlingMs = 300; ArchivingMs = 100; CallbackDeliveries = 2 }
    $script:emulator = $testSession.Emulator
    $script:ledgerPath = $testSession.LedgerPath
    Import-Module (Join-Path $repositoryRoot 'HiApi.Video.psd1') -Force

    function Set-EmulatorTimings([int] $HandlingMs) {
        Invoke-HiApiEmulatorControl $emulator 'config' -Method Put -Body @{ handlingMs = $HandlingMs } | Out-Null
    }

    $script:wrappedBody = '{"code":200,"data":{"taskId":"tk-hiapi-01KW3DTESTWRAPPED0000000000","model":"happyhorse-1.1/image-to-video","status":"success","output":[{"type":"video","url":"https://temp.hiapi.ai/x/01KW.mp4","expireAt":1783131245}]},"message":"success"}'
    $script:bareBody = '{"taskId":"tk-hiapi-01KW3DTESTBARE000000000000","status":"fail","error":{"code":"generation_failed","message":"no"}}'
}

AfterAll {
    Remove-Module HiApi.Video -ErrorAction SilentlyContinue
    Exit-HiApiTestSession $testSession
}

Describe 'ConvertFrom-HiApiCallback' {
    It 'reads the wrapped {code,data} shape' {
        $task = ConvertFrom-HiApiCallback -Body $wrappedBody
        $task.TaskId | Should -Be 'tk-hiapi-01KW3DTESTWRAPPED0000000000'
        $task.Status | Should -Be 'Success'
        $task.VideoUrl | Should -Be 'https://temp.hiapi.ai/x/01KW.mp4'
        $task.ExpiresAt | Should -Be ([DateTimeOffset]::FromUnixTimeSeconds(1783131245))
    }

    It 'reads the bare shape, from the pipeline' {
        $task = $bareBody | ConvertFrom-HiApiCallback
        $task.Status | Should -Be 'Fail'
        $task.Error.Code | Should -Be 'generation_failed'
    }

    It 'reads bytes and an already-parsed object' {
        (ConvertFrom-HiApiCallback -Body ([Text.Encoding]::UTF8.GetBytes($wrappedBody))).Status | Should -Be 'Success'
        ($wrappedBody | ConvertFrom-Json | ConvertFrom-HiApiCallback).TaskId | Should -Be 'tk-hiapi-01KW3DTESTWRAPPED0000000000'
        (ConvertFrom-HiApiCallback -Body ($bareBody | ConvertFrom-Json -AsHashtable)).Status | Should -Be 'Fail'
    }

    It 'reports a malformed body as an error, not a crash' {
        ConvertFrom-HiApiCallback -Body '<html>not json</html>' -ErrorVariable failure -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failure | Should -HaveCount 1
    }

    It 'with -Verify, refuses a task id the ledger does not know and fetches nothing' {
        Invoke-HiApiEmulatorControl $emulator 'requests' -Method Delete | Out-Null
        ConvertFrom-HiApiCallback -Body $wrappedBody -Verify -ErrorVariable failure -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failure[0].CategoryInfo.Category | Should -Be 'SecurityError'
        @(Invoke-HiApiEmulatorControl $emulator 'requests') | Should -HaveCount 0
    }

    It 'with -Verify, trusts the API and not the body for a known task' {
        $task = New-HiApiVideoTask 'verify me' -Duration 3 | Wait-HiApiTask -PollIntervalSeconds 0.2
        $forged = @{ code = 200; data = @{ taskId = $task.TaskId; status = 'success'; output = @(@{ type = 'video'; url = 'https://evil.example/steal.mp4'; expireAt = 1999999999 }) } } | ConvertTo-Json -Depth 5
        $verified = ConvertFrom-HiApiCallback -Body $forged -Verify
        $verified.VideoUrl | Should -Not -Match 'evil'
        $verified.VideoUrl | Should -Be $task.VideoUrl
    }
}

Describe 'Receive-HiApiCallback' {
    BeforeAll {
        $script:port = Get-HiApiFreePort
        $script:prefix = "http://127.0.0.1:$port/hooks/hiapi/"
    }

    It 'writes each task once as its callback arrives, although every callback comes twice' {
        Set-EmulatorTimings -HandlingMs 2500
        try {
            $tasks = 1..3 | ForEach-Object { "callback clip $_" } | New-HiApiVideoTask -Duration 3 -CallbackUrl $prefix
            $received = $tasks | Receive-HiApiCallback -Prefix $prefix -TimeoutSeconds 30 -SweepAfterSeconds 120
        }
        finally { Set-EmulatorTimings -HandlingMs 300 }
        $received | Should -HaveCount 3
        ($received.TaskId | Sort-Object) | Should -Be ($tasks.TaskId | Sort-Object)
        $received.Prompt | Should -Contain 'callback clip 2'
        # The second delivery of the last task may still be on its way when the receiver has what it needs.
        $deadline = [DateTime]::UtcNow.AddSeconds(15)
        do {
            $deliveries = @(Invoke-HiApiEmulatorControl $emulator 'callbacks' | Where-Object { $_.taskId -in $tasks.TaskId })
        } while ($deliveries.Count -lt 6 -and [DateTime]::UtcNow -lt $deadline -and -not (Start-Sleep -Milliseconds 200))
        $deliveries.Count | Should -Be 6
    }

    It 'sweeps a task whose callback never comes' {
        $tasks = 'no callback one', 'no callback two' | New-HiApiVideoTask -Duration 3
        $received = $tasks | Receive-HiApiCallback -Prefix $prefix -TimeoutSeconds 30 -SweepAfterSeconds 1 -SweepIntervalSeconds 1
        ($received.TaskId | Sort-Object) | Should -Be ($tasks.TaskId | Sort-Object)
    }

    It 'ends with HiApi.Configuration, naming the port and how to find who holds it, when the port is taken' {
        $holder = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $holder.Start()
        try {
            $busy = $holder.LocalEndpoint.Port
            $failure = { Receive-HiApiCallback -Prefix "http://127.0.0.1:$busy/hooks/hiapi/" -TimeoutSeconds 5 } |
                Should -Throw -ErrorId 'HiApi.Configuration,*' -PassThru
        }
        finally { $holder.Stop() }
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failure.Exception | Should -BeOfType HiApi.Client.HiApiException
        "$failure" | Should -Match "is listening on port $busy"
        $howToFind = if ($IsWindows) { 'Get-NetTCPConnection' } elseif ($IsMacOS) { 'lsof -nP' } else { 'ss -ltnp' }
        "$failure" | Should -Match ([regex]::Escape($howToFind))
    }

    It 'takes a callback whose Host is the public name a proxy or tunnel passes on' {
        $task = New-HiApiVideoTask 'through a tunnel' -Duration 3 | Wait-HiApiTask -PollIntervalSeconds 0.2
        $body = "{""taskId"":""$($task.TaskId)"",""status"":""success""}"
        $job = Start-ThreadJob -ArgumentList $port, $body -ScriptBlock {
            param($port, $body)
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while ((Invoke-WebRequest -Uri "http://127.0.0.1:$port/warm-up/" -Method Post -Body '{}' -SkipHttpErrorCheck -ErrorAction SilentlyContinue).StatusCode -ne 404) {
                if ([DateTime]::UtcNow -gt $deadline) { throw 'the listener did not start' }
                Start-Sleep -Milliseconds 100
            }
            # What Caddy, cloudflared or ngrok send by default: the public Host, not 127.0.0.1.
            Invoke-WebRequest -Method Post -Uri "http://127.0.0.1:$port/hooks/hiapi/" -Headers @{ Host = 'hooks.example.com' } -Body $body -ContentType 'application/json' -SkipHttpErrorCheck |
                Select-Object -ExpandProperty StatusCode
        }
        # By id and without the ledger: a task known to have succeeded would be written at once, without its callback.
        $received = $task.TaskId | Receive-HiApiCallback -Prefix $prefix -NoLedger -TimeoutSeconds 20 -SweepAfterSeconds 300
        $status = $job | Wait-Job -Timeout 30 | Receive-Job
        $job | Remove-Job -Force
        $status | Should -Be 200
        $received.TaskId | Should -Be $task.TaskId
    }

    It 'ignores a forged callback and fetches nothing for it' {
        Invoke-HiApiEmulatorControl $emulator 'requests' -Method Delete | Out-Null
        $job = Start-ThreadJob -ArgumentList $prefix -ScriptBlock {
            param($hook)
            # Until the listener is up (a wrong path answers 404): a fixed sleep raced a busy machine.
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while ((Invoke-WebRequest -Uri ($hook -replace 'hooks/hiapi/$', 'warm-up/') -Method Post -Body '{}' -SkipHttpErrorCheck -ErrorAction SilentlyContinue).StatusCode -ne 404) {
                if ([DateTime]::UtcNow -gt $deadline) { throw 'the listener did not start' }
                Start-Sleep -Milliseconds 100
            }
            $body = '{"taskId":"tk-hiapi-FORGED0000000000000000000","status":"success","output":[{"type":"video","url":"https://evil.example/x.mp4","expireAt":1999999999}]}'
            Invoke-WebRequest -Method Post -Uri $hook -Body $body -ContentType 'application/json' -SkipHttpErrorCheck | Select-Object -ExpandProperty StatusCode
        }
        $received = Receive-HiApiCallback -Prefix $prefix -TimeoutSeconds 10 -WarningVariable warnings -WarningAction SilentlyContinue
        $status = $job | Wait-Job -Timeout 30 | Receive-Job
        $job | Remove-Job -Force
        $status | Should -Be 200
        $received | Should -BeNullOrEmpty
        "$warnings" | Should -Match 'FORGED'
        @(Invoke-HiApiEmulatorControl $emulator 'requests' | Where-Object path -Match 'FORGED') | Should -HaveCount 0
    }
}

Describe 'Signed callbacks' {
    BeforeAll {
        $script:signingKey = "whsec_pester_$([guid]::NewGuid().ToString('n'))"
        $script:secureKey = ConvertTo-SecureString $signingKey -AsPlainText -Force
        $script:signedPort = Get-HiApiFreePort
        $script:signedPrefix = "http://127.0.0.1:$signedPort/hooks/hiapi/"

        # What HiAPI sends with a webhook signing key: hex(HMAC-SHA256(key, "<timestamp>.<raw body>")).
        function New-SignedCallback {
            param(
                [Parameter(Mandatory)] [string] $TaskId,
                [string] $Key = $signingKey,
                [long] $Timestamp = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
            )
            $body = '{"code":200,"data":{"taskId":"' + $TaskId + '","status":"success","output":[{"type":"video","url":"https://temp.hiapi.ai/signed/' +
                $TaskId + '.mp4","expireAt":1999999999}]},"message":"success"}'
            $hmac = [System.Security.Cryptography.HMACSHA256]::new([Text.Encoding]::UTF8.GetBytes($Key))
            try { $signature = [Convert]::ToHexString($hmac.ComputeHash([Text.Encoding]::UTF8.GetBytes("$Timestamp.$body"))).ToLowerInvariant() }
            finally { $hmac.Dispose() }
            [pscustomobject]@{
                Body      = $body
                Timestamp = "$Timestamp"
                Signature = $signature
                Headers   = @{ 'X-HiAPI-Timestamp' = "$Timestamp"; 'X-HiAPI-Signature' = $signature }
            }
        }
        function Get-EmulatorRequestsFor([string] $TaskId) {
            @(Invoke-HiApiEmulatorControl $emulator 'requests' | Where-Object path -Match $TaskId)
        }
    }

    It 'ConvertFrom-HiApiCallback -Verify trusts a correctly signed body (-Signature, -Timestamp) without a GET' {
        $task = New-HiApiVideoTask 'signed convert' -Duration 3
        $signed = New-SignedCallback $task.TaskId
        Invoke-HiApiEmulatorControl $emulator 'requests' -Method Delete | Out-Null

        $verified = ConvertFrom-HiApiCallback -Body $signed.Body -Verify -WebhookSecret $secureKey -Signature $signed.Signature -Timestamp $signed.Timestamp

        $verified.Status | Should -Be 'Success'
        $verified.VideoUrl | Should -Be "https://temp.hiapi.ai/signed/$($task.TaskId).mp4"
        $verified.Prompt | Should -Be 'signed convert'
        Get-EmulatorRequestsFor $task.TaskId | Should -HaveCount 0
    }

    It 'ConvertFrom-HiApiCallback -Verify refuses a wrong, stale, missing or tampered signature with HiApi.InvalidSignature and fetches nothing' {
        $task = New-HiApiVideoTask 'forged convert' -Duration 3
        $signed = New-SignedCallback $task.TaskId
        $wrongKey = New-SignedCallback $task.TaskId -Key 'whsec_someone_else'
        $stale = New-SignedCallback $task.TaskId -Timestamp ([DateTimeOffset]::UtcNow.AddMinutes(-10).ToUnixTimeSeconds())
        $tampered = $signed.Body.Replace('https://temp.hiapi.ai/', 'https://evil.example/')
        Invoke-HiApiEmulatorControl $emulator 'requests' -Method Delete | Out-Null
        $failures = @()

        ConvertFrom-HiApiCallback -Body $wrongKey.Body -Verify -WebhookSecret $secureKey -Signature $wrongKey.Signature -Timestamp $wrongKey.Timestamp -ErrorVariable +failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        ConvertFrom-HiApiCallback -Body $stale.Body -Verify -WebhookSecret $secureKey -Signature $stale.Signature -Timestamp $stale.Timestamp -ErrorVariable +failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        ConvertFrom-HiApiCallback -Body $signed.Body -Verify -WebhookSecret $secureKey -ErrorVariable +failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        ConvertFrom-HiApiCallback -Body $tampered -Verify -WebhookSecret $secureKey -Signature $signed.Signature -Timestamp $signed.Timestamp -ErrorVariable +failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty

        $failures | Should -HaveCount 4
        foreach ($failure in $failures) {
            $failure.FullyQualifiedErrorId | Should -BeLike 'HiApi.InvalidSignature,*'
            $failure.CategoryInfo.Category | Should -Be 'SecurityError'
            $failure.TargetObject | Should -Be $task.TaskId
        }
        $failures[1].Exception.Message | Should -Match 'away from this computer''s clock'
        $failures[2].Exception.Message | Should -Match 'no X-HiAPI-Signature'
        Get-EmulatorRequestsFor $task.TaskId | Should -HaveCount 0
    }

    It 'ConvertFrom-HiApiCallback finds the signature in a -Header dictionary, and the key in $env:HIAPI_WEBHOOK_SECRET' {
        $task = New-HiApiVideoTask 'signed headers' -Duration 3
        $signed = New-SignedCallback $task.TaskId
        # A framework's collection: case-sensitive keys, lists of values.
        $collection = [System.Collections.Generic.Dictionary[string, string[]]]::new()
        $collection['x-hiapi-timestamp'] = @($signed.Timestamp)
        $collection['x-hiapi-signature'] = @($signed.Signature)
        $env:HIAPI_WEBHOOK_SECRET = $signingKey
        try {
            (ConvertFrom-HiApiCallback -Body $signed.Body -Verify -Header @{ 'X-HIAPI-SIGNATURE' = $signed.Signature; 'x-hiapi-timestamp' = $signed.Timestamp }).Status | Should -Be 'Success'
            (ConvertFrom-HiApiCallback -Body $signed.Body -Verify -Header $collection).VideoUrl | Should -Match 'temp\.hiapi\.ai/signed/'
        }
        finally { Remove-Item Env:HIAPI_WEBHOOK_SECRET }
    }

    It 'ConvertFrom-HiApiCallback reads the body and the signature headers of an HttpListenerRequest (a hand-written listener loop)' {
        $task = New-HiApiVideoTask 'own listener' -Duration 3
        $signed = New-SignedCallback $task.TaskId
        $ownHook = "http://127.0.0.1:$(Get-HiApiFreePort)/own/"
        $listener = [System.Net.HttpListener]::new()
        $listener.Prefixes.Add($ownHook)
        $listener.Start()
        try {
            $job = Start-ThreadJob -ArgumentList $ownHook, $signed -ScriptBlock {
                param($hook, $signed)
                (Invoke-WebRequest -Method Post -Uri $hook -Body $signed.Body -ContentType 'application/json' -Headers $signed.Headers).StatusCode
            }
            $next = $listener.GetContextAsync()
            $next.Wait(30000) | Should -BeTrue
            $verified = ConvertFrom-HiApiCallback -Body $next.Result.Request -Verify -WebhookSecret $secureKey
            $next.Result.Response.Close()

            $job | Wait-Job -Timeout 30 | Receive-Job | Should -Be 200
            $verified.VideoUrl | Should -Be "https://temp.hiapi.ai/signed/$($task.TaskId).mp4"
        }
        finally {
            $listener.Close()
            $job | Remove-Job -Force -ErrorAction SilentlyContinue
        }
    }

    It 'Receive-HiApiCallback -WebhookSecret writes a signed callback''s task without a GET for it, and answers 401 with a warning to an unsigned one' {
        $task = New-HiApiVideoTask 'signed receive' -Duration 3
        $signed = New-SignedCallback $task.TaskId
        Invoke-HiApiEmulatorControl $emulator 'requests' -Method Delete | Out-Null
        $job = Start-ThreadJob -ArgumentList $signedPrefix, $signed -ScriptBlock {
            param($hook, $signed)
            # Until the listener is up (a wrong path answers 404): a fixed sleep raced a busy machine.
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while ((Invoke-WebRequest -Uri ($hook -replace 'hooks/hiapi/$', 'warm-up/') -Method Post -Body '{}' -SkipHttpErrorCheck -ErrorAction SilentlyContinue).StatusCode -ne 404) {
                if ([DateTime]::UtcNow -gt $deadline) { throw 'the listener did not start' }
                Start-Sleep -Milliseconds 100
            }
            $unsigned = Invoke-WebRequest -Method Post -Uri $hook -Body $signed.Body -ContentType 'application/json' -SkipHttpErrorCheck
            $good = Invoke-WebRequest -Method Post -Uri $hook -Body $signed.Body -ContentType 'application/json' -Headers $signed.Headers -SkipHttpErrorCheck
            [pscustomobject]@{ Unsigned = [int] $unsigned.StatusCode; UnsignedBody = "$($unsigned.Content)"; Signed = [int] $good.StatusCode }
        }

        $streams = $task | Receive-HiApiCallback -Prefix $signedPrefix -WebhookSecret $secureKey -TimeoutSeconds 30 -SweepAfterSeconds 300 -Verbose 4>&1 3>&1
        $answers = $job | Wait-Job -Timeout 30 | Receive-Job
        $job | Remove-Job -Force

        $received = @($streams | Where-Object { $_ -is [HiApi.Client.HiApiTask] })
        $warnings = @($streams | Where-Object { $_ -is [System.Management.Automation.WarningRecord] })
        $received | Should -HaveCount 1
        $received[0].VideoUrl | Should -Be "https://temp.hiapi.ai/signed/$($task.TaskId).mp4"
        $received[0].Prompt | Should -Be 'signed receive'
        $answers.Unsigned | Should -Be 401
        $answers.UnsignedBody | Should -Be '{"ok":false,"error":"invalid signature"}'
        $answers.Signed | Should -Be 200
        "$warnings" | Should -Match '127\.0\.0\.1 refused with 401'
        Get-EmulatorRequestsFor $task.TaskId | Should -HaveCount 0
        ($streams | Out-String) | Should -Not -Match $signingKey
    }

    It 'never shows the signing key: not in output, verbose lines, warnings, errors or exceptions' {
        $task = New-HiApiVideoTask 'secret keeper' -Duration 3
        $signed = New-SignedCallback $task.TaskId
        $Error.Clear()

        $everything = & {
            ConvertFrom-HiApiCallback -Body $signed.Body -Verify -WebhookSecret $secureKey -Header $signed.Headers -Verbose
            ConvertFrom-HiApiCallback -Body $signed.Body -Verify -WebhookSecret $secureKey -Signature ('0' * 64) -Timestamp $signed.Timestamp -Verbose -ErrorAction Continue
            ConvertFrom-HiApiCallback -Body ($signed.Body | ConvertFrom-Json) -Verify -WebhookSecret $secureKey -Header $signed.Headers -ErrorAction Continue
        } *>&1 | Out-String -Width 400

        $everything | Should -Match 'InvalidSignature|not signed'
        $everything | Should -Not -Match $signingKey
        $Error | Should -Not -BeNullOrEmpty
        foreach ($record in $Error) {
            "$($record.Exception) $($record.ErrorDetails) $($record.TargetObject)" | Should -Not -Match $signingKey
        }
    }

    It 'Receive-HiApiCallback keeps answering callbacks at once while slow junk connections are open' {
        $tasks = 1..3 | ForEach-Object { New-HiApiVideoTask "junk-proof $_" -Duration 3 }
        $callbacks = $tasks | ForEach-Object { New-SignedCallback $_.TaskId }
        $job = Start-ThreadJob -ArgumentList $signedPort, $signedPrefix, $callbacks -ScriptBlock {
            param($port, $hook, $callbacks)
            $junk = [System.Collections.Generic.List[System.Net.Sockets.TcpClient]]::new()
            try {
                # Wait for the listener; one request to a wrong path also loads the web cmdlets before anything is timed.
                $deadline = [DateTime]::UtcNow.AddSeconds(30)
                while ((Invoke-WebRequest -Uri "http://127.0.0.1:$port/warm-up/" -Method Post -Body '{}' -SkipHttpErrorCheck -ErrorAction SilentlyContinue).StatusCode -ne 404) {
                    if ([DateTime]::UtcNow -gt $deadline) { throw 'the listener did not start' }
                    Start-Sleep -Milliseconds 100
                }
                # 45 connections that never finish: a Host no prefix names with a body that never comes, a head cut
                # short, and silence.
                for ($i = 0; $i -lt 45; $i++) {
                    $client = [System.Net.Sockets.TcpClient]::new()
                    $client.Connect('127.0.0.1', $port)
                    $text = switch ($i % 3) {
                        0 { "POST /hooks/hiapi/ HTTP/1.1`r`nHost: elsewhere.example:$port`r`nContent-Length: 100000`r`n`r`n{" }
                        1 { "POST /hooks/hiapi/ HTTP/1.1`r`nHost: 127.0.0.1:$port`r`nX-Slow: " }
                        default { '' }
                    }
                    if ($text) {
                        $bytes = [Text.Encoding]::ASCII.GetBytes($text)
                        $client.GetStream().Write($bytes, 0, $bytes.Length)
                    }
                    $junk.Add($client)
                }
                foreach ($callback in $callbacks) {
                    $clock = [Diagnostics.Stopwatch]::StartNew()
                    $status = (Invoke-WebRequest -Method Post -Uri $hook -Body $callback.Body -ContentType 'application/json' -Headers $callback.Headers -SkipHttpErrorCheck).StatusCode
                    [pscustomobject]@{ Status = [int] $status; Milliseconds = $clock.ElapsedMilliseconds }
                }
            }
            finally { $junk | ForEach-Object Dispose }
        }

        $received = $tasks | Receive-HiApiCallback -Prefix $signedPrefix -WebhookSecret $secureKey -TimeoutSeconds 60 -SweepAfterSeconds 300
        $answers = @($job | Wait-Job -Timeout 60 | Receive-Job)
        $job | Remove-Job -Force

        ($received.TaskId | Sort-Object) | Should -Be ($tasks.TaskId | Sort-Object)
        $answers | Should -HaveCount 3
        $answers.Status | Should -Be 200, 200, 200
        # Under a second each (xunit measures the p95); a callback stuck behind the junk would wait for a 10 s read
        # deadline, and the margin below that keeps a loaded machine from failing the test.
        $answers.Milliseconds | ForEach-Object { $_ | Should -BeLessThan 5000 }
    }
}
