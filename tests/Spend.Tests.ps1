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

    It 'fits an 80-column console' {
        $lines = (Test-HiApiConnection | Out-String -Width 80) -split '\r?\n' | Where-Object { $_ }
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
        $lines | Should -Contain "Models    : $textToVideo Passed: `$0.01/s; 1080p: `$0.015/s"
        $lines | Should -Contain 'Passed    : True'
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
