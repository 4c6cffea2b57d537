namespace HiApi.Video.Tests;

/// <summary>Remove-HiApiTask forgets tasks in the ledger: it asks first (-WhatIf, -Confirm), and it is exported.</summary>
public sealed class RemoveHiApiTaskMetadataTests : IClassFixture<ModuleMetadataFixture>
{
    private readonly ModuleMetadata _module;

    public RemoveHiApiTaskMetadataTests(ModuleMetadataFixture fixture) => _module = fixture.Metadata;

    [Fact]
    public void Remove_supports_WhatIf_and_Confirm_at_medium_impact()
    {
        var attribute = ModuleMetadata.CmdletAttribute(_module.Cmdlet("Remove-HiApiTask"));
        Assert.True(ModuleMetadata.NamedArgument<bool>(attribute, "SupportsShouldProcess"));
        // Medium: forgetting hides a task that may still be running and paid for, but deletes nothing on HiAPI or on disk.
        Assert.Equal(2, ModuleMetadata.NamedArgument<int>(attribute, "ConfirmImpact"));
    }

    [Fact]
    public void Remove_has_only_the_task_and_the_shared_parameters()
    {
        var names = CmdletParameter.Of(_module.Cmdlet("Remove-HiApiTask")).Keys.OrderBy(name => name, StringComparer.Ordinal);
        Assert.Equal(["ApiKey", "BaseUri", "LedgerPath", "NoLedger", "Task"], names);
    }

    [Fact]
    public void Task_status_is_a_64_bit_enum_so_ConvertTo_Json_writes_its_name()
    {
        // PowerShell's ConvertTo-Json writes a 64-bit enum's name and a 32-bit enum's number (unless -EnumsAsStrings).
        var status = _module.Client.GetType("HiApi.Client.HiApiTaskStatus", throwOnError: true)!;
        Assert.Equal("System.Int64", status.GetEnumUnderlyingType().FullName);
    }
}
