namespace HiApi.Client;

/// <summary>One check of a <see cref="ConnectionReport"/>: what was checked, how it came out, and what was seen.</summary>
public sealed class ConnectionCheck
{
    internal ConnectionCheck(string name, CheckStatus status, string detail)
    {
        Name = name;
        Status = status;
        Detail = detail;
    }

    /// <summary>"API", "Key", "Price list", or a model id.</summary>
    public string Name { get; }

    public CheckStatus Status { get; }

    /// <summary>What was seen, in words: the answer, the price, or why not.</summary>
    public string Detail { get; }

    /// <summary>"Passed: detail" ("Not checked: ..." for <see cref="CheckStatus.NotChecked"/>).</summary>
    public override string ToString() => $"{(Status == CheckStatus.NotChecked ? "Not checked" : Status.ToString())}: {Detail}";
}
