namespace HiApi.FaultInjection.Tests.Support;

/// <summary>
/// Every test here drives hundreds of requests or a child process: run them one at a time, so that on a
/// 2-core machine none of them starves another into a timeout.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultSuiteCollection
{
    public const string Name = "Fault injection";
}
