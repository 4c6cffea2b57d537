namespace HiApi.Emulator.Tests.Support;

/// <summary>
/// Tests that measure this process's CPU time or memory run alone, after the parallel ones, so other tests' work
/// does not count against them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Measured alone";
}
