using HiApi.Client;
using HiApi.Client.Tests.Ledger;

namespace HiApi.TestWorker.Commands;

/// <summary>
/// <c>ledger-append --ledger FILE --prefix P [--count N]</c>: records <see cref="LedgerSampleEntries"/> entries
/// P-00000, P-00001, ... and prints each task id on its own line right after <see cref="TaskLedger.RecordSubmitted"/>
/// returns, i.e. once the entry is durable. Without a positive count it appends until killed, for crash tests.
/// </summary>
internal static class LedgerAppendCommand
{
    public const string Name = "ledger-append";

    public static int Run(WorkerArguments arguments)
    {
        var ledger = new TaskLedger(arguments.Required("ledger"));
        var prefix = arguments.Required("prefix");
        var count = arguments.Int32("count", 0);
        var stdout = Console.Out; // autoflushed: the parent reads ids as they come
        for (var index = 0; count <= 0 || index < count; index++)
        {
            var entry = LedgerSampleEntries.Create(prefix, index);
            ledger.RecordSubmitted(entry);
            stdout.WriteLine(entry.TaskId);
        }

        return 0;
    }
}
