#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.3.0' }
# Storyboards (issue 18): every clip traceable to its row, named the way the user wants, with its metadata beside it.
# A storyboard CSV with extra columns runs through New-, Wait- and Save-HiApiVideo against the emulator; the row travels
# with each task (and through the ledger into a fresh session), -FileName names the files from it, -Sidecar writes
# <video>.json beside each clip, a killed run re-run gives the same files and pays nothing twice, and Sort-Object
# InputNumber puts the output back in the storyboard's order.

BeforeAll {
    $repositoryRoot = Split-Path $PSScriptRoot -Parent
    Import-Module (Join-Path $PSScriptRoot 'HiApiEmulator.psm1') -Force
    $script:testSession = Enter-HiApiTestSession
    $script:emulator = $testSession.Emulator
    $script:manifest = Join-Path $repositoryRoot 'HiApi.Video.psd1'
    Import-Module $manifest -Force

    function Set-Emulator([hashtable] $Setting) { Invoke-HiApiEmulatorControl $emulator 'config' -Method Put -Body $Setting | Out-Null }
    function Get-EmulatorTasks { @(Invoke-HiApiEmulatorControl $emulator 'tasks') }
    function Get-EmulatorRequests([string] $Kind) { @(Invoke-HiApiEmulatorControl $emulator 'requests' | Where-Object kind -EQ $Kind) }
    function Clear-EmulatorRequests { Invoke-HiApiEmulatorControl $emulator 'requests' -Method Delete | Out-Null }
    function Use-FreshLedger { $env:HIAPI_LEDGER_PATH = Join-Path $TestDrive "ledger-$([guid]::NewGuid().ToString('n')).jsonl" }
    function Wait-Until([scriptblock] $Condition, [string] $Because, [int] $Seconds = 120) {
        $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
        while (-not (& $Condition)) {
            if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out after $Seconds s waiting until $Because." }
            Start-Sleep -Milliseconds 50
        }
    }

    # Six shots of three scenes, with the columns a storyboard has besides the request: Scene, Shot, Take, Notes.
    # Each prompt carries a tag of its own, so the tasks of one test are told apart from every other test's.
    function New-Storyboard([string] $Tag) {
        $path = Join-Path $TestDrive "storyboard-$Tag.csv"
        @"
Scene,Shot,Take,Prompt,Duration,Notes
12,1,1,$Tag a lighthouse at dawn,3,"wide, slow push"
12,2,1,$Tag gulls over the pier,3,
12,2,2,$Tag gulls over the pier,3,second take
7,1,1,$Tag the keeper climbs the stairs,4,handheld
7,2,1,$Tag the lamp turns,3,"close; ""the"" lamp"
3,1,1,$Tag waves against the rocks,3,ends the film
"@ | Set-Content -LiteralPath $path -Encoding utf8
        $path
    }
    $script:ExpectedNames = '012-1-t1.mp4', '012-2-t1.mp4', '012-2-t2.mp4', '007-1-t1.mp4', '007-2-t1.mp4', '003-1-t1.mp4'
    $script:Template = '{Scene:000}-{Shot}-t{Take}'
}

AfterAll {
    Remove-Module HiApi.Video -ErrorAction SilentlyContinue
    Exit-HiApiTestSession $testSession
}

Describe 'A storyboard through the whole pipeline' {
    BeforeAll {
        Use-FreshLedger
        $script:csv = New-Storyboard 'sb-main'
        $script:rows = @(Import-Csv $csv)
        $script:clips = Join-Path $TestDrive 'clips'
        $script:files = @(Import-Csv $csv | New-HiApiVideoTask -Batch 'storyboard main' |
            Wait-HiApiTask -PollIntervalSeconds 0.2 | Save-HiApiVideo -Path $clips -FileName $Template -Sidecar)
    }

    It 'saves six files named from the rows, and nothing else' {
        $files | Should -HaveCount 6
        ($files.Name | Sort-Object) | Should -Be ($ExpectedNames | Sort-Object)
        $onDisk = Get-ChildItem -LiteralPath $clips -Force
        ($onDisk.Name | Sort-Object) | Should -Be (@($ExpectedNames; $ExpectedNames | ForEach-Object { "$_.json" }) | Sort-Object)
    }

    It 'writes beside each clip a sidecar that matches the clip and its row' {
        foreach ($file in $files) {
            $file.Sidecar | Should -Be "$($file.FullName).json"
            $sidecar = Get-Content -LiteralPath $file.Sidecar -Raw | ConvertFrom-Json -AsHashtable
            $row = $rows[$file.InputNumber - 1]

            $sidecar.format | Should -Be 'hiapi-video-sidecar'
            $sidecar.video | Should -Be $file.Name
            $sidecar.size | Should -Be $file.Length
            $sidecar.sha256 | Should -Be (Get-FileHash -LiteralPath $file.FullName -Algorithm SHA256).Hash.ToLowerInvariant()
            $sidecar.taskId | Should -Be $file.TaskId
            $sidecar.inputNumber | Should -Be $file.InputNumber
            $sidecar.batch | Should -Be 'storyboard main'
            $sidecar.model | Should -Be 'happyhorse-1.1/text-to-video'
            $sidecar.createdAt | Should -Not -BeNullOrEmpty
            $sidecar.completedAt | Should -Not -BeNullOrEmpty
            $sidecar.request.input.prompt | Should -Be $row.Prompt
            $sidecar.request.input.duration | Should -Be ([int] $row.Duration)
            $sidecar.row.Keys | Should -Be 'Scene', 'Shot', 'Take', 'Notes' -Because 'the row is the columns that are not request fields, in order'
            foreach ($column in 'Scene', 'Shot', 'Take', 'Notes') { $sidecar.row[$column] | Should -BeExactly $row.$column }
            $file.Name | Should -Be ('{0:000}-{1}-t{2}.mp4' -f [int] $row.Scene, $row.Shot, $row.Take)
        }
    }

    It 'keeps the row on each task, out of the request and its key' {
        $tasks = @(Get-HiApiTask | Where-Object Batch -EQ 'storyboard main' | Sort-Object InputNumber)
        $tasks | Should -HaveCount 6
        for ($i = 0; $i -lt 6; $i++) {
            $tasks[$i].Row.Notes | Should -BeExactly $rows[$i].Notes
            $tasks[$i].Request.BodyText | Should -Not -Match 'Scene|Notes|Take'
        }
        $tasks[0].Row.ToString() | Should -Be 'Scene=12; Shot=1; Take=1; Notes=wide, slow push'
    }

    It 'shows each task''s row from the ledger in a fresh session' {
        $script = @'
Import-Module $args[0]
Get-HiApiTask | Where-Object Batch -EQ 'storyboard main' | Sort-Object InputNumber |
    ForEach-Object { "$($_.InputNumber)|$($_.Row.Scene)|$($_.Row.Shot)|$($_.Row.Take)|$($_.Row.Notes)" }
(Get-HiApiTask | Where-Object InputNumber -EQ 5 | Format-List | Out-String -Width 80) -split "`n" | Where-Object { $_ -match '^Row' }
'@
        $output = Invoke-HiApiChildPwsh $script -ArgumentList $manifest -Environment @{ HIAPI_LEDGER_PATH = $env:HIAPI_LEDGER_PATH }
        $lines = @($output -split "`r?`n" | Where-Object { $_ })

        $lines[0..5] | Should -Be @($rows | ForEach-Object -Begin { $n = 0 } -Process { "$((++$n))|$($_.Scene)|$($_.Shot)|$($_.Take)|$($_.Notes)" })
        $lines[6] | Should -Match '^Row\s+: Scene=7; Shot=2; Take=1; Notes=close; "the" lamp$'
    }

    It 'gives the files back in the storyboard''s order with Sort-Object InputNumber, whatever order they were saved in' {
        $done = @(Get-HiApiTask | Where-Object Batch -EQ 'storyboard main')
        [array]::Reverse($done)

        $sorted = @($done | Save-HiApiVideo -Path $clips -FileName $Template | Sort-Object InputNumber)

        $sorted.Name | Should -Be $ExpectedNames
        $sorted.InputNumber | Should -Be 1, 2, 3, 4, 5, 6
        $sorted[3].Row.Notes | Should -Be 'handheld'
    }

    It 'run again with an edited Notes column: the same tasks, nothing paid or downloaded, the sidecars follow the row' {
        $edited = Join-Path $TestDrive 'storyboard-edited.csv'
        (Get-Content -LiteralPath $csv) -replace 'handheld', 'handheld and steadier' | Set-Content -LiteralPath $edited -Encoding utf8
        $sidecar = Join-Path $clips '007-1-t1.mp4.json'
        $untouched = Join-Path $clips '012-1-t1.mp4.json'
        $stamp = (Get-Item $untouched).LastWriteTimeUtc
        Clear-EmulatorRequests

        $again = @(Import-Csv $edited | New-HiApiVideoTask -Batch 'storyboard main' |
            Wait-HiApiTask -PollIntervalSeconds 0.2 | Save-HiApiVideo -Path $clips -FileName $Template -Sidecar)

        $again | Should -HaveCount 6
        ($again.TaskId | Sort-Object) | Should -Be ($files.TaskId | Sort-Object)
        Get-EmulatorRequests 'create' | Should -HaveCount 0
        Get-EmulatorRequests 'download' | Should -HaveCount 0
        (Get-Content $sidecar -Raw | ConvertFrom-Json).row.Notes | Should -Be 'handheld and steadier'
        (Get-Item $untouched).LastWriteTimeUtc | Should -Be $stamp -Because 'a sidecar that already holds the same bytes is not rewritten'
        (Get-HiApiTask | Where-Object { $_.Row.Notes -eq 'handheld and steadier' }) | Should -HaveCount 1
    }
}

Describe 'A storyboard run killed midway, then run again' {
    BeforeAll {
        Use-FreshLedger
        # One download at a time, each taking about a second: the kill lands between saved clips.
        Set-Emulator @{ downloadBytesPerSecond = 25000 }
    }
    AfterAll { Set-Emulator @{ downloadBytesPerSecond = 0 } }

    It 'gives the same six names and no duplicate, partial or kept file, and pays for each row once' {
        $csv = New-Storyboard 'sb-kill'
        $clips = Join-Path $TestDrive 'killed'
        $command = "Import-Csv '$csv' | New-HiApiVideoTask -Batch 'storyboard kill' | Wait-HiApiTask -PollIntervalSeconds 0.2 | " +
            "Save-HiApiVideo -Path '$clips' -FileName '$Template' -Sidecar -ThrottleLimit 1"
        $pwsh = Get-PwshCommand
        $info = [Diagnostics.ProcessStartInfo]::new($pwsh.FilePath)
        foreach ($argument in @($pwsh.Arguments) + @('-NoProfile', '-NonInteractive', '-Command', "Import-Module '$manifest'; $command")) {
            $info.ArgumentList.Add($argument)
        }
        $info.UseShellExecute = $false
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $info.Environment['HIAPI_LEDGER_PATH'] = $env:HIAPI_LEDGER_PATH
        $process = [Diagnostics.Process]::Start($info)
        $null = $process.StandardOutput.ReadToEndAsync(), $process.StandardError.ReadToEndAsync()
        try {
            Wait-Until { @(Get-ChildItem -LiteralPath $clips -Filter *.mp4 -ErrorAction SilentlyContinue).Count -ge 2 } 'two clips were saved'
        }
        finally {
            $process.Kill($true)
            $process.WaitForExit()
        }
        $savedBeforeKill = @(Get-ChildItem -LiteralPath $clips -Filter *.mp4).Count
        $savedBeforeKill | Should -BeLessThan 6 -Because 'the kill must land midway for this test to mean anything'
        Set-Emulator @{ downloadBytesPerSecond = 0 }

        $files = @(Import-Csv $csv | New-HiApiVideoTask -Batch 'storyboard kill' | Wait-HiApiTask -PollIntervalSeconds 0.2 |
            Save-HiApiVideo -Path $clips -FileName $Template -Sidecar)

        ($files.Name | Sort-Object) | Should -Be ($ExpectedNames | Sort-Object)
        $onDisk = @(Get-ChildItem -LiteralPath $clips -Force)
        ($onDisk.Name | Sort-Object) | Should -Be (@($ExpectedNames; $ExpectedNames | ForEach-Object { "$_.json" }) | Sort-Object)
        @(Get-EmulatorTasks | Where-Object { $_.prompt -like 'sb-kill *' }) | Should -HaveCount 6 -Because 'six rows, six paid tasks, however many runs'
        foreach ($file in $files) {
            (Get-Content -LiteralPath $file.Sidecar -Raw | ConvertFrom-Json).sha256 |
                Should -Be (Get-FileHash -LiteralPath $file.FullName -Algorithm SHA256).Hash.ToLowerInvariant()
        }
    }
}

Describe 'Names that cannot be made, or that two rows share' {
    BeforeEach { Use-FreshLedger }

    It 'two rows that map to one name: an error naming both tasks and their rows, the second not downloaded' {
        $csv = New-Storyboard 'sb-clash'
        $folder = Join-Path $TestDrive 'clash'
        Clear-EmulatorRequests

        $files = @(Import-Csv $csv | New-HiApiVideoTask -Batch 'storyboard clash' | Wait-HiApiTask -PollIntervalSeconds 0.2 |
            Save-HiApiVideo -Path $folder -FileName '{Scene}-{Shot}' -ErrorVariable clash -ErrorAction SilentlyContinue)

        $files | Should -HaveCount 5
        $clash | Should -HaveCount 1
        $clash[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.FileNameCollision*'
        $tasks = @(Get-HiApiTask | Where-Object { $_.Row.Scene -eq '12' -and $_.Row.Shot -eq '2' } | Sort-Object InputNumber)
        "$($clash[0])" | Should -Match ([regex]::Escape("$($tasks[0].TaskId) (input 2)"))
        "$($clash[0])" | Should -Match ([regex]::Escape("$($tasks[1].TaskId) (input 3)"))
        "$($clash[0])" | Should -Match ([regex]::Escape("'$(Join-Path $folder '12-2.mp4')'"))
        "$($clash[0])" | Should -Match 'Make -FileName give each task a name of its own'
        Get-EmulatorRequests 'download' | Should -HaveCount 5
    }

    It 'a script block names each file from the task and its row' {
        $csv = New-Storyboard 'sb-script'

        $files = @(Import-Csv $csv | New-HiApiVideoTask -Batch 'storyboard script' | Wait-HiApiTask -PollIntervalSeconds 0.2 |
            Save-HiApiVideo -Path (Join-Path $TestDrive 'script') -FileName { "scene $($_.Row.Scene) shot $($_.Row.Shot)-$($_.InputNumber)" })

        ($files.Name | Sort-Object) | Should -Be ('scene 12 shot 1-1.mp4', 'scene 12 shot 2-2.mp4', 'scene 12 shot 2-3.mp4',
            'scene 3 shot 1-6.mp4', 'scene 7 shot 1-4.mp4', 'scene 7 shot 2-5.mp4')
    }

    It 'a name that would leave the folder is refused for its task, and nothing of it is saved' {
        $task = [pscustomobject]@{ Prompt = 'sb-escape a boat leaves'; Duration = 3; Scene = '../../outside' } |
            New-HiApiVideoTask | Wait-HiApiTask -PollIntervalSeconds 0.2
        $folder = Join-Path $TestDrive 'escape'

        $byTemplate = $task | Save-HiApiVideo -Path $folder -FileName '{Scene}'
        $task | Save-HiApiVideo -Path $folder -FileName { "$($_.Row.Scene)" } -ErrorVariable refused -ErrorAction SilentlyContinue

        $byTemplate.Name | Should -Be '___.._outside.mp4' -Because 'a value is data: its separators never make a path'
        $refused | Should -HaveCount 1
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.InvalidFileName*'
        "$($refused[0])" | Should -Match "gave '\.\./\.\./outside', which holds a folder separator"
        @(Get-ChildItem -LiteralPath $folder -Force).Name | Should -Be '___.._outside.mp4'
        Test-Path (Join-Path $TestDrive 'outside.mp4') | Should -BeFalse
    }

    It 'a template that cannot be read stops the command before anything is saved' {
        $task = New-HiApiVideoTask 'sb-template a quiet harbour' -Duration 3 | Wait-HiApiTask -PollIntervalSeconds 0.2
        Clear-EmulatorRequests

        { $task | Save-HiApiVideo -Path (Join-Path $TestDrive 'bad') -FileName 'clips/{Scene' -ErrorAction Stop } |
            Should -Throw -ErrorId 'HiApi.InvalidFileName*'
        Get-EmulatorRequests 'download' | Should -HaveCount 0
        Test-Path (Join-Path $TestDrive 'bad') | Should -BeFalse
    }

    It 'a placeholder a task does not have is an error for that task, naming what it has' {
        $task = [pscustomobject]@{ Prompt = 'sb-missing the pier'; Duration = 3; Scene = '4' } | New-HiApiVideoTask |
            Wait-HiApiTask -PollIntervalSeconds 0.2

        $task | Save-HiApiVideo -Path (Join-Path $TestDrive 'missing') -FileName '{Scen}' -ErrorVariable refused -ErrorAction SilentlyContinue

        $refused | Should -HaveCount 1
        "$($refused[0])" | Should -Match "\{Scen\} is neither a column of its row nor a task field \(its row has Scene;"
        $refused[0].TargetObject.TaskId | Should -Be $task.TaskId
    }
}

Describe 'What travels with a task' {
    BeforeEach { Use-FreshLedger }

    It 'numbers each task by its row, counting a row that was refused' {
        $rows = 'Prompt,Duration,Scene', 'sb-number one,3,1', 'sb-number two,99,2', 'sb-number three,3,3' | ConvertFrom-Csv

        $tasks = @($rows | New-HiApiVideoTask -ErrorVariable refused -ErrorAction SilentlyContinue)

        "$refused" | Should -Match '^Input 2 '
        $tasks.InputNumber | Sort-Object | Should -Be 1, 3
        ($tasks | Where-Object InputNumber -EQ 3).Row.Scene | Should -Be '3'
    }

    It 'warns once for a column it cannot keep, and keeps the rest' {
        $rows = 1..2 | ForEach-Object { [ordered]@{ Prompt = "sb-binary $_"; Duration = 3; Scene = "$_"; Thumbnail = [byte[]] (1, 2, 3) } }

        $tasks = @($rows | New-HiApiVideoTask -WarningVariable warned 3>$null)

        $tasks | Should -HaveCount 2
        @($warned | Where-Object { "$_" -match "property 'Thumbnail'" }) | Should -HaveCount 1
        "$warned" | Should -Match "Input 1, property 'Thumbnail': its value \(a Byte\[\]\) is not text, a number, true/false or a date, so it is not kept with the task"
        $tasks[1].Row.Keys | Should -Be 'Scene'
    }

    It 'a task piped back in with a key of its own (a new take of it) keeps its row' {
        $first = [pscustomobject]@{ Prompt = 'sb-again the lamp'; Duration = 3; Scene = '9' } | New-HiApiVideoTask

        $again = $first | New-HiApiVideoTask -IdempotencyKey "sb-again-$([guid]::NewGuid().ToString('n'))"

        $again.TaskId | Should -Not -Be $first.TaskId
        $again.Row.Scene | Should -Be '9'
    }

    It 'a sidecar that cannot be written is an error for its task; the video is saved and written' {
        $task = [pscustomobject]@{ Prompt = 'sb-sidecar the gate'; Duration = 3; Scene = '5' } | New-HiApiVideoTask |
            Wait-HiApiTask -PollIntervalSeconds 0.2
        $folder = Join-Path $TestDrive 'blocked'
        New-Item -ItemType Directory -Path (Join-Path $folder '5.mp4.json') -Force | Out-Null

        $file = $task | Save-HiApiVideo -Path $folder -FileName '{Scene}' -Sidecar -ErrorVariable failed -ErrorAction SilentlyContinue

        $file.Name | Should -Be '5.mp4'
        $file.Sidecar | Should -BeNullOrEmpty
        $failed | Should -HaveCount 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'HiApi.FileExists*'
        "$($failed[0])" | Should -Match 'is saved, but .*5\.mp4\.json. already exists and is not a sidecar'
    }
}
