namespace HiApi.Client.Tests.Ledger;

/// <summary>
/// Tests that start child processes run alone: five busy processes on a 2-core machine would otherwise slow
/// every other test running beside them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LedgerProcessCollection
{
    public const string Name = "Ledger child processes";
}
