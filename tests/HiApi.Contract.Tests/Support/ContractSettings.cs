namespace HiApi.Contract.Tests.Support;

/// <summary>What a contract test needs of a server, in terms both servers can be configured with.</summary>
public sealed record ContractSettings
{
    /// <summary>Creation to success; a quarter queued, a half handling, a quarter archiving (a failing task fails when handling ends).</summary>
    public int RenderMs { get; init; } = 400;

    public int OutputLifetimeSeconds { get; init; } = 3600;

    /// <summary>USD the key may spend; null: unlimited.</summary>
    public decimal? Balance { get; init; }

    public string? WebhookSecret { get; init; }

    public bool CallbackWrapped { get; init; } = true;

    /// <summary>How long a create holds before its task exists (the 409 window).</summary>
    public int CreateDelayMs { get; init; }

    public static ContractSettings Default { get; } = new();
}
