using System.Text.RegularExpressions;

namespace HiApi.Video.Tests;

/// <summary>HiApi.Video.psd1 says exactly what the compiled module contains, and the output holds no PowerShell.</summary>
public sealed class ManifestTests : IClassFixture<ModuleMetadataFixture>
{
    private readonly ModuleMetadata _module;
    private readonly string _manifest;

    public ManifestTests(ModuleMetadataFixture fixture)
    {
        _module = fixture.Metadata;
        _manifest = File.ReadAllText(Path.Combine(_module.RepositoryRoot, "HiApi.Video.psd1"));
    }

    [Fact]
    public void Manifest_exports_exactly_the_cmdlets_the_assembly_defines()
    {
        var exported = Strings(Value("CmdletsToExport")).OrderBy(n => n);
        var defined = _module.CmdletTypes.Select(ModuleMetadata.CmdletName).OrderBy(n => n);
        Assert.Equal(defined, exported);
        Assert.Contains("New-HiApiVideoTask", exported);
    }

    [Fact]
    public void Manifest_targets_PowerShell_7_4_Core_and_exports_nothing_else()
    {
        Assert.Equal("'7.4'", Value("PowerShellVersion"));
        Assert.Equal(["Core"], Strings(Value("CompatiblePSEditions")));
        Assert.Empty(Strings(Value("FunctionsToExport")));
        Assert.Empty(Strings(Value("AliasesToExport")));
        Assert.Empty(Strings(Value("VariablesToExport")));
    }

    [Fact]
    public void Manifest_root_module_and_formats_exist_after_build()
    {
        Assert.True(File.Exists(Path.Combine(_module.RepositoryRoot, Strings(Value("RootModule")).Single())));
        Assert.All(Strings(Value("FormatsToProcess")), f => Assert.True(File.Exists(Path.Combine(_module.RepositoryRoot, f)), f));
    }

    [Fact]
    public void Manifest_version_matches_the_assembly_version()
    {
        var version = Strings(Value("ModuleVersion")).Single();
        Assert.Equal(version, _module.Module.GetName().Version!.ToString(3));
    }

    [Fact]
    public void Manifest_carries_gallery_metadata()
    {
        var psData = Regex.Match(_manifest, @"PSData\s*=\s*@\{(?<body>.*?)\n\s*\}", RegexOptions.Singleline).Groups["body"].Value;
        Assert.Matches(@"Tags\s*=\s*@\(", psData);
        Assert.Matches(@"ProjectUri\s*=\s*'https://", psData);
        Assert.Matches(@"LicenseUri\s*=\s*'https://", psData);
        Assert.True(File.Exists(Path.Combine(_module.RepositoryRoot, "LICENSE")));
    }

    [Fact]
    public void No_System_Management_Automation_is_copied_into_the_module()
    {
        Assert.Empty(Directory.GetFiles(_module.ModuleDirectory, "System.Management.Automation.dll", SearchOption.AllDirectories));
        var buildOutput = Path.Combine(_module.RepositoryRoot, "src", "HiApi.Video", "bin");
        Assert.Empty(Directory.GetFiles(buildOutput, "System.Management.Automation.dll", SearchOption.AllDirectories));
    }

    private string Value(string key)
    {
        var match = Regex.Match(_manifest, $@"^\s*{key}\s*=\s*(?<value>@\((?:[^)]*)\)|'[^']*')", RegexOptions.Multiline);
        Assert.True(match.Success, $"{key} is missing from the manifest");
        return match.Groups["value"].Value;
    }

    private static List<string> Strings(string value)
        => Regex.Matches(value, "'([^']*)'").Select(m => m.Groups[1].Value).ToList();
}
