namespace HiApi.Client;

/// <summary>
/// PowerShell's ValidateSet accepts any case ("720P"), but HiAPI's enums are case-sensitive: before validation, a
/// value that matches a contract value but for case is rewritten to the contract's spelling. Anything else is left
/// as given, so the validator still reports it in the API's words.
/// </summary>
public static class RequestNormalizer
{
    public static VideoRequest Normalize(VideoRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var normalized = request.WithIdempotencyKey(request.IdempotencyKey);
        normalized.Model = Canonical(request.Model, HiApiModels.All) ?? request.Model;
        normalized.AspectRatio = Canonical(request.AspectRatio, HiApiSchema.AspectRatios);
        normalized.Resolution = Canonical(request.Resolution, HiApiSchema.Resolutions);
        return normalized;
    }

    private static string? Canonical(string? value, IReadOnlyList<string> allowed)
    {
        if (value is null)
        {
            return null;
        }

        foreach (var candidate in allowed)
        {
            if (string.Equals(candidate, value, StringComparison.OrdinalIgnoreCase))
            {
                return candidate;
            }
        }

        return value;
    }
}
