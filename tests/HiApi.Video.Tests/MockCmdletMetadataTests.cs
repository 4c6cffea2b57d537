using HiApi.Mock;

namespace HiApi.Video.Tests;

/// <summary>Start-HiApiMock and Stop-HiApiMock: no key, no base URI (they talk to no HiAPI), and options in range.</summary>
public sealed class MockCmdletMetadataTests : IClassFixture<ModuleMetadataFixture>
{
    private readonly ModuleMetadata _module;

    public MockCmdletMetadataTests(ModuleMetadataFixture fixture) => _module = fixture.Metadata;

    [Fact]
    public void Start_takes_the_stand_ins_options_and_no_key_or_base_uri()
    {
        var parameters = CmdletParameter.Of(_module.Cmdlet("Start-HiApiMock"));

        Assert.Equal(
            ["BalanceUsd", "FailPrompt", "LedgerPath", "OutputLifetimeSeconds", "PriceList", "PricePerSecondUsd", "RefuseCreate", "RenderSeconds", "WebhookSecret"],
            parameters.Keys.Order());
        Assert.Equal("System.Security.SecureString", parameters["WebhookSecret"].TypeName);
        Assert.True(parameters["WebhookSecret"].Has("HiApi.Video.Infrastructure.SecureStringTransformationAttribute"));
        Assert.Equal("System.String[]", parameters["FailPrompt"].TypeName);
        Assert.Equal("System.Int32[]", parameters["RefuseCreate"].TypeName);
        Assert.Equal((0.0, 3600.0), ((double)parameters["RenderSeconds"].ValidateRange!.Value.Min, (double)parameters["RenderSeconds"].ValidateRange!.Value.Max));
        Assert.Equal(0, (int)parameters["OutputLifetimeSeconds"].ValidateRange!.Value.Min);
        Assert.All(parameters.Values, p => Assert.Null(p.Position("__AllParameterSets")));
    }

    [Fact]
    public void RefuseCreate_accepts_exactly_the_statuses_the_stand_in_can_refuse_with()
    {
        var accepted = CmdletParameter.Of(_module.Cmdlet("Start-HiApiMock"))["RefuseCreate"].ValidateSet;

        Assert.Equal(MockServer.RefusableStatuses.Select(status => status.ToString(System.Globalization.CultureInfo.InvariantCulture)), accepted);
    }

    [Fact]
    public void Stop_takes_no_parameters()
        => Assert.Empty(CmdletParameter.Of(_module.Cmdlet("Stop-HiApiMock")));

    [Fact]
    public void The_stand_in_is_shipped_beside_the_module_and_holds_no_PowerShell()
    {
        Assert.True(File.Exists(Path.Combine(_module.ModuleDirectory, "HiApi.Mock.dll")));
        Assert.True(File.Exists(Path.Combine(_module.RepositoryRoot, "HiApi.Mock.Format.ps1xml")));
        var mock = _module.Module.GetReferencedAssemblies().Single(a => a.Name == "HiApi.Mock");
        Assert.DoesNotContain(typeof(MockServer).Assembly.GetReferencedAssemblies(), a => a.Name == "System.Management.Automation");
        Assert.DoesNotContain(typeof(MockServer).Assembly.GetReferencedAssemblies(), a => a.Name!.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.Equal(mock.Version, typeof(MockServer).Assembly.GetName().Version);
    }
}
