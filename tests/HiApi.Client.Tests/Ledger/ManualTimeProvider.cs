namespace HiApi.Client.Tests.Ledger;

/// <summary>A clock the test sets by hand, so "updated 40 days ago" needs no waiting.</summary>
public sealed class ManualTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
