#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.3.0' }
# Every example a user reads runs as written: each ```powershell block under EXAMPLES in help/*.md, each
# ```powershell block of README.md, and the Pester file of about_HiApi.Video's TESTING YOUR OWN SCRIPTS, in a fresh
# pwsh of its own (Invoke-HiApiChildPwsh) against the local emulator.
# A test fails when its example throws or writes an error record; warnings and output are shown, not judged.
#
# What cannot run literally here is replaced, always the same way, and only this way:
#
#   | in the example                                  | runs as                                                     |
#   |-------------------------------------------------|-------------------------------------------------------------|
#   | tk-hiapi-01KW23VDG2EZ20J7RQH8S67MNC             | the id of a task that succeeded (created first, not saved)  |
#   | tk-hiapi-01KW3D8M4Q6T2ZB9XK7C1RJ5NV             | the id of a task that failed (created first)                |
#   | https://hooks.example.com/<path>                | http://127.0.0.1:<port>/<path>, as the reverse proxy of the |
#   |                                                 | examples forwards it to the listener                        |
#   | port 8080 (':8080/')                            | a free port (the same <port>)                               |
#   | 'sk-...'                                        | the emulator's key                                          |
#   | '<webhook signing key from the HiAPI console>'  | the emulator's webhook signing key                          |
#   | Read-Host -AsSecureString '<prompt>'            | a stand-in Read-Host: the signing key when the prompt says  |
#   |                                                 | "signing key", else the API key, as a SecureString          |
#   | Get-Secret -Name <name>                         | a stand-in Get-Secret: the signing key for a name with      |
#   |                                                 | "Webhook", else the API key, as a SecureString              |
#   | while ($true) around an HttpListener loop       | one round; a background job posts one callback to it        |
#   | ./HiApi.Video.psd1                              | the repository's manifest                                   |
#   | ./clips, ./takes, files, the current folder     | a folder of the test's own in TestDrive (the child's        |
#   |                                                 | location), and $HOME is a folder in TestDrive too           |
#   | storyboard.csv, task-ids.txt, submitted.csv,    | written into that folder first: New-HiApiVideoTask's        |
#   | callback.json, prompts.txt (read, not written)  | Example 5 storyboard, the succeeded task's id and body      |
#   | $tasks, $body (used, never assigned)            | two tasks just submitted with a callback to <port>; the     |
#   |                                                 | succeeded task's callback body                              |
#   | a whole Pester file (a top-level Describe)      | saved as example.Tests.ps1 and run by Invoke-Pester (this   |
#   |                                                 | suite's Pester); it passes when every one of its tests does |
#
# Every example gets its own task ledger, a copy of one that knows the two tasks above. https://example.com image
# URLs stay as they are: the emulator does not fetch them. Examples that cannot run here at all are listed in
# $NotRunnable with the reason, which the skipped test prints.

BeforeDiscovery {
    $repositoryRoot = Split-Path $PSScriptRoot -Parent

    # Examples that genuinely cannot run on this machine, by "<page>: <title>".
    $NotRunnable = @{
        'ConvertFrom-HiApiCallback: Example 5: Verify callbacks in a Pode route'                 = 'needs the Pode module, which is not installed here, and runs a web server until stopped'
        'ConvertFrom-HiApiCallback: Example 6: Verify a signed callback from a framework''s headers' = 'a Pode route: needs the Pode module and a running Pode server'
        'Receive-HiApiCallback: Example 5: Keep a receiver running for every session'             = 'runs until Ctrl+C by design (no expected tasks, no -Count, no -TimeoutSeconds)'
        'README: Install (1)'                                                                     = 'builds the whole solution (the suite runs after that build)'
        'README: Install (2)'                                                                     = 'registers a repository and installs into the user''s module folder; tests/Packaging.Tests.ps1 runs the same steps in isolation'
        'New-HiApiVideoTask: Example 17: Continue the run that was cut off, without naming it'     = 'continues a run that was cut off, which needs one first (here it writes its NothingToResume error): tests/Batches.Tests.ps1 (case 1) cuts one and resumes it'
        'README: Batches (2)'                                                                     = 'continues a run that was cut off, which needs one first: tests/Batches.Tests.ps1 (case 1) cuts one and resumes it'
        'README: Many machines (1)'                                                               = 'needs three remoting hosts and a file share; tests/Batches.Tests.ps1 shards a batch over local processes the same way'
    }

    function Get-FencedBlock([string[]] $Lines, [string] $Info) {
        $blocks = @()
        $body = $null
        foreach ($line in $Lines) {
            if ($line -match '^```') {
                if ($null -eq $body) { $body = [System.Collections.Generic.List[string]]::new(); $current = $line.Substring(3).Trim() }
                else { if ($current -eq $Info) { $blocks += , ($body -join "`n") }; $body = $null }
            }
            elseif ($null -ne $body) { $body.Add($line) }
        }
        , $blocks
    }

    $examples = [System.Collections.Generic.List[hashtable]]::new()
    foreach ($page in Get-ChildItem (Join-Path $repositoryRoot 'help') -Filter *.md) {
        $text = Get-Content $page.FullName -Raw
        if ($text -notmatch '(?ms)^## EXAMPLES\r?\n(.*?)^## PARAMETERS') { continue }
        $section = $Matches[1] -split '\r?\n'
        $title = $null
        $lines = @()
        foreach ($line in @($section) + '### <end>') {
            if ($line -match '^### (.+)$') {
                if ($title) {
                    $code = (Get-FencedBlock $lines 'powershell') -join "`n`n"
                    $name = "$($page.BaseName): $title"
                    $examples.Add(@{ Name = $name; Code = $code; Skip = $NotRunnable[$name] })
                }
                $title = $Matches[1].Trim()
                $lines = @()
            }
            else { $lines += $line }
        }
    }

    # README: every ```powershell block, named after the heading above it (numbered when a heading has several).
    $heading = 'Introduction'
    $count = @{}
    $inBlock = $false
    $body = $null
    foreach ($line in Get-Content (Join-Path $repositoryRoot 'README.md')) {
        if (-not $inBlock -and $line -match '^#{2,3} (.+)$') { $heading = $Matches[1].Trim(); continue }
        if ($line -match '^```') {
            if (-not $inBlock) { $inBlock = $true; $info = $line.Substring(3).Trim(); $body = @(); continue }
            $inBlock = $false
            if ($info -eq 'powershell') {
                $count[$heading] = 1 + [int] $count[$heading]
                $examples.Add(@{ Name = "README: $heading ($($count[$heading]))"; Code = $body -join "`n"; Skip = $null })
            }
            continue
        }
        if ($inBlock) { $body += $line }
    }
    foreach ($example in $examples) {
        if ($example.Name.StartsWith('README: ')) { $example.Skip = $NotRunnable[$example.Name] }
    }
    # about_HiApi.Video: the complete Pester file of TESTING YOUR OWN SCRIPTS (the first block indented 8 spaces).
    $about = Get-Content (Join-Path $repositoryRoot 'help/en-US/about_HiApi.Video.help.txt')
    $start = [array]::IndexOf($about, 'TESTING YOUR OWN SCRIPTS')
    $block = [System.Collections.Generic.List[string]]::new()
    foreach ($line in $about[($start + 1)..($about.Count - 1)]) {
        if ($line -match '^ {8}') { $block.Add($line) }
        elseif ($block.Count -gt 0 -and $line -eq '') { $block.Add($line) }
        elseif ($block.Count -gt 0) { break }
    }
    $examples.Add(@{ Name = 'about_HiApi.Video: TESTING YOUR OWN SCRIPTS'; Code = ($block | ForEach-Object { $_ -replace '^ {8}', '' }) -join "`n"; Skip = $null })
    # To run some of them only: $env:HIAPI_EXAMPLE_FILTER = '*Get-HiApiTask*' (a -like pattern on the test name).
    if ($env:HIAPI_EXAMPLE_FILTER) {
        $examples = @($examples | Where-Object { $_.Name -like $env:HIAPI_EXAMPLE_FILTER })
    }
}

BeforeAll {
    $script:repositoryRoot = Split-Path $PSScriptRoot -Parent
    Import-Module (Join-Path $PSScriptRoot 'HiApiEmulator.psm1') -Force
    # Tasks end 3.2 s after submission: after a listener started in the same pipeline is up, before the first poll.
    $script:testSession = Enter-HiApiTestSession -Setting @{ QueuedMs = 2500; HandlingMs = 500; ArchivingMs = 200 }
    $script:emulator = $testSession.Emulator
    $script:manifest = Join-Path $repositoryRoot 'HiApi.Video.psd1'
    $script:signingKey = 'whsec-examples-test-signing-key'
    Import-Module $manifest -Force

    # The two tasks the placeholder ids stand for, recorded in a ledger every example starts from.
    $script:seedLedger = Join-Path $TestDrive 'seed-ledger.jsonl'
    $env:HIAPI_LEDGER_PATH = $seedLedger
    $script:succeeded = New-HiApiVideoTask 'a vintage paper plane gliding above neon Tokyo at night' -Duration 8 -Resolution 1080p |
        Wait-HiApiTask -PollIntervalSeconds 0.5
    $script:failed = New-HiApiVideoTask 'a dragon made of smoke [[fail]]' -Duration 3 |
        Wait-HiApiTask -PollIntervalSeconds 0.5 -ErrorAction SilentlyContinue -ErrorVariable failure
    $failed = (Get-HiApiTask -Task $failure[0].TargetObject.TaskId)
    $env:HIAPI_LEDGER_PATH = $testSession.LedgerPath
    $succeeded.Status | Should -Be 'Success'
    $failed.Status | Should -Be 'Fail'

    $answer = Invoke-WebRequest -Uri "$($emulator.BaseUri.TrimEnd('/'))/v1/tasks/$($succeeded.TaskId)" -Headers @{ Authorization = "Bearer $($emulator.ApiKey)" }
    $script:callbackBody = $answer.Content

    # Run in the child before the example: the stand-ins and the variables of the table above.
    $script:prelude = @'
param($Manifest, $ApiKey, $SigningKey, $Port, $CallbackBody, $NeedsTasks, $NeedsBody, $PostsCallback, $ExampleFile, $PesterPath)
$ErrorActionPreference = 'Continue'
$PSStyle.OutputRendering = 'PlainText'
Import-Module $Manifest
function Read-Host {
    param([Parameter(Position = 0)] [object] $Prompt, [switch] $AsSecureString)
    $value = if ("$Prompt" -match 'signing key') { $SigningKey } else { $ApiKey }
    if ($AsSecureString) { ConvertTo-SecureString $value -AsPlainText -Force } else { $value }
}
function Get-Secret {
    param([Parameter(Position = 0)] [string] $Name)
    $value = if ($Name -match 'Webhook') { $SigningKey } else { $ApiKey }
    ConvertTo-SecureString $value -AsPlainText -Force
}
if ($NeedsTasks -eq 'True') {
    $tasks = 'a lighthouse at dawn', 'gulls over the pier' |
        New-HiApiVideoTask -Duration 3 -CallbackUrl "http://127.0.0.1:$Port/hooks/hiapi/"
}
if ($NeedsBody -eq 'True') { $body = $CallbackBody }
if ($PostsCallback -eq 'True') {
    # The HiAPI side of an HttpListener loop: one signed callback, sent again until the listener answers.
    $null = Start-ThreadJob -ArgumentList $Port, $CallbackBody, $SigningKey {
        param($Port, $Body, $Key)
        $stamp = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds().ToString()
        $hmac = [System.Security.Cryptography.HMACSHA256]::new([Text.Encoding]::UTF8.GetBytes($Key))
        $signature = [Convert]::ToHexString($hmac.ComputeHash([Text.Encoding]::UTF8.GetBytes("$stamp.$Body"))).ToLowerInvariant()
        $headers = @{ 'X-HiAPI-Timestamp' = $stamp; 'X-HiAPI-Signature' = $signature }
        for ($attempt = 0; $attempt -lt 200; $attempt++) {
            try {
                $null = Invoke-WebRequest -Method Post -Uri "http://127.0.0.1:$Port/hooks/hiapi/" -Body $Body -ContentType 'application/json' -Headers $headers
                break
            }
            catch { Start-Sleep -Milliseconds 100 }
        }
    }
}
'@

    # Runs the example after the prelude; exits 1 with every error record the example wrote, or, for a Pester file,
    # when one of its tests did not pass.
    $script:runner = @'
if ($ExampleFile.EndsWith('.Tests.ps1')) {
    Import-Module $PesterPath
    $result = Invoke-Pester -Path $ExampleFile -PassThru -Output Detailed
    if ($result.Result -ne 'Passed' -or $result.PassedCount -eq 0) {
        [Console]::Error.WriteLine("The Pester file did not pass: $($result.PassedCount) passed, $($result.FailedCount) failed.")
        exit 1
    }
    exit 0
}
$errors = [System.Collections.Generic.List[string]]::new()
try {
    & ([scriptblock]::Create((Get-Content -LiteralPath $ExampleFile -Raw))) 2>&1 | ForEach-Object {
        if ($_ -is [System.Management.Automation.ErrorRecord]) { $errors.Add("$($_.FullyQualifiedErrorId): $_") } else { $_ }
    } | Out-String -Width 200 | Write-Output
}
catch {
    $errors.Add("terminating $($_.FullyQualifiedErrorId): $_")
}
if ($errors.Count -gt 0) {
    [Console]::Error.WriteLine("The example wrote $($errors.Count) error(s):`n" + ($errors -join "`n"))
    exit 1
}
'@

    function Convert-Example([string] $Code, [int] $Port) {
        $Code = $Code.Replace('tk-hiapi-01KW23VDG2EZ20J7RQH8S67MNC', $succeeded.TaskId).
            Replace('tk-hiapi-01KW3D8M4Q6T2ZB9XK7C1RJ5NV', $failed.TaskId).
            Replace('https://hooks.example.com/', "http://127.0.0.1:$Port/").
            Replace(':8080/', ":$Port/").
            Replace("'sk-...'", "'$($emulator.ApiKey)'").
            Replace('<webhook signing key from the HiAPI console>', $signingKey).
            Replace('./HiApi.Video.psd1', "'$manifest'")
        if ($Code -match 'HttpListener\]::new\(\)') {
            $Code = $Code.Replace('while ($true) {', 'for ($round = 0; $round -lt 1; $round++) {')
        }
        $Code
    }

    function New-ExampleFolder {
        $folder = Join-Path $TestDrive ([guid]::NewGuid().ToString('n'))
        New-Item -ItemType Directory -Path $folder, (Join-Path $folder 'home') | Out-Null
        @'
Prompt,ImageUrl,Duration,Resolution,AspectRatio
scene one: a lighthouse at dawn,,3,720p,16:9
scene two: gulls over the pier,,4,720p,9:16
scene three: the keeper turns and waves,https://example.com/keeper.jpg,5,1080p,
'@ | Set-Content (Join-Path $folder 'storyboard.csv')
        $succeeded.TaskId | Set-Content (Join-Path $folder 'task-ids.txt')
        $succeeded | Select-Object TaskId, Prompt, Duration | Export-Csv (Join-Path $folder 'submitted.csv')
        $callbackBody | Set-Content (Join-Path $folder 'callback.json') -NoNewline
        'a calm ocean wave at sunset', 'a paper plane gliding over neon Tokyo at night', 'a dragon made of smoke [[fail]]' |
            Set-Content (Join-Path $folder 'prompts.txt')
        Copy-Item $seedLedger (Join-Path $folder 'ledger.jsonl')
        $folder
    }

    function Invoke-Example([string] $Code) {
        $port = Get-HiApiFreePort
        $folder = New-ExampleFolder
        $converted = Convert-Example $Code $port
        $signed = $converted -match 'WebhookSecret|HIAPI_WEBHOOK_SECRET'
        Invoke-HiApiEmulatorControl $emulator 'config' -Method Put -Body @{ webhookSigningKey = $(if ($signed) { $signingKey } else { '' }) } | Out-Null
        $needsTasks = $converted -match '\$tasks\b' -and $converted -notmatch '\$tasks\s*\+?='
        $needsBody = $converted -match '\$body\b' -and $converted -notmatch '\$body\s*='
        $postsCallback = $converted -match 'HttpListener\]::new\(\)'
        $isPesterFile = $converted -match '(?m)^Describe\s'
        $exampleFile = Join-Path $folder $(if ($isPesterFile) { 'example.Tests.ps1' } else { '.example.ps1' })
        Set-Content -LiteralPath $exampleFile -Value $converted
        $script = $prelude + "`nSet-Location -LiteralPath '$folder'`n" + $runner
        $arguments = @($manifest, $emulator.ApiKey, $signingKey, $port, $callbackBody, $needsTasks, $needsBody, $postsCallback, $exampleFile,
            (Get-Module Pester).Path)
        # $tasks submitted in the prelude and received by the example: their callbacks must not come before the
        # example's listener is up (the emulator never re-delivers), however slowly a busy machine starts it.
        $lateCallbacks = $needsTasks -and $converted -match 'Receive-HiApiCallback'
        if ($lateCallbacks) { Invoke-HiApiEmulatorControl $emulator 'config' -Method Put -Body @{ queuedMs = 10000 } | Out-Null }
        try {
            Invoke-HiApiChildPwsh $script -ArgumentList ($arguments | ForEach-Object { "$_" }) -TimeoutSeconds 240 -Environment @{
                HIAPI_LEDGER_PATH    = Join-Path $folder 'ledger.jsonl'
                HIAPI_WEBHOOK_SECRET = $null
                # ~ and $HOME in the child: HOME on Linux and macOS, USERPROFILE on Windows.
                HOME                 = Join-Path $folder 'home'
                USERPROFILE          = Join-Path $folder 'home'
            }
        }
        finally {
            if ($lateCallbacks) { Invoke-HiApiEmulatorControl $emulator 'config' -Method Put -Body @{ queuedMs = 2500 } | Out-Null }
        }
    }
}

AfterAll {
    Remove-Module HiApi.Video -ErrorAction SilentlyContinue
    Exit-HiApiTestSession $testSession
}

Describe 'The examples of the help and the README run as written' {
    It '<Name>' -ForEach $examples {
        if ($Skip) {
            Set-ItResult -Skipped -Because "it cannot run here: $Skip"
            return
        }
        $Code | Should -Not -BeNullOrEmpty -Because 'every example has a ```powershell block'
        $output = Invoke-Example $Code
        Write-Host $output
    }
}
