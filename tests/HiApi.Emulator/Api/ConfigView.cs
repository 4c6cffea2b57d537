namespace HiApi.Emulator.Api;

/// <summary>
/// The settings <c>/_emulator/config</c> shows and changes. Null means "not given" in a PUT; for the settings where
/// null is meaningful (off, unlimited, the default), 0 switches a number off and "" a text.
/// </summary>
internal sealed class ConfigView
{
    public int? QueuedMs { get; set; }
    public int? HandlingMs { get; set; }
    public int? ArchivingMs { get; set; }
    public int? OutputLifetimeSeconds { get; set; }
    public int? RateLimitRequests { get; set; }
    public int? RateLimitWindowMs { get; set; }
    public int? RetryAfterSeconds { get; set; }
    public int? CallbackDeliveries { get; set; }
    public bool? CallbackWrapped { get; set; }
    public decimal? PricePerSecond { get; set; }
    public decimal? PriceFactor1080p { get; set; }
    public string? PricingBody { get; set; }
    public int? PricingStatus { get; set; }
    public bool? PricingHangs { get; set; }
    public long? VideoSizeBytes { get; set; }
    public bool? RecordRequests { get; set; }
    public int? IdempotencyWindowSeconds { get; set; }
    public int? CreateProcessingMs { get; set; }
    public bool? CreateSurvivesDisconnect { get; set; }
    public int? BusyAfterCreateCount { get; set; }
    public int? BusyAfterCreateStatus { get; set; }
    public double? ModelUnavailableRate { get; set; }
    public int? LatencyMs { get; set; }
    public long? DownloadBytesPerSecond { get; set; }
    public double? HangRate { get; set; }
    public long? HugeBodyBytes { get; set; }
    public bool? EchoAuthorizationInErrorPages { get; set; }
    public int? EchoAuthorizationAtOffset { get; set; }
    public bool? StorageServesHtml { get; set; }
    public string? StorageContentType { get; set; }
    public bool? StorageOmitContentLength { get; set; }
    public long? TruncateEveryDownloadAtBytes { get; set; }
    public bool? StorageIgnoresRange { get; set; }
    public bool? StorageReplacesObjectOnResume { get; set; }
    public bool? StorageIgnoresIfRange { get; set; }
    public string? StorageRedirectTo { get; set; }
    public string? WebhookSigningKey { get; set; }
    public int? WebhookTimestampSkewSeconds { get; set; }

    public static ConfigView From(EmulatorOptions options) => new()
    {
        QueuedMs = options.QueuedMs,
        HandlingMs = options.HandlingMs,
        ArchivingMs = options.ArchivingMs,
        OutputLifetimeSeconds = options.OutputLifetimeSeconds,
        RateLimitRequests = options.RateLimitRequests ?? 0,
        RateLimitWindowMs = options.RateLimitWindowMs,
        RetryAfterSeconds = options.RetryAfterSeconds,
        CallbackDeliveries = options.CallbackDeliveries,
        CallbackWrapped = options.CallbackWrapped,
        PricePerSecond = options.PricePerSecond,
        PriceFactor1080p = options.PriceFactor1080p,
        PricingBody = options.PricingBody ?? "",
        PricingStatus = options.PricingStatus ?? 0,
        PricingHangs = options.PricingHangs,
        VideoSizeBytes = options.VideoSizeBytes ?? 0,
        RecordRequests = options.RecordRequests,
        IdempotencyWindowSeconds = options.IdempotencyWindowSeconds,
        CreateProcessingMs = options.CreateProcessingMs,
        CreateSurvivesDisconnect = options.CreateSurvivesDisconnect,
        BusyAfterCreateCount = options.BusyAfterCreateCount,
        BusyAfterCreateStatus = options.BusyAfterCreateStatus,
        ModelUnavailableRate = options.ModelUnavailableRate,
        LatencyMs = options.LatencyMs,
        DownloadBytesPerSecond = options.DownloadBytesPerSecond ?? 0,
        HangRate = options.HangRate,
        HugeBodyBytes = options.HugeBodyBytes ?? 0,
        EchoAuthorizationInErrorPages = options.EchoAuthorizationInErrorPages,
        EchoAuthorizationAtOffset = options.EchoAuthorizationAtOffset,
        StorageServesHtml = options.StorageServesHtml,
        StorageContentType = options.StorageContentType ?? "",
        StorageOmitContentLength = options.StorageOmitContentLength,
        TruncateEveryDownloadAtBytes = options.TruncateEveryDownloadAtBytes ?? 0,
        StorageIgnoresRange = options.StorageIgnoresRange,
        StorageReplacesObjectOnResume = options.StorageReplacesObjectOnResume,
        StorageIgnoresIfRange = options.StorageIgnoresIfRange,
        StorageRedirectTo = options.StorageRedirectTo ?? "",
        WebhookSigningKey = options.WebhookSigningKey ?? "",
        WebhookTimestampSkewSeconds = options.WebhookTimestampSkewSeconds,
    };

    public EmulatorOptions ApplyTo(EmulatorOptions options)
    {
        if (QueuedMs is { } queued) options.QueuedMs = queued;
        if (HandlingMs is { } handling) options.HandlingMs = handling;
        if (ArchivingMs is { } archiving) options.ArchivingMs = archiving;
        if (OutputLifetimeSeconds is { } lifetime) options.OutputLifetimeSeconds = lifetime;
        if (RateLimitRequests is { } limit) options.RateLimitRequests = ZeroMeansOff(limit);
        if (RateLimitWindowMs is { } window) options.RateLimitWindowMs = window;
        if (RetryAfterSeconds is { } retryAfter) options.RetryAfterSeconds = retryAfter;
        if (CallbackDeliveries is { } deliveries) options.CallbackDeliveries = deliveries;
        if (CallbackWrapped is { } wrapped) options.CallbackWrapped = wrapped;
        if (PricePerSecond is { } price) options.PricePerSecond = price;
        if (PriceFactor1080p is { } factor) options.PriceFactor1080p = factor;
        if (PricingBody is { } pricingBody) options.PricingBody = EmptyMeansOff(pricingBody);
        if (PricingStatus is { } pricingStatus) options.PricingStatus = ZeroMeansOff(pricingStatus);
        if (PricingHangs is { } pricingHangs) options.PricingHangs = pricingHangs;
        if (VideoSizeBytes is { } size) options.VideoSizeBytes = ZeroMeansOff(size);
        if (RecordRequests is { } record) options.RecordRequests = record;
        if (IdempotencyWindowSeconds is { } idempotencyWindow) options.IdempotencyWindowSeconds = idempotencyWindow;
        if (CreateProcessingMs is { } processing) options.CreateProcessingMs = processing;
        if (CreateSurvivesDisconnect is { } survives) options.CreateSurvivesDisconnect = survives;
        if (BusyAfterCreateCount is { } busyCount) options.BusyAfterCreateCount = busyCount;
        if (BusyAfterCreateStatus is { } busyStatus) options.BusyAfterCreateStatus = busyStatus;
        if (ModelUnavailableRate is { } unavailable) options.ModelUnavailableRate = unavailable;
        if (LatencyMs is { } latency) options.LatencyMs = latency;
        if (DownloadBytesPerSecond is { } rate) options.DownloadBytesPerSecond = ZeroMeansOff(rate);
        if (HangRate is { } hang) options.HangRate = hang;
        if (HugeBodyBytes is { } huge) options.HugeBodyBytes = ZeroMeansOff(huge);
        if (EchoAuthorizationInErrorPages is { } echo) options.EchoAuthorizationInErrorPages = echo;
        if (EchoAuthorizationAtOffset is { } offset) options.EchoAuthorizationAtOffset = offset;
        if (StorageServesHtml is { } html) options.StorageServesHtml = html;
        if (StorageContentType is { } contentType) options.StorageContentType = EmptyMeansOff(contentType);
        if (StorageOmitContentLength is { } omit) options.StorageOmitContentLength = omit;
        if (TruncateEveryDownloadAtBytes is { } cut) options.TruncateEveryDownloadAtBytes = ZeroMeansOff(cut);
        if (StorageIgnoresRange is { } ignoreRange) options.StorageIgnoresRange = ignoreRange;
        if (StorageReplacesObjectOnResume is { } replaces) options.StorageReplacesObjectOnResume = replaces;
        if (StorageIgnoresIfRange is { } ignoreIfRange) options.StorageIgnoresIfRange = ignoreIfRange;
        if (StorageRedirectTo is { } location) options.StorageRedirectTo = EmptyMeansOff(location);
        if (WebhookSigningKey is { } signingKey) options.WebhookSigningKey = EmptyMeansOff(signingKey);
        if (WebhookTimestampSkewSeconds is { } skew) options.WebhookTimestampSkewSeconds = skew;
        return options;
    }

    /// <summary>In a PUT, null means "not given", so 0 stands for the null that switches a number off.</summary>
    private static T? ZeroMeansOff<T>(T value) where T : struct, System.Numerics.INumber<T> => T.IsZero(value) ? null : value;

    /// <summary>In a PUT, null means "not given", so "" stands for the null that switches a text off.</summary>
    private static string? EmptyMeansOff(string value) => value.Length == 0 ? null : value;
}
