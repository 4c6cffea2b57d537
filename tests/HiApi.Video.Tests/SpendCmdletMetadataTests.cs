namespace HiApi.Video.Tests;

/// <summary>Get-HiApiPrice and Test-HiApiConnection as PowerShell's binder sees them: read-only commands that spend nothing.</summary>
public sealed class SpendCmdletMetadataTests : IClassFixture<ModuleMetadataFixture>
{
    private readonly ModuleMetadata _module;

    public SpendCmdletMetadataTests(ModuleMetadataFixture fixture) => _module = fixture.Metadata;

    [Fact]
    public void Get_price_takes_model_names_with_wildcards_positionally_and_from_the_Model_of_piped_objects()
    {
        var parameters = CmdletParameter.Of(_module.Cmdlet("Get-HiApiPrice"));
        var model = parameters["Model"];

        Assert.Equal("System.String[]", model.TypeName);
        Assert.Equal(0, model.Position("__AllParameterSets"));
        Assert.False(model.Flag("__AllParameterSets", "Mandatory"));
        Assert.True(model.Flag("__AllParameterSets", "ValueFromPipeline"));
        Assert.True(model.Flag("__AllParameterSets", "ValueFromPipelineByPropertyName"));
        Assert.True(model.Has("System.Management.Automation.SupportsWildcardsAttribute"));
        Assert.True(model.Has("System.Management.Automation.ArgumentCompleterAttribute"));
        Assert.Equal("System.Management.Automation.SwitchParameter", parameters["Refresh"].TypeName);
    }

    [Fact]
    public void Test_connection_has_a_Quiet_switch()
    {
        var parameters = CmdletParameter.Of(_module.Cmdlet("Test-HiApiConnection"));
        Assert.Equal("System.Management.Automation.SwitchParameter", parameters["Quiet"].TypeName);
    }

    [Theory]
    [InlineData("Get-HiApiPrice", "HiApi.Client.ModelPrice")]
    [InlineData("Test-HiApiConnection", "HiApi.Client.ConnectionReport")]
    [InlineData("Test-HiApiConnection", "System.Boolean")]
    public void Each_declares_its_output_type(string name, string outputType)
    {
        var declared = _module.Cmdlet(name).GetCustomAttributesData()
            .Where(a => a.AttributeType.FullName == "System.Management.Automation.OutputTypeAttribute")
            .SelectMany(a => (IEnumerable<System.Reflection.CustomAttributeTypedArgument>)a.ConstructorArguments[0].Value!)
            .Select(v => ((Type)v.Value!).FullName);
        Assert.Contains(outputType, declared);
    }

    [Theory]
    [InlineData("Get-HiApiPrice")]
    [InlineData("Test-HiApiConnection")]
    public void Neither_can_spend_so_neither_asks_for_confirmation(string name)
    {
        Assert.False(ModuleMetadata.NamedArgument<bool>(ModuleMetadata.CmdletAttribute(_module.Cmdlet(name)), "SupportsShouldProcess"));
    }

    [Fact]
    public void The_budget_and_price_errors_are_kinds_of_their_own()
    {
        var kinds = _module.Client.GetType("HiApi.Client.HiApiErrorKind", throwOnError: true)!.GetFields().Where(f => f.IsStatic).Select(f => f.Name);
        Assert.Contains("PriceUnknown", kinds);
        Assert.Contains("BudgetExceeded", kinds);
    }
}
