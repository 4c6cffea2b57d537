using HiApi.TestWorker;
using HiApi.TestWorker.Commands;

// Usage: HiApi.TestWorker <command> [--option value ...]. Add a command: one class, one line below.
var commands = new Dictionary<string, Func<WorkerArguments, int>>(StringComparer.Ordinal)
{
    [LedgerAppendCommand.Name] = LedgerAppendCommand.Run,
    [SubmitAndWaitCommand.Name] = SubmitAndWaitCommand.Run,
};

if (args.Length == 0 || !commands.TryGetValue(args[0], out var command))
{
    Console.Error.WriteLine($"usage: HiApi.TestWorker <{string.Join('|', commands.Keys)}> [--option value ...]");
    return 2;
}

try
{
    return command(WorkerArguments.Parse(args.AsSpan(1)));
}
catch (ArgumentException invalid)
{
    Console.Error.WriteLine(invalid.Message);
    return 2;
}
