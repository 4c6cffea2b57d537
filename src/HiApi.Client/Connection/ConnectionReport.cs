namespace HiApi.Client;

/// <summary>
/// What <see cref="ConnectionTester"/> found, as one object: the API answering, the key accepted, the price list
/// readable, and each model this module submits to priced. Nothing was created or paid for to find it out.
/// </summary>
public sealed class ConnectionReport
{
    internal ConnectionReport(Uri baseUri, ConnectionCheck api, ConnectionCheck key, ConnectionCheck priceList, IReadOnlyList<ConnectionCheck> models, TimeSpan elapsed)
    {
        BaseUri = baseUri;
        Api = api;
        Key = key;
        PriceList = priceList;
        Models = models;
        Elapsed = elapsed;
    }

    public Uri BaseUri { get; }

    /// <summary>Whether HiAPI answered at all (any answer but a 5xx counts, a 401 included).</summary>
    public ConnectionCheck Api { get; }

    /// <summary>Whether HiAPI accepted the key for <c>GET /v1/tasks?page=1&amp;size=1</c>; not checked without a key.</summary>
    public ConnectionCheck Key { get; }

    /// <summary>Whether <c>GET /api/pricing</c> answered a list this module can read.</summary>
    public ConnectionCheck PriceList { get; }

    /// <summary>One check per model this module submits to: priced by a row it understands.</summary>
    public IReadOnlyList<ConnectionCheck> Models { get; }

    /// <summary>
    /// Whether the key may use each model: always <see cref="CheckStatus.NotChecked"/>, since only a paid create can tell.
    /// Not among <see cref="Checks"/> and not part of <see cref="Passed"/>: it says what the other checks do not prove.
    /// </summary>
    public ConnectionCheck ModelAccess { get; internal init; } = null!;

    /// <summary>Every check, in that order.</summary>
    public IReadOnlyList<ConnectionCheck> Checks => [Api, Key, PriceList, .. Models];

    /// <summary>
    /// True only when every check that can be made without spending passed: a key that was not checked is not a pass.
    /// It does not prove that the key may use a model (<see cref="ModelAccess"/>).
    /// </summary>
    public bool Passed => Checks.All(check => check.Status == CheckStatus.Passed);

    /// <summary>How long the checks took.</summary>
    public TimeSpan Elapsed { get; }

    public override string ToString() => $"{BaseUri}: {(Passed ? "passed" : "not passed")} ({string.Join("; ", Checks.Select(c => $"{c.Name} {c}"))})";
}
