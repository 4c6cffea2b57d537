namespace HiApi.Emulator;

/// <summary>
/// Everything that shapes the emulator's behaviour. Bound from the configuration section "Emulator"
/// (e.g. <c>--Emulator:HandlingMs=3000</c>). The instance handed to <see cref="EmulatorServer"/> stays live:
/// changes take effect for later requests; a task keeps the timings and price in force when it was created.
/// </summary>
public sealed class EmulatorOptions
{
    /// <summary>The keys the emulator accepts. Defaults: see <see cref="DefaultApiKeys"/>.</summary>
    public List<EmulatorApiKey> ApiKeys { get; set; } = DefaultApiKeys();

    /// <summary>Price of one generated second; a create reserves duration x this (x <see cref="PriceFactor1080p"/> at 1080p).</summary>
    public decimal PricePerSecond { get; set; } = 0.01m;

    /// <summary>A 1080p second costs this many times <see cref="PricePerSecond"/>; the default price list says so.</summary>
    public decimal PriceFactor1080p { get; set; } = 1.5m;

    /// <summary>
    /// What <c>GET /api/pricing</c> answers, verbatim (rows, malformed rows, text that is not JSON); null: the default
    /// rows, one per model, which follow <see cref="PricePerSecond"/> and <see cref="PriceFactor1080p"/>.
    /// </summary>
    public string? PricingBody { get; set; }

    /// <summary>The price list is down: <c>GET /api/pricing</c> answers this error status (400..599); null: it is served.</summary>
    public int? PricingStatus { get; set; }

    /// <summary>The price list never answers: the request is held until the client gives up (a timeout).</summary>
    public bool PricingHangs { get; set; }

    /// <summary>Milliseconds a task spends in <c>queued</c>.</summary>
    public int QueuedMs { get; set; } = 200;

    /// <summary>Milliseconds a task spends in <c>handling</c>.</summary>
    public int HandlingMs { get; set; } = 500;

    /// <summary>Milliseconds a task spends in <c>archiving</c>.</summary>
    public int ArchivingMs { get; set; } = 200;

    /// <summary>Seconds the output URL stays valid after success (<c>expireAt</c> = success time + this).</summary>
    public int OutputLifetimeSeconds { get; set; } = 3600;

    /// <summary>API requests allowed per key per window; null means no limit.</summary>
    public int? RateLimitRequests { get; set; }

    /// <summary>Length of the sliding rate-limit window in milliseconds.</summary>
    public int RateLimitWindowMs { get; set; } = 1000;

    /// <summary>Value of the <c>Retry-After</c> header on every 429.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>How many times each callback is delivered (2 makes the seeds' duplicates real).</summary>
    public int CallbackDeliveries { get; set; } = 1;

    /// <summary>True: callbacks carry <c>{"code":200,"data":{task},"message":"success"}</c>; false: the bare task.</summary>
    public bool CallbackWrapped { get; set; } = true;

    /// <summary>When set, the MP4 is served padded with a trailing <c>free</c> box to exactly this many bytes.</summary>
    public long? VideoSizeBytes { get; set; }

    /// <summary>
    /// Seconds a create's <c>Idempotency-Key</c> stays bound to its task (on the emulator's clock, from creation):
    /// the same key and body within it replay the first answer.
    /// </summary>
    public int IdempotencyWindowSeconds { get; set; } = 86400;

    /// <summary>
    /// Milliseconds a create holds after its checks and before the task is made, so "the first request with this key
    /// is still being processed" (409) can be observed.
    /// </summary>
    public int CreateProcessingMs { get; set; }

    /// <summary>
    /// True: a create goes on after its client disconnects (a real server does not notice a client gone), so a client that
    /// timed out during <see cref="CreateProcessingMs"/> finds the task later. False: a create abandoned by its client
    /// releases its idempotency key and makes no task.
    /// </summary>
    public bool CreateSurvivesDisconnect { get; set; }

    /// <summary>
    /// After each task is created, the next this-many creates are answered <see cref="BusyAfterCreateStatus"/> before
    /// anything else is looked at (after auth): "the first POST created the task and every retry meets a busy server".
    /// </summary>
    public int BusyAfterCreateCount { get; set; }

    /// <summary>The busy answer of <see cref="BusyAfterCreateCount"/>: 503 <c>SERVICE_UNAVAILABLE</c> or 429 <c>RATE_LIMITED</c>.</summary>
    public int BusyAfterCreateStatus { get; set; } = 503;

    /// <summary>
    /// Probability per create (after validation, before anything is reserved) of a 503 <c>MODEL_UNAVAILABLE</c> with
    /// <c>Retry-After</c>: the model is briefly out of capacity.
    /// </summary>
    public double ModelUnavailableRate { get; set; }

    /// <summary>
    /// Network round trip: milliseconds added before every API answer (errors included) and before a download's first
    /// byte. Real time, not the emulator's clock: it models the wire.
    /// </summary>
    public int LatencyMs { get; set; }

    /// <summary>Per-connection rate at which a video is streamed; null or 0: unlimited.</summary>
    public long? DownloadBytesPerSecond { get; set; }

    /// <summary>
    /// Hostile: probability per API request (create, get, list) of never answering it. The request is held, without
    /// a thread, until the client disconnects or the emulator stops; then the connection is closed unanswered.
    /// </summary>
    public double HangRate { get; set; }

    /// <summary>
    /// Hostile: <c>GET /v1/tasks/{id}</c> answers 200 with the valid envelope padded with whitespace to exactly this
    /// many bytes, streamed, so even GiBs cost the emulator no memory. Null or 0: off.
    /// </summary>
    public long? HugeBodyBytes { get; set; }

    /// <summary>
    /// Hostile: injected 5xx answers become an HTML page whose text is <see cref="EchoAuthorizationAtOffset"/>
    /// characters of filler and then the request's whole Authorization header, to catch a client that quotes error
    /// pages (and so the key) in its messages. Loopback only, like the emulator.
    /// </summary>
    public bool EchoAuthorizationInErrorPages { get; set; }

    /// <summary>Characters of filler before the echoed Authorization value (190: a 200-character excerpt cuts the key).</summary>
    public int EchoAuthorizationAtOffset { get; set; } = 190;

    /// <summary>Hostile storage: a download answers 200 <c>text/html</c> with a small error page instead of the MP4.</summary>
    public bool StorageServesHtml { get; set; }

    /// <summary>Hostile storage: the Content-Type of real MP4 answers (200 and 206); null: <c>video/mp4</c>.</summary>
    public string? StorageContentType { get; set; }

    /// <summary>Hostile storage: MP4 answers are sent chunked, without Content-Length.</summary>
    public bool StorageOmitContentLength { get; set; }

    /// <summary>
    /// Hostile storage: every download attempt's body is cut after this many bytes (the connection is closed);
    /// a body no longer than this is sent whole. Null or 0: off.
    /// </summary>
    public long? TruncateEveryDownloadAtBytes { get; set; }

    /// <summary>Hostile storage: every Range request is answered 200 with the whole file from byte 0.</summary>
    public bool StorageIgnoresRange { get; set; }

    /// <summary>
    /// Hostile storage: the first Range request for a task's video finds the object replaced by another of the same
    /// length and box structure (other media bytes, another ETag and Last-Modified), as a re-upload would; a stale
    /// If-Range then gets 200 and the new object.
    /// </summary>
    public bool StorageReplacesObjectOnResume { get; set; }

    /// <summary>Hostile storage: If-Range is ignored; a Range request is served from whatever object is there now.</summary>
    public bool StorageIgnoresIfRange { get; set; }

    /// <summary>Hostile storage: a download answers 302 with this <c>Location</c> (absolute or relative, any scheme).</summary>
    public string? StorageRedirectTo { get; set; }

    /// <summary>
    /// The webhook signing key of the account: when set, every callback delivery carries <c>X-HiAPI-Timestamp</c> and
    /// <c>X-HiAPI-Signature</c> (HMAC-SHA256 over timestamp, ".", raw body). Null: callbacks are unsigned, as the seeds
    /// describe.
    /// </summary>
    public string? WebhookSigningKey { get; set; }

    /// <summary>Seconds added to the signed timestamp (negative: in the past), to test stale-timestamp rejection.</summary>
    public int WebhookTimestampSkewSeconds { get; set; }

    /// <summary>Injected faults; all rates are probabilities per request.</summary>
    public FaultOptions Faults { get; set; } = new();

    /// <summary>Keep a log of every API and download request.</summary>
    public bool RecordRequests { get; set; } = true;

    /// <summary>Seed for the fault dice; set it to make fault sequences repeatable.</summary>
    public int? RandomSeed { get; set; }

    /// <summary>The three documented keys: all models unlimited, text-to-video only, and 0.05 of balance.</summary>
    public static List<EmulatorApiKey> DefaultApiKeys() =>
    [
        new() { Key = "sk-test-emulator" },
        new() { Key = "sk-test-text-only", AllowedModels = ["happyhorse-1.1/text-to-video"] },
        new() { Key = "sk-test-low-balance", Balance = 0.05m },
    ];
}
