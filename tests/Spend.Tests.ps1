#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.3.0' }
# Spend control as a user meets it: HiAPI's public price list in dollars (Get-HiApiPrice), a connection check that
# never spends (Test-HiApiConnection), and estimates that match a hand calculation from the emulator's price rows.

BeforeAll {
    $repositoryRoot = Split-Path $PSScriptRoot -Parent
    Import-Module (Join-Path $PSScriptRoot 'HiApiEmulator.psm1') -Force
    $script:testSession = Enter-HiApiTestSession
    $script:emulator = $testSession.Emulator
    Import-Module (Join-Path $repositoryRoot 'HiApi.Video.psd1') -Force

    $script:textToVideo = 'happyhorse-1.1/text-to-video'
    $script:imageToVideo = 'happyhorse-1.1/image-to-video'
    function Clear-EmulatorRequests { Invoke-HiApiEmulatorControl $emulator 'requests' -Method Delete | Out-Null }
    function Get-EmulatorRequests { @(Invoke-HiApiEmulatorControl $emulator 'requests') }
    function Set-Emulator([hashtable] $Setting) { Invoke-HiApiEmulatorControl $emulator 'config' -Method Put -Body $Setting | Out-Null }
    function ConvertTo-Secure([string] $Plain) { ConvertTo-SecureString $Plain -AsPlainText -Force }
    # The emulator's defaults: served rows, no outage.
    function Reset-Pricing { Set-Emulator @{ pricingBody = ''; pricingStatus = 0; pricingHangs = $false } }
}

AfterAll {
    Remove-Module HiApi.Video -ErrorAction SilentlyContinue
    Exit-HiApiTestSession $testSession
}

Describe 'Get-HiApiPrice' {
    BeforeEach {
        Reset-Pricing
        Clear-EmulatorRequests
    }

    It 'writes each model''s price per second and its 1080p policy, read without the key' {
        $prices = Get-HiApiPrice -Refresh -ApiKey (ConvertTo-Secure $emulator.ApiKey)

        $prices.Model | Should -Be $textToVideo, $imageToVideo
        $prices[0] | Should -BeOfType ([HiApi.Client.ModelPrice])
        $prices[0].UsdPerSecond | Should -Be 0.01
        $prices[0].UsdPerSecond | Should -BeOfType ([decimal])
        $prices[0].Policies[0].UsdPerSecond | Should -Be 0.015
        "$($prices[0].Policies[0])" | Should -Be 'resolution = 1080p: $0.015/s (base x 1.5)'
        # $env:HIAPI_API_KEY is set and -ApiKey was given: neither reaches the price list.
        $requests = Get-EmulatorRequests
        $requests | Should -HaveCount 1
        $requests[0].kind | Should -Be 'pricing'
        $requests[0].hasAuthorization | Should -BeFalse
    }

    It 'fits an 80-column console' {
        $text = Get-HiApiPrice | Out-String -Width 80
        $lines = $text -split '\r?\n' | Where-Object { $_ }
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
        $lines[0] | Should -Match '^Model\s+USD/s Policies$'
        $text | Should -Match 'happyhorse-1\.1/image-to-video\s+\$0\.01 resolution = 1080p: \$0\.015/s'
    }

    It 'reads the list once per session, and again with -Refresh' {
        Get-HiApiPrice -Refresh | Out-Null
        Clear-EmulatorRequests

        Get-HiApiPrice | Out-Null
        Get-HiApiPrice $textToVideo | Out-Null
        @(Get-EmulatorRequests) | Should -HaveCount 0

        Get-HiApiPrice -Refresh | Out-Null
        @(Get-EmulatorRequests | Where-Object kind -EQ 'pricing') | Should -HaveCount 1
    }

    It 'takes wildcards, and the Model of piped tasks, each model once' {
        (Get-HiApiPrice 'happyhorse-1.1/*').Model | Should -Be $textToVideo, $imageToVideo
        $tasks = 'one', 'two' | New-HiApiVideoTask -Duration 3
        ($tasks | Get-HiApiPrice).Model | Should -Be $textToVideo
    }

    It 'writes a HiApi.PriceUnknown error for a row it does not understand, and the other model''s price' {
        Set-Emulator @{ pricingBody = (@{ data = @(
                        @{ model_name = $textToVideo; factors = @('duration'); base_usd_value = 0.01; policies = @(@{ rule = @{ resolution = @{ min = '1080p' } }; usd_value = 0.02 }) }
                        @{ model_name = $imageToVideo; factors = @('duration'); base_usd_value = 0.02 }) } | ConvertTo-Json -Depth 8) }

        $prices = Get-HiApiPrice -Refresh -ErrorVariable failure -ErrorAction SilentlyContinue

        $prices.Model | Should -Be $imageToVideo
        $failure | Should -HaveCount 1
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.PriceUnknown,*'
        $failure[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        $failure[0].TargetObject | Should -Be $textToVideo
        $failure[0].Exception.Message | Should -BeLike "*price row for $textToVideo is not understood*operator 'min'*only match and with*"
    }

    It 'names a model the list lacks, and never guesses its price' {
        Get-HiApiPrice 'happyhorse-1.1/reference-to-video' -ErrorVariable failure -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.PriceUnknown,*'
        $failure[0].Exception.Message | Should -Be "HiAPI's price list has no row for happyhorse-1.1/reference-to-video."
    }

    It 'writes one HiApi.PriceUnknown error, after its retries, when the price list is down' {
        Set-Emulator @{ pricingStatus = 503 }

        Get-HiApiPrice -Refresh -ErrorVariable failure -ErrorAction SilentlyContinue | Should -BeNullOrEmpty

        $failure | Should -HaveCount 1
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.PriceUnknown,*'
        $failure[0].Exception.StatusCode | Should -Be 503
        $failure[0].Exception.InnerException.Kind | Should -Be 'ServerError'
        "$($failure[0])" | Should -BeLike "Could not read HiAPI's price list: HiAPI answered 503*Gave up after 5 retries*"
        # Five retries, as for every read; never with a key.
        $requests = @(Get-EmulatorRequests | Where-Object kind -EQ 'pricing')
        $requests | Should -HaveCount 6
        $requests.hasAuthorization | Should -Not -Contain $true
    }

    It 'says the list is not JSON when a page comes instead, and keeps nothing it could not read' {
        # A new session: nothing kept yet.
        [HiApi.Client.PriceListCache]::Shared.Clear()
        Set-Emulator @{ pricingBody = '<html><title>Maintenance</title></html>' }
        Get-HiApiPrice -ErrorVariable failure -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failure[0].Exception.Message | Should -Be "HiAPI's price list is not JSON: a non-JSON body: Maintenance."

        Reset-Pricing
        Clear-EmulatorRequests
        (Get-HiApiPrice).Model | Should -Be $textToVideo, $imageToVideo
        @(Get-EmulatorRequests) | Should -HaveCount 1
    }
}

Describe 'Test-HiApiConnection' {
    BeforeEach {
        Reset-Pricing
        Clear-EmulatorRequests
    }

    It 'reports every check passed, and sends no POST' {
        $report = Test-HiApiConnection

        $report | Should -BeOfType ([HiApi.Client.ConnectionReport])
        $report.Passed | Should -BeTrue
        $report.Checks.Status | Should -Be 'Passed', 'Passed', 'Passed', 'Passed', 'Passed'
        $report.Models.Name | Should -Be $textToVideo, $imageToVideo
        $requests = Get-EmulatorRequests
        $requests.method | Should -Not -Contain 'POST'
        ($requests | Where-Object kind -EQ 'list').query | Should -Be '?page=1&size=1'
        ($requests | Where-Object kind -EQ 'pricing').hasAuthorization | Should -BeFalse
        Test-HiApiConnection -Quiet | Should -BeExactly $true
    }

    It 'reports a wrong key as such, shows it nowhere, and sends no POST' {
        $wrong = 'sk-test-wrong-0123456789'
        $everything = & { Test-HiApiConnection -ApiKey (ConvertTo-Secure $wrong) -Verbose | Format-List | Out-String -Width 200 } 4>&1 | Out-String -Width 200

        $report = Test-HiApiConnection -ApiKey (ConvertTo-Secure $wrong)
        $report.Key.Status | Should -Be 'Failed'
        $report.Key.Detail | Should -BeLike 'HiAPI answered 401 Unauthorized (permission_denied)*'
        $report.Api.Status | Should -Be 'Passed'
        $report.Passed | Should -BeFalse
        Test-HiApiConnection -ApiKey (ConvertTo-Secure $wrong) -Quiet | Should -BeExactly $false
        $everything | Should -Not -BeLike "*$wrong*"
        (Get-EmulatorRequests).method | Should -Not -Contain 'POST'
    }

    It 'checks what needs no key without one, and says the key was not checked' {
        $saved = $env:HIAPI_API_KEY
        Remove-Item Env:HIAPI_API_KEY
        try {
            $report = Test-HiApiConnection
        }
        finally {
            $env:HIAPI_API_KEY = $saved
        }

        $report.Key.Status | Should -Be 'NotChecked'
        "$($report.Key)" | Should -Be 'Not checked: no key was given (-ApiKey, HIAPI_API_KEY or HIAPI_KEY)'
        $report.PriceList.Status | Should -Be 'Passed'
        $report.Passed | Should -BeFalse
        $requests = Get-EmulatorRequests
        $requests.kind | Should -Be 'pricing'
        $requests.hasAuthorization | Should -BeFalse
    }

    It 'fails the model whose row it does not understand, and leaves the models unknown when the list cannot be read' {
        Set-Emulator @{ pricingBody = (@(@{ model_name = $textToVideo; factors = @('frames'); base_usd_value = 0.01 }) | ConvertTo-Json -Depth 5 -AsArray) }
        $malformed = Test-HiApiConnection
        $malformed.Models[0].Status | Should -Be 'Failed'
        $malformed.Models[0].Detail | Should -BeLike '*priced by frames*'
        $malformed.Models[1].Detail | Should -Be "HiAPI's price list has no row for $imageToVideo"

        Set-Emulator @{ pricingBody = ''; pricingStatus = 404 }
        $down = Test-HiApiConnection
        $down.PriceList.Status | Should -Be 'Failed'
        $down.Models.Status | Should -Be 'Unknown', 'Unknown'
        $down.Key.Status | Should -Be 'Passed'
    }

    It 'does not pass off model access as checked: a key that may use only text-to-video passes, and the report says so' {
        $report = Test-HiApiConnection -ApiKey (ConvertTo-Secure 'sk-test-text-only')

        $report.Key.Status | Should -Be 'Passed'
        "$($report.Key)" | Should -Be 'Passed: accepted by GET /v1/tasks (free); models not checked'
        $report.ModelAccess.Status | Should -Be 'NotChecked'
        "$($report.ModelAccess)" | Should -BeLike 'Not checked: no zero-cost way to tell which models a key may use;*(401 permission_denied)*'
        $report.Checks.Name | Should -Not -Contain 'Model access' -Because 'it is never checked, so it is not counted in Passed'
        ($report | Out-String -Width 80) | Should -Match 'ModelAccess : Not checked: no zero-cost way'
        (Get-EmulatorRequests).method | Should -Not -Contain 'POST'
        # What the report warns of: the same key is refused for image-to-video, and nothing is paid.
        { New-HiApiVideoTask 'x' -ImageUrl 'https://example.com/a.jpg' -Duration 3 -ApiKey (ConvertTo-Secure 'sk-test-text-only') -NoLedger -ErrorAction Stop } |
            Should -Throw -ExpectedMessage '*permission_denied*'
    }

    It 'fits an 80-column console' {
        $lines = (Test-HiApiConnection | Out-String -Width 80) -split '\r?\n' | Where-Object { $_ }
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
        $lines | Should -Contain "Models      : $textToVideo Passed: `$0.01/s; 1080p: `$0.015/s"
        $lines | Should -Contain 'Passed      : True'
    }
}

Describe 'Estimates from the price list' {
    BeforeAll {
        Reset-Pricing
        $options = [HiApi.Client.HiApiClientOptions]@{ BaseUri = [uri] $emulator.BaseUri }
        $script:priceList = [HiApi.Client.PriceListCache]::Shared.GetAsync([HiApi.Client.PriceListClient]::new($options), $true).GetAwaiter().GetResult()
        $script:estimator = [HiApi.Client.PriceEstimator]::For($priceList)
        # New-HiApiVideoTask's Example 5 storyboard: two text rows at 720p, one image row at 1080p.
        $script:storyboard = @'
Prompt,ImageUrl,Duration,Resolution,AspectRatio
scene one: a lighthouse at dawn,,3,720p,16:9
scene two: gulls over the pier,,4,720p,9:16
scene three: the keeper turns and waves,https://example.com/keeper.jpg,5,1080p,
'@ | ConvertFrom-Csv
        function ConvertTo-Request($Row) {
            [HiApi.Client.VideoRequest]@{
                Model       = if ($Row.ImageUrl) { $imageToVideo } else { $textToVideo }
                Prompt      = $Row.Prompt
                ImageUrl    = if ($Row.ImageUrl) { $Row.ImageUrl } else { $null }
                Duration    = [int] $Row.Duration
                Resolution  = $Row.Resolution
                AspectRatio = if ($Row.AspectRatio) { $Row.AspectRatio } else { $null }
            }
        }
    }

    It 'prices a mixed storyboard exactly as a hand calculation from the emulator''s rows' {
        # By hand from Get-HiApiPrice: 3 s x $0.01 + 4 s x $0.01 + 5 s x ($0.01 x 1.5) = $0.145.
        $rows = Get-HiApiPrice
        $byHand = 3 * $rows[0].UsdPerSecond + 4 * $rows[0].UsdPerSecond + 5 * $rows[1].Policies[0].UsdPerSecond

        $estimates = $storyboard | ForEach-Object { $estimator.Estimate((ConvertTo-Request $_)) }

        $estimates.Usd | Should -Be 0.03, 0.04, 0.075
        ($estimates.Usd | Measure-Object -Sum).Sum | Should -Be $byHand
        $byHand | Should -Be 0.145
    }

    It 'lets a budget through up to the row that would cross it, and nothing after it' {
        $budget = [HiApi.Client.SpendBudget]::new([decimal] 0.05)
        $number = 0
        $decisions = $storyboard | ForEach-Object { $budget.Admit($estimator.Estimate((ConvertTo-Request $_)), ++$number) }

        $decisions.Allowed | Should -Be $true, $false, $false
        $decisions[1].ToException().Kind | Should -Be 'BudgetExceeded'
        $decisions[1].Reason | Should -BeLike '*would take the total to $0.07, past the budget of $0.05*enforced locally, not by HiAPI*'
        $decisions[2].Reason | Should -BeLike '*closed at input 2*'
        $budget.AdmittedUsd | Should -Be 0.03
    }
}

Describe 'New-HiApiVideoTask: prices before paying, a budget that holds' {
    BeforeAll {
        $script:mixed = @'
Prompt,ImageUrl,Duration,Resolution,AspectRatio
spend one: a lighthouse at dawn,,3,720p,16:9
spend two: gulls over the pier,,4,720p,9:16
spend three: the keeper turns and waves,https://example.com/keeper.jpg,5,1080p,
'@ | ConvertFrom-Csv
        function Get-Creates { @(Get-EmulatorRequests | Where-Object kind -EQ 'create') }
        function Invoke-WhatIf([scriptblock] $Script) {
            # "What if:" goes to the host, not to a stream: a transcript is where a user sees it.
            $transcript = Join-Path $TestDrive "whatif-$([guid]::NewGuid().ToString('n')).txt"
            Start-Transcript -Path $transcript | Out-Null
            try { & $Script | Out-Null } finally { Stop-Transcript | Out-Null }
            @(Get-Content $transcript | Where-Object { $_ -like 'What if:*' })
        }
    }
    BeforeEach {
        Reset-Pricing
        [HiApi.Client.PriceListCache]::Shared.Clear()
        Clear-EmulatorRequests
        $env:HIAPI_LEDGER_PATH = Join-Path $TestDrive "ledger-$([guid]::NewGuid().ToString('n')).jsonl"
    }
    AfterEach { Remove-Item Env:HIAPI_MAX_COST_USD -ErrorAction SilentlyContinue }

    It '-WhatIf shows each task''s estimate and a total that match a hand calculation from the price rows' {
        $rows = Get-HiApiPrice
        $byHand = 3 * $rows[0].UsdPerSecond + 4 * $rows[0].UsdPerSecond + 5 * $rows[1].Policies[0].UsdPerSecond

        $lines = Invoke-WhatIf { $mixed | New-HiApiVideoTask -WhatIf }

        $lines | Should -HaveCount 4
        $lines[0] | Should -BeLike "*3 s at 720p (estimated `$0.03 = 3 s x `$0.01/s), prompt 'spend one: a lighthouse at dawn'*"
        $lines[1] | Should -BeLike '*4 s at 720p (estimated $0.04 = 4 s x $0.01/s)*'
        $lines[2] | Should -BeLike '*5 s at 1080p (estimated $0.075 = 5 s x $0.015/s)*image https://example.com/keeper.jpg*'
        $byHand | Should -Be 0.145
        $lines[3] | Should -BeLike "What if: Estimated total: `$$byHand for 3 tasks (HiAPI's public prices before any account discount: an estimate, not the bill)*"
        Get-Creates | Should -HaveCount 0
    }

    It 'records each task''s estimate, so the ledger can sum what a batch cost, roughly' {
        $tasks = $mixed | New-HiApiVideoTask -Batch 'spend sum'

        ($tasks | Sort-Object InputNumber).EstimatedCostUsd | Should -Be 0.03, 0.04, 0.075
        # Measure-Object adds in double precision: round what it says, as a user reading it would.
        [math]::Round((Get-HiApiTask | Where-Object Batch -EQ 'spend sum' | Measure-Object EstimatedCostUsd -Sum).Sum, 6) | Should -Be 0.145
        (Get-HiApiTask ($tasks | Sort-Object InputNumber)[2]).EstimatedCostUsd | Should -Be 0.075 -Because 'a task read again keeps its estimate'
    }

    It 'sends nothing past -MaxCostUsd: one HiApi.BudgetExceeded per refused row, nothing sent for them' {
        $tasks = $mixed | New-HiApiVideoTask -MaxCostUsd 0.05 -ErrorVariable refused -ErrorAction SilentlyContinue

        $tasks | Should -HaveCount 1
        $tasks.Prompt | Should -Be 'spend one: a lighthouse at dawn'
        Get-Creates | Should -HaveCount 1
        $refused | Should -HaveCount 2
        $refused.FullyQualifiedErrorId | ForEach-Object { $_ | Should -BeLike 'HiApi.BudgetExceeded*' }
        "$($refused[0])" | Should -BeLike "Input 2 ('spend two: gulls over the pier'): Not sent: its estimated `$0.04 would take the total to `$0.07, past the budget of `$0.05*enforced locally, not by HiAPI*"
    }

    It 'takes the budget from HIAPI_MAX_COST_USD, and refuses one it cannot read before sending anything' {
        $env:HIAPI_MAX_COST_USD = '0.03'
        $mixed | New-HiApiVideoTask -ErrorAction SilentlyContinue | Should -HaveCount 1

        Clear-EmulatorRequests
        $env:HIAPI_MAX_COST_USD = 'five dollars'
        { $mixed | New-HiApiVideoTask -ErrorAction Stop } | Should -Throw -ErrorId 'HiApi.Configuration*'
        Get-EmulatorRequests | Should -HaveCount 0
    }

    It 'reads -MaxCostUsd given as text by the variable''s rule: <Text> is refused before anything is sent' -TestCases @(
        @{ Text = '0,05' }      # PowerShell alone reads it as 5 dollars: 100 times the budget meant
        @{ Text = '1,000.00' }
        @{ Text = '$0.05' }
        @{ Text = '0.05 USD' }
        @{ Text = ' ' }
    ) {
        { $mixed | New-HiApiVideoTask -MaxCostUsd $Text -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentTransformationError,*' -ExpectedMessage "*write digits with '.' as the decimal point*"
        Get-EmulatorRequests | Should -HaveCount 0
    }

    It 'takes -MaxCostUsd ''0.05'' as text and 0.05 as a number alike, and refuses 0,05 unquoted (two numbers)' {
        $mixed | New-HiApiVideoTask -MaxCostUsd '0.05' -ErrorAction SilentlyContinue | Should -HaveCount 1
        { $mixed | New-HiApiVideoTask -MaxCostUsd 0,05 -ErrorAction Stop } |
            Should -Throw -ExpectedMessage '*2 values were given, not one number: a comma separates values in PowerShell*'
    }

    It 'refuses a HIAPI_MAX_COST_USD of white space only, never reading it as no budget' {
        $env:HIAPI_MAX_COST_USD = '   '
        { $mixed | New-HiApiVideoTask -ErrorAction Stop } |
            Should -Throw -ErrorId 'HiApi.Configuration*' -ExpectedMessage '*HIAPI_MAX_COST_USD is set but holds only white space*'
        Get-EmulatorRequests | Should -HaveCount 0
    }

    It 'fails closed: with a budget and a price list that cannot be read, nothing is sent' {
        Set-Emulator @{ pricingStatus = 400 }

        $tasks = $mixed | New-HiApiVideoTask -MaxCostUsd 10 -ErrorVariable refused -ErrorAction SilentlyContinue

        $tasks | Should -BeNullOrEmpty
        Get-Creates | Should -HaveCount 0
        $refused | Should -HaveCount 3
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.PriceUnknown*'
        "$($refused[0])" | Should -BeLike "*Not sent: its cost cannot be estimated*price list*"
        $refused[1].FullyQualifiedErrorId | Should -BeLike 'HiApi.BudgetExceeded*'
    }

    It 'without a budget, goes on when the price list cannot be read, and says once that the estimates are unknown' {
        Set-Emulator @{ pricingStatus = 400 }

        $tasks = $mixed | New-HiApiVideoTask -WarningVariable warned 3>$null

        $tasks | Should -HaveCount 3
        $tasks.EstimatedCostUsd | Should -Be $null, $null, $null
        $warned | Should -HaveCount 1
        "$warned" | Should -BeLike 'Estimates are unknown: *-MaxCostUsd nothing would be sent.'
    }

    It 'counts nothing for the tasks a re-run of the batch hands back' {
        $mixed | New-HiApiVideoTask -Batch 'spend rerun' | Out-Null
        Clear-EmulatorRequests

        $again = $mixed | New-HiApiVideoTask -Batch 'spend rerun' -MaxCostUsd 0 -ErrorVariable refused -ErrorAction SilentlyContinue

        $again | Should -HaveCount 3
        $refused | Should -HaveCount 0
        Get-Creates | Should -HaveCount 0
    }

    It 'writes an estimate unknown, and refuses it under a budget, for a row without a duration' {
        $lines = Invoke-WhatIf { 'spend: no duration given' | New-HiApiVideoTask -WhatIf }
        $lines[0] | Should -BeLike '*(estimate unknown: the request has no duration*'

        'spend: no duration given' | New-HiApiVideoTask -MaxCostUsd 1 -ErrorVariable refused -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.PriceUnknown*'
        Get-Creates | Should -HaveCount 0
    }
}
