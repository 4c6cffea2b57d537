namespace HiApi.Client;

/// <summary>Raised before each retry so the cmdlets can say what is happening under -Verbose.</summary>
public sealed class RetryingEventArgs : EventArgs
{
    public RetryingEventArgs(int attempt, TimeSpan delay, string reason, string method, string path)
    {
        Attempt = attempt;
        Delay = delay;
        Reason = reason;
        Method = method;
        Path = path;
    }

    /// <summary>The retry number, 1 for the first retry.</summary>
    public int Attempt { get; }

    public TimeSpan Delay { get; }

    /// <summary>Why the previous attempt failed, e.g. "503 Service Unavailable" or "connection refused".</summary>
    public string Reason { get; }

    public string Method { get; }
    public string Path { get; }

    public override string ToString() =>
        $"{Method} {Path}: {Reason}; retry {Attempt} in {Delay.TotalSeconds:0.##} s";
}
