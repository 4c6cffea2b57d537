namespace HiApi.Emulator.Hosting;

/// <summary>Rejects settings that make no sense, so a typo fails loudly at start instead of emulating nonsense.</summary>
internal static class OptionsValidator
{
    public static List<string> Problems(EmulatorOptions options)
    {
        var problems = new List<string>();
        void Require(bool condition, string problem)
        {
            if (!condition)
            {
                problems.Add(problem);
            }
        }

        Require(options.QueuedMs >= 0, "QueuedMs must be >= 0");
        Require(options.HandlingMs >= 0, "HandlingMs must be >= 0");
        Require(options.ArchivingMs >= 0, "ArchivingMs must be >= 0");
        Require(options.OutputLifetimeSeconds >= 0, "OutputLifetimeSeconds must be >= 0");
        Require(options.RateLimitRequests is null or >= 1, "RateLimitRequests must be null or >= 1");
        Require(options.RateLimitWindowMs >= 1, "RateLimitWindowMs must be >= 1");
        Require(options.RetryAfterSeconds >= 0, "RetryAfterSeconds must be >= 0");
        Require(options.CallbackDeliveries >= 0, "CallbackDeliveries must be >= 0");
        Require(options.PricePerSecond >= 0, "PricePerSecond must be >= 0");
        Require(options.PriceFactor1080p > 0, "PriceFactor1080p must be > 0");
        Require(options.PricingStatus is null or (>= 400 and <= 599), "PricingStatus must be null or an error status 400..599");
        Require(options.VideoSizeBytes is null or >= 0, "VideoSizeBytes must be null or >= 0");
        Require(options.IdempotencyWindowSeconds >= 0, "IdempotencyWindowSeconds must be >= 0");
        Require(options.CreateProcessingMs >= 0, "CreateProcessingMs must be >= 0");
        Require(options.BusyAfterCreateCount >= 0, "BusyAfterCreateCount must be >= 0");
        Require(options.BusyAfterCreateStatus is 503 or 429, "BusyAfterCreateStatus must be 503 or 429");
        Require(options.ModelUnavailableRate is >= 0 and <= 1, "ModelUnavailableRate must be between 0 and 1");
        Require(options.LatencyMs >= 0, "LatencyMs must be >= 0");
        Require(options.DownloadBytesPerSecond is null or >= 0, "DownloadBytesPerSecond must be null or >= 0");
        Require(options.HangRate is >= 0 and <= 1, "HangRate must be between 0 and 1");
        Require(options.HugeBodyBytes is null or >= 0, "HugeBodyBytes must be null or >= 0");
        Require(options.EchoAuthorizationAtOffset >= 0, "EchoAuthorizationAtOffset must be >= 0");
        Require(IsHeaderValue(options.StorageContentType), "StorageContentType must be printable ASCII (it is a header value)");
        Require(options.TruncateEveryDownloadAtBytes is null or >= 0, "TruncateEveryDownloadAtBytes must be null or >= 0");
        Require(IsHeaderValue(options.StorageRedirectTo), "StorageRedirectTo must be printable ASCII (it is a header value)");
        problems.AddRange(FaultProblems(options.Faults));
        problems.AddRange(KeyProblems(options.ApiKeys));
        return problems;
    }

    public static List<string> FaultProblems(FaultOptions? faults)
    {
        if (faults is null)
        {
            return ["Faults must not be null"];
        }
        var problems = new List<string>();
        void Rate(double rate, string name)
        {
            if (!(rate >= 0 && rate <= 1))
            {
                problems.Add($"Faults.{name} must be between 0 and 1");
            }
        }
        Rate(faults.ServerErrorRate, nameof(faults.ServerErrorRate));
        Rate(faults.DropConnectionRate, nameof(faults.DropConnectionRate));
        Rate(faults.SlowResponseRate, nameof(faults.SlowResponseRate));
        Rate(faults.TooManyRequestsRate, nameof(faults.TooManyRequestsRate));
        Rate(faults.TruncateDownloadRate, nameof(faults.TruncateDownloadRate));
        if (faults.SlowResponseDelayMs < 0)
        {
            problems.Add("Faults.SlowResponseDelayMs must be >= 0");
        }
        return problems;
    }

    public static List<string> KeyProblems(List<EmulatorApiKey>? keys)
    {
        if (keys is null)
        {
            return ["ApiKeys must not be null"];
        }
        var problems = new List<string>();
        // Never name the key itself in a message: only its position.
        for (var i = 0; i < keys.Count; i++)
        {
            var key = keys[i];
            if (key is null || string.IsNullOrWhiteSpace(key.Key) || key.Key.Any(char.IsWhiteSpace))
            {
                problems.Add($"ApiKeys[{i}].Key must be a non-empty string without spaces");
            }
            else if (keys.Take(i).Any(other => other?.Key == key.Key))
            {
                problems.Add($"ApiKeys[{i}].Key repeats an earlier key");
            }
            if (key?.Balance is < 0)
            {
                problems.Add($"ApiKeys[{i}].Balance must be null or >= 0");
            }
        }
        return problems;
    }

    /// <summary>Kestrel refuses control and non-ASCII characters in response headers; refuse them here, with a name.</summary>
    private static bool IsHeaderValue(string? value) => value is null || value.All(c => c is >= ' ' and <= '~');

    public static void ThrowIfInvalid(EmulatorOptions options)
    {
        var problems = Problems(options);
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid emulator options: " + string.Join("; ", problems), nameof(options));
        }
    }
}
