using System.Collections.Concurrent;
using HiApi.Emulator;

namespace HiApi.Client.Tests;

/// <summary>
/// One emulator plus clients pointed at it the way the module builds them (public constructors, pooled
/// HttpClient), with fast retries and timings so a flow takes well under a second.
/// </summary>
public sealed class EmulatorHarness : IAsyncDisposable
{
    public const string Key = "sk-test-emulator";
    public const string TextOnlyKey = "sk-test-text-only";
    public const string LowBalanceKey = "sk-test-low-balance";

    private EmulatorHarness(EmulatorServer server, string directory)
    {
        Server = server;
        Directory = directory;
    }

    public EmulatorServer Server { get; }

    /// <summary>A scratch folder for saved videos, deleted at the end.</summary>
    public string Directory { get; }

    public ConcurrentQueue<string> LogLines { get; } = new();

    public static RetryPolicy FastRetries { get; } = new()
    {
        MaxRetries = 8,
        BaseDelay = TimeSpan.FromMilliseconds(10),
        MaxDelay = TimeSpan.FromMilliseconds(200),
    };

    public static async Task<EmulatorHarness> StartAsync(Action<EmulatorOptions>? configure = null)
    {
        var options = new EmulatorOptions { QueuedMs = 50, HandlingMs = 100, ArchivingMs = 50, RetryAfterSeconds = 1 };
        configure?.Invoke(options);
        var server = await EmulatorServer.StartAsync(options);
        return new EmulatorHarness(server, System.IO.Directory.CreateTempSubdirectory("hiapi-flow-").FullName);
    }

    public HiApiClient Client(string key = Key, RetryPolicy? retryPolicy = null) => new(new HiApiClientOptions
    {
        BaseUri = BaseUriResolver.Resolve(Server.BaseAddress.ToString(), _ => null),
        ApiKey = ApiKey.Resolve(key, _ => null),
        RetryPolicy = retryPolicy ?? FastRetries,
        RequestTimeout = TimeSpan.FromSeconds(20),
        Log = LogLines.Enqueue,
    });

    public static WaitOptions QuickWait(TimeSpan? timeout = null) => new()
    {
        PollInterval = TimeSpan.FromMilliseconds(50),
        Timeout = timeout ?? TimeSpan.FromSeconds(60),
    };

    public DownloadOptions Download(bool force = false) => new() { Force = force, RetryPolicy = FastRetries };

    public IReadOnlyList<RecordedRequest> RequestsOfKind(string kind) => Server.Requests.Where(r => r.Kind == kind).ToList();

    /// <summary>
    /// The recorded requests matching <paramref name="match"/>, once at least <paramref name="count"/> are there:
    /// the emulator records a request after answering it, so the client can be a moment ahead of the log.
    /// </summary>
    public async Task<IReadOnlyList<RecordedRequest>> RecordedAsync(Func<RecordedRequest, bool> match, int count)
    {
        await Eventually.TrueAsync(() => Server.Requests.Count(match) >= count, $"{count} matching requests were recorded");
        return Server.Requests.Where(match).ToList();
    }

    public Task<IReadOnlyList<RecordedRequest>> RecordedAsync(string kind, int count) => RecordedAsync(r => r.Kind == kind, count);

    /// <summary>Waits for every task in <paramref name="tasks"/> and returns the events in arrival order.</summary>
    public static async Task<List<WaitEvent>> WaitAllAsync(HiApiClient client, IEnumerable<HiApiTask> tasks, WaitOptions? options = null)
    {
        await using var waiter = new TaskWaiter(client, options ?? QuickWait());
        foreach (var task in tasks)
        {
            waiter.Add(task);
        }

        waiter.CompleteAdding();
        var events = new List<WaitEvent>();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (await waiter.ReadAsync(limit.Token) is { } next)
        {
            events.Add(next);
        }

        return events;
    }

    public static byte[] FixtureBytes()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "fixtures", "sample.mp4");
            if (File.Exists(candidate))
            {
                return File.ReadAllBytes(candidate);
            }
        }

        throw new FileNotFoundException("tests/fixtures/sample.mp4 not found above " + AppContext.BaseDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
