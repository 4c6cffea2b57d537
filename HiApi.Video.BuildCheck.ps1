# Run by Import-Module before it loads bin/HiApi.Video.dll (the manifest's NestedModules): in a clone that was never
# built, PowerShell would only say that no valid module was found. A script, not a module: it leaves nothing behind.
$assembly = Join-Path $PSScriptRoot 'bin/HiApi.Video.dll'
if (-not [System.IO.File]::Exists($assembly)) {
    if ([System.IO.File]::Exists((Join-Path $PSScriptRoot 'HiApiPS.sln'))) {
        throw "HiApi.Video is not built: $assembly does not exist. Build it first, with 'dotnet build HiApiPS.sln' or './build.ps1' in $PSScriptRoot, then import it again."
    }
    throw "The HiApi.Video module in $PSScriptRoot is incomplete: $assembly does not exist. Install the module again."
}
