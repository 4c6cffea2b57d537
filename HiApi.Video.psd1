@{
    # The compiled module sits in bin/ beside this manifest, both in the repository after `dotnet build`
    # and in the published folder that `./build.ps1 Package` writes to out/HiApi.Video/<version>/.
    RootModule           = 'bin/HiApi.Video.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '1067acf2-0350-4831-a8fd-d15ddf1cd312'
    Author               = 'HiApi.Video'
    CompanyName          = 'HiApi.Video'
    Copyright            = '(c) HiApi.Video. MIT licence.'
    Description          = 'Generate videos with HiAPI (happyhorse-1.1 text-to-video and image-to-video) from PowerShell: submit, wait, download, with every parameter checked before money is spent.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    # Beside the manifest, not in bin/: PowerShell reads these before the assembly, and they are there before a build.
    NestedModules        = @('HiApi.Video.BuildCheck.ps1')
    FormatsToProcess     = @('HiApi.Video.Format.ps1xml', 'HiApi.Mock.Format.ps1xml')
    CmdletsToExport      = @(
        'New-HiApiVideoTask'
        'Get-HiApiTask'
        'Get-HiApiSubmission'
        'Wait-HiApiTask'
        'Save-HiApiVideo'
        'Remove-HiApiTask'
        'ConvertFrom-HiApiCallback'
        'Receive-HiApiCallback'
        'Get-HiApiPrice'
        'Test-HiApiConnection'
        'Start-HiApiMock'
        'Stop-HiApiMock'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('HiAPI', 'video', 'text-to-video', 'image-to-video', 'generative-ai', 'happyhorse', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/hiapi-video/HiApi.Video'
            LicenseUri   = 'https://github.com/hiapi-video/HiApi.Video/blob/main/LICENSE'
            ReleaseNotes = 'First release: New-HiApiVideoTask, Get-HiApiTask (-Pending), Wait-HiApiTask, Save-HiApiVideo, ConvertFrom-HiApiCallback, Receive-HiApiCallback; a crash-safe task ledger.'
        }
    }
}
