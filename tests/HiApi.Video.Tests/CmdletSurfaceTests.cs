namespace HiApi.Video.Tests;

/// <summary>The pipeline shapes of Get-, Wait- and Save-, and what every cmdlet shares.</summary>
public sealed class CmdletSurfaceTests : IClassFixture<ModuleMetadataFixture>
{
    private readonly ModuleMetadata _module;

    public CmdletSurfaceTests(ModuleMetadataFixture fixture) => _module = fixture.Metadata;

    [Fact]
    public void Every_cmdlet_takes_ApiKey_as_SecureString_and_BaseUri()
    {
        Assert.NotEmpty(_module.CmdletTypes);
        foreach (var cmdlet in _module.CmdletTypes)
        {
            var parameters = CmdletParameter.Of(cmdlet);
            Assert.Equal("System.Security.SecureString", parameters["ApiKey"].TypeName);
            Assert.Equal("System.String", parameters["BaseUri"].TypeName);
        }
    }

    [Fact]
    public void Get_takes_task_ids_at_position_0_by_value_and_by_property_name_with_alias_Id()
    {
        var taskId = CmdletParameter.Of(_module.Cmdlet("Get-HiApiTask"))["TaskId"];
        var set = Assert.Single(taskId.Sets.Keys);
        Assert.Equal("System.String[]", taskId.TypeName);
        Assert.Equal(0, taskId.Position(set));
        Assert.True(taskId.Flag(set, "ValueFromPipeline"));
        Assert.True(taskId.Flag(set, "ValueFromPipelineByPropertyName"));
        Assert.Contains("Id", taskId.Aliases);
    }

    [Theory]
    [InlineData("Wait-HiApiTask")]
    [InlineData("Save-HiApiVideo")]
    public void Wait_and_Save_take_task_objects_by_value_and_ids_by_property_name(string name)
    {
        var parameters = CmdletParameter.Of(_module.Cmdlet(name));
        var input = parameters["InputObject"];
        Assert.Equal("HiApi.Client.HiApiTask[]", input.TypeName);
        Assert.True(input.Flag(Assert.Single(input.Sets.Keys), "ValueFromPipeline"));
        var taskId = parameters["TaskId"];
        Assert.True(taskId.Flag(Assert.Single(taskId.Sets.Keys), "ValueFromPipelineByPropertyName"));
        Assert.Contains("Id", taskId.Aliases);
        Assert.NotEqual(input.Sets.Keys.Single(), taskId.Sets.Keys.Single());
    }

    [Fact]
    public void Wait_has_timeout_and_poll_interval_in_seconds_with_sane_ranges()
    {
        var parameters = CmdletParameter.Of(_module.Cmdlet("Wait-HiApiTask"));
        Assert.NotNull(parameters["TimeoutSeconds"].ValidateRange);
        Assert.NotNull(parameters["PollIntervalSeconds"].ValidateRange);
        Assert.True(Convert.ToDouble(parameters["PollIntervalSeconds"].ValidateRange!.Value.Min) > 0);
    }

    [Fact]
    public void Save_has_a_Path_and_a_Force_switch_and_supports_WhatIf()
    {
        var cmdlet = _module.Cmdlet("Save-HiApiVideo");
        var parameters = CmdletParameter.Of(cmdlet);
        Assert.Equal("System.String", parameters["Path"].TypeName);
        Assert.Equal("System.Management.Automation.SwitchParameter", parameters["Force"].TypeName);
        Assert.True(ModuleMetadata.NamedArgument<bool>(ModuleMetadata.CmdletAttribute(cmdlet), "SupportsShouldProcess"));
    }

    [Theory]
    [InlineData("New-HiApiVideoTask", "HiApi.Client.HiApiTask")]
    [InlineData("Get-HiApiTask", "HiApi.Client.HiApiTask")]
    [InlineData("Wait-HiApiTask", "HiApi.Client.HiApiTask")]
    [InlineData("Save-HiApiVideo", "System.IO.FileInfo")]
    [InlineData("ConvertFrom-HiApiCallback", "HiApi.Client.HiApiTask")]
    [InlineData("Receive-HiApiCallback", "HiApi.Client.HiApiTask")]
    public void Each_cmdlet_declares_its_output_type(string name, string outputType)
    {
        var declared = _module.Cmdlet(name).GetCustomAttributesData()
            .Where(a => a.AttributeType.FullName == "System.Management.Automation.OutputTypeAttribute")
            .SelectMany(a => (IEnumerable<System.Reflection.CustomAttributeTypedArgument>)a.ConstructorArguments[0].Value!)
            .Select(v => ((Type)v.Value!).FullName);
        Assert.Contains(outputType, declared);
    }

    [Fact]
    public void Get_has_a_Pending_switch_in_a_set_of_its_own()
    {
        var pending = CmdletParameter.Of(_module.Cmdlet("Get-HiApiTask"))["Pending"];
        Assert.Equal("System.Management.Automation.SwitchParameter", pending.TypeName);
        Assert.Equal(["Pending"], pending.Sets.Keys);
        Assert.True(pending.Flag("Pending", "Mandatory"));
    }

    [Fact]
    public void Every_cmdlet_can_point_at_another_ledger_or_switch_it_off()
    {
        foreach (var cmdlet in _module.CmdletTypes)
        {
            var parameters = CmdletParameter.Of(cmdlet);
            Assert.Equal("System.String", parameters["LedgerPath"].TypeName);
            Assert.Equal("System.Management.Automation.SwitchParameter", parameters["NoLedger"].TypeName);
        }
    }

    [Fact]
    public void ConvertFrom_callback_takes_any_body_from_the_pipeline()
    {
        var body = CmdletParameter.Of(_module.Cmdlet("ConvertFrom-HiApiCallback"))["Body"];
        var set = Assert.Single(body.Sets.Keys);
        Assert.Equal("System.Object", body.TypeName);
        Assert.True(body.Flag(set, "Mandatory"));
        Assert.True(body.Flag(set, "ValueFromPipeline"));
    }

    [Fact]
    public void Receive_callback_needs_a_prefix_and_takes_awaited_tasks_from_the_pipeline()
    {
        var parameters = CmdletParameter.Of(_module.Cmdlet("Receive-HiApiCallback"));
        Assert.True(parameters["Prefix"].Flag("__AllParameterSets", "Mandatory"));
        Assert.Equal(0, parameters["Prefix"].Position("__AllParameterSets"));
        Assert.True(parameters["InputObject"].Flag("__AllParameterSets", "ValueFromPipeline"));
        Assert.NotNull(parameters["Count"].ValidateRange);
        Assert.NotNull(parameters["SweepAfterSeconds"].ValidateRange);
    }

    [Fact]
    public void The_client_library_does_not_reference_PowerShell()
        => Assert.DoesNotContain(_module.Client.GetReferencedAssemblies(), a => a.Name == "System.Management.Automation");

    [Fact]
    public void Task_status_enum_has_the_API_states_plus_Unknown()
    {
        var status = _module.Client.GetType("HiApi.Client.HiApiTaskStatus", throwOnError: true)!;
        Assert.Equal(["Queued", "Handling", "Archiving", "Success", "Fail", "Unknown"], status.GetFields().Where(f => f.IsStatic).Select(f => f.Name));
    }
}
