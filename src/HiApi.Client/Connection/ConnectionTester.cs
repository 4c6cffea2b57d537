using System.Diagnostics;

namespace HiApi.Client;

/// <summary>
/// Checks, without spending anything, that the module can work: the API answers, the key is accepted (the zero-cost
/// <c>GET /v1/tasks?page=1&amp;size=1</c>), the public price list is readable, and each model this module submits to is
/// priced. It sends no <c>POST</c>. The two requests run side by side; without a key the price list is still checked
/// and the key is reported as not checked.
/// </summary>
public static class ConnectionTester
{
    /// <summary>
    /// Runs the checks against <paramref name="options"/>' base URI with its key (which may be null). The price list is
    /// read fresh and stored in <paramref name="cache"/> (default: the process's), so later estimates use what was checked.
    /// </summary>
    public static Task<ConnectionReport> RunAsync(HiApiClientOptions options, PriceListCache? cache = null, CancellationToken ct = default) =>
        RunAsync(options, new PriceListClient(options), options.ApiKey is null ? null : () => new HiApiClient(options), cache, ct);

    internal static async Task<ConnectionReport> RunAsync(
        HiApiClientOptions options, PriceListClient prices, Func<HiApiClient>? keyedClient, PriceListCache? cache, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var started = Stopwatch.GetTimestamp();
        var priceTask = Attempt(() => (cache ?? PriceListCache.Shared).GetAsync(prices, refresh: true, ct));
        var keyTask = keyedClient is null ? null : Attempt(() => keyedClient().ListTasksAsync(1, 1, ct));
        var (priceList, priceError) = await priceTask.ConfigureAwait(false);
        var (_, keyError) = keyTask is null ? default : await keyTask.ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();

        var host = prices.BaseUri.Host;
        var answers = new List<string> { $"GET /api/pricing {Outcome(priceError)}" };
        if (keyTask is not null)
        {
            answers.Add($"GET /v1/tasks {Outcome(keyError)}");
        }

        var answered = Answered(priceError) || (keyTask is not null && Answered(keyError));
        var api = answered
            ? new ConnectionCheck("API", CheckStatus.Passed, $"answered ({string.Join(", ", answers)})")
            : new ConnectionCheck("API", CheckStatus.Failed, $"no usable answer from {host}: {FirstMessage(keyError, priceError)}");

        var key = keyTask is null
            ? new ConnectionCheck("Key", CheckStatus.NotChecked, "no key was given (-ApiKey, HIAPI_API_KEY or HIAPI_KEY)")
            : keyError switch
            {
                null => new ConnectionCheck("Key", CheckStatus.Passed,
                    "accepted by GET /v1/tasks (free); models not checked"),
                { Kind: HiApiErrorKind.Unauthorized } => new ConnectionCheck("Key", CheckStatus.Failed, keyError.Message),
                { Kind: HiApiErrorKind.Configuration } => new ConnectionCheck("Key", CheckStatus.Failed, keyError.Message),
                _ => new ConnectionCheck("Key", CheckStatus.Unknown, $"could not be checked: {keyError.Message}"),
            };

        var list = priceError is null
            ? new ConnectionCheck("Price list", CheckStatus.Passed, DescribeList(priceList!))
            : new ConnectionCheck("Price list", CheckStatus.Failed, priceError.Message);

        var models = HiApiModels.All.Select(model => priceList is null
                ? new ConnectionCheck(model, CheckStatus.Unknown, "the price list could not be read")
                : priceList.TryGetModel(model, out var price, out var problem)
                    ? new ConnectionCheck(model, CheckStatus.Passed, DescribePrice(price))
                    : new ConnectionCheck(model, CheckStatus.Failed, problem))
            .ToList()
            .AsReadOnly();

        return new ConnectionReport(prices.BaseUri, api, key, list, models, Stopwatch.GetElapsedTime(started)) { ModelAccess = ModelAccess };
    }

    /// <summary>
    /// What no zero-cost request can tell: HiAPI has no model list and no permission endpoint, and only a create says
    /// whether a key may use a model (401 permission_denied, nothing created). Said, never passed off as checked.
    /// </summary>
    private static readonly ConnectionCheck ModelAccess = new(
        "Model access",
        CheckStatus.NotChecked,
        "no zero-cost way to tell which models a key may use; one it may not use is refused at submission " +
        "(401 permission_denied), and nothing is created or paid for.");

    /// <summary>An answer came, and it was not a server failure: the API is up, whatever it thought of the request.</summary>
    private static bool Answered(HiApiException? error) =>
        error is null || (error.StatusCode is { } status && status < 500);

    private static string Outcome(HiApiException? error) => error switch
    {
        null => "200",
        { StatusCode: { } status } => status.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => "no answer",
    };

    private static string FirstMessage(params HiApiException?[] errors) =>
        errors.FirstOrDefault(error => error is not null)?.Message ?? "no answer";

    private static string DescribeList(PriceList list)
    {
        var rows = list.RowCount == 1 ? "1 row" : $"{list.RowCount} rows";
        return list.Problems.Count == 0
            ? $"{rows}, all understood"
            : $"{rows}, {list.Problems.Count} not understood (they price nothing)";
    }

    /// <summary>"$0.01/s; 1080p: $0.015/s": short enough for one line of an 80-column list (Get-HiApiPrice shows it all).</summary>
    private static string DescribePrice(ModelPrice price)
    {
        var parts = new List<string> { price.UsdPerSecond is { } basePrice ? UsdFormat.PerSecond(basePrice) : "no base price" };
        foreach (var policy in price.Policies)
        {
            var rule = policy.Conditions is [{ Match: [string only], With: null }] ? only
                : policy.Conditions.Count == 0 ? "every request"
                : string.Join(" and ", policy.Conditions);
            parts.Add($"{rule}: {UsdFormat.PerSecond(policy.UsdPerSecond)}");
        }

        return string.Join("; ", parts);
    }

    /// <summary>The result or the module's error; anything else (cancellation, a bug) propagates.</summary>
    private static async Task<(T? Value, HiApiException? Error)> Attempt<T>(Func<Task<T>> work)
    {
        try
        {
            return (await work().ConfigureAwait(false), null);
        }
        catch (HiApiException error)
        {
            return (default, error);
        }
    }
}
