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

    function Get-FreePort {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
    }
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
        $script:port = Get-FreePort
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

    It 'ignores a forged callback and fetches nothing for it' {
        Invoke-HiApiEmulatorControl $emulator 'requests' -Method Delete | Out-Null
        $job = Start-ThreadJob -ArgumentList $prefix -ScriptBlock {
            param($hook)
            Start-Sleep -Milliseconds 1500
            $body = '{"taskId":"tk-hiapi-FORGED0000000000000000000","status":"success","output":[{"type":"video","url":"https://evil.example/x.mp4","expireAt":1999999999}]}'
            Invoke-WebRequest -Method Post -Uri $hook -Body $body -ContentType 'application/json' -SkipHttpErrorCheck | Select-Object -ExpandProperty StatusCode
        }
        $received = Receive-HiApiCallback -Prefix $prefix -TimeoutSeconds 5 -WarningVariable warnings -WarningAction SilentlyContinue
        $status = $job | Wait-Job -Timeout 30 | Receive-Job
        $job | Remove-Job -Force
        $status | Should -Be 200
        $received | Should -BeNullOrEmpty
        "$warnings" | Should -Match 'FORGED'
        @(Invoke-HiApiEmulatorControl $emulator 'requests' | Where-Object path -Match 'FORGED') | Should -HaveCount 0
    }
}
