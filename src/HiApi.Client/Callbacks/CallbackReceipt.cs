namespace HiApi.Client;

/// <summary>
/// One request the listener answered: either the task the body claims or the <see cref="Problem"/> that made it
/// unusable; never both. The claim is HiAPI's own only when <see cref="Signature"/> is <see cref="CallbackSignatureCheck.Valid"/>;
/// otherwise it is a hint that must be verified with a GET.
/// </summary>
public sealed record CallbackReceipt(DateTimeOffset ReceivedAt, string? RemoteAddress, HiApiTask? Task, string? Problem)
{
    public CallbackSignatureCheck Signature { get; init; }

    public override string ToString() => Task is not null
        ? $"{ReceivedAt:O} from {RemoteAddress ?? "?"}: {Task}"
        : $"{ReceivedAt:O} from {RemoteAddress ?? "?"}: {Problem}";
}
