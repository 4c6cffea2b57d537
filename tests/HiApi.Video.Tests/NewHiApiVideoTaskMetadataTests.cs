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
    public void AspectRatio_accepts_exactly_the_nine_contract_ratios_and_only_in_the_text_set()
    {
        var aspect = _parameters["AspectRatio"];
        Assert.Equal(ContractAspectRatios, aspect.ValidateSet);
        Assert.Equal(["Text"], aspect.Sets.Keys);
    }

    [Fact]
    public void Resolution_accepts_exactly_720p_and_1080p_in_both_sets()
    {
        var resolution = _parameters["Resolution"];
        Assert.Equal(ContractResolutions, resolution.ValidateSet);
        Assert.Equal("__AllParameterSets", Assert.Single(resolution.Sets.Keys));
    }

    [Fact]
    public void Duration_is_an_integer_ranged_3_to_15()
    {
        var duration = _parameters["Duration"];
        Assert.Equal((3, 15), ((int)duration.ValidateRange!.Value.Min, (int)duration.ValidateRange!.Value.Max));
        Assert.Contains("System.Int32", duration.TypeName);
    }

    [Fact]
    public void Model_accepts_exactly_the_two_documented_models()
        => Assert.Equal(["happyhorse-1.1/text-to-video", "happyhorse-1.1/image-to-video"], _parameters["Model"].ValidateSet);

    [Fact]
    public void Text_is_the_default_set_and_Image_the_other()
    {
        var cmdlet = ModuleMetadata.CmdletAttribute(_module.Cmdlet("New-HiApiVideoTask"));
        Assert.Equal("Text", ModuleMetadata.NamedArgument<string>(cmdlet, "DefaultParameterSetName"));
        Assert.True(ModuleMetadata.NamedArgument<bool>(cmdlet, "SupportsShouldProcess"));
        var sets = _parameters.Values.SelectMany(p => p.Sets.Keys).Where(s => s != "__AllParameterSets").Distinct().OrderBy(s => s);
        Assert.Equal(["Image", "Text"], sets);
    }

    [Fact]
    public void Prompt_is_mandatory_positional_and_pipeline_bound_in_the_text_set_and_optional_with_an_image()
    {
        var prompt = _parameters["Prompt"];
        Assert.True(prompt.Flag("Text", "Mandatory"));
        Assert.Equal(0, prompt.Position("Text"));
        Assert.True(prompt.Flag("Text", "ValueFromPipeline"));
        Assert.True(prompt.Flag("Text", "ValueFromPipelineByPropertyName"));
        Assert.False(prompt.Flag("Image", "Mandatory"));
        Assert.True(prompt.Flag("Image", "ValueFromPipelineByPropertyName"));
    }

    [Fact]
    public void ImageUrl_is_mandatory_in_the_image_set_only()
    {
        var image = _parameters["ImageUrl"];
        Assert.Equal(["Image"], image.Sets.Keys);
        Assert.True(image.Flag("Image", "Mandatory"));
    }

    [Theory]
    [InlineData("Prompt")]
    [InlineData("ImageUrl")]
    [InlineData("AspectRatio")]
    [InlineData("Resolution")]
    [InlineData("Duration")]
    [InlineData("Model")]
    [InlineData("CallbackUrl")]
    public void Every_request_field_binds_by_property_name_so_each_csv_row_becomes_a_task(string name)
        => Assert.All(_parameters[name].Sets.Keys, set => Assert.True(_parameters[name].Flag(set, "ValueFromPipelineByPropertyName")));

    [Fact]
    public void The_key_is_never_bound_from_the_pipeline()
    {
        var key = _parameters["ApiKey"];
        Assert.Equal("System.Security.SecureString", key.TypeName);
        Assert.All(key.Sets.Keys, set => Assert.False(key.Flag(set, "ValueFromPipelineByPropertyName")));
    }
}
