namespace HiApi.Client.Tests;

/// <summary>Memory measurements are process-wide: these tests run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NonParallelCollection
{
    public const string Name = "Memory measurements";
}
