using System.Collections.Concurrent;

namespace HiApi.Emulator.Recording;

/// <summary>
/// The requests the emulator received. Counts by kind are always kept (for /_emulator/stats); the full log only
/// while <see cref="EmulatorOptions.RecordRequests"/> is on.
/// </summary>
internal sealed class RequestLog
{
    public const string Create = "create";
    public const string Get = "get";
    public const string List = "list";
    public const string Download = "download";
    public const string Pricing = "pricing";
    public const string Other = "other";

    private readonly ConcurrentQueue<RecordedRequest> _entries = new();
    private readonly ConcurrentDictionary<string, long> _countsByKind = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _createsByUserAgent = new(StringComparer.Ordinal);

    public void Add(RecordedRequest request, bool keepEntry)
    {
        _countsByKind.AddOrUpdate(request.Kind, 1, (_, count) => count + 1);
        if (request.Kind == Create)
        {
            _createsByUserAgent.AddOrUpdate(request.UserAgent ?? string.Empty, 1, (_, count) => count + 1);
        }

        if (keepEntry)
        {
            _entries.Enqueue(request);
        }
    }

    public IReadOnlyList<RecordedRequest> Snapshot() => _entries.ToArray();

    public void Clear() => _entries.Clear();

    public long CountOf(string kind) => _countsByKind.TryGetValue(kind, out var count) ? count : 0;

    /// <summary>Creates received per User-Agent since the start (never cleared): which clients spent money.</summary>
    public IReadOnlyDictionary<string, long> CreatesByUserAgent() => new Dictionary<string, long>(_createsByUserAgent, StringComparer.Ordinal);
}
