namespace HiApi.Emulator;

/// <summary>
/// Faults the emulator injects so clients can prove they survive them. Every rate is a probability 0..1 per request.
/// </summary>
public sealed class FaultOptions
{
    /// <summary>5xx answers, in turn: 500 JSON envelope, 502 HTML page (not JSON), 503 JSON envelope.</summary>
    public double ServerErrorRate { get; set; }

    /// <summary>The connection is aborted without any response.</summary>
    public double DropConnectionRate { get; set; }

    /// <summary>The answer is delayed by <see cref="SlowResponseDelayMs"/>.</summary>
    public double SlowResponseRate { get; set; }

    /// <summary>Delay of a slow answer.</summary>
    public int SlowResponseDelayMs { get; set; } = 2000;

    /// <summary>Random 429 with <c>Retry-After</c>; hits POST too, before the task is accepted.</summary>
    public double TooManyRequestsRate { get; set; }

    /// <summary>Downloads announce the full Content-Length and then the connection is cut after about half.</summary>
    public double TruncateDownloadRate { get; set; }

    /// <summary>
    /// False: 5xx, drops and slow answers hit GET /v1/tasks/{id} and downloads only.
    /// True: they hit POST /v1/tasks too, after the task was created (the "response lost" case).
    /// </summary>
    public bool FaultCreate { get; set; }
}
