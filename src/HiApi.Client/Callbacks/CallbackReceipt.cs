namespace HiApi.Client;

/// <summary>
/// One request the listener answered: either the task the body claims (unverified: callbacks are unsigned) or the
/// <see cref="Problem"/> that made it unusable; never both.
/// </summary>
public sealed record CallbackReceipt(DateTimeOffset ReceivedAt, string? RemoteAddress, HiApiTask? Task, string? Problem)
{
    public override string ToString() => Task is not null
        ? $"{ReceivedAt:O} from {RemoteAddress ?? "?"}: {Task}"
        : $"{ReceivedAt:O} from {RemoteAddress ?? "?"}: {Problem}";
}
