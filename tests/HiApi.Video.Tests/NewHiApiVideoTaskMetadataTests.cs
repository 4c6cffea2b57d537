namespace HiApi.Video.Tests;

/// <summary>New-HiApiVideoTask's parameters mirror the API schema of HIAPI-CONTRACT.md exactly.</summary>
public sealed class NewHiApiVideoTaskMetadataTests : IClassFixture<ModuleMetadataFixture>
{
    // Copied from the contract's tables (text-to-video aspect_ratio, resolution), in the contract's order.
    private static readonly string[] ContractAspectRatios = ["16:9", "9:16", "3:4", "4:3", "4:5", "5:4", "1:1", "9:21", "21:9"];
    private static readonly string[] ContractResolutions = ["720p", "1080p"];

    private readonly ModuleMetadata _module;
    private readonly IReadOnlyDictionary<string, CmdletParameter> _parameters;

    public NewHiApiVideoTaskMetadataTests(ModuleMetadataFixture fixture)
    {
        _module = fixture.Metadata;
        _parameters = CmdletParameter.Of(_module.Cmdlet("New-HiApiVideoTask"));
    }

    [Fact]
    public void AspectRatio_accepts_exactly_the_nine_contract_ratios()
        => Assert.Equal(ContractAspectRatios, _parameters["AspectRatio"].ValidateSet);

    [Fact]
    public void Resolution_accepts_exactly_720p_and_1080p()
        => Assert.Equal(ContractResolutions, _parameters["Resolution"].ValidateSet);

    [Fact]
    public void Duration_is_an_integer_ranged_3_to_15_read_strictly_and_completed()
    {
        var duration = _parameters["Duration"];
        Assert.Equal((3, 15), ((int)duration.ValidateRange!.Value.Min, (int)duration.ValidateRange!.Value.Max));
        Assert.Contains("System.Int32", duration.TypeName);
        Assert.True(duration.Has("HiApi.Video.Infrastructure.StrictIntegerAttribute"));
        Assert.True(duration.Has("System.Management.Automation.ArgumentCompleterAttribute"));
    }

    [Fact]
    public void Model_accepts_exactly_the_two_documented_models()
        => Assert.Equal(["happyhorse-1.1/text-to-video", "happyhorse-1.1/image-to-video"], _parameters["Model"].ValidateSet);

    [Fact]
    public void One_parameter_set_so_the_binder_never_answers_for_the_API()
    {
        // With Text and Image sets, -AspectRatio with -ImageUrl was "Parameter set cannot be resolved" instead of the reason.
        var cmdlet = ModuleMetadata.CmdletAttribute(_module.Cmdlet("New-HiApiVideoTask"));
        Assert.True(ModuleMetadata.NamedArgument<bool>(cmdlet, "SupportsShouldProcess"));
        Assert.All(_parameters.Values, parameter => Assert.Equal("__AllParameterSets", Assert.Single(parameter.Sets.Keys)));
    }

    [Fact]
    public void Prompt_is_positional_and_the_pipeline_goes_to_InputObject()
    {
        Assert.Equal(0, _parameters["Prompt"].Position("__AllParameterSets"));
        Assert.False(_parameters["Prompt"].Flag("__AllParameterSets", "Mandatory"));
        var input = _parameters["InputObject"];
        Assert.Equal("System.Management.Automation.PSObject", input.TypeName);
        Assert.True(input.Flag("__AllParameterSets", "ValueFromPipeline"));
    }

    [Theory]
    [InlineData("Prompt")]
    [InlineData("ImageUrl")]
    [InlineData("AspectRatio")]
    [InlineData("Resolution")]
    [InlineData("Duration")]
    [InlineData("Model")]
    [InlineData("CallbackUrl")]
    [InlineData("IdempotencyKey")]
    public void Request_fields_are_read_from_piped_rows_by_the_cmdlet_not_converted_by_the_binder(string name)
    {
        // The binder silently drops a cell it cannot convert and rounds 3.5 to 4: rows are read through InputObject.
        var parameter = _parameters[name];
        Assert.False(parameter.Flag("__AllParameterSets", "ValueFromPipeline"));
        Assert.False(parameter.Flag("__AllParameterSets", "ValueFromPipelineByPropertyName"));
    }

    [Fact]
    public void ThrottleLimit_bounds_the_submissions_in_flight()
    {
        var throttle = _parameters["ThrottleLimit"];
        Assert.Equal("System.Int32", throttle.TypeName);
        Assert.Equal((1, 64), ((int)throttle.ValidateRange!.Value.Min, (int)throttle.ValidateRange!.Value.Max));
    }

    [Fact]
    public void The_key_is_never_bound_from_the_pipeline()
    {
        var key = _parameters["ApiKey"];
        Assert.Equal("System.Security.SecureString", key.TypeName);
        Assert.True(key.Has("HiApi.Video.Infrastructure.SecureStringTransformationAttribute"));
        Assert.All(key.Sets.Keys, set => Assert.False(key.Flag(set, "ValueFromPipelineByPropertyName")));
    }
}
