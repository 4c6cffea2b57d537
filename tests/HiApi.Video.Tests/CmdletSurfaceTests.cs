namespace HiApi.Video.Tests;

/// <summary>The pipeline shapes of Get-, Wait- and Save-, and what every cmdlet shares.</summary>
public sealed class CmdletSurfaceTests : IClassFixture<ModuleMetadataFixture>
{
    private readonly ModuleMetadata _module;

    public CmdletSurfaceTests(ModuleMetadataFixture fixture) => _module = fixture.Metadata;

    [Fact]
    public void Every_cmdlet_that_talks_to_HiAPI_takes_ApiKey_as_SecureString_and_BaseUri()
    {
        Assert.Equal(_module.CmdletTypes.Count - 2, _module.ApiCmdletTypes.Count);
        foreach (var cmdlet in _module.ApiCmdletTypes)
        {
            var parameters = CmdletParameter.Of(cmdlet);
            Assert.Equal("System.Security.SecureString", parameters["ApiKey"].TypeName);
            Assert.Equal("System.String", parameters["BaseUri"].TypeName);
        }
    }

    [Theory]
    [InlineData("Get-HiApiTask")]
    [InlineData("Wait-HiApiTask")]
    [InlineData("Save-HiApiVideo")]
    [InlineData("Remove-HiApiTask")]
    public void Every_cmdlet_that_takes_a_task_takes_objects_and_ids_positionally_and_from_the_pipeline_the_same_way(string name)
    {
        var task = CmdletParameter.Of(_module.Cmdlet(name))["Task"];
        var set = Assert.Single(task.Sets.Keys);
        Assert.Equal("System.Management.Automation.PSObject[]", task.TypeName);
        Assert.Equal(0, task.Position(set));
        Assert.True(task.Flag(set, "ValueFromPipeline"));
        Assert.True(task.Has("System.Management.Automation.ArgumentCompleterAttribute"));
        if (name == "Save-HiApiVideo")
        {
            // Save takes a folder second: piped tasks reach an InputObject of their own, so `| Save-HiApiVideo ./clips` binds,
            // and -Task is not mandatory (a positional folder after a pipe leaves it unbound; the cmdlet checks instead).
            Assert.False(task.Flag(set, "Mandatory"));
            Assert.Equal(["TaskId", "Id"], task.Aliases);
            var piped = CmdletParameter.Of(_module.Cmdlet(name))["InputObject"];
            Assert.Equal("System.Management.Automation.PSObject", piped.TypeName);
            Assert.True(piped.Flag(Assert.Single(piped.Sets.Keys), "ValueFromPipeline"));
        }
        else
        {
            Assert.True(task.Flag(set, "Mandatory"));
            Assert.Equal(["TaskId", "Id", "InputObject"], task.Aliases);
        }
    }

    [Fact]
    public void Save_takes_the_path_second_and_a_throttle_limit()
    {
        var parameters = CmdletParameter.Of(_module.Cmdlet("Save-HiApiVideo"));
        Assert.Equal(1, parameters["Path"].Position("__AllParameterSets"));
        Assert.Equal((1, 64), ((int)parameters["ThrottleLimit"].ValidateRange!.Value.Min, (int)parameters["ThrottleLimit"].ValidateRange!.Value.Max));
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
    [InlineData("Get-HiApiSubmission", "HiApi.Client.LedgerSubmission")]
    [InlineData("Wait-HiApiTask", "HiApi.Client.HiApiTask")]
    [InlineData("Save-HiApiVideo", "System.IO.FileInfo")]
    [InlineData("ConvertFrom-HiApiCallback", "HiApi.Client.HiApiTask")]
    [InlineData("Receive-HiApiCallback", "HiApi.Client.HiApiTask")]
    [InlineData("Start-HiApiMock", "HiApi.Mock.MockServer")]
    public void Each_cmdlet_declares_its_output_type(string name, string outputType)
    {
        var declared = _module.Cmdlet(name).GetCustomAttributesData()
            .Where(a => a.AttributeType.FullName == "System.Management.Automation.OutputTypeAttribute")
            .SelectMany(a => (IEnumerable<System.Reflection.CustomAttributeTypedArgument>)a.ConstructorArguments[0].Value!)
            .Select(v => ((Type)v.Value!).FullName);
        Assert.Contains(outputType, declared);
    }

    [Fact]
    public void Get_lists_the_ledger_by_default_and_has_Pending_and_Reconcile_in_sets_of_their_own()
    {
        var cmdlet = _module.Cmdlet("Get-HiApiTask");
        Assert.Equal("Ledger", ModuleMetadata.NamedArgument<string>(ModuleMetadata.CmdletAttribute(cmdlet), "DefaultParameterSetName"));
        var parameters = CmdletParameter.Of(cmdlet);
        foreach (var name in new[] { "Pending", "Reconcile" })
        {
            Assert.Equal("System.Management.Automation.SwitchParameter", parameters[name].TypeName);
            Assert.Equal([name], parameters[name].Sets.Keys);
        }

        Assert.True(parameters["Pending"].Flag("Pending", "Mandatory"));
        // -Since alone selects the Reconcile set, so -Reconcile need not be typed with it.
        Assert.False(parameters["Reconcile"].Flag("Reconcile", "Mandatory"));
        Assert.Equal(["Reconcile"], parameters["Since"].Sets.Keys);
    }

    [Fact]
    public void Every_cmdlet_that_talks_to_HiAPI_can_point_at_another_ledger_or_switch_it_off()
    {
        foreach (var cmdlet in _module.ApiCmdletTypes)
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
        Assert.True(parameters["Task"].Flag("__AllParameterSets", "ValueFromPipeline"));
        Assert.Equal("System.Management.Automation.PSObject[]", parameters["Task"].TypeName);
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
