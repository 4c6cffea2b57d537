using System.Globalization;
using HiApi.Client;

namespace HiApi.TestWorker.Commands;

/// <summary>
/// <c>submit-and-wait --base-uri U --api-key-env NAME --ledger F --count N --prefix P --poll-ms M --out DIR</c>:
/// the client side of a batch run, as the cmdlet pipeline does it, in a process a test can kill. Submits N
/// text-to-video tasks (prompts <c>P-0000</c>, <c>P-0001</c>, ...) through <see cref="HiApiSession"/> with the
/// ledger, waits for them with a <see cref="TaskWaiter"/> polling every M ms, and saves each video into DIR.
/// The API key is read from the environment variable NAME, never from the command line, so it cannot show up in
/// a process listing. Prints, each on its own line as it happens: <c>submitted &lt;id&gt;</c> once the id is in
/// the ledger, <c>waiting</c> after the last submission, <c>receiving &lt;id&gt;</c> when the first bytes of a
/// video arrive, <c>saved &lt;id&gt; &lt;bytes&gt;</c>, and <c>failed &lt;id&gt; &lt;kind&gt;</c> for a task
/// that did not end in a saved video. Exit code 0 when every video was saved, 1 otherwise (an API error goes to
/// stderr), 2 for bad arguments.
/// </summary>
internal static class SubmitAndWaitCommand
{
    public const string Name = "submit-and-wait";

    private static readonly RetryPolicy QuickRetries = new()
    {
        MaxRetries = 10,
        BaseDelay = TimeSpan.FromMilliseconds(50),
        MaxDelay = TimeSpan.FromSeconds(1),
    };

    public static int Run(WorkerArguments arguments)
    {
        var keyVariable = arguments.Required("api-key-env");
        var key = Environment.GetEnvironmentVariable(keyVariable);
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new ArgumentException($"the environment variable {keyVariable} holds no API key");
        }

        var client = new HiApiClient(new HiApiClientOptions
        {
            BaseUri = BaseUriResolver.Resolve(arguments.Required("base-uri"), _ => null),
            ApiKey = ApiKey.Resolve(key, _ => null),
            RetryPolicy = QuickRetries,
            RequestTimeout = TimeSpan.FromSeconds(30),
        });
        var session = new HiApiSession(client, new TaskLedger(arguments.Required("ledger")), warn: Console.Error.WriteLine);
        var run = new Batch(
            session,
            arguments.Required("prefix"),
            arguments.Int32("count", 1),
            TimeSpan.FromMilliseconds(arguments.Int32("poll-ms", 5000)),
            Path.GetFullPath(arguments.Required("out")));
        try
        {
            return run.RunAsync().GetAwaiter().GetResult();
        }
        catch (HiApiException error)
        {
            // The library's messages never contain the key.
            Console.Error.WriteLine($"error {error.Kind}: {error.Message}");
            return 1;
        }
    }

    private sealed class Batch(HiApiSession session, string prefix, int count, TimeSpan pollInterval, string folder)
    {
        private readonly TextWriter _stdout = Console.Out; // autoflushed: the parent reads lines as they come

        public async Task<int> RunAsync()
        {
            Directory.CreateDirectory(folder);
            await using var waiter = new TaskWaiter(session.Client, new WaitOptions
            {
                PollInterval = pollInterval,
                Timeout = TimeSpan.FromMinutes(10),
            });

            for (var index = 0; index < count; index++)
            {
                var prompt = string.Create(CultureInfo.InvariantCulture, $"{prefix}-{index:D4}");
                var task = await session.SubmitAsync(new VideoRequest { Prompt = prompt, Duration = 3, Resolution = "720p" });
                _stdout.WriteLine($"submitted {task.TaskId}");
                waiter.Add(task);
            }

            waiter.CompleteAdding();
            _stdout.WriteLine("waiting");

            var allSaved = true;
            while (await waiter.ReadAsync(CancellationToken.None) is { } finished)
            {
                session.RecordStatus(finished.Task);
                if (finished.Kind != WaitEventKind.Succeeded)
                {
                    _stdout.WriteLine($"failed {finished.Task.TaskId} {finished.Kind}");
                    allSaved = false;
                    continue;
                }

                var result = await session.SaveAsync(
                    finished.Task,
                    SavePathResolver.ResolveTargetFile(folder, finished.Task.TaskId),
                    new DownloadOptions { RetryPolicy = QuickRetries, Progress = new FirstBytesReporter(finished.Task.TaskId, _stdout) });
                _stdout.WriteLine($"saved {finished.Task.TaskId} {result.File.Length}");
            }

            return allSaved ? 0 : 1;
        }
    }

    /// <summary>Says once per video that bytes are arriving: the moment a test kills the process mid-download.</summary>
    private sealed class FirstBytesReporter(string taskId, TextWriter stdout) : IProgress<DownloadProgress>
    {
        private int _reported;

        public void Report(DownloadProgress value)
        {
            if (value.BytesReceived > 0 && Interlocked.Exchange(ref _reported, 1) == 0)
            {
                stdout.WriteLine($"receiving {taskId}");
            }
        }
    }
}
