<#
    Benchmark row 7 ("batch over a WAN-like link"), run by bench/HiApi.Bench in one pwsh process: the module's
    pipeline for each batch size, then the same prompts through a hand-written ForEach-Object -Parallel around
    Invoke-RestMethod/Invoke-WebRequest (the seeds' recipe, in parallel), in the same process. Writes one JSON line.
    The emulator adds the latency and paces downloads; this script only runs what a user would type. The key comes
    from $env:HIAPI_API_KEY, as for a user.
#>
param(
    [Parameter(Mandatory)] [string] $BaseUri,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $Scratch,
    # Comma-separated: an [int[]] would take "50,200,1000" from -File as one number with thousands separators.
    [string] $Tasks = '200',
    [int] $BaselineTasks = 0,
    [double] $PollIntervalSeconds = 1,
    [int] $BaselineThrottleLimit = 16
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$env:HIAPI_BASE_URL = $BaseUri
$ApiKey = $env:HIAPI_API_KEY
$env:HIAPI_LEDGER_PATH = Join-Path $Scratch 'ledger.jsonl'
Import-Module $ModulePath

$sizes = $Tasks -split ',' | ForEach-Object { [int]::Parse($_.Trim(), [Globalization.CultureInfo]::InvariantCulture) }
if ($sizes | Where-Object { $_ -lt 1 -or $_ -gt 100000 }) { throw "Batch sizes must be 1..100000: $Tasks" }

$results = [System.Collections.Generic.List[object]]::new()
foreach ($count in $sizes) {
    $prompts = 1..$count | ForEach-Object { "wan batch $count clip $_" }
    $out = Join-Path $Scratch "module-$count"
    [GC]::Collect()
    $watch = [Diagnostics.Stopwatch]::StartNew()
    # The module with its defaults, but for the poll interval (the same one the hand-written loop uses).
    $files = $prompts | New-HiApiVideoTask -Duration 3 | Wait-HiApiTask -PollIntervalSeconds $PollIntervalSeconds | Save-HiApiVideo -Path $out
    $watch.Stop()
    $results.Add([pscustomobject]@{
        kind = 'module'; tasks = $count; seconds = $watch.Elapsed.TotalSeconds; saved = @($files).Count
        peakWorkingSet = (Get-Process -Id $PID).PeakWorkingSet64
    })
}

if ($BaselineTasks -gt 0) {
    $out = Join-Path $Scratch 'baseline'
    New-Item -ItemType Directory -Path $out -Force | Out-Null
    $prompts = 1..$BaselineTasks | ForEach-Object { "wan baseline clip $_" }
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $prompts | ForEach-Object -ThrottleLimit $BaselineThrottleLimit -Parallel {
        $ProgressPreference = 'SilentlyContinue'
        $root = ($using:BaseUri).TrimEnd('/')
        $headers = @{ Authorization = 'Bearer ' + $using:ApiKey }
        $body = @{ model = 'happyhorse-1.1/text-to-video'; input = @{ prompt = $_; duration = 3 } } | ConvertTo-Json -Compress
        $id = (Invoke-RestMethod -Method Post -Uri "$root/v1/tasks" -Headers $headers -ContentType 'application/json' -Body $body).data.taskId
        do {
            Start-Sleep -Seconds $using:PollIntervalSeconds
            $task = (Invoke-RestMethod -Uri "$root/v1/tasks/$id" -Headers $headers).data
        } while ($task.status -notin 'success', 'fail')
        if ($task.status -eq 'success') {
            Invoke-WebRequest -Uri $task.output[0].url -OutFile (Join-Path $using:out "$id.mp4")
        }
    }
    $watch.Stop()
    $results.Add([pscustomobject]@{
        kind = 'baseline'; tasks = $BaselineTasks; seconds = $watch.Elapsed.TotalSeconds
        saved = @(Get-ChildItem $out -Filter *.mp4).Count; peakWorkingSet = (Get-Process -Id $PID).PeakWorkingSet64
    })
}

$results | ConvertTo-Json -Compress -AsArray
