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
        return request.With(
            model: Canonical(request.Model, HiApiModels.All),
            aspectRatio: Canonical(request.AspectRatio, HiApiSchema.AspectRatios),
            resolution: Canonical(request.Resolution, HiApiSchema.Resolutions));
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
